"""Paging through 100,000 articles: the public lists without counting them, and every page reached through its ids.

Django's Paginator counts every matching article on every request (to print "page 1 of 5,000") and reads a page with
`LIMIT 20 OFFSET n`, which makes the database fetch every article row before the page's own. At 100,000 articles
that was 230 ms for the count on every page of the home page and 590 ms for its last page on SQLite, and 1 s for
the admin's last page (docs/PERFORMANCE.md). Here instead:

* the public lists (home, section, author) count nothing per request: a page asks for one id more than it shows,
  and that extra id is how it knows a next page exists (``UncountedPaginator``);
* a page's ids come first, from a query the database answers from an index alone (Article's ``*_visible_idx``
  indexes hold every column the visibility rule, the order and the section/author filter read; the admin's order
  is ``article_newest_idx``), so the rows skipped on the way to page n are index entries, never articles; then the
  page's own articles are loaded by id (``page_of``). The admin keeps its count (``IdsFirstPaginator``).

Past the first pages, the links to the next and previous page also name the article they continue from
(``?page=7&sau=<id>``: page 7, the articles after that one; ``truoc``: before it). The database then seeks to that
article in the same index and reads one page from there, as fast as the first page however deep: a reader or a
crawler following "Trang sau" to the end never walks the entries before. The page number is the page's name (its
title, its canonical URL); the article decides what it holds. A bare `?page=N` (an old link, a typed number) walks
the entries before it, or, past the middle of the list, those after it: the last page is as fast as the first. That
takes the list's count, which is remembered until the list changes (``articles.pagecache.remembered``), so it is
counted at most once per change, not per request.
"""

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

__all__ = [
    "AFTER",
    "BEFORE",
    "Cursor",
    "IdsFirstPaginator",
    "LostPlace",
    "UncountedPage",
    "UncountedPaginator",
    "from_end",
    "page_of",
    "without_cursor",
    "written_number",
]

# No list is that long; a larger number would overflow the database's 64-bit OFFSET instead of answering 404.
MAX_PAGE = 10**9


# Up to this offset a public list reads a page in one query (articles.models.CardList): skipping a few dozen rows
# costs less than a second query. The first pages are most of the traffic (measured at 100,000 articles: page 1 in one
# query 25% faster, page 11 already slower).
SHALLOW = 100


# The query parameters of a page link that continues from an article: older than it (after it in the list), newer.
AFTER, BEFORE = "sau", "truoc"


class LostPlace(Exception):
    """The article a page link continues from is not in the list (any more): the page can only be found by number."""


class Cursor(NamedTuple):
    """Where a page link continues from: `direction` (AFTER or BEFORE) the article `pk`."""

    direction: str
    pk: int

    @classmethod
    def of(cls, query):
        """The cursor a page link's query string names, or None. ValueError for one that is not an article id."""
        for direction in (AFTER, BEFORE):
            if direction in query:
                pk = int(query[direction])  # ValueError for junk; also for an id too large for the database
                if not 1 <= pk <= 2**63 - 1:
                    raise ValueError(f"not an article id: {pk}")
                return cls(direction, pk)
        return None


# A page number spelled in any way int() would read it without surprise: ASCII digits, a sign, zeros, spaces.
_NUMBER = re.compile(r"\s*\+?([0-9]+)\s*")


def written_number(value):
    """The page number `value` names as the site writes it in a link: "7" for "7", "007", "+7" or " 7 "; "" for page
    1, which is the bare path; None when `value` names no page so (junk, 0, "last": the list view answers those)."""
    match = _NUMBER.fullmatch(value)
    number = int(match[1]) if match else 0
    if not 1 <= number <= MAX_PAGE:
        return None
    return "" if number == 1 else str(number)


def without_cursor(query):
    """`query` (a QueryDict) as a query string without the article a page link continues from: the page by number."""
    query = query.copy()
    for name in (AFTER, BEFORE):
        query.pop(name, None)
    return f"?{query.urlencode()}" if query else ""


def from_end(offset, limit, count):
    """Where the page of `limit` from the `offset`-th lies counted from the list's other end, if it is past the middle
    of the `count` there are: (start, end), the page being those from start to end in the reverse order, the last
    first. None for a page in the first half, better read from the start."""
    if offset <= count // 2:
        return None
    end = max(count - offset, 0)
    return max(end - limit, 0), end


def page_of(queryset, offset, limit, count=None):
    """``list(queryset[offset:offset + limit])`` in two queries: the ids, which an index can answer alone however deep
    the offset, then the rows of those ids. An object deleted between the two is left out.

    Given `count` (how many the queryset holds), a page past the middle is read from the end, in the reverse order:
    the entries walked are those after the page, not before it, so the last page costs what the first does."""
    ids = queryset.values_list("pk", flat=True)
    tail = None if count is None else from_end(offset, limit, count)
    if tail is None:
        ids = list(ids[offset : offset + limit])
    else:
        start, end = tail
        ids = list(ids.reverse()[start:end])[::-1]
    # Unordered: the ids already are in order, and an ORDER BY could tempt the planner to walk the date index.
    rows = queryset.order_by().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


class UncountedPaginator:
    """A Paginator that never counts, for lists that read their own pages: `object_list.page(offset, limit)`, and
    `object_list.count()` only for `?page=last` (articles.models.CardList). ListView takes it as `paginator_class`."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        # Merging a short last page into the one before needs the count this class avoids.
        if orphans:
            raise ValueError("UncountedPaginator cannot merge orphans: that needs the count it avoids.")
        self.object_list = object_list
        self.per_page = int(per_page)
        self.allow_empty_first_page = allow_empty_first_page

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if not 1 <= number <= MAX_PAGE:
            raise EmptyPage("That page number is out of range")
        return number

    def page(self, number):
        number = self.validate_number(number)
        # One more than a page: whether it comes back tells whether there is a next page.
        found = self.object_list.page((number - 1) * self.per_page, self.per_page + 1)
        if not found and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage("That page contains no results")
        return UncountedPage(found[: self.per_page], number, len(found) > self.per_page, self)

    @cached_property
    def count(self):
        """Only for `?page=last`: the one request that needs to know how many there are."""
        return self.object_list.count()

    @property
    def num_pages(self):
        return max(1, math.ceil(self.count / self.per_page))


class UncountedPage(Sequence):
    """One page: its objects, its number, and whether a next page exists (known without counting)."""

    def __init__(self, object_list, number, has_next, paginator):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next
        self.paginator = paginator

    def __repr__(self):
        return f"<Page {self.number}>"

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        if not self._has_next:
            raise EmptyPage("That page contains no results")
        return self.number + 1

    def previous_page_number(self):
        if self.number <= 1:
            raise EmptyPage("That page number is less than 1")
        return self.number - 1

    def link(self, step):
        """The query parameters of the page `step` (1: next, -1: previous) from this one. Past the pages read in one
        query, the link continues from this page's last (or first) article, so that page is read from there."""
        number = self.number + step
        params = {"page": number, AFTER: None, BEFORE: None}
        if (number - 1) * self.paginator.per_page >= SHALLOW and self.object_list:
            if step > 0:
                params[AFTER] = self.object_list[-1].pk
            else:
                params[BEFORE] = self.object_list[0].pk
        return params


class IdsFirstPaginator(Paginator):
    """Django's Paginator (the admin shows the count and links every page), reading each page through its ids."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Django's: a short last page takes its orphans
            top = self.count
        # The first pages ids first too: with statistics on the small tables (ANALYZE, PRAGMA optimize), SQLite planned
        # a one-query page as a scan of the authors and a sort of their articles, 0.7 s at 100,000.
        return self._get_page(page_of(self.object_list, bottom, top - bottom), number, self)
