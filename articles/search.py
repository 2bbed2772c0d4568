"""Vietnamese full-text search over articles: the one place the search rules live.

API:

* ``index_columns(headline, lead, body, tags)`` -> ``(search_headline, search_text)``: what ``Article`` stores in
  its two search columns (the tags' names with the text: a reader finds an article by its tags' words).
  ``Article.fill_text_columns()`` calls it from ``save()``; bulk writers (``seed_demo``) call that same method;
  ``loaddata`` (which skips ``save()``) by ``Article.fill_derived_after_raw_save``. Tags are linked to a saved
  article, unlinked and renamed apart from its save: ``refresh_tag_words`` refills its columns then.
* ``clean_query(raw)``: the query as it may be shown back to the reader (length-capped, no control characters).
* ``query_words(raw)``: the words a query searches for (at most ``MAX_WORDS``), folded like the index.
* ``search(queryset, raw)`` -> ``SearchResults``: the articles of ``queryset`` holding every word, headline
  matches first, then newest; a sequence Paginator pages through (not a queryset). ``ArticleQuerySet.search()``
  is the public entry: ``Article.objects.published().select_related("author").search(q)``.
* ``matching(queryset, raw)``: the articles of ``queryset`` holding every word, as a queryset, neither ranked nor
  capped: for a list that orders and caps by itself (the admin's article list).

How it is accent-, case- and đ-insensitive: both the stored columns and the query go through
``articles.text.fold`` and are then reduced to runs of letters and digits separated by single spaces. Neither
database ever folds or splits text by its own rules, so SQLite and PostgreSQL see the same words and return
the same articles. The database side, created by migration 0002:

* SQLite: an FTS5 external-content table ``articles_article_fts`` over the two columns, kept in step by SQL
  triggers on ``articles_article`` (so ``queryset.update()`` and raw SQL keep it right too).
* PostgreSQL: generated tsvector columns ``search_vector`` (all the words) and ``search_headline_vector``
  (for ranking), 'simple' configuration, each with a GIN index.

The visibility rule is applied at query time by the caller's queryset (``published()``), never stored in the
index, so publishing or unpublishing (even by ``queryset.update(status=...)``) needs no reindexing.
"""

import re
import unicodedata
from collections.abc import Sequence

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, F, Prefetch, Q, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.utils.functional import cached_property

from articles.sanitize import html_to_text
from articles.text import fold

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "MAX_WORDS",
    "SearchResults",
    "among_ids",
    "clean_query",
    "create_index",
    "drop_index",
    "index_columns",
    "matching",
    "query_words",
    "refresh_tag_words",
    "search",
]

# A reader's query is cut to this many characters before anything else, then to this many words: enough for
# any real headline-length query, and it bounds the work a pasted essay can cause.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
# Results listed for one query (50 pages): past that a reader adds a word rather than paging on, and the cap
# is what keeps a query that matches every article as fast as a rare one.
MAX_RESULTS = 1000

FTS_TABLE = "articles_article_fts"
# Articles whose tag words are refilled at a time (a renamed tag's, every article's after a bulk write of links).
REFILL_BATCH = 500

# Letters and digits of any script are word characters; everything else (punctuation, symbols, underscore,
# control characters, lone surrogates) separates words.
_NON_WORD = re.compile(r"[\W_]+")
# What is stripped from the echoed query: control, format, surrogate, private-use and unassigned code points.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACES = re.compile(r"\s+")


def _words(text: str) -> str:
    """Folded text reduced to words separated by single spaces: the form both the index and queries use."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def index_columns(headline: str, lead: str, body: str, tags=()) -> tuple[str, str]:
    """The two stored search columns: folded headline words, and folded lead + body-text + tag-name words."""
    return _words(headline), _words(" ".join([lead, html_to_text(body), *tags]))


def refresh_tag_words(sender, using=DEFAULT_DB_ALIAS, changes=None, **kwargs):
    """content_changed: refill the search columns of the articles whose tags' words may have changed: a tag linked or
    unlinked (``ArticleTag``, however written: the admin, ``article.tags.add()``, a queryset), a tag renamed. When the
    rows written are unknown (a queryset update or raw save of tags or links), every article's."""
    article_model, link_model, tag_model = (
        apps.get_model("articles", name) for name in ("Article", "ArticleTag", "Tag")
    )
    articles = article_model.objects.using(using)
    if changes is None:
        if sender not in (link_model, tag_model):
            return
        ids = list(articles.values_list("pk", flat=True))
    else:
        linked = {change.instance.article_id for change in changes if isinstance(change.instance, link_model)}
        renamed = [change.pk for change in changes if isinstance(change.instance, tag_model) and not change.created]
        if not linked and not renamed:
            return
        ids = list(articles.filter(Q(pk__in=linked) | Q(tags__in=renamed)).values_list("pk", flat=True).distinct())
    tags = Prefetch("tags", queryset=tag_model.objects.using(using).only("name"))
    for start in range(0, len(ids), REFILL_BATCH):
        batch = list(articles.filter(pk__in=ids[start : start + REFILL_BATCH]).only("headline", "lead", "body"))
        prefetch_related_objects(batch, tags)
        for article in batch:
            article.fill_text_columns()
        articles.bulk_update(batch, ["search_headline", "search_text"])


def clean_query(raw: str) -> str:
    """The query as typed, safe to show and to keep in links: capped length, no unprintable characters."""
    raw = raw[:MAX_QUERY_LENGTH]
    printable = "".join(" " if unicodedata.category(ch) in _UNPRINTABLE_CATEGORIES else ch for ch in raw)
    return _SPACES.sub(" ", printable).strip()


def query_words(raw: str) -> list[str]:
    """The distinct folded words of a query, in order, at most MAX_WORDS; [] when nothing searchable is left."""
    words = _words(clean_query(raw)).split()
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _sqlite_match(words, column=None):
    # Every word is quoted as an FTS5 string, so NEAR/AND/OR/NOT, col:, ^, * and parentheses are plain words;
    # words hold only letters and digits, so there is never a quote to escape. Space between strings = AND.
    prefix = f"{column}:" if column else ""
    expression = " ".join(f'{prefix}"{word}"' for word in words)
    matching_ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])
    # "id + 0" keeps SQLite from looking rows up by the matching ids and sorting them all, which it prefers once
    # ANALYZE has run: reading the date index newest first and stopping at the cap is fast for every query.
    return Q(In(F("id") + 0, matching_ids))


def _postgres_match(words, document):
    # plainto_tsquery ANDs the words and has no syntax to break; the words are already folded.
    sql = f"{document} @@ plainto_tsquery('simple', %s)"
    return Q(RawSQL(sql, [" ".join(words)], output_field=BooleanField()))


def _conditions(vendor, words):
    """(article holds every word, its headline holds every word) as filters for this database."""
    if vendor == "sqlite":
        return _sqlite_match(words), _sqlite_match(words, column="search_headline")
    if vendor == "postgresql":
        return _postgres_match(words, "search_vector"), _postgres_match(words, "search_headline_vector")
    raise NotImplementedError(f"search has no index for the {vendor!r} database")


class SearchResults(Sequence):
    """The ranked matches of one query, at most MAX_RESULTS of them: what Paginator and ListView page through.

    Ranking: articles whose headline holds every word, newest first; then the others holding every word
    anywhere, newest first. Each tier is read newest first from the publication-date index and stops at
    MAX_RESULTS + 1 hits, so a word found in every article costs no more than a rare one, and no query sorts
    or counts all its matches. Whatever the page, that is at most three queries: the headline tier's ids, the
    other tier's ids (skipped when the first already passed the cap), and the page's articles.
    """

    def __init__(self, queryset, words):
        self.queryset = queryset
        self.words = words

    @cached_property
    def _ids(self):
        if not self.words:
            return []
        matches, in_headline = _conditions(connections[self.queryset.db].vendor, self.words)
        newest = self.queryset.select_related(None).order_by("-published_at", "-id").values_list("pk", flat=True)
        ids = list(newest.filter(in_headline)[: MAX_RESULTS + 1])
        if len(ids) <= MAX_RESULTS:
            ids += newest.filter(matches).exclude(in_headline)[: MAX_RESULTS + 1 - len(ids)]
        return ids

    @property
    def capped(self):
        """True when more articles match than are listed (MAX_RESULTS)."""
        return len(self._ids) > MAX_RESULTS

    def count(self):
        return min(len(self._ids), MAX_RESULTS)

    __len__ = count

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        ids = self._ids[:MAX_RESULTS][index]
        articles = self.queryset.in_bulk(ids)
        # An article unpublished between the two queries is simply left out.
        return [articles[pk] for pk in ids if pk in articles]


def search(queryset, raw: str) -> SearchResults:
    """The articles of ``queryset`` holding every word of ``raw``, ranked: see ``SearchResults``.

    ``queryset`` decides what may be found and how rows are loaded (``published()``, ``select_related``).
    An empty or word-less query gives no results without touching the database.
    """
    return SearchResults(queryset, query_words(raw))


def among_ids(ids, using):
    """A filter for the articles whose id is one of `ids` (up to MAX_RESULTS of them and a few more), as the admin's
    search narrows its list to what matched."""
    if connections[using].vendor == "postgresql":
        # Given as a list, PostgreSQL costs a page's rows query (`id IN (these) AND id IN (the page's 100)`, from
        # IdsFirstPaginator) as 1,000 × 100 index probes and reads the whole table instead. Given as rows, it looks
        # the page's ids up in the primary key.
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(pk__in=ids)


def matching(queryset, raw: str):
    """The articles of ``queryset`` holding every word of ``raw``, as a filtered queryset (no ranking, no cap):
    ``queryset.none()`` for a query with no word, which then runs no query at all."""
    words = query_words(raw)
    if not words:
        return queryset.none()
    matches, _ = _conditions(connections[queryset.db].vendor, words)
    return queryset.filter(matches)


# SQLite: the FTS5 table reads its text from articles_article (external content) and these triggers keep it in
# step with every INSERT, UPDATE of the search columns and DELETE, whichever code path issues them.
_SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_headline, search_text, "
    "content='articles_article', content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
_FTS_INSERT = (
    f"INSERT INTO {FTS_TABLE}(rowid, search_headline, search_text) "
    "VALUES (new.id, new.search_headline, new.search_text);"
)
_FTS_DELETE = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_headline, search_text) "
    "VALUES ('delete', old.id, old.search_headline, old.search_text);"
)
_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"AFTER INSERT ON articles_article BEGIN {_FTS_INSERT} END",
    f"{FTS_TABLE}_delete": f"AFTER DELETE ON articles_article BEGIN {_FTS_DELETE} END",
    f"{FTS_TABLE}_update": (
        f"AFTER UPDATE OF search_headline, search_text ON articles_article BEGIN {_FTS_DELETE} {_FTS_INSERT} END"
    ),
}
# PostgreSQL: the words of the whole article and of the headline (the first tier of the ranking) as stored
# tsvector columns, so that checking a row while reading the newest first costs no to_tsvector() call, and GIN
# indexes on them for rare words. Generated by the database, they stay right on every write; without positions
# (strip), since matching needs none. The model does not declare them: SQLite has no tsvector.
_PG_VECTORS = {
    "search_vector": "search_headline || ' ' || search_text",
    "search_headline_vector": "search_headline",
}


def create_index(connection):
    """Create the database side of search if any of it is missing; idempotent and cheap when all is there.

    Called by migration 0002 and after every ``migrate`` (see ``repair_index``): on SQLite, Django applies many
    later schema changes to articles_article by copying it into a new table, which silently drops its triggers.
    When a trigger had to be (re)created the FTS table is rebuilt from the columns, so it can never be stale.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(_SQLITE_TABLE)
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles_article'")
            present = {name for (name,) in cursor.fetchall()}
            missing = [name for name in _SQLITE_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {_SQLITE_TRIGGERS[name]}")
            if missing:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            # Looked up first: an ALTER TABLE, even one that changes nothing, is refused inside a transaction that
            # has pending trigger events (a migrate run in a test, or from a script mid-transaction).
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles_article' "
                "AND column_name = ANY(%s)",
                [list(_PG_VECTORS)],
            )
            present = {name for (name,) in cursor.fetchall()}
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles_article'")
            indexes = {name for (name,) in cursor.fetchall()}
            for column, text in _PG_VECTORS.items():
                if column not in present:
                    cursor.execute(
                        f"ALTER TABLE articles_article ADD COLUMN {column} tsvector "
                        f"GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, {text}))) STORED"
                    )
                if f"article_{column}_idx" not in indexes:
                    cursor.execute(f"CREATE INDEX article_{column}_idx ON articles_article USING gin ({column})")
        else:
            raise NotImplementedError(f"search has no index for the {connection.vendor!r} database")


def drop_index(connection):
    """Remove the database side of search (migration 0002 reversed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            for column in _PG_VECTORS:
                cursor.execute(f"ALTER TABLE articles_article DROP COLUMN IF EXISTS {column}")  # and its index


def repair_index(sender, app_config, using, **kwargs):
    """post_migrate: put back whatever a table rebuild removed, if the search columns exist at all."""
    if app_config.label != "articles":
        return
    connection = connections[using]
    introspection = connection.introspection
    with connection.cursor() as cursor:
        if "articles_article" not in introspection.table_names(cursor):
            return
        columns = {column.name for column in introspection.get_table_description(cursor, "articles_article")}
    if "search_headline" in columns:
        create_index(connection)
