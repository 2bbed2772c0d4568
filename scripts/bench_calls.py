"""Python function calls per request: the machine-independent measure of how much work a page is.

    .venv/bin/python scripts/bench_calls.py               # the SQLite database of scripts/bench_pages.py --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_bench .venv/bin/python scripts/bench_calls.py
    .venv/bin/python scripts/bench_calls.py / /feed/       # other URLs

Milliseconds on this shared 2-core machine move 10-25% between runs; the number of Python calls a request makes
(cProfile's count, the whole WSGI application as gunicorn calls it, page cache off) does not, so a change to the code
can be measured on its own. Each URL is requested 5 times to warm up, then 50 times under the profiler.
"""

import cProfile
import io
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(urls):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'pages.sqlite3'}")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
    os.environ.update(DJANGO_DEBUG="0", DJANGO_HTTPS="0", NEWSROOM_PAGE_CACHE="0", DJANGO_ALLOWED_HOSTS="127.0.0.1")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-calls-only-not-a-secret-" + "x" * 30)
    from newsroom.wsgi import application

    if not urls:
        from articles.models import Article

        middle = Article.objects.published().order_by("pk")
        urls = ["/", "/?page=2", middle[middle.count() // 2].get_absolute_url(), "/feed/", "/search/?q=can+tho"]
    for url in urls:
        calls, status = calls_per_request(application, url)
        print(f"{calls:8,.0f} calls  {status:<8} {url}")


def calls_per_request(application, url, warm_up=5, runs=50):
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

    for _ in range(warm_up):
        request()
    profiler = cProfile.Profile()
    for _ in range(runs):
        profiler.runcall(request)
    return pstats.Stats(profiler).total_calls / runs, statuses[-1]


if __name__ == "__main__":
    main(sys.argv[1:])
