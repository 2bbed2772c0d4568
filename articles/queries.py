"""The readers' hottest queries, compiled to SQL once per process (``prepared.py`` says how and why).

The article page, its related list, every page's section menu, and the first and last pages of the lists (and the
pages their links continue from, ``lists.py``). Each is built from ``Article.objects.published()`` like every other
public query, with the time as a parameter, so the visibility rule keeps its one place and the SQL stays the same.
Staff previews, the middle of long lists, search and feeds use plain querysets.
"""

import datetime
import functools

from django.db.models import Subquery
from django.utils import timezone

from articles import fields, pagination
from articles.models import Article, Section
from articles.prepared import PreparedQuery

# How many articles the article page's "Cùng chuyên mục" box lists.
RELATED = 4

_visible_by_slug = PreparedQuery(
    Article,
    lambda slug, now: Article.objects.published(now).for_reading().filter(slug=slug),
    slug=str,
    now=datetime.datetime,
)
# The related list prints no lead and no author, so no join.
_related = PreparedQuery(
    Article,
    lambda section, article, now: (
        Article.objects.published(now)
        .filter(section_id=section)
        .exclude(pk=article)
        .only(*(name for name in fields.CARD if name not in ("lead", "author")))[:RELATED]
    ),
    section=int,
    article=int,
    now=datetime.datetime,
)
_section_menu = PreparedQuery(Section, lambda: Section.objects.only("name", "slug"))


def visible_by_slug(slug):
    """The article at `slug` as its own page shows it (`for_reading()`), or None if readers may not see it."""
    found = _visible_by_slug(slug=slug, now=timezone.now())
    return found[0] if found else None


def related_to(article):
    """Up to `RELATED` other visible articles of `article`'s section, newest first (none when it has no section)."""
    if article.section_id is None:
        return []
    return _related(section=article.section_id, article=article.pk, now=timezone.now())


def corrections_of(article):
    """The published corrections of `article`, newest first, each marked `replaced` when a later one replaces it:
    one query, and none for an article never corrected (`Article.corrected_at`), which is nearly every article."""
    if article.corrected_at is None:
        return []
    corrections = list(article.corrections.filter(published_at__isnull=False).order_by("-published_at", "-id"))
    replaced = {correction.replaces_id for correction in corrections}
    for correction in corrections:
        correction.replaced = correction.pk in replaced
    return corrections


def section_menu():
    """Every section, in the editors' order, with what the header's menu prints of it: on every public page."""
    return _section_menu()


# A few hundred at most: three kinds of list × the offsets below pagination.SHALLOW from either end, and the seeks.
@functools.cache
def cards(owner_field, start, limit, offset=0):
    """The prepared query of a list's cards (`lists.CardList`): "first", `limit` from the `offset`-th; "last", the same
    from the list's end, oldest first; AFTER, `limit` after article `pk`; BEFORE, article `pk` and the `limit` - 1
    before it, oldest first (articles/pagination.py). A seek finds nothing when the list does not show article `pk`.
    Called with `now`, and `owner` (the section's or author's id) when `owner_field` names one."""
    seek = start in (pagination.AFTER, pagination.BEFORE)
    kinds = {"now": datetime.datetime, **({"owner": int} if owner_field else {}), **({"pk": int} if seek else {})}

    def build(now, owner=None, pk=None):
        listed = Article.objects.published(now)
        if owner_field:
            listed = listed.filter(**{f"{owner_field}_id": owner})
        if seek:
            # Where the article is, read in the same query: one round trip, not two. And PostgreSQL keeps one plan for
            # it; given the article's date as a parameter, it planned each seek near the list's end anew.
            # The seek comes first in the WHERE clause: SQLite starts its index range at the first bound on a column,
            # and published()'s own (now) would walk every entry down to the article.
            at = Subquery(listed.filter(pk=pk).order_by().values("published_at"))
            around = Article.objects.after(at, pk) if start == pagination.AFTER else Article.objects.back_from(at, pk)
            listed = around & listed
        listed = listed.cards()
        return (listed.reverse() if start == "last" else listed)[offset : offset + limit]

    return PreparedQuery(Article, build, **kinds)
