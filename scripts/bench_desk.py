"""Desk workflow benchmark: "Chờ tôi xử lý" at 100,000 articles, 5,000 of them drafts in the desk, in a throwaway
database; the start page timed as each role opens it. Results: docs/PERFORMANCE.md ("The desk's queue").

    .venv/bin/python scripts/bench_desk.py --postgres          # PostgreSQL: creates and drops nr_bench_desk
    .venv/bin/python scripts/bench_desk.py                     # SQLite file in a temporary folder
    .venv/bin/python scripts/bench_desk.py --articles 20000 --in-desk 1000 --runs 10

`seed_demo` writes the articles (six sections); SQL then puts the first `--in-desk` of them back in the drafts, spread
over the four default stages (40% Nháp, 30% Chờ ban biên tập, 20% Chờ duyệt, 10% Đã duyệt), waiting from a minute to
two weeks, written by 30 reporters; every article gets its "create" row in the audit log and each draft in the desk
two moves (a submit and a send-back with its reason), and everyone 20 notifications. People: the reporters, a desk
head per section, two secretaries, an editor-in-chief, an editor. Each page is requested through Django's test client
(session, middleware, the admin's queries and its template: all of it), DEBUG off, page cache off; the first request
of each is a warm-up and is not counted. "queue alone" times `workflow.queue()` for a user loaded afresh each run.
"""

import argparse
import os
import time

from benchdb import throwaway_django, timed

REPORTERS = 30
# Share of the drafts in the desk at each default stage, in order.
SPREAD = (0.4, 0.3, 0.2, 0.1)


def put_in_desk(connection, count, stages, reporters):
    """The first `count` articles become drafts waiting at the stages (by `SPREAD`), written by `reporters`."""
    bounds, total = [], 0
    for share in SPREAD:
        total += share
        bounds.append(round(count * total))
    pick_stage = (
        "CASE "
        + " ".join(f"WHEN id <= {bound} THEN {stage}" for bound, stage in zip(bounds, stages, strict=True))
        + " END"
    )
    pick_writer = "CASE id % {} {} END".format(
        len(reporters), " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(reporters))
    )
    if connection.vendor == "postgresql":
        since = "now() - ((id * 7919) % 20160) * interval '1 minute'"
    else:
        since = "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ((id * 7919) % 20160) || ' minutes')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE articles_article SET status = 'draft', stage_id = {pick_stage}, stage_since = {since}, "
            f"created_by_id = {pick_writer} WHERE id <= {count}"
        )


def write_history(connection, count):
    """The audit log's rows: a "create" for every article, a submit and a send-back for each draft in the desk."""
    now = "now()" if connection.vendor == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    columns = "INSERT INTO articles_auditentry (at, act, actor_id, actor_name, article_id, target, reason, changes)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{columns} SELECT published_at, 'create', NULL, 'hệ thống', id, headline, '', '{{}}' FROM articles_article"
        )
        for act, reason in (("submit", ""), ("send_back", "Thiếu nguồn tin; bổ sung ý kiến người dân.")):
            cursor.execute(
                f"{columns} SELECT {now}, '{act}', created_by_id, 'Phóng viên', id, headline, '{reason}', '{{}}' "
                f"FROM articles_article WHERE id <= {count}"
            )
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--in-desk", type=int, default=5_000, help="how many of them are drafts in the desk")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (after one warm-up)")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database nr_bench_desk)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (prints where it is)")
    args = parser.parse_args()
    os.environ.update(DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_ALLOWED_HOSTS="testserver", NEWSROOM_PAGE_CACHE="0")

    with throwaway_django("nr_bench_desk", postgres=args.postgres, keep=args.keep):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client, override_settings

        from articles import workflow
        from articles.models import Article, DeskStage, Notification, Section

        if connection.vendor == "postgresql":  # VACUUM cannot run in a transaction
            connection.connection.autocommit = True
        started = time.perf_counter()
        call_command("seed_demo", articles=args.articles, seed=1, verbosity=0)
        users = get_user_model().objects

        def person(username, group):
            user = users.create_user(username, password="x", is_staff=True, first_name=username)
            user.groups.add(Group.objects.get(name=group))
            return user

        reporters = [person(f"phongvien{n}", workflow.REPORTERS) for n in range(REPORTERS)]
        heads = []
        for n, section in enumerate(Section.objects.order_by("pk")):
            heads.append(person(f"truongban{n}", workflow.DESK_HEADS))
            section.desk_heads.add(heads[-1])
        secretary = person("thuky1", workflow.SECRETARIES)
        person("thuky2", workflow.SECRETARIES)
        chief = person("tongbientap", workflow.EDITORS_IN_CHIEF)
        editor = person("bientap", workflow.EDITORS)
        stages = list(DeskStage.objects.values_list("pk", flat=True))
        put_in_desk(connection, args.in_desk, stages, [user.pk for user in reporters])
        write_history(connection, args.in_desk)
        Notification.objects.bulk_create(
            Notification(recipient=user, message=f"Thông báo {n}") for user in users.all() for n in range(20)
        )
        in_desk = Article.objects.filter(stage__isnull=False).count()
        print(
            f"{connection.vendor}: {Article.objects.count():,} articles, {in_desk:,} in the desk, seeded in "
            f"{time.perf_counter() - started:.0f} s"
        )

        # Static files by their plain names: the hashed ones need collectstatic first, and cost the same.
        plain = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        override_settings(STORAGES=plain).enable()
        roles = [
            ("a reporter", reporters[0]),
            ("a desk head", heads[0]),
            ("the secretary", secretary),
            ("the editor-in-chief", chief),
            ("an editor (no queue)", editor),
        ]
        print(f"{'page':<44} {'waiting':>8} {'median ms':>10} {'p95 ms':>8}")
        for role, user in roles:
            client = Client()
            client.force_login(user)
            queue = workflow.queue(users.get(pk=user.pk))
            waiting = sum(count for _, count in queue.counts) if queue else 0

            def start_page(client=client):
                response = client.get("/admin/")
                assert response.status_code == 200, response.status_code

            median, p95 = timed(start_page, args.runs)
            print(f"{'start page, ' + role:<44} {waiting:>8,} {median:>10.1f} {p95:>8.1f}")
            if queue:
                median, p95 = timed(lambda user=user: workflow.queue(users.get(pk=user.pk)), args.runs)
                print(f"{'  queue alone, ' + role:<44} {'':>8} {median:>10.1f} {p95:>8.1f}")
        client = Client()
        client.force_login(heads[0])
        article = Article.objects.filter(stage_id=stages[1], section__desk_heads=heads[0]).first()
        for name, url in [
            ("article list, a desk head", "/admin/articles/article/"),
            ("article form, a desk head", f"/admin/articles/article/{article.pk}/change/"),
        ]:
            median, p95 = timed(lambda url=url: client.get(url), args.runs)
            print(f"{name:<44} {'':>8} {median:>10.1f} {p95:>8.1f}")
        if connection.vendor == "postgresql":
            fresh = users.get(pk=heads[0].pk)
            found = workflow.desk(fresh)
            waiting = Article.objects.filter(found.waiting()).order_by("stage_since", "id")[:20]
            with connection.cursor() as cursor:
                sql, params = waiting.query.sql_with_params()
                cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
