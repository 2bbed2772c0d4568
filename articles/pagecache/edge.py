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
  article while it is, was or is to be published, of its tags, bylines (``Contribution``) or related picks.
- ``front``, ``lists``: the site's list, its first page and the others (``lists`` also the API's lists of articles and
  of authors). ``section:<id>``: the section's lists, and the pages of its articles (their related box).
  ``author:<id>``: the author's lists. ``thread:<id>``: the thread's page, and the pages of its articles (they name
  it, and its other articles). ``tag:<id>``: the tag's lists. Purged when an article joins, leaves or moves along them
  (``fields.PLACEMENT`` changed, a row created or deleted), by its section, author (and the person behind the pen
  name, whose page lists it too), contributors, thread and tags before and after; ``tag:<id>`` also when an article
  gets or loses the tag, ``author:<id>`` when a contribution is added or removed.
- Tags and threads themselves: a new one is shown nowhere yet; a thread written purges its key and the feeds and
  sitemaps (its name and slug); a tag written, also the pages of its articles, which name it.
- ``feeds``, ``sitemaps``: every feed, every sitemap. Purged by any write of a published or scheduled article.
- ``corrections``: /corrections/ and its feed. Purged by any write of a correction (which also purges its article's
  pages and the feeds).

A draft saved, before and after, touches nothing: no reader saw it or will see it by the clock. The rows linking an
article to a tag or a person say only what they link now: one saved again (not created or deleted) may have linked
another tag or person before, so it purges ``all``.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from articles import fields
from articles.models import (
    Article,
    ArticleTag,
    Author,
    Contribution,
    Correction,
    FrontPage,
    RelatedPick,
    Tag,
    Takedown,
    Thread,
)
from articles.pagecache import purges

ALL = purges.ALL
FRONT, LISTS, FEEDS, SITEMAPS, CORRECTIONS = "front", "lists", "feeds", "sitemaps", "corrections"


def article_key(pk):
    return f"article:{pk}"


def section_key(pk):
    return f"section:{pk}"


def author_key(pk):
    return f"author:{pk}"


def tag_key(pk):
    return f"tag:{pk}"


def thread_key(pk):
    return f"thread:{pk}"


def _cards(articles):
    return [article_key(article.pk) for article in articles]


def _article_page(context):
    article = context["article"]
    owners = [section_key(article.section_id)] if article.section_id else []
    if article.thread_id:
        owners.append(thread_key(article.thread_id))
    owners += [tag_key(tag.pk) for tag in context["tags"]]
    around = [neighbour for neighbour in (context["thread_previous"], context["thread_next"]) if neighbour]
    return [article_key(article.pk), *owners, *_cards(context["related"]), *_cards(around)]


def _thread_page(context):
    lead = context["lead"]
    return [thread_key(context["thread"].pk), *_cards([lead] if lead else []), *_cards(context["articles"])]


def _api_summaries(summaries):
    """An API answer's articles, and the tags and threads they name."""
    keys = []
    for item in summaries:
        keys += [article_key(item["id"]), *(tag_key(tag["id"]) for tag in item["tags"])]
        keys += [thread_key(item["thread"]["id"])] if item["thread"] else []
    return keys


def _api_threads(threads):
    return [
        key for thread in threads for key in (thread_key(thread["id"]), *_api_summaries(filter(None, [thread["lead"]])))
    ]


# What each cached view's response shows: from its template context (`context_data`), the API's from the data it
# returns (`data`), feeds and the rest from nothing but their kind. tests/test_edge_labels.py checks that every view
# in policy.CACHED_VIEWS is here; a view missing from it is never kept by the edge.
LABELS = {
    "articles:index": lambda r: [FRONT, *map(article_key, r.context_data["front"].article_ids())],
    "articles:latest": lambda r: [LISTS, *_cards(r.context_data["articles"])],
    "articles:section": lambda r: [section_key(r.context_data["section"].pk), *_cards(r.context_data["articles"])],
    "articles:author": lambda r: [author_key(r.context_data["author"].pk), *_cards(r.context_data["articles"])],
    "articles:tag": lambda r: [tag_key(r.context_data["tag"].pk), *_cards(r.context_data["articles"])],
    "articles:thread": lambda r: _thread_page(r.context_data),
    "articles:detail": lambda r: _article_page(r.context_data),
    "articles:feed": lambda r: [FEEDS],
    "articles:feed_atom": lambda r: [FEEDS],
    "articles:section_feed": lambda r: [FEEDS],
    "articles:section_feed_atom": lambda r: [FEEDS],
    "articles:tag_feed": lambda r: [FEEDS],
    "articles:tag_feed_atom": lambda r: [FEEDS],
    "articles:thread_feed": lambda r: [FEEDS],
    "articles:thread_feed_atom": lambda r: [FEEDS],
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
    "api:article-list": lambda r: [LISTS, *_api_summaries(r.data["results"])],
    "api:article-detail": lambda r: _api_summaries([r.data]),
    "api:section-list": lambda r: [],
    "api:section-detail": lambda r: [],
    "api:author-list": lambda r: [LISTS],
    "api:author-detail": lambda r: [LISTS],
    # Tags and threads: each with its own key and its articles'; their lists are those with a visible article, a set
    # any publication or take-down may change. The front page's answer: as the page.
    "api:tag-list": lambda r: [LISTS, *(tag_key(tag["id"]) for tag in r.data["results"])],
    "api:tag-detail": lambda r: [tag_key(r.data["id"])],
    "api:thread-list": lambda r: [LISTS, *_api_threads(r.data["results"])],
    "api:thread-detail": lambda r: _api_threads([r.data]),
    "api:front": lambda r: [FRONT, *_api_summaries(a for zone in r.data["zones"] for a in zone["articles"])],
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


def touched(changes, using=DEFAULT_DB_ALIAS):
    """The keys of every page `changes` (``articles.signals.Change``s; None: unknown) may have altered: {ALL} when that
    cannot be told. Rows that name all they touch cost no query; the lists an article moved on or off and a tag's
    articles are looked up (`Reach`)."""
    if changes is None:
        return {ALL}
    reach = Reach()
    for change in changes:
        instance = change.instance
        updated = not (change.created or change.deleted)
        if isinstance(instance, Article):
            if not _article_touched(change, reach):
                return {ALL}
        elif isinstance(instance, Correction):
            # Shown on its article's page (and the API's), on /corrections/ and its feed, and in the feeds' items.
            reach.keys |= {article_key(instance.article_id), CORRECTIONS, FEEDS}
        elif isinstance(instance, Takedown):
            # Its article's status changes in the same act (workflow.take_down, reinstate), which purges the rest.
            reach.keys.add(article_key(instance.article_id))
        elif isinstance(instance, FrontPage):
            # A new arrangement (picks, breaking news) shows on the front page only.
            reach.keys.add(FRONT)
        elif isinstance(instance, RelatedPick):
            # The box on its article's page.
            reach.keys.add(article_key(instance.article_id))
        elif isinstance(instance, ArticleTag | Contribution):
            if updated and change.stored is None:
                return {ALL}  # what it linked before is unknown
            # The article's page and cards (its tags, its byline), the feeds' items; the tag's lists and whether its
            # page is in the sitemap, or the person's lists; and the API's lists of tags and authors (labelled
            # `lists`), which a tag or person with a first visible article joins.
            reach.keys |= {article_key(instance.article_id), FEEDS, LISTS}
            if isinstance(instance, ArticleTag):
                reach.keys |= {tag_key(instance.tag_id), SITEMAPS}
                if change.stored:  # the tag it had before an update in place (TagLinkQuerySet.in_place)
                    reach.keys.add(tag_key(change.stored["tag_id"]))
            else:
                reach.author(instance.author_id)
                if change.stored and change.stored["author_id"] is not None:  # who it named before
                    reach.author(change.stored["author_id"])
        elif isinstance(instance, Thread):
            if not change.created:  # its page and its articles' (labelled with it), its feeds, its slug
                reach.keys |= {thread_key(change.pk), FEEDS, SITEMAPS}
        elif isinstance(instance, Tag):
            if not change.created:  # its lists, feeds and slug; its articles' pages name it (a deleted tag's links say)
                reach.keys |= {tag_key(change.pk), FEEDS, SITEMAPS}
                if updated:
                    reach.tags.add(change.pk)
        else:
            return {ALL}
    return reach.looked_up(using)


class Reach:
    """The keys a set of writes touched: those the rows name, then those found in the database (`looked_up`)."""

    def __init__(self):
        self.keys = set()
        self.authors = set()  # whose lists changed: also their person's (whose page lists every pen name's)
        self.moved = set()  # articles that joined, left or moved along lists: also their tags' and contributors'
        self.tags = set()  # tags renamed: also their articles' pages

    def author(self, pk):
        self.keys.add(author_key(pk))
        self.authors.add(pk)

    def looked_up(self, using):
        """`keys` with what the rows did not name; {ALL} when that is more than one purge can name."""
        if self.moved:
            tags = ArticleTag.objects.using(using).filter(article__in=self.moved).values_list("tag_id", flat=True)
            self.keys |= {tag_key(pk) for pk in set(tags)}
            contributors = Contribution.objects.using(using).filter(article__in=self.moved)
            for pk in set(contributors.values_list("author_id", flat=True)):
                self.author(pk)
        if self.authors:
            names = Author.objects.using(using).filter(pk__in=self.authors, pen_name_of__isnull=False)
            self.keys |= {author_key(pk) for pk in set(names.values_list("pen_name_of_id", flat=True))}
        if self.tags:
            links = ArticleTag.objects.using(using).filter(tag__in=self.tags).values_list("article_id", flat=True)
            articles = list(links[: purges.MOST_KEYS + 1])
            if len(articles) > purges.MOST_KEYS:
                return {ALL}
            self.keys |= {article_key(pk) for pk in articles}
        return self.keys


def _article_touched(change, reach):
    """Add what an article's write touched to `reach`; False when that cannot be told (saved without
    Article.save(): where it was listed is unknown)."""
    if change.stored is None and not (change.created or change.deleted):
        return False
    columns = fields.placement_columns()
    now = {column: getattr(change.instance, column) for column in columns}
    before, after = (now, None) if change.deleted else (None if change.created else change.stored, now)
    shown = [state for state in (before, after) if state and state["status"] == Article.Status.PUBLISHED]
    if not shown:
        return True
    reach.keys |= {FEEDS, SITEMAPS}
    if not change.created:
        reach.keys.add(article_key(change.pk))
    if before is None or after is None or any(before[column] != after[column] for column in columns):
        reach.keys |= {FRONT, LISTS}
        reach.moved.add(change.pk)
        for state in shown:
            reach.author(state["author_id"])
            if state["section_id"]:
                reach.keys.add(section_key(state["section_id"]))
            if state["thread_id"]:
                reach.keys.add(thread_key(state["thread_id"]))
    return True


def content_changed(sender, using=DEFAULT_DB_ALIAS, changes=None, **kwargs):
    """articles.signals.content_changed: every Varnish drops the pages the write touched, once it commits."""
    if settings.VARNISH_URLS:
        keys = touched(changes, using)
        if keys:
            purges.after_commit(keys, using)
