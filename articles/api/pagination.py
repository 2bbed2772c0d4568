"""The articles' cursor: a page of a list ends at an article, and the next page starts after it.

The cursor is that article's (publication time, id), the lists' order (newest first, then the larger id), written as
an opaque token in the `next` link. It names a place in the order, not a row: a page continues where the last one
ended whatever was published, edited or taken down since (an article published since is newer, so it is on the
first page, not inserted between two pages a client is reading), and the database seeks to it in the list's index
(``ArticleQuerySet.after``, in ``queries.page``) however deep it is. Nothing is counted.
"""

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_TOKEN = re.compile(r"(-?\d{1,18})\.(\d{1,19})")
MAX_ID = 2**63 - 1

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Cursor(NamedTuple):
    """After the article published at `published_at` with id `pk`, in the lists' order."""

    published_at: datetime
    pk: int

    @classmethod
    def after(cls, article):
        return cls(article.published_at, article.pk)

    def token(self):
        micros = (self.published_at - EPOCH) // MICROSECOND
        return base64.urlsafe_b64encode(f"{micros}.{self.pk}".encode()).decode().rstrip("=")

    @classmethod
    def of(cls, token):
        """The cursor a `next` link carries; ValueError for anything else."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        except (binascii.Error, UnicodeError) as error:
            raise ValueError(token) from error
        found = _TOKEN.fullmatch(text)
        if found is None or not 1 <= int(found[2]) <= MAX_ID:
            raise ValueError(token)
        try:
            return cls(EPOCH + int(found[1]) * MICROSECOND, int(found[2]))
        except OverflowError as error:  # past year 9999
            raise ValueError(token) from error
