"""The edge benchmark at 100,000 articles: pages through Varnish, the hit ratio of a Zipf replay, save to fresh page.

    .venv/bin/python scripts/bench_edge.py                        # SQLite, about 15 minutes with the seeding
    .venv/bin/python scripts/bench_edge.py --db postgres          # PostgreSQL (database nr_bench_edge)
    .venv/bin/python scripts/bench_edge.py --reuse --keep         # keep the seeded database for the next run

1. A database of its own, seeded as `make bench` seeds its own (`seed_demo --articles 100000 --seed 1`, then one shared
   photo with renditions on every article): SQLite under var/bench-edge/ (git-ignored), or PostgreSQL nr_bench_edge.
2. The edge as `make serve-edge` runs it (bench/edge.py): Varnish on 8110 (512 MB of memory for pages) in front of two
   gunicorn instances (8111, 8112; as `make serve` runs them, DEBUG off), sharing the database and Redis (database 13).
3. Throughput: bench/compare.py (wrk) through Varnish on the front page, an article page and the first section's page,
   each against nginx serving a static copy of the same page (bench/ceiling.py on 8113, its gunicorn on 8114).
4. Hit ratio: 10,000 requests through a cold Varnish, each for an article drawn with a Zipf distribution (each
   exponent of --zipf, 1.0 by default) over the 100,000 by recency (the newest is the most read), a third of them
   with a tracking parameter and half with a reader's cookie, as shared links and analytics bring them; then 10,000
   more, drawn anew, through the now warm Varnish; and, for the last exponent, after one edit of the most read
   article (how many pages it dropped), 10,000 more. Counted from Varnish's X-Cache header, over all requests and
   over those for an article asked for before (the first request for a page cannot be a hit).
5. Save to fresh page: --saves edits of the most read article's headline, each by `Article.save()` in a Django
   process of its own (bench.edge.Shell; its purge goes out after the commit, as the admin's does) while two readers
   request that page through Varnish without pause; for each, the time from the start of the save until a reader's
   request through Varnish gets the new headline. p50, p99, the longest; and how many first reads after a save
   returned were still old (should be none: the purge is sent before the save returns).

Results: printed, and JSON in docs/benchmarks/ (edge-<time>.json, and compare-<time>-edge-*.json from compare.py).
Every process is stopped by its PID at the end, and the database, media and Redis database are removed unless --keep.
Ports 8110-8114 (never 8070-8078, the page benchmark's).
"""

import argparse
import bisect
import contextlib
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-edge"
os.environ.setdefault("CEILING_DIR", "/tmp/nr_bench_edge_ceiling")  # bench.ceiling's folder: not make bench's
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the harness (bench/), and bench_pages.py's seeding

import bench_pages  # noqa: E402

from bench import ceiling, servers  # noqa: E402
from bench.compare import measure  # noqa: E402
from bench.edge import Site  # noqa: E402

PYTHON = Path(sys.executable)
RESULTS = ROOT / "docs" / "benchmarks"
PG_NAME = "nr_bench_edge"
REDIS_URL = "redis://127.0.0.1:6379/13"
PORTS = {"varnish": 8110, "apps": [8111, 8112], "nginx": 8113, "gunicorn_static": 8114}
TRACKING = ["utm_source=zalo&utm_medium=social&zarsrc=30", "fbclid=IwAR0abc", "utm_source=facebook", "gidzl=x1"]
COOKIES = ["_ga=GA1.2.345.678", "_fbp=fb.1.2.3; consent=yes", "csrftoken=" + "c" * 32]


def database_url(db):
    return f"sqlite:///{WORK / 'edge.sqlite3'}" if db == "sqlite" else f"{bench_pages.PG_SERVER}/{PG_NAME}"


def django_env(db):
    return {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "REDIS_URL": REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(WORK / "media"),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    }


class Reader:
    """One keep-alive connection to Varnish: (X-Cache, body) of each GET."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, headers=None):
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        return response.getheader("X-Cache"), body

    def close(self):
        self.connection.close()


def zipf_replay(port, slugs, count, exponent, seed, seen):
    """`count` article requests, ranks drawn with Zipf weights: the share answered from Varnish's cache, of all and of
    those for an article already asked for since Varnish started (`seen`, updated): a first request must miss."""
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(1 / rank**exponent for rank in range(1, len(slugs) + 1)))
    reader, hits, repeats, repeat_hits = Reader(port), 0, 0, 0
    started = time.perf_counter()
    for _ in range(count):
        index = bisect.bisect_left(cumulative, rng.random() * cumulative[-1])
        query = f"?{rng.choice(TRACKING)}" if rng.random() < 1 / 3 else ""
        headers = {"Cookie": rng.choice(COOKIES)} if rng.random() < 1 / 2 else {}
        hit = reader.get(f"/articles/{slugs[index]}/{query}", headers)[0] == "hit"
        hits += hit
        if index in seen:
            repeats += 1
            repeat_hits += hit
        seen.add(index)
    reader.close()
    return {
        "requests": count,
        "hit_ratio": round(hits / count, 4),
        "first_requests": count - repeats,
        "repeat_hit_ratio": round(repeat_hits / repeats, 4) if repeats else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def varnish_objects(site):
    listing = subprocess.run(
        ["varnishstat", "-n", site.varnish_dir, "-1", "-f", "MAIN.n_object"], capture_output=True, text=True, check=True
    ).stdout
    return int(listing.split()[1])


def save_to_fresh(site, shell, pk, path, saves):
    """Seconds from the start of each save until a reader through Varnish gets the new headline; and how many first
    reads after a save returned were still old."""
    latest = {"headline": None, "seen_at": None}
    stop = threading.Event()
    lock = threading.Lock()

    def read():
        reader = Reader(site.port)
        while not stop.is_set():
            body = reader.get(path)[1].decode()
            now = time.perf_counter()
            with lock:
                if latest["headline"] and latest["seen_at"] is None and latest["headline"] in body:
                    latest["seen_at"] = now
        reader.close()

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    shell.run(f"from articles.models import Article\narticle = Article.objects.get(pk={pk})")
    times, save_times, stale_first_reads, checker = [], [], 0, Reader(site.port)
    try:
        for n in range(saves):
            headline = f"[Demo] Bản tin sửa lần {n} {secrets.token_hex(4)}"
            with lock:
                latest.update(headline=headline, seen_at=None)
            started = time.perf_counter()
            shell.run(f"article.headline = {headline!r}\narticle.save()")
            returned = time.perf_counter()
            stale_first_reads += headline not in checker.get(path)[1].decode()
            while True:
                with lock:
                    seen = latest["seen_at"]
                if seen is not None:
                    break
                time.sleep(0.001)
            times.append(seen - started)
            save_times.append(returned - started)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
        checker.close()
    quantiles = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "saves": saves,
        "save_ms_p50": round(statistics.median(save_times) * 1000, 1),
        "fresh_ms_p50": round(statistics.median(times) * 1000, 1),
        "fresh_ms_p99": round(quantiles[98] * 1000, 1),
        "fresh_ms_max": round(max(times) * 1000, 1),
        "stale_first_reads": stale_first_reads,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000, help="per Zipf replay")
    parser.add_argument("--zipf", type=float, nargs="+", default=[1.0], help="the Zipf exponents to replay")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per target (compare.py -r)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (compare.py -d)")
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded with --articles")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (for --reuse)")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    env = django_env(args.db)
    # Room for every page the replays ask for: evictions would count as misses the purges did not cause.
    site = Site(WORK / "site", PORTS["varnish"], PORTS["apps"], env, storage="malloc,512m")
    shell = None
    report = {"db": args.db, "articles": args.articles, "load_average_start": os.getloadavg()}
    status = 0
    try:
        bench_pages.run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env=env)
        if not (args.reuse and bench_pages.seeded(env, args.articles)):
            bench_pages.seed(env, args.articles)
        _flush_redis()
        site.start()
        shell = site.shell()
        slugs, hottest, section = shell.run(
            "from articles.models import Article, Section\n"
            "newest = Article.objects.published().order_by('-published_at', '-id')\n"
            "section = Section.objects.order_by('position').first()\n"
            "result = [list(newest.values_list('slug', flat=True)), newest.values_list('pk', flat=True).first(),"
            " section.get_absolute_url()]"
        )
        article = f"/articles/{slugs[0]}/"

        # 3. Throughput against nginx serving a static copy of each page.
        for name, path in (("front", "/"), ("article", article), ("list", section)):
            ceiling.start(site.app_url(0, path), PORTS["nginx"], PORTS["gunicorn_static"], PYTHON.parent / "gunicorn")
            try:
                status |= measure(
                    [(f"varnish_{name}", site.url(path)), (f"nginx_{name}", f"http://127.0.0.1:{PORTS['nginx']}/")],
                    [f"nginx_{name}"], args.rounds, args.duration, RESULTS, f"edge-{name}",
                )  # fmt: skip
            finally:
                ceiling.stop()
                servers.wait_closed([PORTS["nginx"], PORTS["gunicorn_static"]])

        # 4. Hit ratio, for each exponent from a cold Varnish: cold, warm, and (the last) warm after one edit.
        report["replays"] = []
        for exponent in args.zipf:
            site.stop_varnish()
            site.start_varnish()
            seen = set()
            replays = {"exponent": exponent}
            for name, draws in (("cold", 1), ("warm", 2)):
                replays[name] = zipf_replay(site.port, slugs, args.requests, exponent, draws, seen)
                print(f"Zipf {exponent}, {name}: {replays[name]}", flush=True)
            report["replays"].append(replays)
        before = varnish_objects(site)
        shell.run(f"a = Article.objects.get(pk={hottest})\na.headline = a.headline + ' (sửa)'\na.save()")
        report["objects_before_an_edit"], report["objects_after_it"] = before, varnish_objects(site)
        replays["after_an_edit"] = zipf_replay(site.port, slugs, args.requests, args.zipf[-1], 3, seen)

        # 5. Save to fresh page.
        report["save_to_fresh"] = save_to_fresh(site, shell, hottest, article, args.saves)
        report["load_average_end"] = os.getloadavg()
        print(json.dumps(report, indent=1))
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        (RESULTS / f"edge-{stamp}.json").write_text(json.dumps(report, indent=1))
    finally:
        if shell is not None:
            shell.close()
        site.stop()
        if not args.keep:
            if args.db == "postgres":
                bench_pages.postgres(f"DROP DATABASE IF EXISTS {PG_NAME}")
            for path in (WORK / "edge.sqlite3", WORK / "media"):
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            _flush_redis()
    return status


def _flush_redis():
    """Empty the benchmark's own Redis database (its stamp and pages)."""
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    sys.exit(main())
