"""For benchmark scripts: a throwaway database, SQLite or PostgreSQL, migrated, with Django set up on it; and `timed`.

    from benchdb import throwaway_django

    with throwaway_django("nr_bench_x", postgres=args.postgres) as workdir:
        from articles.models import Article   # import models only inside, once Django is set up
        ...

SQLite: a file in a new temporary folder. PostgreSQL (127.0.0.1:5432, user postgres): a database named after the
benchmark, dropped first if a crashed run left it. Uploads go to the temporary folder, never to media/. Everything
is removed afterwards unless ``keep`` is set.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def _postgres(sql):
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def throwaway_django(name, postgres=False, keep=False):
    """Set up Django on a new, migrated database called ``name``; yield the temporary folder; clean up."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{name}_"))
    if postgres:
        _postgres(f"DROP DATABASE IF EXISTS {name}")
        _postgres(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/{name}.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        yield workdir
    finally:
        connection.close()
        if keep:
            print(f"kept: {os.environ['DATABASE_URL']}")
        else:
            if postgres:
                _postgres(f"DROP DATABASE IF EXISTS {name}")
            shutil.rmtree(workdir)


def timed(call, runs):
    """(median, p95) milliseconds of `runs` calls of `call`, after one warm-up call that is not counted."""
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
