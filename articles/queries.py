"""The readers' hottest queries, compiled to SQL once per process (``prepared.py`` says how and why).

The article page (the article; its tags and credits; its related box with the thread's previous and next article),
every page's section menu, and the first and last pages of the lists (and the
pages their links continue from, ``lists.py``). Each is built from ``Article.objects.published()`` like every other
public query, with the time as a parameter, so the visibility rule keeps its one place and the SQL stays the same.
Staff previews, the middle of long lists, search and feeds use plain querysets.
"""

import datetime
import enum
import functools
import operator
from collections import Counter
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, models, router
from django.db.models import Exists, Func, OuterRef, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from articles import fields, pagination
from articles.links import slug_url
from articles.models import Article, ArticleTag, Author, Contribution, FrontPage, RelatedPick, Section, Tag
from articles.prepared import PreparedQuery, PreparedRows

# How many articles the article page's "Bài liên quan" box lists.
RELATED = 4
# How many of an article's tags, primary first, its related box looks through (one part of its query each).
RELATED_TAGS = 5
# How many of the hand-picked related articles typed in a preview it shows from (one query shape for any number).
TYPED_PICKS = 2 * RELATED

_visible_by_slug = PreparedQuery(
    Article,
    lambda slug, now: Article.objects.published(now).for_reading().filter(slug=slug),
    slug=str,
    now=datetime.datetime,
)
# Whether an id is an article readers may see: each most-read beacon asks (articles/most_read.py).
_visible_id = PreparedQuery(
    Article, lambda pk, now: Article.objects.published(now).filter(pk=pk).only("id"), pk=int, now=datetime.datetime
)
# With what the front page's blocks need of each (`front_sections`): it reads the menu's sections.
_section_menu = PreparedQuery(
    Section, lambda: Section.objects.only("name", "slug", "on_front", "front_position", "front_count")
)


def visible_by_slug(slug):
    """The article at `slug` as its own page shows it (`for_reading()`), or None if readers may not see it."""
    found = _visible_by_slug(slug=slug, now=timezone.now())
    return found[0] if found else None


# What one query reads of some articles besides their own rows, in one UNION ALL of like columns: each one's author
# and each further credit (with the person behind its pen name), and each tag. The article querysets do not join the
# author: it is read here, with the other credits it is printed with. Two prefetches would be two queries, and
# Django's prefetch makes a queryset per article and relation; building this query with the ORM on each request cost a
# third of a page: it is compiled once per process for each number of ids (rounded up to a power of two: a few sizes).
# The article page reads its own in its related box's query (`related_to`).
class _Extra(enum.IntEnum):
    """Which part of the credits and tags query a row comes from (negative: apart from the related box's `_Tier`s)."""

    AUTHOR = -3
    CREDIT = -2
    TAG = -1


# The columns of each row of the credits and tags query: which part it comes from, the article, the row's position
# there and id (the order), the author's or tag's id, name and slug, the person behind a pen name, the credit's role.
_EXTRA = ("kind", "owner", "position", "row", "ref", "name", "slug", "person", "person_name", "person_slug", "role")


def load_credits_and_tags(articles, tags=True):
    """`articles`, each with its author (`Article.author`, with the person behind a pen name) and credits
    (`Article.credits`: the author as first writer, then its contributions' authors) and its tags in the article's
    order as `ordered_tags` (`article.tags.all()` orders them by name, and makes a manager each time): one query for
    them all, none for no article. Without `tags`, the credits only (cards print no tags)."""
    saved = {article.pk: article for article in articles if article.pk}  # a new article's preview has no rows
    for article in articles:
        if not article.pk:
            article.ordered_tags = []
    if not saved:
        return articles
    size = 1 << (len(saved) - 1).bit_length()
    ids = {f"id{n}": pk for n, pk in enumerate(saved)}
    ids.update({f"id{n}": 0 for n in range(len(saved), size)})
    _attach(saved, _extras(size, tags)(**ids), tags)
    return articles


def _attach(saved, rows, tags):
    """Set on the articles `saved` ({id: article}) their author, credits and (with `tags`) tags, from `rows` of the
    credits and tags query (`_EXTRA`'s columns), in any order."""
    found = {pk: ([], []) for pk in saved}
    authors, tags_made = {}, {}
    for row in sorted(rows, key=operator.itemgetter(2, 3)):
        kind, article, _, _, ref, name, slug, person, person_name, person_slug, role = row
        if kind == _Extra.TAG:
            tag = tags_made.get(ref) or tags_made.setdefault(ref, _made(Tag, ref, name, slug))
            found[article][1].append(tag)
            continue
        author = authors.get(ref)
        if author is None:
            author = authors[ref] = _made(Author, ref, name, slug, person)
            author.pen_name_of = _made(Author, person, person_name, person_slug, None) if person else None
        if kind == _Extra.AUTHOR:
            saved[article].author = author
        else:
            found[article][0].append((author, role))
    for pk, article in saved.items():
        credits, ordered_tags = found[pk]
        article.credits = [(article.author, Contribution.Role.WRITER), *credits] if article.author_id else credits
        if tags:
            article.ordered_tags = ordered_tags


def _made(model, pk, name, slug, *more):
    """A `model` instance of the columns `load_credits_and_tags` reads (the others deferred), made positionally:
    ``Model.__init__``'s fast path, with no field looked up by name."""
    return model.from_db(None, _COLUMNS[model], (pk, name, slug, *more))


_COLUMNS = {
    Author: ("id", "name", "slug", "pen_name_of_id"),
    Tag: ("id", "name", "slug"),
}


def _extra_parts(ids, tags):
    """The parts of the credits and tags query of the articles `ids`, each {column of `_EXTRA`: field or value}."""
    text, number = models.CharField(), models.IntegerField()
    nothing, no_text = Value(None, output_field=number), Value(None, output_field=text)
    people = {
        "ref": "author_id",
        "name": "author__name",
        "slug": "author__slug",
        "person": "author__pen_name_of_id",
        "person_name": "author__pen_name_of__name",
        "person_slug": "author__pen_name_of__slug",
    }
    # Position -1: each article's author comes before its contributions.
    authors = (
        Article.objects.filter(pk__in=ids, author__isnull=False),
        {
            "kind": Value(_Extra.AUTHOR.value),
            "owner": "id",
            "position": Value(-1),
            "row": "id",
            **people,
            "role": Value(Contribution.Role.WRITER, output_field=text),
        },
    )
    credits = (
        Contribution.objects.filter(article_id__in=ids),
        {
            "kind": Value(_Extra.CREDIT.value),
            "owner": "article_id",
            "position": "position",
            "row": "id",
            **people,
            "role": "role",
        },
    )
    parts = [authors, credits]
    if tags:
        parts.append(
            (
                ArticleTag.objects.filter(article_id__in=ids),
                {
                    "kind": Value(_Extra.TAG.value),
                    "owner": "article_id",
                    "position": "position",
                    "row": "id",
                    "ref": "tag_id",
                    "name": "tag__name",
                    "slug": "tag__slug",
                    "person": nothing,
                    "person_name": no_text,
                    "person_slug": no_text,
                    "role": Value("", output_field=text),
                },
            )
        )
    return parts


@functools.lru_cache(maxsize=32)
def _extras(size, tags):
    kinds = {f"id{n}": int for n in range(size)}

    def build(**marks):
        parts = [
            queryset.values_list(*(columns[name] for name in _EXTRA)).order_by()
            for queryset, columns in _extra_parts(list(marks.values()), tags)
        ]
        return parts[0].union(*parts[1:], all=True)

    return PreparedRows(Contribution, build, **kinds)


class _Tier(enum.IntEnum):
    """Which part of the related query a row comes from."""

    PICK = 0
    THREAD = 1
    TAG = 2
    SECTION = 3
    PREVIOUS = 4
    NEXT = 5


class Related(NamedTuple):
    """The article page's related box, and the previous and next articles of its thread (None: none)."""

    articles: list
    previous: Article | None
    next: Article | None


def related_to(article, tags=None, picks=None):
    """`article`'s related box, up to `RELATED` other visible articles: the editors' picks in their order, topped up
    from its thread (newest first), then from articles sharing its first `RELATED_TAGS` tags (those sharing more
    first, then newest; of each tag, its most recently created articles are the candidates), then from its section
    (newest first); and its thread's previous and next visible article, by publication. One query, whatever the
    number of tags.

    Without `tags`, the same query reads the article's own tags and credits, and sets them as `load_credits_and_tags`
    does: the article page's one query for both. A preview gives the `tags` typed (`ordered_tags`), and the ids of the
    hand-picked articles typed, in order (`picks`; the first `TYPED_PICKS`), for the saved ones."""
    if article.pk is None:
        return Related([], None, None)
    own = tags is None
    tag_ids = [] if own else [tag.pk for tag in tags[:RELATED_TAGS]]
    typed = None if picks is None else list(dict.fromkeys(picks))[:TYPED_PICKS]
    now = timezone.now()
    query = _related(
        None if own else len(tag_ids), typed is not None, article.thread_id is not None, article.section_id is not None
    )
    values = {"article": article.pk, "now": now, **{f"tag{i}": pk for i, pk in enumerate(tag_ids)}}
    if typed is not None:
        values.update({f"pick{i}": pk for i, pk in enumerate(_padded(typed, TYPED_PICKS))})
    if article.thread_id is not None:
        values.update(thread=article.thread_id, at=article.published_at or now)
    if article.section_id is not None:
        values["section"] = article.section_id
    # Rows, not model instances (`PreparedQuery.columns`): of the dozen or so read, the box and the links show six
    # at most, and making an instance (its photo's record parsed) costs more than reading its row.
    rows, extras = _split_extras(query.columns(_RELATED_COLUMNS, **values))
    tiers = {tier: [] for tier in _Tier}
    for row in rows:
        tiers[row[0]].append((row[2], row[_EXTRA_END:]))
    if own:
        _attach({article.pk: article}, extras, tags=True)

    def newest(found):
        # By publication, then id, as the lists order; times compare as the database gave them, all alike.
        return sorted(found, key=lambda row: (row[_PUBLISHED], row[0]), reverse=True)

    tagged = {row[0]: row for _, row in tiers[_Tier.TAG]}
    shared = Counter(row[0] for _, row in tiers[_Tier.TAG])  # an article is in the part of each tag it shares
    # The saved picks come with their place; the typed ones are in the order typed.
    rank = (lambda found: typed.index(found[1][0])) if typed is not None else operator.itemgetter(0)
    ordered = [
        *(row for _, row in sorted(tiers[_Tier.PICK], key=rank)),
        *newest(row for _, row in tiers[_Tier.THREAD]),
        *sorted(newest(tagged.values()), key=lambda row: -shared[row[0]]),
        *newest(row for _, row in tiers[_Tier.SECTION]),
    ]
    box = {}
    for row in ordered:
        box.setdefault(row[0], row)  # each once, at its first place
    card = _card_maker(query, _BOX)
    around = [card(tiers[tier][0][1]) if tiers[tier] else None for tier in (_Tier.PREVIOUS, _Tier.NEXT)]
    return Related([card(row) for row in list(box.values())[:RELATED]], *around)


@functools.cache
def _card_maker(query, names):
    """A function making an Article of the values of its columns `names` (the others deferred), as `query.columns`
    read them: one per query and columns, as a query is one per shape."""
    using = router.db_for_read(Article)
    converters = [query.converter(name) for name in names]
    return lambda values: Article.from_db(
        using, names, [convert(value) for convert, value in zip(converters, values, strict=True)]
    )


# A card's columns (`fields.CARD`, as `ArticleQuerySet.cards()` reads them): the id first, then in the model's order,
# as `Model.from_db` takes them.
_CARD = tuple(
    field.attname for field in Article._meta.concrete_fields if field.name == "id" or field.name in fields.CARD
)
# The related box prints no lead and no author, so no join.
_BOX = tuple(name for name in _CARD if name not in ("lead", "author_id"))
_PUBLISHED = _BOX.index("published_at")

# Articles and their credits and tags (`_Extra`) in one query (`_with_extras`), in the same columns: an article's row
# holds a kind of its own (>= 0) in "kind" and, for the related box, its pick's place in "position"; its other columns
# of `_EXTRA` are empty. A credit's or tag's row holds its person's or tag's id, name and slug in the article's "id",
# "headline" and "slug" (`_extras_columns` reads them there), and nothing in the article's others.
_PERSON_AND_ROLE = ("person", "person_name", "person_slug", "role")
_EXTRA_END = len(_EXTRA)
# The article parts' own columns come first, then these, in this order.
_ANNOTATED = ("kind", "position", "owner", "row", *_PERSON_AND_ROLE)


def _extras_columns(names):
    """The columns of each row of a query of articles' columns `names` with their extras (`_with_extras`): `_EXTRA`'s,
    then the articles' own."""
    return ("kind", "owner", "position", "row", "id", "headline", "slug", *_PERSON_AND_ROLE, *names)


# Worked out once: each page reads its rows with them on every request.
_RELATED_COLUMNS = _extras_columns(_BOX)
_FRONT_CARD_COLUMNS = _extras_columns(_CARD)


def _as_article_row(articles, kind, position=None):
    """`articles` (their columns chosen) annotated as an article's row of a query with extras: their `kind`, their
    `position` (0 by default), and the credits' columns empty, typed: PostgreSQL types a UNION's column by its first
    parts, and would take a column of untyped NULLs for text."""
    text, number = models.CharField(), models.IntegerField()
    empty = {name: Cast(Value(None), number if name in ("owner", "row", "person") else text) for name in _ANNOTATED[2:]}
    return articles.annotate(kind=Value(int(kind)), position=Value(0) if position is None else position, **empty)


def _with_extras(articles, names, ids, tags):
    """A UNION ALL of the querysets `articles` (each of the columns `names`, as `_as_article_row` annotates them) and
    the credits (and, with `tags`, the tags) of the articles `ids` (none: no such rows), in the same columns."""
    number = models.IntegerField()
    as_article = {"id": "ref", "headline": "name", "slug": "slug"}
    extras = [
        queryset.values_list(
            *(columns[as_article[name]] if name in as_article else Value(None, output_field=number) for name in names),
            *(columns[name] for name in _ANNOTATED),
        ).order_by()
        for queryset, columns in (_extra_parts(ids, tags=tags) if ids else [])
    ]
    return articles[0].union(*articles[1:], *extras, all=True)


def _split_extras(rows):
    """The rows of a query with extras, read as `_extras_columns` says: (the articles' rows, the extras' rows)."""
    articles, extras = [], []
    for row in rows:
        (extras if row[0] < 0 else articles).append(row)
    return articles, [row[:_EXTRA_END] for row in extras]


# One per shape: the number of tags (None: the article's own, with its credits), whether the picks are typed (a
# preview's, `TYPED_PICKS` ids) or saved, and whether the article has a thread and a section (a part that could find
# nothing is left out). Each tag's candidates are read by its own index range, newest articles first, stopping after a
# few: one range for all the tags would read all their articles.
@functools.cache
def _related(tags, typed, in_thread, in_section):
    own = tags is None
    kinds = {"article": int, "now": datetime.datetime, **{f"tag{i}": int for i in range(tags or 0)}}
    kinds.update({f"pick{i}": int for i in range(TYPED_PICKS if typed else 0)})
    if in_thread:
        kinds.update(thread=int, at=datetime.datetime)
    if in_section:
        kinds["section"] = int

    def build(article, now, thread=None, at=None, section=None, **marks):
        visible = Article.objects.published(now)
        others = visible.exclude(pk=article)
        picks = RelatedPick.objects.filter(article=article)

        def with_ids(ids):
            return Article.objects.filter(pk__in=ids)

        def newest(queryset):
            return with_ids(queryset.order_by("-published_at", "-id").values("pk")[:RELATED])

        def tagged(tag):
            """The links of `tag`'s candidates: its visible articles by its index (tag, article), newest first."""
            candidates = ArticleTag.objects.filter(tag=tag).exclude(article=article)
            return candidates.filter(Exists(visible.filter(pk=OuterRef("article_id")))).order_by("-article_id")

        # Its first tags, primary first (a preview: those typed).
        links = ArticleTag.objects.filter(article=article).order_by("position", "id")
        typed_tags = None if own else [marks[f"tag{i}"] for i in range(tags)]
        picked = [marks[f"pick{i}"] for i in range(TYPED_PICKS)] if typed else picks.values("related")

        parts = [(_Tier.PICK, with_ids(others.filter(pk__in=picked).values("pk")))]
        if in_thread:
            parts.append((_Tier.THREAD, newest(others.filter(thread_id=thread))))
        # An article in the part once for each tag it shares (the box ranks by how many).
        if _arrays(router.db_for_read(Article)):
            # One part for all the tags, each tag's range read by a subquery of its own: a part per tag cost PostgreSQL
            # about twice as much, each part set up apart, even for a tag the article lacks (docs/PERFORMANCE.md).
            if own:  # its first links, found by the article too: the database starts from its few
                first = links.values("pk")[:RELATED_TAGS]
                tags_of, tag = ArticleTag.objects.filter(article=article, pk__in=first), "tag_id"
            else:
                tags_of, tag = Tag.objects.filter(pk__in=typed_tags), "pk"
            each = ArraySubquery(tagged(OuterRef(tag)).values("pk")[:RELATED])
            found = tags_of.annotate(link=Func(each, function="unnest")).values("link")
            parts.append((_Tier.TAG, Article.objects.filter(tag_links__in=found)))
        else:  # no arrays (SQLite): a part per tag, the i-th if it has one
            tag_refs = [Subquery(links.values("tag_id")[i : i + 1]) for i in range(RELATED_TAGS)] if own else typed_tags
            parts += [(_Tier.TAG, with_ids(tagged(tag).values("article_id")[:RELATED])) for tag in tag_refs]
        if in_section:
            parts.append((_Tier.SECTION, newest(others.filter(section_id=section))))
        if in_thread:
            in_it = visible.filter(thread_id=thread)
            previous = in_it.after(at, article).order_by("-published_at", "-id")
            parts.append((_Tier.PREVIOUS, with_ids(previous.values("pk")[:1])))
            parts.append((_Tier.NEXT, with_ids(in_it.back_from(at, article).exclude(pk=article).values("pk")[:1])))
        position = None if typed else Subquery(picks.filter(related=OuterRef("pk")).values("position")[:1])
        rows = [
            _as_article_row(articles.only(*_BOX), tier, position if tier == _Tier.PICK else None).order_by()
            for tier, articles in parts
        ]
        return _with_extras(rows, _BOX, [article] if own else [], tags=True)

    return PreparedQuery(Article, build, **kinds)


def _arrays(using):
    """Whether database `using` has arrays, to read a subquery's rows as one value (PostgreSQL's ``ARRAY()``)."""
    return connections[using].vendor == "postgresql"


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


def visible_id(pk):
    """Whether `pk` is the id of an article readers may see now."""
    return 0 < pk < 2**63 and bool(_visible_id(pk=pk, now=timezone.now()))


def owner_at(model, slug):
    """The section, author (with the person behind a pen name) or tag at `slug` as its page reads it (``sized()``),
    or None. Prepared: building the size's subquery with the ORM on each request cost more than the query."""
    found = _owner_at(model)(slug=slug)
    return found[0] if found else None


@functools.cache
def _owner_at(model):
    owners = model.objects.sized()
    if model is Author:
        owners = owners.select_related("pen_name_of")
    return PreparedQuery(model, lambda slug: owners.filter(slug=slug), slug=str)


def section_menu():
    """Every section, in the editors' order, with what the header's menu prints of it: on every public page."""
    return _section_menu()


# A few hundred at most: three kinds of list × the offsets below pagination.SHALLOW from either end, and the seeks.
@functools.cache
def cards(owner_model, start, limit, offset=0, many=True):
    """The prepared query of a list's cards (`lists.CardList`): "first", `limit` from the `offset`-th; "last", the same
    from the list's end, oldest first; AFTER, `limit` after article `pk`; BEFORE, article `pk` and the `limit` - 1
    before it, oldest first (articles/pagination.py). A seek finds nothing when the list does not show article `pk`.
    Called with `now`, and `owner` (its id) when the list is an `owner_model`'s (`ArticleOwner.listing`, `many` as
    its `many_articles`)."""
    seek = start in (pagination.AFTER, pagination.BEFORE)
    kinds = {"now": datetime.datetime, **({"owner": int} if owner_model else {}), **({"pk": int} if seek else {})}

    def build(now, owner=None, pk=None):
        # A seek's own bound is the article's time: published()'s (now) is written so that SQLite does not start there.
        listed = Article.objects.published(now, seek=seek)
        if owner_model:
            listed = listed.filter(owner_model.listing(owner, many))
        if seek:
            # Where the article is, read in the same query: one round trip, not two. And PostgreSQL keeps one plan for
            # it; given the article's date as a parameter, it planned each seek near the list's end anew.
            # The seek comes first in the WHERE clause: SQLite starts its index range at the first bound on a column.
            at = Subquery(listed.filter(pk=pk).order_by().values("published_at"))
            around = Article.objects.after(at, pk) if start == pagination.AFTER else Article.objects.back_from(at, pk)
            listed = around & listed
        listed = listed.cards()
        return (listed.reverse() if start == "last" else listed)[offset : offset + limit]

    return PreparedQuery(Article, build, **kinds)


# The front page (articles/front.py): the arrangement in force, the candidates' ids and the cards shown (its sections
# are the menu's). The candidates' query depends on the number of sections and their counts (slice bounds are written
# into the SQL), so one is compiled per shape: a handful. Lists of ids have a fixed length per shape, padded with 0 (no
# article's id).
_front_arrangement = PreparedQuery(FrontPage, lambda: FrontPage.objects.order_by("-pk")[:1])


def front_arrangement():
    """The front page's arrangement in force (`FrontPage.objects.current()`), or None."""
    found = _front_arrangement()
    return found[0] if found else None


def front_sections(menu):
    """The sections with a block on the front page, in the editors' order there, of the menu's (`section_menu()`)."""
    return sorted((section for section in menu if section.on_front), key=lambda s: (s.front_position, s.name))


def _padded(ids, length):
    return [*ids, *[0] * (length - len(ids))][:length]


def front_candidates(now, *, newest, sections, picked, breaking, popular, sizes):
    """The visible articles the front page may show, in one query, as `Headline`s: the `newest` newest; each section's
    newest after those, but for the ids `picked` ({section id: how many}, in order); the `picked` and the `breaking`
    one (an id or None); those among the ids `popular`. At most `sizes` = (len picked, len popular) of each. Rows, not
    model instances (`PreparedQuery.columns`): more are read than the few dozen shown. Returns (rows, finish): rows
    whose times compare but may lack their time zone, and `finish(row)`, the row as a page prints it."""
    query = _front_candidates(newest, tuple(sections.values()), *sizes)
    values = {"now": now, "breaking": breaking or 0, **{f"section{i}": pk for i, pk in enumerate(sections)}}
    values.update({f"picked{i}": pk for i, pk in enumerate(_padded(picked, sizes[0]))})
    values.update({f"popular{i}": pk for i, pk in enumerate(_padded(popular, sizes[1]))})
    rows = [Headline(*row) for row in query.columns(Headline._fields, **values)]
    to_time = _time_converter(query)
    return rows, lambda row: row._replace(published_at=to_time(row.published_at))


@functools.cache
def _time_converter(query):
    # The front page converts the same few dozen times on every request: each once per process.
    return functools.lru_cache(maxsize=1024)(query.converter("published_at"))


@functools.cache
def _front_candidates(newest, section_limits, picked, popular):
    kinds = {"now": datetime.datetime, "breaking": int, **{f"section{i}": int for i in range(len(section_limits))}}
    kinds.update({f"picked{i}": int for i in range(picked)})
    kinds.update({f"popular{i}": int for i in range(popular)})

    def build(now, breaking, **ids):
        visible = Article.objects.published(now)
        picked_ids = [ids[f"picked{i}"] for i in range(picked)]
        # PostgreSQL takes a part of a union with an ORDER BY and a LIMIT of its own. SQLite does not: there a part
        # reads the rows of the ids a subquery finds, a second look-up of each row, which cost PostgreSQL's server
        # nearly half of this query's time (docs/PERFORMANCE.md).
        sliced_parts = connections[router.db_for_read(Article)].features.supports_slicing_ordering_in_compound

        def headlines(queryset):
            return queryset.only(*Headline._fields)

        def newest_of(queryset, limit):
            newest_first = queryset.order_by(*Article._meta.ordering)
            if sliced_parts:
                return headlines(newest_first)[:limit]
            return headlines(Article.objects.filter(pk__in=newest_first.values("pk")[:limit])).order_by()

        # A section's articles among the `newest` are read by the first part: each section's part skips them, and the
        # picks.
        newest_ids = visible.order_by(*Article._meta.ordering).values("pk")[:newest]
        others = visible.exclude(pk__in=newest_ids).exclude(pk__in=picked_ids)
        rows = [newest_of(visible, newest)]
        rows += [newest_of(others.filter(section_id=ids[f"section{i}"]), n) for i, n in enumerate(section_limits)]
        rows.append(headlines(visible.filter(pk__in=[*picked_ids, breaking])).order_by())
        if popular:
            rows.append(headlines(visible.filter(pk__in=[ids[f"popular{i}"] for i in range(popular)])).order_by())
        return rows[0].union(*rows[1:], all=True).order_by()

    return PreparedQuery(Article, build, **kinds)


class Headline(NamedTuple):
    """What a headline list of the front page prints of an article: its headline linked, and its time."""

    id: int
    section_id: int | None
    published_at: datetime.datetime
    headline: str
    slug: str

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)


def front_cards(now, slots):
    """{id: card} of the visible articles in the lead and featured `slots` (ids, None for an empty one), as the lists
    print them (`cards()`), the lead's (the first slot's) with its credits (`load_credits_and_tags`, without tags):
    one query."""
    ids = [pk or 0 for pk in slots]
    query = _front_cards(len(ids))
    values = {"now": now, "lead": ids[0], **{f"id{i}": pk for i, pk in enumerate(ids)}}
    rows, extras = _split_extras(query.columns(_FRONT_CARD_COLUMNS, **values))
    card = _card_maker(query, _CARD)
    cards = {article.pk: article for article in (card(row[_EXTRA_END:]) for row in rows)}
    if ids[0] in cards:
        _attach({ids[0]: cards[ids[0]]}, extras, tags=False)
    return cards


@functools.cache
def _front_cards(size):
    kinds = {"now": datetime.datetime, "lead": int, **{f"id{i}": int for i in range(size)}}

    def build(now, lead, **ids):
        cards = Article.objects.published(now).cards().filter(pk__in=[ids[f"id{i}"] for i in range(size)])
        return _with_extras([_as_article_row(cards, 0).order_by()], _CARD, [lead], tags=False)

    return PreparedQuery(Article, build, **kinds)
