"""How psycopg reads our values on PostgreSQL (articles/postgres.py): the times by psycopg's own loader, and exactly
the datetimes Django's own loader gives."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from articles import postgres
from articles.models import Article
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders: PostgreSQL only"),
]


def times_loader(adapters):
    from psycopg import pq
    from psycopg.postgres import types

    return adapters.get_loader(types["timestamptz"].oid, pq.Format.TEXT)


def test_times_are_read_by_psycopgs_loader_not_djangos_and_come_back_as_the_same_moments_in_utc():
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    saigon = ZoneInfo("Asia/Ho_Chi_Minh")
    moment = datetime.datetime(2026, 12, 5, 23, 59, 59, 999_999, tzinfo=saigon)
    article = make_article(published_at=moment)

    with connection.cursor() as cursor:
        # Django's cursor keeps the connection's loader: it would register its own on one that gave another zone.
        assert not issubclass(times_loader(cursor.cursor.adapters), BaseTzLoader)
        cursor.execute("SELECT published_at FROM articles_article WHERE id = %s", [article.pk])
        (read,) = cursor.fetchone()
    assert read == moment
    assert read.tzinfo is datetime.UTC
    assert read.isoformat() == "2026-12-05T16:59:59.999999+00:00"
    assert Article.objects.get(pk=article.pk).published_at == moment


def test_a_session_in_another_time_zone_keeps_djangos_loader():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    adapters = connection.connection.adapters
    ours = times_loader(adapters)
    register_tzloader(connection.timezone, connection.connection)  # Django's, as on connecting
    djangos = times_loader(adapters)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
        postgres.read_values(sender=None, connection=connection)
        assert times_loader(adapters) is djangos
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        adapters.register_loader("timestamptz", ours)
