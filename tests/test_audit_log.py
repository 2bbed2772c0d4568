"""The audit log (Nhật ký): one row per act, whoever makes it and however (form, bulk action, importer, clock), with
who, when, why and what changed; append-only in the model, the admin and (on PostgreSQL) the database itself."""

import csv
import io
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Article, AuditEntry, Correction, Takedown
from articles.revisions import versions_of
from tests.factories import article_form_data, logged_in, make_article, make_staff

SEED = Path(__file__).parent / "data" / "000_cb3a0ecfc020ae02.txt"
LIST_URL = "/admin/articles/article/"
LOG_URL = "/admin/articles/auditentry/"
Act = AuditEntry.Act

pytestmark = pytest.mark.django_db


def acts(article=None):
    """(act, actor's name) of the rows, oldest first (of one article, if given)."""
    rows = AuditEntry.objects.order_by("at", "id")
    if article is not None:
        rows = rows.filter(article_id=article.pk)
    return [(row.act, row.actor_name) for row in rows]


@pytest.fixture
def chief(db):
    return make_staff("tongbientap", workflow.EDITORS_IN_CHIEF, first_name="Hùng")


def test_the_form_records_creating_publishing_editing_scheduling_and_unpublishing(editor, editor_client):
    """A new article published from the form is two acts (create, publish); an edit names the fields changed; a time
    in the future is a schedule and unpublishing is its own act, with the status and times before and after."""
    editor_client.post(f"{LIST_URL}add/", article_form_data(headline="Bài mới", status="published"))
    article = Article.objects.get()
    editor_client.post(f"{LIST_URL}{article.pk}/change/", article_form_data(article, headline="Bài mới sửa"))
    article.refresh_from_db()
    later = timezone.localtime() + timedelta(days=1)
    editor_client.post(
        f"{LIST_URL}{article.pk}/change/",
        article_form_data(article, published_at_0=later.strftime("%d/%m/%Y"), published_at_1="08:00:00"),
    )
    article.refresh_from_db()
    editor_client.post(f"{LIST_URL}{article.pk}/change/", article_form_data(article, status="draft"))
    assert acts(article) == [
        (act, "editor") for act in (Act.CREATE, Act.PUBLISH, Act.EDIT, Act.SCHEDULE, Act.UNPUBLISH)
    ]
    edit = AuditEntry.objects.get(act=Act.EDIT)
    assert edit.changes == {"fields": ["headline"]} and edit.target == "Bài mới sửa" and edit.actor == editor
    unpublished = AuditEntry.objects.get(act=Act.UNPUBLISH)
    assert unpublished.changes["status"] == ["published", "draft"]
    page = editor_client.get(f"{LOG_URL}?act__exact=unpublish").content.decode()
    assert "Trạng thái: Đã xuất bản → Bản nháp" in page


def test_bulk_actions_write_one_row_per_article(editor, editor_client):
    """Bulk publish of three drafts: three rows, each naming its article."""
    drafts = [make_article(headline=f"Nháp {n}", status=Article.Status.DRAFT) for n in range(3)]
    editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [a.pk for a in drafts]})
    rows = AuditEntry.objects.filter(act=Act.PUBLISH)
    assert sorted(row.article_id for row in rows) == sorted(a.pk for a in drafts)
    assert {row.actor for row in rows} == {editor}


def test_takedown_reinstatement_correction_and_share_links_are_on_record_with_their_reasons(chief, editor):
    """Each act with who did it and, where one is asked, the reason."""
    article = make_article(headline="Bài có chuyện")
    draft = make_article(headline="Nháp chia sẻ", status=Article.Status.DRAFT)
    link = workflow.share(draft, editor, 24)
    workflow.revoke_share(link, editor)
    correction = Correction.objects.create(article=article, text="Tên đúng là Thới Lai.")
    workflow.publish_correction(correction, editor)
    workflow.take_down(article, chief, "Yêu cầu của cơ quan chức năng.")
    workflow.reinstate(article, chief, "Đã xác minh lại.")
    assert acts(article)[-3:] == [(Act.CORRECTION, "editor"), (Act.TAKEDOWN, "Hùng"), (Act.REINSTATE, "Hùng")]
    assert acts(draft)[-2:] == [(Act.SHARE, "editor"), (Act.REVOKE_SHARE, "editor")]
    takedown = AuditEntry.objects.get(act=Act.TAKEDOWN)
    assert takedown.reason == "Yêu cầu của cơ quan chức năng."
    assert takedown.changes["status"] == ["published", "taken_down"]
    assert AuditEntry.objects.get(act=Act.REINSTATE).reason == "Đã xác minh lại."
    assert AuditEntry.objects.get(act=Act.CORRECTION).changes["text"] == "Tên đúng là Thới Lai."


def test_restoring_deleting_and_recovering_are_on_record(editor, editor_client):
    """A restored revision, a delete (bulk: one row each) and a recovery each write their row."""
    article = make_article(headline="Bản đầu")
    editor_client.post(f"{LIST_URL}{article.pk}/change/", article_form_data(article, headline="Bản sau"))
    first = versions_of(article.pk).last()
    editor_client.post(f"{LIST_URL}{article.pk}/history/{first.pk}/")
    assert Article.objects.get(pk=article.pk).headline == "Bản đầu"
    other = make_article(headline="Bài khác")
    editor_client.post(
        LIST_URL, {"action": "delete_selected", "_selected_action": [article.pk, other.pk], "post": "yes"}
    )
    deleted = AuditEntry.objects.filter(act=Act.DELETE)
    assert sorted(row.article_id for row in deleted) == sorted([article.pk, other.pk])
    version = versions_of(article.pk).first()
    editor_client.post(f"{LIST_URL}recover/{version.pk}/")
    assert [act for act, _ in acts(article)][-4:] == [Act.EDIT, Act.RESTORE, Act.DELETE, Act.RECOVER]


def test_what_happens_outside_the_admin_is_on_record_as_the_system():
    """The importer's articles (and any save from the shell) are "hệ thống"'s acts."""
    call_command("import_articles", str(SEED), "--publish", stdout=io.StringIO())
    assert acts() == [(Act.CREATE, "hệ thống"), (Act.PUBLISH, "hệ thống")]


def test_the_clock_records_each_expiry_once_at_its_time():
    """`record_expiries` (cron) records each article whose take-down time came, as "hệ thống", dated that time; run
    again, it records nothing twice; articles not yet due are left."""
    now = timezone.now()
    due = make_article(headline="Hết hạn", unpublish_at=now - timedelta(minutes=5))
    make_article(headline="Chưa hết hạn", unpublish_at=now + timedelta(days=1))
    out = io.StringIO()
    call_command("record_expiries", stdout=out)
    call_command("record_expiries", stdout=io.StringIO())
    assert "Đã ghi 1 bài" in out.getvalue()
    expired = AuditEntry.objects.get(act=Act.EXPIRE)
    assert (expired.article_id, expired.actor_name, expired.at) == (due.pk, "hệ thống", due.unpublish_at)


def test_rows_cannot_be_changed_or_deleted_through_the_model_or_the_admin(editor_client):
    """The model, its queryset and the admin refuse to change or delete a row; the admin offers no add either."""
    make_article()
    row = AuditEntry.objects.first()
    row.reason = "sửa lén"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(reason="sửa lén")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert editor_client.post(f"{LOG_URL}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert editor_client.post(f"{LOG_URL}{row.pk}/change/", {"reason": "x"}).status_code == 403
    assert editor_client.get(f"{LOG_URL}add/").status_code == 403
    view = editor_client.get(f"{LOG_URL}{row.pk}/change/")  # read-only, even when the row names a deleted article
    Article.objects.all().delete()
    assert view.status_code == 200 and editor_client.get(f"{LOG_URL}{row.pk}/change/").status_code == 200
    assert not AuditEntry.objects.exclude(reason="").exists()


def test_the_log_screen_filters_by_article_user_act_and_date_and_exports_csv(chief, editor, editor_client):
    """Nhật ký lists the rows newest first, narrowed by article, user, act and date (and a search by headline); the
    CSV export holds exactly what the filters select, in Vietnamese."""
    first = make_article(headline="Bài thứ nhất")
    second = make_article(headline="Bài thứ hai")
    workflow.take_down(first, chief, "Lý do gỡ.")
    workflow.take_down(second, chief, "Lý do khác.")
    page = editor_client.get(LOG_URL).content.decode()
    assert "<h1>Nhật ký</h1>" in page and page.index("Bài thứ hai") < page.index("Bài thứ nhất")
    assert re.search(r"\d{2}/\d{2}/\d{4} - \d{2}:\d{2}:\d{2}", page)  # as the paper writes times, to the second
    for query, shown, hidden in [
        (f"bai={first.pk}", "Lý do gỡ.", "Lý do khác."),
        (f"nguoi={chief.pk}&act__exact=takedown", "Lý do khác.", "Tạo bài"),
        ("nguoi=he-thong", "Tạo bài", "Lý do gỡ."),
        ("at__gte=2000-01-01+00:00:00%2B07:00&at__lt=2000-01-02+00:00:00%2B07:00", "0 nhật ký", "Lý do gỡ."),
        ("q=thu+nhat", "Lý do gỡ.", "Lý do khác."),
    ]:
        response = editor_client.get(f"{LOG_URL}?{query}")
        page = response.content.decode()
        html = page[page.index('id="changelist-form"') : page.index('id="changelist-filter"')]  # rows, not filters
        assert response.status_code == 200 and shown in html and hidden not in html, query
    export = editor_client.get(f"{LOG_URL}xuat-csv/?act__exact=takedown")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Lúc", "Người làm", "Việc", "Mã bài", "Đối tượng", "Lý do", "Thay đổi"]
    assert [row[2:6] for row in rows[1:]] == [
        ["Gỡ bài theo yêu cầu", str(second.pk), "Bài thứ hai", "Lý do khác."],
        ["Gỡ bài theo yêu cầu", str(first.pk), "Bài thứ nhất", "Lý do gỡ."],
    ]
    assert rows[1][1] == "Hùng" and "Trạng thái: Đã xuất bản → Đã gỡ" in rows[1][6]


def test_junk_filters_on_the_log_screen_answer_a_page_not_an_error(editor_client):
    """Made-up filter values list nothing (or are ignored), never a server error."""
    make_article()
    for query in ("bai=abc", "nguoi=x%00", "act__exact=khong-co", "at__gte=khong-phai-ngay", "q=%ff%fe"):
        assert editor_client.get(f"{LOG_URL}?{query}").status_code in (200, 302), query
        assert editor_client.get(f"{LOG_URL}xuat-csv/?{query}").status_code in (200, 302), query


def test_only_editors_read_the_log_and_each_article_shows_its_timeline(chief, editor_client):
    """Editors and the editor-in-chief read Nhật ký, reporters do not; the article's form shows its own lines."""
    article = make_article(headline="Bài có lịch sử")
    workflow.take_down(article, chief, "Lý do trên dòng thời gian.")
    reporter = make_staff("phongvien", workflow.REPORTERS)
    assert logged_in(reporter).get(LOG_URL).status_code == 403
    assert logged_in(reporter).get(f"{LOG_URL}xuat-csv/").status_code == 403
    assert logged_in(make_staff("bientap", workflow.EDITORS)).get(LOG_URL).status_code == 200
    form = logged_in(chief).get(f"{LIST_URL}{article.pk}/change/").content.decode()
    timeline = form[form.index('id="nhat-ky"') :]
    assert "Gỡ bài theo yêu cầu" in timeline and "Lý do trên dòng thời gian." in timeline and "Tạo bài" in timeline
    assert f"?bai={article.pk}" in timeline


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=…")


@pytest.mark.postgres
@postgres_only
def test_postgresql_refuses_a_plain_update_or_delete_of_the_log_and_purges_only_on_purpose():
    """Raw SQL cannot change or remove a row (a trigger); `purge_audit_log` removes old rows, deliberately."""
    make_article()
    for statement in ("UPDATE articles_auditentry SET reason = 'x'", "DELETE FROM articles_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert [row.reason for row in AuditEntry.objects.all()] == ["", ""]
    AuditEntry.objects.create(act=Act.EDIT, actor_name="hệ thống", target="Cũ", at=timezone.now() - timedelta(days=400))
    call_command("purge_audit_log", "--older-than-days", "365", "--yes", stdout=io.StringIO())
    assert set(AuditEntry.objects.values_list("target", flat=True)) == {Article.objects.get().headline}


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_takedowns_at_the_same_moment_record_one_on_postgresql():
    """Two editors-in-chief take the same article down at once: one takedown, one row; the other is told."""
    article = make_article()
    chiefs = [make_staff(name, workflow.EDITORS_IN_CHIEF) for name in ("mot", "hai")]
    start = threading.Barrier(2, timeout=10)
    results = []

    def take_down(user):
        try:
            start.wait()
            results.append(workflow.take_down(article, user, f"Lệnh của {user.username}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take_down, args=(user,)) for user in chiefs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(result is None for result in results) == [False, True]
    assert Takedown.objects.count() == 1 and AuditEntry.objects.filter(act=Act.TAKEDOWN).count() == 1
    assert Client().get(article.get_absolute_url()).status_code == 410
