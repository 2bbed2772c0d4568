"""The cache every worker shares: files by default, Redis with REDIS_URL. `make test` runs this file (and every
tests/test_*cache*.py) once more with REDIS_URL pointing at the machine's Redis."""

import json
import logging
import os
import socket
import subprocess
import sys
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (make test runs this file against Redis)"
)

# Another Python process with the same CACHES setting, as a second gunicorn worker would have.
OTHER_WORKER = """
import json, sys
import django
from django.conf import settings
settings.configure(CACHES=json.loads(sys.argv[1]))
django.setup()
from django.core.cache import cache
command, key, value = sys.argv[2:]
if command == "set":
    cache.set(key, value, timeout=60)
print(json.dumps(cache.get(key)))
"""


def other_worker(settings, command, key, value=""):
    result = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, json.dumps(settings.CACHES), command, key, value],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_what_one_worker_caches_the_others_see_at_once(settings):
    """A value written by this process is read by another one, and the other way round (never per-process memory)."""
    cache.set("trang-chu", "Bài vừa đăng", timeout=60)
    assert other_worker(settings, "get", "trang-chu") == "Bài vừa đăng"
    assert other_worker(settings, "set", "phien-ban", "42") == "42"
    assert cache.get("phien-ban") == "42"
    cache.delete("trang-chu")
    assert other_worker(settings, "get", "trang-chu") is None


@needs_redis
def test_with_redis_url_the_cache_lives_in_that_redis(settings):
    """REDIS_URL makes Django's cache a Redis cache: what it stores is in that Redis, with its timeout."""
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("trang-chu", "html", timeout=60)
    raw = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = cache.make_key("trang-chu")
    assert raw.exists(key) == 1
    assert 0 < raw.ttl(key) <= 60


@needs_redis
def test_a_worker_whose_redis_connection_breaks_still_reads_the_current_stamp(client):
    """Hits read the stamp on a connection each worker keeps (articles/pagecache.py). When it breaks (Redis restarted,
    a network cut), that request reads the stamp again through django-redis: still a hit, no error page; and a write
    made meanwhile through another connection is seen at once."""
    import redis
    from django.core.cache import caches

    from articles.pagecache import PageCache
    from tests.factories import make_article

    url = make_article().get_absolute_url()
    client.get(url)
    send = redis.connection.Connection.send_packed_command
    broken = []

    def break_once(redis_connection, *args, **kwargs):
        if not broken:
            broken.append(redis_connection)
            raise redis.ConnectionError("Connection reset by peer")
        return send(redis_connection, *args, **kwargs)

    with mock.patch.object(redis.connection.Connection, "send_packed_command", autospec=True, side_effect=break_once):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert (len(broken), len(queries)) == (1, 0)
        PageCache(caches.create_connection("default")).renew()  # another worker's save
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) > 0


def test_a_redis_outage_means_cache_misses_not_error_pages(settings, settings_from_env, client, caplog):
    """With Redis gone, reads miss, writes are skipped, pages still render, and each failure is logged."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    production = settings_from_env(DJANGO_SECRET_KEY="k" * 50, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = production["DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"]
    settings.CACHES = production["CACHES"]

    with caplog.at_level(logging.ERROR, logger="django_redis"):
        cache.set("trang-chu", "html", timeout=60)
        assert cache.get("trang-chu", "trượt") == "trượt"
        assert client.get("/").status_code == 200
    assert any(record.name.startswith("django_redis") for record in caplog.records)
