"""Audit log benchmark: a million rows in a throwaway database, then the Nhật ký screen timed as an editor opens it.

    .venv/bin/python scripts/bench_audit.py --postgres          # PostgreSQL: creates and drops nr_bench_audit
    .venv/bin/python scripts/bench_audit.py                     # SQLite file in a temporary folder
    .venv/bin/python scripts/bench_audit.py --rows 100000 --runs 10

Rows are written by SQL in one statement (generate_series / a recursive CTE): 20 staff users and "hệ thống", every
act, 10,000 articles, two years of times. Each screen is requested through Django's test client as a superuser
(session, middleware, the admin's queries and its template: all of it), DEBUG off; the first request of each is a
warm-up and is not counted. "CSV" streams the whole export of one article's rows. Results: docs/PERFORMANCE.md.
"""

import argparse
import os
import time

from benchdb import throwaway_django, timed

ARTICLES = 10_000
USERS = 20


def seed(connection, rows, acts):
    """`rows` audit rows by SQL, spread over users, acts, articles and two years, newest now."""
    acts_sql = "ARRAY[" + ",".join(f"'{act}'" for act in acts) + "]"
    if connection.vendor == "postgresql":
        series = f"SELECT g AS n FROM generate_series(1::bigint, {rows}) AS g"
        at = "now() - (n * interval '63 seconds')"
        pick_act = f"({acts_sql})[1 + n % {len(acts)}]"
    else:
        series = f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {rows}) SELECT n FROM s"
        at = "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (n * 63) || ' seconds')"
        pick_act = "CASE n % {} {} END".format(
            len(acts), " ".join(f"WHEN {i} THEN '{act}'" for i, act in enumerate(acts))
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_auditentry (at, act, actor_id, actor_name, article_id, target, reason, changes) "
            f"SELECT {at}, {pick_act}, CASE WHEN n % 21 = 0 THEN NULL ELSE 1 + n % {USERS} END, "
            f"'Biên tập viên ' || (n % {USERS}), 1 + (n * 7919) % {ARTICLES}, 'Bài số ' || ((n * 7919) % {ARTICLES}), "
            "CASE WHEN n % 50 = 0 THEN 'Theo yêu cầu' ELSE '' END, '{\"fields\": [\"headline\"]}' "
            f"FROM ({series}) AS series"
        )
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE articles_auditentry")
        else:
            cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per screen (after one warm-up)")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database nr_bench_audit)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (prints where it is)")
    args = parser.parse_args()
    os.environ.update(DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_ALLOWED_HOSTS="testserver", NEWSROOM_PAGE_CACHE="0")

    with throwaway_django("nr_bench_audit", postgres=args.postgres, keep=args.keep):
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.db import connection
        from django.test import Client, override_settings

        from articles.models import AuditEntry

        if connection.vendor == "postgresql":  # VACUUM cannot run in a transaction
            connection.connection.autocommit = True
        admin = User.objects.create_superuser("bench", password="x")
        for n in range(1, USERS):
            User.objects.create_user(f"bientap{n}", is_staff=True)
        started = time.perf_counter()
        seed(connection, args.rows, [act for act, _ in AuditEntry.Act.choices])
        print(
            f"{connection.vendor}: {AuditEntry.objects.count():,} rows seeded in {time.perf_counter() - started:.0f} s"
        )

        # Static files by their plain names: the hashed ones need collectstatic first, and cost the same.
        plain = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        override_settings(STORAGES=plain).enable()
        client = Client()
        client.force_login(admin)
        screens = [
            ("the newest page", ""),
            ("page 200", "?p=200"),
            ("one act (takedowns)", "?act__exact=takedown"),
            ("one user", "?nguoi=7"),
            ("hệ thống", "?nguoi=he-thong"),
            ("one article", "?bai=4242"),
            ("last 7 days", "?at__gte={week}+00:00:00%2B07:00"),
            ("act + user + 7 days", "?act__exact=edit&nguoi=3&at__gte={week}+00:00:00%2B07:00"),
            ("search by article id", "?q=4242"),
            ("CSV of one article", "xuat-csv/?bai=4242"),
        ]
        week = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 7 * 86400))
        print(f"{'screen':<24} {'median ms':>10} {'p95 ms':>8}")
        for name, query in screens:
            url = "/admin/articles/auditentry/" + query.format(week=week)

            def screen(url=url):
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                assert response.status_code == 200, (url, response.status_code)

            median, p95 = timed(screen, args.runs)
            print(f"{name:<24} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
