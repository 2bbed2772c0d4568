"""The API's hot query, compiled once per process (``articles/prepared.py`` says how and why): a page of the articles
list, from ``Article.objects.published()`` like every public query."""

import functools
from datetime import datetime

from django.utils import timezone

from articles import front, queries
from articles.api import filters
from articles.api.pagination import Cursor
from articles.models import Article
from articles.prepared import PreparedQuery


def page(narrowed_by, cursor, size, few=frozenset()):
    """Up to `size` visible articles (as summaries, with their credits and tags), narrowed by the filters `narrowed_by`
    ({name: value}, from `filters.narrowing()`; `few` from `filters.few()`), after `cursor` (None: from the start), in
    two queries; and the cursor of the next page, None when this one is the last."""
    values = {"now": timezone.now(), **narrowed_by, **({"at": cursor.published_at, "pk": cursor.pk} if cursor else {})}
    # One more than a page: whether it comes back says whether there is a next page.
    found = _page_query(frozenset(narrowed_by), few, cursor is not None, size + 1)(**values)
    return queries.load_credits_and_tags(found[:size]), Cursor.after(found[size - 1]) if len(found) > size else None


# Compiled once per process for each set of filters, with or without a cursor, and page size (the SQL holds the
# LIMIT): Django compiling the SQL again on every request was a fifth of a page (docs/API.md, "Speed"). Most clients
# ask the default size, so few are made; the bound is for the others.
@functools.lru_cache(maxsize=256)
def _page_query(narrowed_by, few, seek, limit):
    kinds = {
        "now": datetime,
        **{name: filters.NARROWING[name] for name in sorted(narrowed_by)},
        **({"at": datetime, "pk": int} if seek else {}),
    }

    def build(now, at=None, pk=None, **narrowing):
        # The seek is the first condition: SQLite starts its index range at the first bound it finds on the date, and
        # the visibility rule's own (before now), written for a seek, is none it starts from.
        articles = Article.objects.after(at, pk) if seek else Article.objects.all()
        return filters.filtered(articles.published(now, seek=seek), few=few, **narrowing).summaries()[:limit]

    return PreparedQuery(Article, build, **kinds)


def summaries(ids, now):
    """The visible articles among `ids`, as summaries with their credits and tags, by id: two queries."""
    found = list(Article.objects.published(now).summaries().filter(pk__in=ids)) if ids else []
    return {article.pk: article for article in queries.load_credits_and_tags(found)}


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
