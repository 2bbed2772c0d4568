"""`make serve` as an operator runs it: a few clients that send their requests slowly cannot stall the site."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

SLOW_CLIENTS = 4


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """`make serve` on a free port, with SQLite and the cache in a temporary folder; its port. The running Python's
    environment stands in for .venv (`make test` made it; the rule that installs it is not re-run)."""
    port = free_port()
    venv = Path(sys.prefix)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "NEWSROOM_")) and name not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SECRET_KEY="s" * 50,
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )
    command = ["make", "-s", "serve", f"PORT={port}", "HOST=127.0.0.1", f"VENV={venv}"]
    server = subprocess.Popen(
        [*command, "-o", f"{venv}/.runtime-installed"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: make, gunicorn and its workers stop together
    )
    try:
        deadline = time.monotonic() + 120  # collectstatic and migrate first
        while not answers(port):
            assert server.poll() is None, "make serve exited"
            assert time.monotonic() < deadline, "make serve did not answer in time"
            time.sleep(0.5)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def answers(port, path="/healthz", timeout=1):
    """Whether the server answers `path` with a 200 within `timeout` seconds."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        finally:
            connection.close()
    return False


def test_a_few_slow_clients_do_not_stall_the_site(served):
    """While a few clients send their headers a line a second, and one a request body that stalls, a reader's page is
    answered within a second, twice over."""
    slow = [socket.create_connection(("127.0.0.1", served)) for _ in range(SLOW_CLIENTS)]
    try:
        for client in slow[:-1]:
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow[-1].sendall(b"POST /search/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nq=")
        for line in range(3):
            time.sleep(1)
            for client in slow[:-1]:
                client.sendall(f"X-Slow-{line}: 1\r\n".encode())
            assert answers(served, "/"), f"a reader's page was not answered within 1 s (after {line + 1} s)"
    finally:
        for client in slow:
            client.close()
