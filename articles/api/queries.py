"""The API's hot query, compiled once per process (``articles/prepared.py`` says how and why): a page of the articles
list, from ``Article.objects.published()`` like every public query."""

import functools
from datetime import datetime

from django.utils import timezone

from articles.api import filters
from articles.api.pagination import Cursor
from articles.models import Article
from articles.prepared import PreparedQuery


def page(narrowed_by, cursor, size):
    """Up to `size` visible articles (as summaries), narrowed by the filters `narrowed_by` ({name: value}, from
    `filters.narrowing()`), after `cursor` (None: from the start), in one query; and the cursor of the next page, None
    when this one is the last."""
    values = {"now": timezone.now(), **narrowed_by, **({"at": cursor.published_at, "pk": cursor.pk} if cursor else {})}
    # One more than a page: whether it comes back says whether there is a next page.
    found = _page_query(frozenset(narrowed_by), cursor is not None, size + 1)(**values)
    return found[:size], Cursor.after(found[size - 1]) if len(found) > size else None


# Compiled once per process for each set of filters, with or without a cursor, and page size (the SQL holds the
# LIMIT): Django compiling the SQL again on every request was a fifth of a page (docs/API.md, "Speed"). Most clients
# ask the default size, so few are made; the bound is for the others.
@functools.lru_cache(maxsize=256)
def _page_query(narrowed_by, seek, limit):
    kinds = {
        "now": datetime,
        **{name: filters.NARROWING[name] for name in sorted(narrowed_by)},
        **({"at": datetime, "pk": int} if seek else {}),
    }

    def build(now, at=None, pk=None, **narrowing):
        # The seek is the first condition: SQLite starts its index range at the first bound it finds on the date, and
        # the visibility rule's own (before now) would walk every entry from the newest down to the cursor.
        articles = Article.objects.after(at, pk) if seek else Article.objects.all()
        return filters.filtered(articles.published(now), **narrowing).summaries()[:limit]

    return PreparedQuery(Article, build, **kinds)
