"""The desk workflow's moves (articles/workflow.py): who may make which move at which stage, by hand-crafted POSTs; what
each stamps and records; send-back reasons; take-back; and bad input refused in Vietnamese with nothing changed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.forms import DESK_BUTTON, OPENED_STAGE
from articles.models import Article, AuditEntry, Autosave
from articles.workflow import EDITORS, REPORTERS
from tests.factories import (
    article_form_data,
    at_stage,
    desk_move_data,
    logged_in,
    make_author,
    make_desk_head,
    make_section,
    make_staff,
    stage,
)

pytestmark = pytest.mark.django_db

Act = AuditEntry.Act
LIST_URL = "/admin/articles/article/"
STAGES = ["Nháp", "Chờ ban biên tập", "Chờ duyệt", "Đã duyệt"]
MOVES = ["submit", "forward", "approve", "send_back", "take_back", "publish", "schedule"]


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


def move_url(article):
    return f"{LIST_URL}{article.pk}/chuyen-khau/"


def state(article):
    article.refresh_from_db()
    return (article.stage and article.stage.name, article.status, article.version)


def messages_of(response):
    return " ".join(re.findall(r'<li class="(?:error|success|warning|info)">(.*?)</li>', response.content.decode()))


@pytest.fixture
def cast(reporter, desk_head, secretary, editor_in_chief, economy):
    """Everyone at the desk, by the role the matrix below calls them."""
    return {
        "the reporter": reporter,
        "another reporter": make_staff("khoa", REPORTERS, first_name="Khoa"),
        "the section's desk head": desk_head,
        "another section's desk head": make_desk_head("mai", make_section("Xã hội"), first_name="Mai"),
        "the secretary": secretary,
        "the editor-in-chief": editor_in_chief,
        "an editor": make_staff("bientap", EDITORS, first_name="Minh"),
    }


def reporters_draft(reporter, section, at="Nháp", **overrides):
    """A draft written by `reporter` in `section`, waiting at the stage `at`, to be published tomorrow if scheduled."""
    values = {"headline": "Giá lúa tăng", "section": section, "created_by": reporter}
    values["published_at"] = timezone.now() + timedelta(days=1)
    return at_stage(at, **{**values, **overrides})


# Who may make each move at each stage of the default desk: everything else is refused.
ALLOWED = {
    ("Nháp", "submit"): "the reporter",
    ("Chờ ban biên tập", "forward"): "the section's desk head",
    ("Chờ ban biên tập", "send_back"): "the section's desk head",
    ("Chờ ban biên tập", "take_back"): "the reporter",
    ("Chờ duyệt", "approve"): "the secretary",
    ("Chờ duyệt", "send_back"): "the secretary",
    ("Đã duyệt", "publish"): "the editor-in-chief",
    ("Đã duyệt", "schedule"): "the editor-in-chief",
    ("Đã duyệt", "send_back"): "the editor-in-chief",
}
WHERE_TO = {"submit": "Chờ ban biên tập", "forward": "Chờ duyệt", "approve": "Đã duyệt", "send_back": "Nháp"}
WHERE_TO["take_back"] = "Nháp"


@pytest.mark.parametrize(
    "role",
    [
        "the reporter",
        "another reporter",
        "the section's desk head",
        "another section's desk head",
        "the secretary",
        "the editor-in-chief",
        "an editor",
    ],
)
def test_each_role_makes_exactly_its_moves_at_each_stage_by_crafted_post(cast, role, economy):
    """Every move at every stage, posted by hand by each role: the allowed ones move the article where the desk says;
    every other one is refused with a Vietnamese message and changes nothing (no 500)."""
    client = logged_in(cast[role])
    for where in STAGES:
        for move in MOVES:
            article = reporters_draft(cast["the reporter"], economy, at=where)
            before = state(article)
            data = {DESK_BUTTON: move, OPENED_STAGE: article.stage_id, "desk_reason": "Thiếu nguồn tin."}
            response = client.post(move_url(article), data, follow=True)
            allowed = ALLOWED.get((where, move)) == role
            seen = state(article)
            if not allowed:
                assert seen == before, (role, where, move)
                assert response.status_code in (200, 404), (role, where, move)
                if response.status_code == 200:
                    assert messages_of(response), (role, where, move)
            elif move in ("publish", "schedule"):
                assert seen[:2] == (None, Article.Status.PUBLISHED), (role, where, move)
                assert Article.objects.published().filter(pk=article.pk).exists() == (move == "publish")
            else:
                assert seen[:2] == (WHERE_TO[move], Article.Status.DRAFT), (role, where, move)
                assert "Đã “" in messages_of(response), (role, where, move)


def test_the_whole_path_from_the_reporters_form_to_the_readers(
    reporter, desk_head, secretary, editor_in_chief, economy, client
):
    """Each move from the article's own form saves what was typed and moves the article: submit, forward, approve,
    publish; each is on record with who, from which stage to which, and readers see the article at the end."""
    article = reporters_draft(reporter, economy, headline="Bản đầu", published_at=timezone.now())
    steps = [
        (reporter, "submit", {"headline": "Bản phóng viên"}, "Chờ ban biên tập"),
        (desk_head, "forward", {"lead": "Sapo trưởng ban sửa."}, "Chờ duyệt"),
        (secretary, "approve", {}, "Đã duyệt"),
        (editor_in_chief, "publish", {}, None),
    ]
    for person, move, typed, where in steps:
        article.refresh_from_db()
        response = logged_in(person).post(change_url(article), desk_move_data(article, move, **typed))
        assert response.status_code == 302 and response["Location"] == change_url(article), (move, response)
        article.refresh_from_db()
        assert (article.stage and article.stage.name) == where
        for name, value in typed.items():
            assert getattr(article, name) == value
    assert article.status == Article.Status.PUBLISHED and article.published_at <= timezone.now()
    assert client.get(article.get_absolute_url()).status_code == 200
    moves = (Act.SUBMIT, Act.FORWARD, Act.APPROVE, Act.PUBLISH)
    rows = list(AuditEntry.objects.filter(article_id=article.pk, act__in=moves).order_by("at", "id"))
    assert [(row.act, row.actor_name, row.changes["stage"]) for row in rows] == [
        (Act.SUBMIT, "Lan", ["Nháp", "Chờ ban biên tập"]),
        (Act.FORWARD, "Hùng", ["Chờ ban biên tập", "Chờ duyệt"]),
        (Act.APPROVE, "Thu", ["Chờ duyệt", "Đã duyệt"]),
        (Act.PUBLISH, "Hải", ["Đã duyệt", None]),
    ]
    assert rows[0].changes["fields"] == ["headline"] and rows[-1].changes["status"] == ["draft", "published"]


def test_a_send_back_needs_a_reason_and_the_writer_reads_it_on_the_article_and_their_start_page(
    reporter, desk_head, economy
):
    """A send-back without a reason is refused on the same form, nothing saved, everything typed kept; with one, the
    article is back with its writer (editable again), the reason above their form and in "Chờ tôi xử lý"."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    head = logged_in(desk_head)
    response = head.post(change_url(article), desk_move_data(article, "send_back", headline="Tiêu đề trưởng ban gõ"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hãy ghi lý do trả lại" in html and 'value="Tiêu đề trưởng ban gõ"' in html
    assert state(article)[:2] == ("Chờ ban biên tập", "draft") and article.headline == "Giá lúa tăng"

    reason = "Thiếu ý kiến của nông dân; bổ sung ảnh."
    response = head.post(change_url(article), desk_move_data(article, "send_back", desk_reason=reason))
    assert response.status_code == 302
    assert state(article)[:2] == ("Nháp", "draft")
    row = AuditEntry.objects.filter(article_id=article.pk).first()
    assert (row.act, row.reason, row.changes["stage"]) == (Act.SEND_BACK, reason, ["Chờ ban biên tập", "Nháp"])

    writer = logged_in(reporter)
    form = writer.get(change_url(article)).content.decode()
    notice = form[form.index('id="bi-tra-lai"') :]
    assert "Bài bị trả lại" in notice and reason in notice and "Hùng" in notice
    assert 'name="headline"' in form  # theirs to edit again
    start = writer.get("/admin/").content.decode()
    queue = start[start.index('id="start-queue"') :]
    assert "Giá lúa tăng" in queue and f"Bị Hùng trả lại: {reason}" in queue


def test_the_reporter_takes_back_a_submitted_article_only_until_someone_downstream_opens_it(
    reporter, desk_head, economy
):
    """Right after submitting, the reporter may take the article back (it is theirs to edit again); once the desk
    head has opened it, the take-back is refused, naming who opened it and when, and the button says so."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    writer = logged_in(reporter)
    form = writer.get(change_url(article)).content.decode()
    assert 'name="headline"' not in form  # submitted: read only
    assert f'formaction="{move_url(article)}"' in form and 'value="take_back"' in form
    response = writer.post(move_url(article), {DESK_BUTTON: "take_back", OPENED_STAGE: article.stage_id})
    assert response.status_code == 302 and state(article)[0] == "Nháp"
    assert 'name="headline"' in writer.get(change_url(article)).content.decode()

    writer.post(change_url(article), desk_move_data(article, "submit"))
    assert state(article)[0] == "Chờ ban biên tập"
    logged_in(desk_head).get(change_url(article))  # the desk head opens it
    article.refresh_from_db()
    assert article.stage_opened_by == desk_head
    form = writer.get(change_url(article)).content.decode()
    assert 'value="take_back"' not in form and "Không rút lại được nữa: Hùng đã mở bài lúc" in form
    response = writer.post(move_url(article), {DESK_BUTTON: "take_back", OPENED_STAGE: article.stage_id}, follow=True)
    assert "Không rút lại được nữa: Hùng đã mở bài lúc" in messages_of(response)
    assert state(article)[0] == "Chờ ban biên tập"


def test_a_submitted_article_is_read_only_to_its_reporter_on_every_path(reporter, economy):
    """Once submitted, the reporter reads their article and changes it nowhere: form, autosave, delete."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    writer = logged_in(reporter)
    before = state(article)
    assert writer.post(change_url(article), desk_move_data(article, "", headline="Sửa lén")).status_code == 403
    assert writer.post(f"{LIST_URL}{article.pk}/tu-luu/", {"headline": "x", "lead": "", "body": ""}).status_code == 403
    assert writer.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"}).status_code == 403
    assert writer.get(f"/xem-truoc/{article.pk}/").status_code == 200
    assert state(article) == before and article.headline == "Giá lúa tăng"


def test_a_desk_head_acts_only_on_their_sections_articles_on_every_path(reporter, desk_head, economy):
    """Another section's desk head does not see the article in the list, cannot open, autosave, preview, move or
    bulk-act on it; the section's own desk head edits and forwards it; once forwarded, they only read it."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    other = logged_in(make_desk_head("mai", make_section("Xã hội")))
    before = state(article)
    assert "Giá lúa tăng" not in other.get(LIST_URL).content.decode()
    assert other.get(change_url(article)).status_code == 302  # the admin's "no such article": back to the index
    assert other.post(change_url(article), desk_move_data(article, "forward")).status_code == 302
    assert other.post(move_url(article), {DESK_BUTTON: "forward", OPENED_STAGE: article.stage_id}).status_code == 404
    assert other.post(f"{LIST_URL}{article.pk}/tu-luu/", {"headline": "x", "lead": "", "body": ""}).status_code == 404
    assert other.get(f"/xem-truoc/{article.pk}/").status_code == 403
    assert other.get(article.get_absolute_url()).status_code == 404
    for action in ("publish", "unpublish", "delete_selected", "take_down_selected"):
        other.post(LIST_URL, {"action": action, "_selected_action": [article.pk], "post": "yes", "reason": "x"})
    assert state(article) == before

    head = logged_in(desk_head)
    assert "Giá lúa tăng" in head.get(LIST_URL).content.decode()
    assert head.post(f"{LIST_URL}{article.pk}/tu-luu/", {"headline": "x", "lead": "", "body": ""}).status_code == 200
    assert head.get(f"/xem-truoc/{article.pk}/").status_code == 200
    assert (
        head.post(change_url(article), desk_move_data(article, "forward", headline="Giá lúa tăng mạnh")).status_code
        == 302
    )
    assert state(article)[0] == "Chờ duyệt" and article.headline == "Giá lúa tăng mạnh"
    form = head.get(change_url(article)).content.decode()
    assert 'name="headline"' not in form and 'name="_desk"' not in form
    assert head.post(change_url(article), desk_move_data(article, "", headline="Sửa sau")).status_code == 403


def test_a_move_that_does_not_follow_an_unknown_move_and_crafted_stage_ids_are_refused_in_vietnamese(
    reporter, desk_head, economy
):
    """Skipping a stage, a move that does not exist, a stage id that is no stage, no stage at all: each refused with a
    Vietnamese message, nothing changed."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    head = logged_in(desk_head)
    before = state(article)
    refusals = {
        ("approve", article.stage_id): "Bài đang ở khâu “Chờ ban biên tập”: không thể “Duyệt” từ đó.",
        ("publish", article.stage_id): "Bài đang ở khâu “Chờ ban biên tập”: không thể “Xuất bản” từ đó.",
        ("nhay-coc", article.stage_id): "Không có bước “nhay-coc”",
        ("forward", "abc"): "Khâu “abc” không có trong quy trình biên tập.",
        ("forward", "999999"): "Khâu “999999” không có trong quy trình biên tập.",
        ("forward", ""): "Không rõ bạn thấy bài ở khâu nào",
    }
    for (move, seen), message in refusals.items():
        response = head.post(move_url(article), {DESK_BUTTON: move, OPENED_STAGE: seen}, follow=True)
        assert response.status_code == 200 and message in messages_of(response), (move, seen)
    response = head.post(change_url(article), desk_move_data(article, "approve", headline="Gõ dở"))
    assert response.status_code == 200
    assert (
        "Bài chưa được lưu: Bài đang ở khâu “Chờ ban biên tập”: không thể “Duyệt” từ đó." in response.content.decode()
    )
    assert 'value="Gõ dở"' in response.content.decode()
    assert state(article) == before


def moved_message(article, act, who, where):
    """What a refused move says: who moved the article first, how, when (to the second), and where it is now."""
    row = AuditEntry.objects.filter(article_id=article.pk, act=act).first()
    at = timezone.localtime(row.at).strftime("%d/%m/%Y - %H:%M:%S")
    return f"Bài vừa được {who} “{row.get_act_display()}” lúc {at} (bây giờ ở khâu “{where}”)"


def test_an_approval_of_an_article_its_reporter_just_took_back_is_refused_naming_who_and_when(
    reporter, desk_head, economy
):
    """The reporter takes the article back while the desk head's page still shows it waiting for them: the desk
    head's forward (from the form, or the move alone) is refused, naming the reporter, the act and the time, and what
    the desk head typed is kept as their autosave."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    head = logged_in(desk_head)
    seen = desk_move_data(article, "forward", headline="Tiêu đề trưởng ban gõ")
    logged_in(reporter).post(move_url(article), {DESK_BUTTON: "take_back", OPENED_STAGE: article.stage_id})
    expected = moved_message(article, Act.TAKE_BACK, "Lan", "Nháp")
    response = head.post(move_url(article), {DESK_BUTTON: "forward", OPENED_STAGE: seen[OPENED_STAGE]})
    assert response.status_code == 404  # back with its writer: the desk head no longer sees it
    response = head.post(change_url(article), seen, follow=True)
    assert response.status_code == 200 and expected in messages_of(response)
    assert Autosave.objects.get(user=desk_head, article=article).data["headline"] == "Tiêu đề trưởng ban gõ"
    assert state(article)[0] == "Nháp"


def test_two_desk_heads_forwarding_the_same_article_the_second_is_told_who_forwarded_it(reporter, desk_head, economy):
    """Both open the form; the first forwards; the second's forward (with an edit) is refused, naming the first and
    when, their text kept as their autosave, and the article as the first left it."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập")
    second = make_desk_head("nam", economy, first_name="Nam")
    first_form = desk_move_data(article, "forward")
    second_form = desk_move_data(article, "forward", headline="Bản của Nam")
    assert logged_in(desk_head).post(change_url(article), first_form).status_code == 302
    response = logged_in(second).post(change_url(article), second_form, follow=True)
    assert moved_message(article, Act.FORWARD, "Hùng", "Chờ duyệt") in messages_of(response)
    assert Autosave.objects.get(user=second, article=article).data["headline"] == "Bản của Nam"
    article.refresh_from_db()
    assert (article.stage.name, article.headline) == ("Chờ duyệt", "Giá lúa tăng")


def test_the_editor_in_chief_schedules_only_for_a_time_to_come(reporter, editor_in_chief, economy):
    """ "Hẹn giờ xuất bản" takes the publication time typed in the form: in the past it is refused; in the future the
    article is published for then, out of the desk, hidden from readers until that time."""
    article = reporters_draft(reporter, economy, at="Đã duyệt", published_at=timezone.now())
    chief = logged_in(editor_in_chief)
    past = timezone.localtime() - timedelta(hours=1)
    data = desk_move_data(article, "schedule", published_at_0=past.strftime("%d/%m/%Y"), published_at_1="00:00:00")
    response = chief.post(change_url(article), data)
    assert "Hãy chọn thời gian xuất bản trong tương lai" in response.content.decode()
    assert state(article)[:2] == ("Đã duyệt", "draft")
    later = timezone.localtime() + timedelta(days=2)
    data = desk_move_data(article, "schedule", published_at_0=later.strftime("%d/%m/%Y"), published_at_1="07:00:00")
    assert chief.post(change_url(article), data).status_code == 302
    assert state(article)[:2] == (None, "published")
    assert timezone.localtime(article.published_at).strftime("%d/%m/%Y %H:%M") == later.strftime("%d/%m/%Y 07:00")
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert AuditEntry.objects.filter(article_id=article.pk).first().act == Act.SCHEDULE


def test_editors_keep_their_rights_whatever_the_stage(reporter, economy):
    """An editor ("Biên tập viên") still edits and publishes any article from the status field, wherever it waits;
    publishing takes it out of the desk, unpublishing puts it back, approved, waiting for the editor-in-chief."""
    article = reporters_draft(reporter, economy, at="Chờ ban biên tập", published_at=timezone.now())
    editor = logged_in(make_staff("bientap", EDITORS))
    assert editor.post(change_url(article), desk_move_data(article, "", status="published")).status_code == 302
    assert state(article)[:2] == (None, "published")
    assert AuditEntry.objects.filter(article_id=article.pk).first().changes["stage"] == ["Chờ ban biên tập", None]
    assert editor.post(change_url(article), desk_move_data(article, "", status="draft")).status_code == 302
    assert state(article)[:2] == ("Đã duyệt", "draft")


def test_a_status_typed_with_a_desk_button_is_refused(reporter, editor_in_chief, economy):
    """Changing the status field and pressing a desk button in one post is ambiguous: refused, nothing saved."""
    article = reporters_draft(reporter, economy, at="Đã duyệt")
    response = logged_in(editor_in_chief).post(
        change_url(article), desk_move_data(article, "send_back", status="published", desk_reason="x")
    )
    assert "Hoặc đổi trạng thái, hoặc bấm một nút chuyển khâu" in response.content.decode()
    assert state(article)[:2] == ("Đã duyệt", "draft")


def test_submitting_needs_a_section_whose_desk_head_receives_it(reporter):
    """At the desk heads' stage an article goes to its section's desk head: without a section it cannot be submitted."""
    article = reporters_draft(reporter, None)
    response = logged_in(reporter).post(change_url(article), desk_move_data(article, "submit"))
    assert "Hãy chọn chuyên mục cho bài trước khi “Gửi duyệt”" in response.content.decode()
    assert state(article)[0] == "Nháp"


def test_the_form_shows_the_stage_its_moves_and_the_articles_moves_to_everyone_who_opens_it(
    reporter, desk_head, economy
):
    """The desk head sees where the article is and since when, and the buttons for their moves; the reporter sees
    the article's moves so far ("Quá trình xử lý bài"), not the whole audit log."""
    article = reporters_draft(reporter, economy)
    logged_in(reporter).post(change_url(article), desk_move_data(article, "submit"))
    form = logged_in(desk_head).get(change_url(article)).content.decode()
    assert "Khâu: <strong>Chờ ban biên tập</strong>" in form and "gửi duyệt bởi Lan" in form
    buttons = re.findall(r'name="_desk" value="([a-z_]+)"[^>]*>([^<]+)</button>', form)
    assert buttons == [("forward", "Chuyển tiếp → Chờ duyệt"), ("send_back", "Trả lại → Nháp")]
    own = logged_in(reporter).get(change_url(article)).content.decode()
    timeline = own[own.index('id="nhat-ky"') :]
    assert "Quá trình xử lý bài" in timeline and "Gửi duyệt" in timeline and "Chờ ban biên tập" in timeline
    assert "Cả nhật ký của bài này" not in timeline


def test_a_new_draft_starts_at_the_first_stage(reporter_client, reporter):
    """Whoever writes it, a new draft waits at "Nháp" from the moment it is saved."""
    make_author("LAN", user=reporter)
    reporter_client.post(f"{LIST_URL}add/", article_form_data(headline="Bài mới toanh"))
    article = Article.objects.get(headline="Bài mới toanh")
    assert article.stage == stage("Nháp") and article.stage_since is not None
