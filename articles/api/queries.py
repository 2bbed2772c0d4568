"""The API's hot query, compiled once per process (``articles/prepared.py`` says how and why): a page of the articles
list, from ``Article.objects.published()`` like every public query."""

import functools
import operator
from datetime import datetime

from django.db import models
from django.db.models import Value
from django.utils import timezone

from articles import front
from articles.api import filters
from articles.api.pagination import Cursor
from articles.models import Article, ArticleTag, Author, Contribution, Tag, Thread
from articles.prepared import PreparedQuery, PreparedRows


def page(narrowed_by, cursor, size):
    """Up to `size` visible articles (as summaries, with their credits and tags), narrowed by the filters `narrowed_by`
    ({name: value}, from `filters.narrowing()`), after `cursor` (None: from the start), in two queries; and the cursor
    of the next page, None when this one is the last."""
    values = {"now": timezone.now(), **narrowed_by, **({"at": cursor.published_at, "pk": cursor.pk} if cursor else {})}
    # One more than a page: whether it comes back says whether there is a next page.
    found = _page_query(frozenset(narrowed_by), cursor is not None, size + 1)(**values)
    return with_credits_and_tags(found[:size]), Cursor.after(found[size - 1]) if len(found) > size else None


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


# What one query reads of some articles besides their own rows, in one UNION ALL of like columns: each credit beyond
# the author (with the person behind its pen name) and each tag; for an article read without them (by its slug, as its
# page reads it), its thread and its author's person too. Two prefetches would be two queries, and Django's prefetch
# makes a queryset per article and relation; building this query with the ORM on each request cost a third of a
# page: it is compiled once per process for each number of ids (rounded up to a power of two: a few sizes).
CREDIT, TAG, OWNERS = "credit", "tag", "owners"


def with_credits_and_tags(articles, owners=False):
    """`articles`, each with its contributions (their authors and the people behind pen names) where `Article.credits`
    reads them (the prefetch cache), and its tags in the article's order as `ordered_tags` (`article.tags.all()`
    orders them by name, and makes a manager each time): one query for them all, none for no article. With
    `owners`, each one's thread and its author's person too, for articles read without them (``summaries()`` joins
    them)."""
    if not articles:
        return articles
    size = 1 << (len(articles) - 1).bit_length()
    ids = {f"id{n}": article.pk for n, article in enumerate(articles)}
    ids.update({f"id{n}": 0 for n in range(len(articles), size)})
    by_pk = {article.pk: article for article in articles}
    found = {pk: ([], []) for pk in by_pk}
    authors, tags = {}, {}
    for row in sorted(_extras(size, owners)(**ids), key=operator.itemgetter(2, 3)):
        kind, article, position, pk, ref, name, slug, person, person_name, person_slug, role = row
        if kind == CREDIT:
            author = authors.get(ref) or authors.setdefault(
                ref, _author(ref, name, slug, person, person_name, person_slug)
            )
            made = Contribution(pk, article, ref, role, position)  # positional: Model.__init__'s fast path
            _CREDITED.set_cached_value(made, author)
            found[article][0].append(made)
        elif kind == TAG:
            found[article][1].append(tags.get(ref) or tags.setdefault(ref, Tag(id=ref, name=name, slug=slug)))
        else:
            written = by_pk[article]
            written.thread = Thread(id=ref, name=name, slug=slug) if ref else None
            written.author.pen_name_of = Author(id=person, name=person_name, slug=person_slug) if person else None
    for article in articles:
        cache = getattr(article, "_prefetched_objects_cache", None)
        if cache is None:
            cache = article._prefetched_objects_cache = {}
        cache["contributions"], article.ordered_tags = found[article.pk]
    return articles


_CREDITED = Contribution._meta.get_field("author")


def _author(pk, name, slug, person, person_name, person_slug):
    author = Author(id=pk, name=name, slug=slug)
    author.pen_name_of = Author(id=person, name=person_name, slug=person_slug) if person else None
    return author


@functools.lru_cache(maxsize=32)
def _extras(size, owners):
    kinds = {f"id{n}": int for n in range(size)}

    def build(**marks):
        ids = list(marks.values())
        text, number = models.CharField(), models.IntegerField()
        nothing, no_text = Value(None, output_field=number), Value(None, output_field=text)
        credits = Contribution.objects.filter(article_id__in=ids).values_list(
            Value(CREDIT, output_field=text),
            "article_id",
            "position",
            "id",
            "author_id",
            "author__name",
            "author__slug",
            "author__pen_name_of_id",
            "author__pen_name_of__name",
            "author__pen_name_of__slug",
            "role",
        )
        tags = ArticleTag.objects.filter(article_id__in=ids).values_list(
            Value(TAG, output_field=text),
            "article_id",
            "position",
            "id",
            "tag_id",
            "tag__name",
            "tag__slug",
            nothing,
            no_text,
            no_text,
            Value("", output_field=text),
        )
        parts = [tags]
        if owners:
            parts.append(
                Article.objects.filter(pk__in=ids).values_list(
                    Value(OWNERS, output_field=text),
                    "id",
                    Value(0, output_field=number),
                    "id",
                    "thread_id",
                    "thread__name",
                    "thread__slug",
                    "author__pen_name_of_id",
                    "author__pen_name_of__name",
                    "author__pen_name_of__slug",
                    Value("", output_field=text),
                )
            )
        return credits.order_by().union(*(part.order_by() for part in parts), all=True)

    return PreparedRows(Contribution, build, **kinds)


def summaries(ids, now):
    """The visible articles among `ids`, as summaries with their credits and tags, by id: two queries."""
    found = list(Article.objects.published(now).summaries().filter(pk__in=ids)) if ids else []
    return {article.pk: article for article in with_credits_and_tags(found)}


def with_visible_leads(threads, now=None):
    """`threads`, each with `visible_lead`: its pinned article as a summary while readers may see it, else None."""
    leads = summaries({thread.lead_article_id for thread in threads} - {None}, now or timezone.now())
    for thread in threads:
        thread.visible_lead = leads.get(thread.lead_article_id)
    return threads


# The front page's zones, top to bottom (articles/front.py), and what the API calls each.
ZONE_TITLES = {"lead": "Tin chính", "featured": "Tin nổi bật", "latest": "Tin mới nhất", "most_read": "Đọc nhiều"}


def front_zones(now=None):
    """The front page as `front.assemble()` puts it together, as [(kind, title, section, [summary])], top to bottom:
    the same articles in the same places, each read as a summary."""
    now = now or timezone.now()
    page = front.assemble(now=now)
    found = summaries(page.article_ids(), now)

    def articles(items):
        return [found[item.id] for item in items if item and item.id in found]

    zones = [("breaking", page.breaking, None, articles([page.breaking_article]))] if page.breaking else []
    for kind, shown in (("lead", [page.lead]), ("featured", page.featured), ("latest", page.latest)):
        zones.append((kind, ZONE_TITLES[kind], None, articles(shown)))
    zones += [("section", section.name, section, articles(shown)) for section, shown in page.sections]
    zones.append(("most_read", ZONE_TITLES["most_read"], None, articles(page.most_read)))
    return [zone for zone in zones if zone[0] == "breaking" or zone[3]]
