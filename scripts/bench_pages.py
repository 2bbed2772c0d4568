"""Page benchmark at 100,000 articles: our pages under gunicorn against the Wagtail peer and the static ceilings.

    .venv/bin/python scripts/bench_pages.py                  # SQLite and PostgreSQL, everything (about 40 minutes)
    .venv/bin/python scripts/bench_pages.py --db sqlite --rounds 1 --duration 5      # a quicker look
    make bench

For each database (SQLite: a file under var/bench/, which is git-ignored; PostgreSQL: the database nr_bench, created
here and dropped at the end):

1. ``migrate`` and ``seed_demo --articles 100000 --seed 1``; then every article gets one shared photo with its
   renditions, as every article of the Wagtail peer shares one JPEG, so both sites render a picture on every card
   and on the article page. Every run (--reuse too) then gives the front page what a newspaper's has: every section
   a block, the editors' lead and featured stories, and views of the last hour for "Đọc nhiều" (``inside_front``).
2. In-process, with Django's test client (no HTTP, page cache off): SQL queries and time per request of the front
   page, the list (/latest/), section and author lists at their first and last page (by its number, and by the
   "Trang sau" link of the page before, as a reader or a crawler reaches it), an article, the API's articles (first
   and last page, by cursor) and article, search, the feed, and the admin changelist logged in.
   Printed as a table and saved as JSON.
3. gunicorn as ``make serve`` runs it (newsroom/gunicorn.conf.py, DEBUG off, WhiteNoise), three times: page cache
   off (``NEWSROOM_PAGE_CACHE=0``); on, in the file cache (the default without ``REDIS_URL``); on, in Redis
   (database 11 for SQLite's server, 12 for PostgreSQL's).

Then the Wagtail peer (bench/peer.py: a small Wagtail news site, N=1000 by default) and the ceilings (bench/ceiling.py:
a static copy of our article page from nginx and from gunicorn) start, and bench/compare.py runs wrk on every URL,
interleaved: once with the page cache off, against the Wagtail list and article pages, and once with it on, against
the ceilings. Its JSON goes to docs/benchmarks/. Every server is stopped by its PID at the end, even after an error,
and the databases, media and caches are removed unless --keep (the Wagtail peer's venv and site in
/tmp/nr_bench_peer stay, for the next run: building them takes minutes). Ports 8070-8078. docs/PERFORMANCE.md
has the numbers and how to read them.
"""

import argparse
import contextlib
import html
import json
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the harness (bench/) and, for the --inside steps, Django's project

from bench import ceiling, peer, photo, servers  # noqa: E402
from bench.compare import PreflightError, measure  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "docs" / "benchmarks"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "nr_bench"
# Our servers run in three modes: page cache off; on, in the file cache (the default without REDIS_URL); on, in Redis.
# Each server has a cache of its own (a folder, a Redis database), so that none orphans another's pages.
MODES = {"off": {"NEWSROOM_PAGE_CACHE": "0"}, "files": {}, "redis": {}}
REDIS_URLS = {"sqlite": "redis://127.0.0.1:6379/11", "postgres": "redis://127.0.0.1:6379/12"}
SEARCH = "/search/?q=can+tho"
API_LIST = "/api/v1/articles/"

# Ports: ours per database and mode, the peer, the ceilings (nginx and gunicorn serving a copy of our article page).
PORTS = {
    ("sqlite", "off"): 8070,
    ("postgres", "off"): 8071,
    "wagtail": 8072,
    "nginx_static": 8073,
    "gunicorn_static": 8074,
    ("sqlite", "files"): 8075,
    ("postgres", "files"): 8076,
    ("sqlite", "redis"): 8077,
    ("postgres", "redis"): 8078,
}
SHORT = {"sqlite": "sq", "postgres": "pg"}


def database_url(db):
    return f"sqlite:///{WORK / 'pages.sqlite3'}" if db == "sqlite" else f"{PG_SERVER}/{PG_NAME}"


def django_env(db, **extra):
    """The environment `make serve` would run with, on the benchmark's database and media folder."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "DJANGO_MEDIA_ROOT": str(WORK / "media"),
        "DJANGO_CACHE_DIR": str(WORK / f"cache-{db}"),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        # wrk asks thousands a second from one address: the API's limit is still counted on every request, never hit.
        "NEWSROOM_API_RATE_LIMIT": "1000000000/second",
        **extra,
    }


def run(cmd, **kwargs):
    print("$", " ".join(str(part) for part in cmd)[:160], flush=True)
    return subprocess.run([str(part) for part in cmd], check=True, cwd=ROOT, **kwargs)


def postgres(sql):
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


# 1. The database: seeded, with a photo on every article.


def prepare(db, articles, reuse):
    """Seed `db` unless --reuse finds it seeded; return what the other steps need (URLs, last page numbers)."""
    env = django_env(db)
    if not (reuse and seeded(env, articles)):
        seed(env, articles)
    run([PYTHON, __file__, "--inside", "front"], env=env)
    return last_json(run([PYTHON, __file__, "--inside", "describe"], env=env, capture_output=True, text=True).stdout)


def seed(env, articles):
    """The database `env` names (an SQLite file, or a PostgreSQL database on PG_SERVER) made afresh, migrated, with
    `articles` demo articles and the shared photo on every one. scripts/bench_edge.py seeds its own with this too."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    else:
        name = url.rpartition("/")[2]
        postgres(f"DROP DATABASE IF EXISTS {name}")
        postgres(f"CREATE DATABASE {name}")
    run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env=env)
    started = time.perf_counter()
    run([PYTHON, "manage.py", "seed_demo", "--articles", articles, "--seed", "1"], env=env)
    print(f"seed_demo: {time.perf_counter() - started:.0f} s", flush=True)
    run([PYTHON, __file__, "--inside", "photos"], env=env)


def last_json(output):
    """The JSON a `--inside` step printed last (Django's log lines go to stdout too)."""
    return json.loads(next(line for line in reversed(output.splitlines()) if line.startswith(("[", "{"))))


def seeded(env, articles):
    """Whether the database `env` names holds `articles` visible articles."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return False
    probe = subprocess.run(
        [str(PYTHON), __file__, "--inside", "describe"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return probe.returncode == 0 and last_json(probe.stdout)["articles"] == articles


def inside_photos():
    """Give every article the same photo (a generated 1600x1067 JPEG, as the peer's) with real renditions."""
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection

    from articles.models import Article
    from articles.renditions import make_renditions

    name = default_storage.save("articles/bench/anh-chung.jpg", ContentFile(photo.jpeg()))
    article = Article(image=name)
    record = make_renditions(article.image)
    started = time.perf_counter()
    Article.objects.update(
        image=name,
        image_renditions=record,
        image_alt="Ảnh minh họa dùng chung cho bài demo",
        image_caption="Ảnh minh họa dùng chung cho mọi bài demo.",
        image_credit="Newsroom",
    )
    print(f"photo on every article: {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # What autovacuum does by itself on a production server (it is off on this machine's PostgreSQL): fresh
        # statistics, and the visibility maps that let index-only scans skip the tables (the lists' on the articles,
        # the related box's on the articles' tags).
        cursor.execute(f"{'VACUUM ' if connection.vendor == 'postgresql' else ''}ANALYZE")
    User.objects.filter(username="bench").delete()
    User.objects.create_superuser("bench", password=secrets.token_urlsafe(16))


def inside_front():
    """The front page as a newspaper's: every section a block (4 articles each), the lead and featured stories picked
    among the day's articles, and views of this hour for "Đọc nhiều" (in this database's cache folder, as the servers
    without Redis keep them). A front page already arranged keeps its arrangement."""
    import random

    from django.conf import settings
    from django.contrib.auth.models import User

    from articles import most_read, workflow
    from articles.models import Article, FrontPage, Pick, Section

    Section.objects.update(on_front=True, front_count=4)
    recent = list(Article.objects.published().order_by("-published_at").values_list("pk", flat=True)[:200])
    rng = random.Random(1)
    if FrontPage.objects.current() is None:
        editor = User.objects.get(username="bench")
        picks = [Pick(pk) for pk in rng.sample(recent, 1 + settings.FRONT_FEATURED)]
        workflow.arrange_front(editor, 0, picks)
    store, hour = most_read.store(), most_read.current_hour()
    for pk in rng.sample(recent, 50):
        for _ in range(rng.randint(1, 20)):
            store.add(hour, pk)


def inside_describe():
    """One JSON line: the article count and the URLs to measure (an article, the last pages)."""
    from django.test import Client

    from articles.api.pagination import Cursor
    from articles.models import Article, Author, Section

    visible = Article.objects.published()
    section, author = Section.objects.order_by("position").first(), Author.objects.order_by("name").first()
    count = visible.count()
    middle = visible.order_by("pk")[count // 2] if count else None

    def last(queryset):
        return max(1, math.ceil(queryset.count() / 20))

    def listed(owner):
        """What the owner's page lists: for an author, every article they contributed to (Author.listing)."""
        return visible.filter(type(owner).listing(owner.pk))

    def linked(path, page):
        """The URL of the last page as a reader or a crawler reaches it: the "Trang sau" link of the page before."""
        text = Client().get(f"{path}?page={page - 1}").content.decode()
        return path + html.unescape(re.search(r'<a rel="next" href="([^"]+)"', text)[1]) if page > 1 else path

    print(
        json.dumps(
            {
                "articles": count,
                "article": middle.get_absolute_url() if middle else None,
                "article_pk": middle.pk if middle else None,
                "last_page": last(visible),
                "last_link": linked("/latest/", last(visible)),
                "section": section.get_absolute_url() if section else None,
                "section_last_page": last(listed(section)) if section else 1,
                "section_last_link": linked(section.get_absolute_url(), last(listed(section))) if section else None,
                "author": author.get_absolute_url() if author else None,
                "author_pk": author.pk if author else None,
                "author_last_page": last(listed(author)) if author else 1,
                # The API's last page of 20, by the cursor its `next` link carries.
                "api_last": f"/api/v1/articles/?cursor={Cursor.after(visible.reverse()[20]).token()}"
                if count > 20
                else "/api/v1/articles/",
            }
        )
    )


def api_article(info):
    """The API's address of the article the pages measure."""
    return info["article"].replace("/articles/", "/api/v1/articles/", 1)


# 2. In-process: queries and time per request.


def inside_measure(urls_json, runs):
    """For each URL: status, SQL queries and median milliseconds over `runs` requests (after one warm-up)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, editor = Client(), Client()
    editor.force_login(User.objects.get(username="bench"))
    rows = []
    for label, url, as_editor in json.loads(urls_json):
        client = editor if as_editor else anonymous
        client.get(url)
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        counts = sum("COUNT(" in query["sql"] for query in queries.captured_queries)
        rows.append(
            {
                "label": label,
                "url": url,
                "status": response.status_code,
                "queries": len(queries.captured_queries),
                "count_queries": counts,
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
            }
        )
    print(json.dumps(rows))


def measure_in_process(db, info, runs):
    section, author = info["section"], info["author"]
    urls = [
        ("front page", "/", False),
        ("latest, page 1", "/latest/", False),
        (f"latest, last page ({info['last_page']})", f"/latest/?page={info['last_page']}", False),
        ("latest, last page, by its link", info["last_link"], False),
        ("section, page 1", section, False),
        (f"section, last page ({info['section_last_page']})", f"{section}?page={info['section_last_page']}", False),
        ("section, last page, by its link", info["section_last_link"], False),
        ("author, page 1", author, False),
        (f"author, last page ({info['author_last_page']})", f"{author}?page={info['author_last_page']}", False),
        ("article", info["article"], False),
        ("API articles, page 1", API_LIST, False),
        ("API articles, last page", info["api_last"], False),
        ("API article", api_article(info), False),
        ("search `can tho`", SEARCH, False),
        ("feed", "/feed/", False),
        ("admin changelist", "/admin/articles/article/", True),
        ("admin changelist, last page", f"/admin/articles/article/?p={math.ceil(info['articles'] / 100)}", True),
        ("admin changelist, search", "/admin/articles/article/?q=can+tho", True),
        ("admin changelist, by author", f"/admin/articles/article/?author__id__exact={info['author_pk']}", True),
        ("admin article form", f"/admin/articles/article/{info['article_pk']}/change/", True),
    ]
    env = django_env(db, NEWSROOM_PAGE_CACHE="0")
    out = run(
        [PYTHON, __file__, "--inside", "measure", json.dumps(urls), "--runs", runs],
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    rows = last_json(out)
    print(f"\nIn-process, {db}, {info['articles']:,} articles (median of {runs} requests; page cache off):")
    print(f"{'request':<34} {'status':>6} {'queries':>7} {'COUNT':>5} {'median ms':>9} {'max ms':>7}")
    for row in rows:
        print(
            f"{row['label']:<34} {row['status']:>6} {row['queries']:>7} {row['count_queries']:>5} "
            f"{row['median_ms']:>9} {row['max_ms']:>7}"
        )
    return rows


# 3. Servers.


class Servers:
    """Every server this run starts, each stopped by its own PID (from its pidfile) at the end."""

    def __init__(self):
        self.pidfiles = []

    def gunicorn_ours(self, port, env):
        pidfile = WORK / f"gunicorn-{port}.pid"
        self.pidfiles.append(pidfile)
        servers.gunicorn(GUNICORN, "newsroom.wsgi", port, pidfile, WORK / f"error-{port}.log", env, ROOT, "/healthz")

    def peer(self, articles):
        peer.build(articles)
        self.pidfiles.append(peer.PIDFILE)
        peer.start(PORTS["wagtail"])

    def ceiling(self, source_url):
        self.pidfiles += ceiling.PIDFILES
        ceiling.start(source_url, PORTS["nginx_static"], PORTS["gunicorn_static"], GUNICORN)

    def stop_all(self):
        for pidfile in self.pidfiles:
            servers.stop(pidfile)
        servers.wait_closed(PORTS.values())


def compare(label, targets, baselines, args):
    try:
        status = measure(targets, baselines, args.rounds, args.duration, RESULTS, label)
    except PreflightError as error:
        print(f"*** compare {label}: {error}; nothing measured")
        return 1
    if status:
        print(f"*** compare {label}: wrk saw errors; see the JSON in {RESULTS}")
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--peer-articles", type=int, default=1000, help="the Wagtail peer's articles")
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per target (compare.py -r)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (compare.py -d)")
    parser.add_argument("--runs", type=int, default=20, help="in-process requests per URL")
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded with --articles")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards (for --reuse)")
    parser.add_argument("--no-wrk", action="store_true", help="only the in-process measurements")
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    parser.add_argument("inside_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.inside:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        import django

        django.setup()
        steps = {"photos": inside_photos, "front": inside_front, "describe": inside_describe}
        if args.inside == "measure":
            return inside_measure(args.inside_args[0], args.runs)
        return steps[args.inside]()

    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    running = Servers()
    info, in_process = {}, {}
    status = 0
    try:
        # The pages link the hashed static names (WhiteNoise's manifest), in-process as under gunicorn.
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env=django_env(databases[0]))
        for db in databases:
            info[db] = prepare(db, args.articles, args.reuse)
            in_process[db] = measure_in_process(db, info[db], args.runs)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        (RESULTS / f"inprocess-{stamp}.json").write_text(
            json.dumps({"load_average": os.getloadavg(), "databases": info, "rows": in_process}, indent=1)
        )
        if args.no_wrk:
            return 0
        for db in databases:
            for mode, extra in MODES.items():
                env = django_env(db, **extra, **({"REDIS_URL": REDIS_URLS[db]} if mode == "redis" else {}))
                running.gunicorn_ours(PORTS[(db, mode)], env)
        running.peer(args.peer_articles)
        running.ceiling(f"http://127.0.0.1:{PORTS[(databases[0], 'off')]}{info[databases[0]]['article']}")

        def url(db, mode, path):
            return f"http://127.0.0.1:{PORTS[(db, mode)]}{path}"

        uncached = [
            (f"{SHORT[db]}_{name}", url(db, "off", path))
            for db in databases
            for name, path in [
                ("front", "/"),
                ("list", "/latest/"),
                ("last", f"/latest/?page={info[db]['last_page']}"),
                ("last_link", info[db]["last_link"]),
                ("article", info[db]["article"]),
                ("api_list", API_LIST),
                ("api_last", info[db]["api_last"]),
                ("api_article", api_article(info[db])),
                ("feed", "/feed/"),
                ("search", SEARCH),
            ]
        ]
        wagtail = f"http://127.0.0.1:{PORTS['wagtail']}"
        peers = [
            ("wagtail_list", f"{wagtail}/"),
            ("wagtail_detail", f"{wagtail}{peer.article_path((args.peer_articles + 1) // 2)}"),
        ]
        ceilings = [(name, f"http://127.0.0.1:{PORTS[name]}/") for name in ("nginx_static", "gunicorn_static")]
        # The API's pages against the HTML pages they are held to (issue #22), as well as against Wagtail's.
        ours = [f"{SHORT[databases[0]]}_list", f"{SHORT[databases[0]]}_article"]
        status |= compare("uncached", uncached + peers + ceilings[1:], ["wagtail_list", "wagtail_detail", *ours], args)
        # Search is never cached (articles/pagecache.py) and the last page is cached like any other page.
        cached = [
            (f"{SHORT[db]}_{mode}_{name}", url(db, mode, path))
            for db in databases
            for mode in ("files", "redis")
            for name, path in [
                ("front", "/"),
                ("list", "/latest/"),
                ("article", info[db]["article"]),
                ("api_list", API_LIST),
                ("api_article", api_article(info[db])),
                ("feed", "/feed/"),
            ]
        ]
        status |= compare("cached", cached + ceilings, ["gunicorn_static"], args)
    finally:
        running.stop_all()
        if not args.keep:
            if "postgres" in databases:
                postgres(f"DROP DATABASE IF EXISTS {PG_NAME}")
            leftovers = [
                "pages.sqlite3",
                "pages.sqlite3-wal",
                "pages.sqlite3-shm",
                "media",
                "cache-sqlite",
                "cache-postgres",
            ]
            for path in [*(WORK / name for name in leftovers), ceiling.WORK]:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            _flush_redis()
    return status


def _flush_redis():
    """Empty the benchmark's own Redis databases: the cached servers' pages and stamps."""
    import redis

    for url in REDIS_URLS.values():
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(url).flushdb()


if __name__ == "__main__":
    sys.exit(main())
