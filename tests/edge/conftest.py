"""Tests through a real Varnish (deploy/varnish/newsroom.vcl) in front of two app instances under gunicorn, as
bench/edge.py runs them: both instances share one SQLite database file and one file cache (`make serve-edge` runs the
same with PostgreSQL and Redis; the edge does not care which). Every process is started on a free port and stopped by
its PID; the database is this session's own, reached from the tests through a shell process on it.

Every test in this folder is marked ``edge``: `make test` runs them in its first pass only (they bring their own
database, so the PostgreSQL pass would only repeat them). The Makefile installs Debian's varnish and varnish-modules.
"""

import os
import secrets
import shutil
import subprocess
import sys

import pytest

from bench.edge import ROOT, Site, free_port
from tests.factories import EdgeSite

SECRET_KEY = secrets.token_urlsafe(50)


def pytest_itemcollected(item):
    """Mark every test in this folder (a conftest's collection hooks see only its folder's tests)."""
    item.add_marker(pytest.mark.edge)


def site_env(workdir):
    """The app's environment for a site in `workdir`: production settings on a database and cache of its own."""
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    return {
        **env,
        "DATABASE_URL": f"sqlite:///{workdir / 'edge.sqlite3'}",
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The same for every site of the session: they share the database, and so the editor's session.
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_LOG_LEVEL": "INFO",
    }


@pytest.fixture(scope="session")
def edge_workdir(tmp_path_factory):
    """A migrated database, and production's static files (collectstatic into STATIC_ROOT, as `make serve` does: the
    instances run with DEBUG off)."""
    if not shutil.which("varnishd"):
        pytest.fail("varnishd is missing: `make test` installs Debian's varnish and varnish-modules.", pytrace=False)
    workdir = tmp_path_factory.mktemp("edge")
    env = site_env(workdir)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    return workdir


def started(workdir, **env):
    """A site (Varnish, two instances, a shell) on the session's database, with `env` added to the app's."""
    port = free_port()
    site = Site(workdir / f"site-{port}", port, [free_port(), free_port()], {**site_env(workdir), **env}, workers=1)
    shell = site.shell()
    try:
        site.start()
    except BaseException:
        shell.close()
        site.stop()
        raise
    return EdgeSite(site, shell)


@pytest.fixture(scope="session")
def edge(edge_workdir):
    """Varnish in front of two app instances, for the whole session: tests leave it running as they found it."""
    running = started(edge_workdir)
    yield running
    running.shell.close()
    running.site.stop()


@pytest.fixture
def short_lived(edge_workdir):
    """A site of its own whose pages Varnish keeps 3 seconds, then 8 more while no instance answers."""
    running = started(edge_workdir, NEWSROOM_EDGE_SECONDS="3", NEWSROOM_EDGE_GRACE_SECONDS="8")
    yield running
    running.shell.close()
    running.site.stop()
