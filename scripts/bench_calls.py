"""Work per request that does not move with the machine's load: Python calls, or CPU instructions.

    .venv/bin/python scripts/bench_calls.py               # the SQLite database of scripts/bench_pages.py --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_bench .venv/bin/python scripts/bench_calls.py
    .venv/bin/python scripts/bench_calls.py / /feed/       # other URLs
    .venv/bin/python scripts/bench_calls.py --instructions / /latest/            # instructions (valgrind)
    .venv/bin/python scripts/bench_calls.py --instructions --checkout ../old /   # another checkout, its own database

Milliseconds on this shared 2-core machine move 10-25% between runs; the number of Python calls a request makes
(cProfile's count, the whole WSGI application as gunicorn calls it, page cache off) does not, so a change to the code
can be measured on its own. Each URL is requested 5 times to warm up, then 50 times under the profiler.

Calls weigh a cheap call like a costly one, and miss the database's work. `--instructions` counts the CPU
instructions a request executes instead: the whole process (Python, the templates, SQLite's own work) under
valgrind's cachegrind, which counts them the same whatever the machine is doing. Only the process's own: the kernel's
work for it (a round trip to a database server is system time on both sides) is not counted. Each URL is requested
`--requests` times after the warm-up in one process and twice as many in another; the difference over `--requests`
is one request's, without the start and the warm-up (the first requests fill the per-process caches). On PostgreSQL the
server's work is in its own process: the count is Python's, and the server backend's CPU time per request (read from
/proc when the server runs on this machine) is printed beside it, in microseconds, as measured. `--checkout DIR`
measures the code of another checkout (a worktree of an older commit, say) with its own venv and its own
var/bench database: the same count for the code before and after a change. Needs Debian's valgrind (installed when
missing).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 5


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--instructions", action="store_true", help="CPU instructions (valgrind), not Python calls")
    parser.add_argument("--requests", type=int, default=30, help="with --instructions (default 30)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="with --instructions: measure that checkout")
    parser.add_argument("--inside", type=int, help=argparse.SUPPRESS)  # valgrind's process: this many requests
    options = parser.parse_args()
    if options.inside is not None:
        return run_inside(options.checkout, options.urls[0], options.inside)
    if options.instructions:
        need_valgrind()
        for url in options.urls or ["/", "/latest/"]:
            instructions, backend = instructions_per_request(options.checkout.resolve(), url, options.requests)
            server = f"  {backend:8,.0f} µs PostgreSQL" if backend is not None else ""
            print(f"{instructions:14,.0f} instructions{server}  {url}")
        return None
    application = load(ROOT)
    urls = options.urls
    if not urls:
        from articles.models import Article

        middle = Article.objects.published().order_by("pk")
        urls = ["/", "/latest/", middle[middle.count() // 2].get_absolute_url(), "/feed/", "/search/?q=can+tho"]
    for url in urls:
        calls, status = calls_per_request(application, url)
        print(f"{calls:8,.0f} calls  {status:<8} {url}")
    return None


def load(root):
    """The WSGI application of the checkout at `root`, on its benchmark database unless DATABASE_URL says another."""
    sys.path.insert(0, str(root))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{root / 'var' / 'bench' / 'pages.sqlite3'}")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(root / "var" / "bench" / "media"))
    os.environ.update(DJANGO_DEBUG="0", DJANGO_HTTPS="0", NEWSROOM_PAGE_CACHE="0", DJANGO_ALLOWED_HOSTS="127.0.0.1")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-calls-only-not-a-secret-" + "x" * 30)
    from newsroom.wsgi import application

    return application


def requester(application, url):
    """A function requesting `url` of `application` as gunicorn would, returning the response's status."""
    path, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    statuses = []

    def request():
        response = application({**environ, "wsgi.input": io.BytesIO()}, lambda status, *_: statuses.append(status))
        b"".join(response)
        response.close()
        return statuses[-1]

    return request


def calls_per_request(application, url, runs=50):
    request = requester(application, url)
    for _ in range(WARM_UP):
        request()
    profiler = cProfile.Profile()
    for _ in range(runs):
        status = profiler.runcall(request)
    return pstats.Stats(profiler).total_calls / runs, status


def need_valgrind():
    subprocess.run(["bash", "-c", f"source {ROOT / 'scripts' / 'debian.sh'} && need valgrind valgrind"], check=True)


def instructions_per_request(checkout, url, requests):
    """(instructions, PostgreSQL backend µs or None) per request of `url` by the code of `checkout`."""
    counts = [_counted(checkout, url, n) for n in (requests, 2 * requests)]
    instructions = (counts[1][0] - counts[0][0]) / requests
    backend = None if counts[0][1] is None else (counts[1][1] - counts[0][1]) / requests
    return instructions, backend


def _counted(checkout, url, requests):
    """(instructions, backend µs or None) of a whole process: start, warm-up, then `requests` requests of `url`."""
    python = checkout / ".venv" / "bin" / "python"
    # The same hash seed in every process: sets and dicts of strings iterate alike, so two runs execute alike.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + [str(python), __file__, "--inside", str(requests), "--checkout", str(checkout), url],
        capture_output=True,
        text=True,
        env=environment,
        cwd=checkout,
        check=False,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode or not found:
        raise SystemExit(f"{url}: the measured process failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    backend = re.search(r"^backend-ns (\d+)$", result.stdout, re.MULTILINE)
    return int(found[1].replace(",", "")), int(backend[1]) / 1000 if backend else None


def run_inside(checkout, url, requests):
    """In valgrind's process: warm up, then request `url` `requests` times; print the backend's CPU time if any."""
    application = load(checkout)
    from django.db import connection

    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend for the whole run, however slow valgrind makes it
    request = requester(application, url)
    for _ in range(WARM_UP):
        if not (status := request()).startswith("200"):
            raise SystemExit(f"{url}: {status}")
    backend = _backend_cpu()
    for _ in range(requests):
        request()
    if backend is not None:
        print(f"backend-ns {_backend_cpu() - backend}")


def _backend_cpu():
    """Nanoseconds on CPU of this process's PostgreSQL backend (None: not PostgreSQL, or not on this machine)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:
        return None


if __name__ == "__main__":
    main()
