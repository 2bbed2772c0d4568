"""A database outage: a Vietnamese 503 page instead of a traceback, recovery by itself, /healthz, one log line each."""

import contextlib
import logging
import socket
import threading

import pytest
from django.db import OperationalError, connections
from django.db.utils import ConnectionHandler
from django.test import Client

from articles.views import ArticleListView
from newsroom.middleware import OneLineFormatter, RequestIdLogFilter
from tests.factories import make_article

pytestmark = pytest.mark.django_db

OUTAGE = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def reader():
    """A reader's browser: errors come back as pages, as in production, instead of being raised into the test."""
    return Client(raise_request_exception=False)


def refuse(*args, **kwargs):
    raise OperationalError(OUTAGE)


@contextlib.contextmanager
def database_down():
    """While inside, the database does not answer: every use of a connection fails as a refused connection does."""
    with pytest.MonkeyPatch.context() as patch:
        for connection in connections.all():
            patch.setattr(connection, "ensure_connection", refuse)
        yield


def one_line(record):
    RequestIdLogFilter().filter(record)
    return OneLineFormatter().format(record)


def test_healthz_answers_ok_when_the_database_answers_and_is_never_cached(reader):
    """/healthz is 200 "ok" while the database answers a query, with headers that forbid caching it."""
    response = reader.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_while_the_database_is_down(reader):
    """/healthz is 503 while the database cannot be reached, so a load balancer takes the server out."""
    with database_down():
        response = reader.get("/healthz")
    assert (response.status_code, response.content) == (503, b"database unavailable\n")
    assert "no-cache" in response["Cache-Control"]


def test_public_pages_answer_a_vietnamese_503_during_an_outage_and_recover_by_themselves(reader):
    """During the outage: the "back soon" page with Retry-After and the request's id, no traceback, never cached;
    when the database is back the same pages work again without a restart."""
    article = make_article(headline="Bài còn đó sau sự cố")
    for url in ("/", article.get_absolute_url()):
        with database_down():
            response = reader.get(url)
        html = response.content.decode()
        assert response.status_code == 503
        assert "Trang tạm thời gián đoạn" in html and response["X-Request-ID"] in html
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert "Traceback" not in html and "OperationalError" not in html and "5432" not in html

    assert reader.get("/healthz").status_code == 200
    assert "Bài còn đó sau sự cố" in reader.get("/").content.decode()


def test_an_outage_is_logged_as_one_line_with_method_path_status_error_and_request_id(reader, caplog):
    """Each failed request leaves exactly one log line saying what failed, findable by the id the reader was shown."""
    with caplog.at_level(logging.WARNING, logger="django.request"), database_down():
        response = reader.get("/?trang=2")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = one_line(record)
    assert "\n" not in line
    assert f"ERROR django.request [{response['X-Request-ID']}] GET /?trang=2 503 OperationalError: {OUTAGE}" in line


def test_an_outage_logs_one_line_per_request_and_its_traceback_once_a_minute(reader, caplog, monkeypatch):
    """Many readers during an outage: a line each, with its request id, and the traceback on the first line only; the
    others name the request whose line has it, until a minute has passed and the next line has it again."""
    with caplog.at_level(logging.WARNING, logger="django.request"), database_down():
        ids = [reader.get(f"/?trang={n}")["X-Request-ID"] for n in range(20)]
    records = [r for r in caplog.records if r.name == "django.request"]
    formatter, clock = OneLineFormatter(), [1000.0]
    monkeypatch.setattr("newsroom.middleware.time.monotonic", lambda: clock[0])
    for record in records:
        RequestIdLogFilter().filter(record)
    lines = [formatter.format(record) for record in records]
    assert len(lines) == 20 and all("\n" not in line for line in lines)
    for n, (line, request_id) in enumerate(zip(lines, ids, strict=True)):
        assert f"[{request_id}] GET /?trang={n} 503 OperationalError: {OUTAGE}" in line
    assert "Traceback" in lines[0]
    assert all(line.endswith(f" | traceback: see [{ids[0]}]") for line in lines[1:])
    clock[0] += 61
    assert "Traceback" in formatter.format(records[-1])


def test_a_bug_is_the_500_page_and_its_traceback_stays_on_its_log_line(reader, monkeypatch, caplog):
    """Any other error is the ordinary 500 page (not the outage page); its traceback is folded into its one log line."""

    def broken(*args, **kwargs):
        raise ZeroDivisionError("lỗi lập trình")

    monkeypatch.setattr(ArticleListView, "get", broken)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = reader.get("/")
    assert response.status_code == 500
    assert "Trang tạm thời gián đoạn" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = one_line(record)
    assert "\n" not in line
    assert f"[{response['X-Request-ID']}] GET / 500 ZeroDivisionError: lỗi lập trình | Traceback" in line
    assert 'raise ZeroDivisionError("lỗi lập trình")' in line


def test_a_database_server_that_stops_answering_fails_the_connection_instead_of_hanging(settings_from_env):
    """A PostgreSQL address that accepts connections but never answers (a hung server, a dead network path) is given
    up on after DJANGO_DB_CONNECT_TIMEOUT seconds, so the reader gets the 503 page rather than a spinning tab."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/newsroom"
        production = settings_from_env(DJANGO_SECRET_KEY="k" * 50, DATABASE_URL=url, DJANGO_DB_CONNECT_TIMEOUT="1")
        database = ConnectionHandler({"default": production["DATABASES"]["default"]})["default"]
        outcome = []

        def connect():
            try:
                database.ensure_connection()
            except OperationalError as exc:
                outcome.append(exc)

        attempt = threading.Thread(target=connect, daemon=True)
        attempt.start()
        attempt.join(timeout=30)  # a bound for the test itself; without connect_timeout it would wait forever
        assert not attempt.is_alive()
        assert "timeout" in str(outcome[0]).lower()


def test_a_client_error_is_one_line_without_a_traceback(reader, caplog):
    """A request refused for a bad Host header is logged as what it is, a 400, with no traceback to wade through."""
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = reader.get("/", HTTP_HOST="ke-mao-danh.example")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name.startswith("django.security")]
    line = one_line(record)
    assert line.endswith(
        "GET / 400 DisallowedHost: Invalid HTTP_HOST header: 'ke-mao-danh.example'. "
        "You may need to add 'ke-mao-danh.example' to ALLOWED_HOSTS."
    )
