"""Querysets compiled to SQL once per process, then run with new values: the readers' hottest queries.

Django builds a queryset and compiles its SQL again on every evaluation. For the article page's small queries that
was half of the request, while the SQL itself runs in a tenth of a millisecond (docs/PERFORMANCE.md). A
`PreparedQuery` builds its queryset once per database, with a marker where each value goes, and keeps the SQL and
what Django learnt compiling it; each call puts the real values where the markers were and turns the rows into model
instances as iterating the queryset would, `select_related` objects included.

The queryset is still written with the ORM, so the rules it uses (`ArticleQuerySet.published()`) keep their one place.
"""

import contextlib
import datetime
import operator
import re

from django.conf import settings
from django.db import connections, router
from django.db.models.query import ModelIterable, get_related_populators

# A "format" parameter mark in compiled SQL; "%%s" is a literal "%s" (what Django's SQLite backend matches too).
_PLACEHOLDER = re.compile(r"(?<!%)%s")


def _same(ops, value):
    return value


def _datetime(ops, value):
    return ops.adapt_datetimefield_value(value)


# For each kind of value: a marker no real query is ever given (told apart by its position n), and how the database
# backend turns a value of that kind into a parameter, as a lookup on a field of that kind does.
KINDS = {
    str: (lambda n: f"\x00prepared-{n}\x00", _same),
    int: (lambda n: -7_306_500_000 - n, _same),
    datetime.datetime: (lambda n: datetime.datetime(1901, 1, 1, 0, 0, n, 918_273, tzinfo=datetime.UTC), _datetime),
}


class PreparedQuery:
    """`PreparedQuery(Model, build, name=kind, …)(name=value, …)`: the rows of `build(name=value, …)` as a list.

    `build` returns a queryset of `Model` whose SQL depends on the values only through its parameters: a filter on a
    value, never a Python branch on one (the SQL is compiled once, for the markers). Each value must reach the SQL as
    a parameter; one that does not (Django writes slice bounds into the SQL) is refused when the SQL is compiled, as
    are what the rows alone do not make: values() and prefetch_related(). An annotation's value is set on each
    instance, as iterating the queryset sets it (a union's parts say which part a row came from this way).
    """

    def __init__(self, model, build, **kinds):
        self.model = model
        self.build = build
        self.kinds = kinds
        self.compiled = {}

    def __call__(self, **values):
        return self._compiled().run(values)

    def columns(self, names, **values):
        """Only the columns `names` of each row, as tuples, without making model instances and as the database driver
        returned them (ids and text as they are; a time may lack its time zone): for a query that reads many rows to
        choose a few. `converter(name)` turns a value of column `name` into what the model's field holds."""
        return self._compiled().columns(names, values)

    def converter(self, name):
        compiled = self._compiled()
        convert = compiled.converters.get(compiled.position(name))
        if convert is None:
            return lambda value: value
        connection = connections[compiled.using]

        def one(value):
            for function in convert[0]:
                value = function(value, convert[1], connection)
            return value

        return one

    def _compiled(self):
        using = router.db_for_read(self.model)
        compiled = self.compiled.get(using)
        if compiled is None:
            compiled = self.compiled[using] = _Compiled(self, using)
        return compiled


class PreparedRows(PreparedQuery):
    """A PreparedQuery of a `values_list()` query (or a UNION ALL of them, even of several models): each call returns
    its rows as tuples, as the database driver returned them (ids, numbers and text as they are; no conversion), so
    its columns may be values of its own (`Value`) as well as fields."""

    def __call__(self, **values):
        return self._compiled().fetch(values)


class _Compiled:
    """One PreparedQuery's SQL on one database, and what turns its rows into model instances."""

    def __init__(self, prepared, using):
        marks = {name: KINDS[kind][0](n) for n, (name, kind) in enumerate(prepared.kinds.items())}
        queryset = prepared.build(**marks).using(using)
        rows_only = isinstance(prepared, PreparedRows)
        if queryset._prefetch_related_lookups or (not rows_only and queryset._iterable_class is not ModelIterable):
            raise ValueError(
                "A PreparedQuery makes model instances from their own columns: no values() or prefetch_related(). "
                f"Query: {queryset.query}"
            )
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        ops = connections[using].ops
        where = {KINDS[prepared.kinds[name]][1](ops, mark): name for name, mark in marks.items()}
        # Each parameter by name ("pyformat"), a value by its own name wherever the SQL holds it: the database binds
        # it once, and Django's SQLite backend turns the SQL's named marks into its own with one % rather than a
        # regular expression over the whole text on every call (which cost more than running a small query).
        names = [where[param] if _hashable(param) and param in where else f"_{i}" for i, param in enumerate(params)]
        if missing := set(marks) - set(names):
            raise ValueError(f"These values are not parameters of the SQL: {sorted(missing)}. SQL: {sql}")
        named = iter(names)
        hidden = _hidden_from_planner(connections[using], prepared.kinds)
        self.sql = _PLACEHOLDER.sub(lambda _: _parameter(next(named), hidden), sql)
        self.constants = {name: param for name, param in zip(names, params, strict=True) if name not in marks}
        if connections[using].vendor == "postgresql":
            _converted_once(self.sql, len(set(names)))
        self.adapt = {name: KINDS[kind][1] for name, kind in prepared.kinds.items()}
        self.using = using
        self.pickers = {}  # `columns()`'s, by the names asked for
        if rows_only:
            return
        self.compiler = compiler
        # What ModelIterable works out from the compiler on every evaluation to make each row's instances, worked out
        # once: the columns' converters (from database values to Python's), the main model's columns, and the
        # populators of the select_related objects.
        self.converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        self.model, fields = compiler.klass_info["model"], compiler.klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.attnames = [column[0].target.attname for column in compiler.select[self.start : self.end]]
        self.annotations = compiler.annotation_col_map
        self.populators = get_related_populators(compiler.klass_info, compiler.select, using)

    def fetch(self, values):
        connection = connections[self.using]
        # Each value adapted once, however many times the SQL holds it (a time in every part of a union).
        params = {name: adapt(connection.ops, values[name]) for name, adapt in self.adapt.items()}
        params.update(self.constants)
        with connection.cursor() as cursor, _prepared_on_server(connection):
            cursor.execute(self.sql, params)
            return cursor.fetchall()

    def position(self, name):
        """Where column `name` (a field's attname or an annotation) is in each row."""
        if name in self.annotations:
            return self.annotations[name]
        return self.start + self.attnames.index(name)

    def columns(self, names, values):
        pick = self.pickers.get(names)
        if pick is None:
            pick = self.pickers[names] = operator.itemgetter(*map(self.position, names))
        return [pick(row) for row in self.fetch(values)]

    def run(self, values):
        rows = self.fetch(values)
        objects = []
        for row in self.compiler.apply_converters(rows, self.converters) if self.converters else rows:
            obj = self.model.from_db(self.using, self.attnames, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _hidden_from_planner(connection, kinds):
    """The names of the values that PostgreSQL's planner is not shown: the times (`now`, an article's date).

    A statement prepared on the server is planned with the values of its first five calls (custom plans), then with
    none (a generic plan, made once) if that plan does not look costlier. Shown the time, the planner counts nearly
    every article as published by then; planning for "any time", it counts a third (its default for a range on an
    unknown value), so the generic plan of a list or of the related box looked costlier and never won: the article
    page's related query was planned anew on every call, which cost more than running it (docs/PERFORMANCE.md). Read
    from a scalar subquery, the time is unknown when either plan is made: both count alike, and the generic plan is
    kept. Hidden whether or not statements are prepared (DJANGO_DB_PREPARED_STATEMENTS), so that both ways plan
    alike. Only the times: with a list's owner hidden too, a tag's one plan walked the newest articles, and a tag on
    three articles took 400 ms a page. SQLite plans each statement it prepares once, whatever the values: nothing
    hidden there."""
    if connection.vendor != "postgresql":
        return frozenset()
    return frozenset(name for name, kind in kinds.items() if kind is datetime.datetime)


def _converted_once(sql, parameters):
    """Have psycopg keep its conversion of `sql` (with this many named `parameters`) for the next calls.

    psycopg turns a statement's "%(name)s" marks into PostgreSQL's "$1" with a regular expression over the whole text,
    and keeps the result (in a small cache of the statements last used) only for a statement short enough and with
    few enough parameters. The related box's query and the front page's candidates' are longer and have more: psycopg
    read them through again on every call, which cost more than making the rows' objects (docs/PERFORMANCE.md). Its
    bounds are raised to hold each prepared statement when it is compiled. A psycopg that names them otherwise is
    left as it is (slower, still right), and `tests/test_prepared.py` fails."""
    from psycopg import _queries

    for bound, needed in (("MAX_CACHED_STATEMENT_LENGTH", len(sql)), ("MAX_CACHED_STATEMENT_PARAMS", parameters)):
        if getattr(_queries, bound, needed) < needed:
            setattr(_queries, bound, needed)


def _parameter(name, hidden):
    return f"(SELECT %({name})s)" if name in hidden else f"%({name})s"


@contextlib.contextmanager
def _prepared_on_server(connection):
    """On PostgreSQL (settings.PREPARED_STATEMENTS), the statement run inside is prepared on the server, parsed and
    planned once per connection: psycopg prepares what it runs while its prepare_threshold is set, and Django leaves
    it unset so that no other statement is prepared (a search's plan must be made for its words)."""
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        yield
        return
    psycopg_connection = connection.connection
    previous, psycopg_connection.prepare_threshold = psycopg_connection.prepare_threshold, 0
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = previous


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
