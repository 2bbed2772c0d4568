"""Who is told what (articles/notifications.py, asked by articles/workflow.py): a move tells the people of the stage it
reaches (a send-back and a publication the writer), a note the colleagues it mentions; once per event per person,
never the one who acted; in the admin (header count, list, marked read) and by e-mail once the move is committed."""

import logging

import pytest
from django.core import mail

from articles import workflow
from articles.forms import DESK_BUTTON, OPENED_STAGE
from articles.models import InternalNote, Notification
from articles.notifications import mentioned
from articles.workflow import REPORTERS
from tests.factories import at_stage, desk_move_data, logged_in, make_desk_head, make_section, make_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
NOTIFICATIONS_URL = "/admin/articles/notification/"


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


def told(article=None):
    """{username: [messages]} of every notification (of one article)."""
    found = {}
    rows = Notification.objects.order_by("id").select_related("recipient")
    for row in rows.filter(article=article) if article else rows:
        found.setdefault(row.recipient.username, []).append(row.message)
    return found


def test_each_move_tells_the_people_of_the_stage_it_reaches_once(
    reporter, desk_head, secretary, editor_in_chief, economy
):
    """Submitted: the section's desk heads (not another section's); forwarded: the secretaries; approved: the
    editors-in-chief; sent back or published: the writer. One notification each, none to the one who acted."""
    make_desk_head("mai", make_section("Xã hội"))
    second_head = make_desk_head("nam", economy, first_name="Nam")
    article = at_stage("Nháp", created_by=reporter, section=economy, headline="Giá lúa tăng")
    for person, move, extra in [
        (reporter, "submit", {}),
        (desk_head, "send_back", {"desk_reason": "Thiếu nguồn."}),
        (reporter, "submit", {}),
        (second_head, "forward", {}),
        (secretary, "approve", {}),
        (editor_in_chief, "publish", {}),
    ]:
        article.refresh_from_db()
        logged_in(person).post(change_url(article), desk_move_data(article, move, **extra))
    assert told(article) == {
        "hung": ["Lan gửi bài “Giá lúa tăng” tới khâu “Chờ ban biên tập”."] * 2,
        "nam": ["Lan gửi bài “Giá lúa tăng” tới khâu “Chờ ban biên tập”."] * 2,
        "reporter": ["Hùng trả lại bài “Giá lúa tăng”.", "Hải đã xuất bản bài “Giá lúa tăng”."],
        "thu": ["Nam chuyển bài “Giá lúa tăng” tới khâu “Chờ duyệt”."],
        "hai": ["Thu đã duyệt bài “Giá lúa tăng”; bài chờ xuất bản ở khâu “Đã duyệt”."],
    }
    assert Notification.objects.get(recipient=reporter, message__contains="trả lại").detail == "Thiếu nguồn."


def test_the_person_who_acted_is_never_told_even_when_the_stage_is_theirs(economy):
    """A desk head who also writes submits their own article to their own section: the other desk head is told,
    they are not."""
    writer = make_desk_head("hung", economy, first_name="Hùng")
    writer.groups.add(*make_staff("tmp", REPORTERS).groups.all())
    other = make_desk_head("nam", economy)
    article = at_stage("Nháp", created_by=writer, section=economy)
    moved = workflow.move(article, writer, "submit", seen_stage=article.stage_id)
    assert [person.username for person in moved.told] == ["nam"] and list(told()) == ["nam"]
    assert other.notifications.count() == 1


def test_each_notification_is_emailed_once_after_the_move_is_committed(
    reporter, desk_head, economy, django_capture_on_commit_callbacks
):
    """One e-mail per person told, to their address, with the headline, the reason and a link to the article; none
    to the person who acted; none before the transaction commits."""
    reporter.email, desk_head.email = "lan@baocantho.vn", "hung@baocantho.vn"
    reporter.save()
    desk_head.save()
    make_desk_head("nam", economy)  # no address: told in the admin only
    article = at_stage("Chờ ban biên tập", created_by=reporter, section=economy, headline="Giá lúa tăng")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.move(article, desk_head, "send_back", reason="Thiếu nguồn.", seen_stage=article.stage_id)
    assert mail.outbox == []
    for callback in callbacks:  # the commit (the page cache's new stamp is another callback)
        callback()
    (sent,) = mail.outbox
    assert sent.to == ["lan@baocantho.vn"] and "Hùng trả lại bài “Giá lúa tăng”." in sent.subject
    assert "Thiếu nguồn." in sent.body and f"{LIST_URL}{article.pk}/change/" in sent.body


def test_a_mail_server_that_fails_is_logged_and_the_move_is_kept(
    reporter, desk_head, economy, settings, caplog, django_capture_on_commit_callbacks
):
    """With the SMTP server unreachable the move is made and notified in the admin; the log says the e-mail failed."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    reporter.email = "lan@baocantho.vn"
    reporter.save()
    article = at_stage("Chờ ban biên tập", created_by=reporter, section=economy)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        workflow.move(article, desk_head, "send_back", reason="Thiếu nguồn.", seen_stage=article.stage_id)
    article.refresh_from_db()
    assert article.stage.name == "Nháp" and reporter.notifications.count() == 1
    assert "notification e-mail not sent to lan@baocantho.vn" in caplog.text


def test_the_header_counts_unread_notifications_and_the_list_marks_them_read(reporter, desk_head, economy):
    """The header says how many are unread; the list shows one's own, newest first; opening one goes to its article
    and marks it read; "mark all read" clears the count. Nobody opens another person's notification."""
    first = at_stage("Nháp", created_by=reporter, section=economy, headline="Bài một")
    second = at_stage("Nháp", created_by=reporter, section=economy, headline="Bài hai")
    for article in (first, second):
        workflow.move(article, reporter, "submit", seen_stage=article.stage_id)
    head = logged_in(desk_head)
    assert 'Thông báo <strong class="unread-count">(2)</strong>' in head.get("/admin/").content.decode()
    listing = head.get(NOTIFICATIONS_URL).content.decode()
    assert listing.index("Bài hai") < listing.index("Bài một")
    opened = Notification.objects.get(article=first)
    response = head.get(f"{NOTIFICATIONS_URL}{opened.pk}/mo/")
    assert response.status_code == 302 and response["Location"] == change_url(first)
    assert 'Thông báo <strong class="unread-count">(1)</strong>' in head.get("/admin/").content.decode()
    assert logged_in(reporter).get(f"{NOTIFICATIONS_URL}{opened.pk}/mo/").status_code == 404
    assert "Bài một" not in logged_in(reporter).get(NOTIFICATIONS_URL).content.decode()
    head.post(f"{NOTIFICATIONS_URL}doc-het/")
    page = head.get("/admin/").content.decode()
    assert 'id="thong-bao">Thông báo</a>' in page and "unread-count" not in page


def test_a_note_tells_the_colleagues_it_mentions_who_may_open_the_article(reporter, desk_head, secretary, economy):
    """ "@hung" and "@Thu" (accents and case aside) are told once each, even mentioned twice; a colleague who cannot
    open the article is not told, nor is a name nobody has, and the note's writer is told which; the writer is never
    told of their own mention."""
    article = at_stage("Chờ duyệt", created_by=reporter, section=economy, headline="Giá lúa tăng")
    make_staff("khoa", REPORTERS, first_name="Khoa")
    text = "@hung xem giúp đoạn hai; @thu và @Hùng nữa. Hỏi cả @khoa, @khongcoai và chính tôi @reporter."
    response = logged_in(reporter).post(f"{LIST_URL}{article.pk}/ghi-chu/", {"text": text}, follow=True)
    page = response.content.decode()
    assert "Đã thêm ghi chú và báo cho: Hùng, Thu." in page
    assert "Không ai tên @khongcoai trong tòa soạn" in page and "Khoa không mở được bài này" in page
    assert told() == {name: ["Lan nhắc đến bạn trong ghi chú của bài “Giá lúa tăng”."] for name in ("hung", "thu")}
    assert Notification.objects.filter(recipient=desk_head).get().detail == text
    form = logged_in(desk_head).get(change_url(article)).content.decode()
    notes = form[form.index('id="ghi-chu"') :]
    assert "@hung xem giúp đoạn hai" in notes and "Lan" in notes


def test_a_blank_note_is_asked_again_and_a_note_needs_the_article(reporter, desk_head, economy):
    """A note of spaces is refused in Vietnamese on a page keeping the form; someone who cannot open the article
    cannot add a note to it."""
    article = at_stage("Nháp", created_by=reporter, section=economy)
    response = logged_in(reporter).post(f"{LIST_URL}{article.pk}/ghi-chu/", {"text": "   "})
    assert response.status_code == 200 and "Ghi chú trống: hãy viết nội dung." in response.content.decode()
    assert logged_in(desk_head).post(f"{LIST_URL}{article.pk}/ghi-chu/", {"text": "Tôi chen vào"}).status_code == 404
    assert not InternalNote.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected", "unknown"),
    [
        ("@lan", ["lan"], []),
        ("Nhờ @Nguyễn Văn An, cảm ơn", ["an"], []),
        ("nhờ @nguyen van an.", ["an"], []),
        ("@Lan Anh và @Lan", ["lananh", "lan"], []),
        ("@Lanh ơi", [], ["@Lanh"]),
        ("gửi lan@baocantho.vn", [], []),
        ("@ai-do", [], ["@ai-do"]),
    ],
)
def test_mentions_match_user_names_and_names_accents_and_case_aside_the_longest_first(
    django_user_model, text, expected, unknown
):
    """A mention is @ and a user name or a name as shown, accents, case and đ ignored, not running into a longer
    word; the longer of two names that fit wins; an e-mail address is no mention."""
    people = [
        django_user_model.objects.create_user("lan", first_name="Lan"),
        django_user_model.objects.create_user("lananh", first_name="Lan", last_name="Anh"),
        django_user_model.objects.create_user("an", first_name="Nguyễn Văn", last_name="An"),
    ]
    found, missing = mentioned(text, people)
    assert ([person.username for person in found], missing) == (expected, unknown)


def test_a_move_refused_tells_nobody(reporter, desk_head, economy):
    """A refused move writes no notification."""
    article = at_stage("Chờ ban biên tập", created_by=reporter, section=economy)
    logged_in(desk_head).post(
        f"{LIST_URL}{article.pk}/chuyen-khau/", {DESK_BUTTON: "send_back", OPENED_STAGE: article.stage_id}
    )
    assert not Notification.objects.exists()
