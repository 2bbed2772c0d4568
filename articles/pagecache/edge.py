"""The edge: Varnish (or a CDN) in front of the app servers keeps the pages the page cache keeps, each labelled with
what it shows, and drops them by label when a write changes what they show. docs/CACHING.md ("The edge") has the why.

- **Labels** (``page_keys``): a page the page cache stores carries ``Surrogate-Key``, the keys of what it shows (the
  table below, from what the view rendered: its template context). Stored with the page, so hits carry them too.
- **Lifetime** (``Edge.lifetime``): ``Surrogate-Control: max-age=N, stale-if-error=G`` for shared caches, from the stamp
  the page is served under: never past the next scheduled publication or take-down (``store.py``), grace included,
  and at most ``NEWSROOM_EDGE_SECONDS`` (the bound if a purge is ever lost). Browsers keep ``no-cache`` (``policy.py``).
- **What a write touches** (``touched``): the keys of every page a change may alter, the one rule for it.
- **The purge** (``content_changed``, the receiver ``ArticlesConfig.ready()`` connects): those keys go to every Varnish
  after the transaction commits (``purges.py``).

The keys (docs/CACHING.md has the table, with why):

- ``all``: every labelled page. Purged by a write whose reach cannot be told (``queryset.update()`` of a placement
  column or of many rows, ``bulk_update()``, a raw save, ``migrate``), and by any write of a section (the menu is on
  every page) or an author (names on cards, bylines, feeds).
- ``article:<id>``: its page, and every page printing its card (lists, related boxes). Purged by any write of the
  article while it is, was or is to be published.
- ``front``, ``lists``: the site's list, its first page and the others (``lists`` also the API's lists of articles and
  of authors). ``section:<id>``: the section's lists, and the pages of its articles (their related box).
  ``author:<id>``: the author's lists. Purged when an article joins, leaves or moves along them (``fields.PLACEMENT``
  changed, a row created or deleted), by its section and author before and after.
- ``feeds``, ``sitemaps``: every feed, every sitemap. Purged by any write of a published or scheduled article.
- ``corrections``: /corrections/ and its feed. Purged by any write of a correction (which also purges its article's
  pages and the feeds).

A draft saved, before and after, touches nothing: no reader saw it or will see it by the clock.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from articles import fields
from articles.models import Article, Correction, FrontPage, Takedown
from articles.pagecache import purges

ALL = purges.ALL
FRONT, LISTS, FEEDS, SITEMAPS, CORRECTIONS = "front", "lists", "feeds", "sitemaps", "corrections"


def article_key(pk):
    return f"article:{pk}"


def section_key(pk):
    return f"section:{pk}"


def author_key(pk):
    return f"author:{pk}"


def _cards(articles):
    return [article_key(article.pk) for article in articles]


def _article_page(context):
    article = context["article"]
    section = [section_key(article.section_id)] if article.section_id else []
    around = [neighbour for neighbour in (context["thread_previous"], context["thread_next"]) if neighbour]
    return [article_key(article.pk), *section, *_cards(context["related"]), *_cards(around)]


def _api_articles(data):
    return [article_key(item["id"]) for item in data["results"]]


# What each cached view's response shows: from its template context (`context_data`), the API's from the data it
# returns (`data`), feeds and the rest from nothing but their kind. tests/test_edge_labels.py checks that every view
# in policy.CACHED_VIEWS is here; a view missing from it is never kept by the edge.
LABELS = {
    "articles:index": lambda r: [FRONT, *map(article_key, r.context_data["front"].article_ids())],
    "articles:latest": lambda r: [LISTS, *_cards(r.context_data["articles"])],
    "articles:section": lambda r: [section_key(r.context_data["section"].pk), *_cards(r.context_data["articles"])],
    "articles:author": lambda r: [author_key(r.context_data["author"].pk), *_cards(r.context_data["articles"])],
    "articles:detail": lambda r: _article_page(r.context_data),
    "articles:feed": lambda r: [FEEDS],
    "articles:feed_atom": lambda r: [FEEDS],
    "articles:section_feed": lambda r: [FEEDS],
    "articles:section_feed_atom": lambda r: [FEEDS],
    "articles:corrections": lambda r: [
        CORRECTIONS,
        *(article_key(correction.article_id) for correction in r.context_data["corrections"]),
    ],
    "articles:corrections_feed": lambda r: [CORRECTIONS, FEEDS],
    "robots": lambda r: [],
    "sitemap_index": lambda r: [SITEMAPS],
    "sitemap": lambda r: [SITEMAPS],
    "sitemap_news": lambda r: [SITEMAPS],
    # The API (articles/api/): lists of articles of any filter are purged as the site's list is; its authors are those
    # with a visible article, a set any publication or take-down may change; sections change only with a section.
    "api:index": lambda r: [],
    "api:article-list": lambda r: [LISTS, *_api_articles(r.data)],
    "api:article-detail": lambda r: [article_key(r.data["id"])],
    "api:section-list": lambda r: [],
    "api:section-detail": lambda r: [],
    "api:author-list": lambda r: [LISTS],
    "api:author-detail": lambda r: [LISTS],
    "api:schema": lambda r: [],
    "api:docs": lambda r: [],
}


def page_keys(request, response):
    """The ``Surrogate-Key`` value of a page the page cache stores, or None when its view has no labels."""
    label = LABELS.get(request.resolver_match.view_name)
    if label is None:
        return None
    return " ".join(dict.fromkeys([ALL, *label(response)]))


class Edge:
    """The lifetimes this process gives shared caches, from the settings, looked up once (``local.here()``)."""

    def __init__(self):
        self.seconds = settings.EDGE_SECONDS
        self.grace = settings.EDGE_GRACE_SECONDS
        # Far from the next scheduled change, every page gets the same header.
        self.longest = [("Surrogate-Control", f"max-age={self.seconds}, stale-if-error={self.grace}")]

    def lifetime(self, stamp):
        """The header giving shared caches a page served under `stamp` ([] when too close to its end to keep it).

        Neither the copy nor its grace (served while every app server is down) outlives the stamp's next change:
        a page kept past a take-down time could show the story taken down."""
        remaining = stamp[1] - time.time()
        if remaining >= self.seconds + self.grace:
            return self.longest
        seconds = int(min(self.seconds, remaining))
        if seconds < 1:
            return []
        grace = int(min(self.grace, remaining - seconds))
        return [("Surrogate-Control", f"max-age={seconds}, stale-if-error={grace}")]


def touched(changes):
    """The keys of every page `changes` (``articles.signals.Change``s; None: unknown) may have altered: {ALL} when that
    cannot be told."""
    if changes is None:
        return {ALL}
    keys = set()
    for change in changes:
        instance = change.instance
        if isinstance(instance, Article):
            keys |= _article_touched(change)
        elif isinstance(instance, Correction):
            # Shown on its article's page (and the API's), on /corrections/ and its feed, and in the feeds' items.
            keys |= {article_key(instance.article_id), CORRECTIONS, FEEDS}
        elif isinstance(instance, Takedown):
            # Its article's status changes in the same act (workflow.take_down, reinstate), which purges the rest.
            keys.add(article_key(instance.article_id))
        elif isinstance(instance, FrontPage):
            # A new arrangement (picks, breaking news) shows on the front page only.
            keys.add(FRONT)
        else:
            return {ALL}
    return keys


def _article_touched(change):
    if change.stored is None and not (change.created or change.deleted):
        return {ALL}  # saved without Article.save(): where it was listed is unknown
    columns = fields.placement_columns()
    now = {column: getattr(change.instance, column) for column in columns}
    before, after = (now, None) if change.deleted else (None if change.created else change.stored, now)
    shown = [state for state in (before, after) if state and state["status"] == Article.Status.PUBLISHED]
    if not shown:
        return set()
    keys = {FEEDS, SITEMAPS}
    if not change.created:
        keys.add(article_key(change.pk))
    if before is None or after is None or any(before[column] != after[column] for column in columns):
        keys |= {FRONT, LISTS}
        for state in shown:
            keys.add(author_key(state["author_id"]))
            if state["section_id"]:
                keys.add(section_key(state["section_id"]))
    return keys


def content_changed(sender, using=DEFAULT_DB_ALIAS, changes=None, **kwargs):
    """articles.signals.content_changed: every Varnish drops the pages the write touched, once it commits."""
    if settings.VARNISH_URLS:
        keys = touched(changes)
        if keys:
            purges.after_commit(keys, using)
