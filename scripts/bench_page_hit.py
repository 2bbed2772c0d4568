"""What one page-cache hit costs in the WSGI front (articles/pagecache.py: PageCacheApp), in-process, no HTTP.

    DJANGO_SECRET_KEY=x DJANGO_DEBUG=0 .venv/bin/python scripts/bench_page_hit.py [--url /articles/<slug>/] [--hits N]
    REDIS_URL=redis://127.0.0.1:6379/9 ... the same, with the cache in Redis

Renders the page once through Django (a miss, which stores it), then answers it `--hits` times from the cache, seven
times over, with Django replaced by a function that fails the run if a hit ever reaches it. Prints the CPU and wall
microseconds per hit (minimum and median of the seven runs) and the load average: on a shared machine, compare runs
made close together. Numbers in docs/CACHING.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="the page (default: the first published article)")
    parser.add_argument("--hits", type=int, default=20000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.test import RequestFactory

    from articles.models import Article
    from articles.pagecache import PageCacheApp

    url = args.url or Article.objects.published().order_by("pk").first().get_absolute_url()
    environ = RequestFactory().get(url, HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0]).environ
    answers = []

    def start_response(status, headers, exc_info=None):
        answers.append(status)

    front = PageCacheApp(get_wsgi_application())
    body = b"".join(front(dict(environ), start_response))
    if answers != ["200 OK"]:
        sys.exit(f"{url} answered {answers[0]}, not 200 (DJANGO_ALLOWED_HOSTS?)")

    def not_a_hit(environ, start_response):
        raise SystemExit(f"{url} was not answered from the page cache")

    front.application = not_a_hit
    runs = []
    for _ in range(7):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.hits):
            front(dict(environ), start_response)
        runs.append(((time.process_time() - cpu) / args.hits * 1e6, (time.perf_counter() - wall) / args.hits * 1e6))
    cpus, walls = [run[0] for run in runs], [run[1] for run in runs]
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[1]
    print(
        f"{url} ({len(body):,} B) from {backend}: CPU {min(cpus):.1f} µs per hit"
        f" (median {statistics.median(cpus):.1f}),"
        f" wall {min(walls):.1f} µs (median {statistics.median(walls):.1f}); load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
