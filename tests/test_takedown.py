"""Taking an article down on order (gỡ bài): 410 for readers at once, read-only in the admin, reasons required, only
with the permission, and back again at the same URL."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from reversion.models import Version

from articles import revisions, workflow
from articles.models import Article, AuditEntry, Autosave, EditConflict, Takedown
from tests.factories import article_form_data, logged_in, make_article, make_author, make_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
REASON = "Theo văn bản yêu cầu của Sở Thông tin và Truyền thông."


@pytest.fixture
def chief(db):
    """An editor-in-chief: the "Tổng biên tập" group made by the migration."""
    return make_staff("tongbientap", workflow.EDITORS_IN_CHIEF, first_name="Hùng")


@pytest.fixture
def chief_client(chief):
    return logged_in(chief)


def take_down(article, user, **options):
    return workflow.take_down(article, user, REASON, **options)


def test_a_taken_down_article_answers_410_without_its_words_at_its_url_and_every_old_one(chief):
    """The article's URL and each slug it had answer 410 Gone with a Vietnamese page that says it was taken down,
    showing neither its text nor (unless chosen) its headline."""
    article = make_article(headline="Bài sẽ bị gỡ", body="<p>Đoạn văn bị gỡ.</p>")
    old_url = article.get_absolute_url()
    article.slug = "bai-doi-ten"
    article.save()
    take_down(article, chief)
    reader = Client()
    for url in (article.get_absolute_url(), old_url):
        response = reader.get(url)
        text = response.content.decode()
        assert response.status_code == 410
        assert "Bài viết đã bị gỡ" in text
        assert "Bài sẽ bị gỡ" not in text and "Đoạn văn bị gỡ" not in text
        assert '<meta name="robots" content="noindex">' in text


def test_the_410_page_names_the_article_only_when_the_editor_chose_so(chief):
    """ "Trang báo bài đã gỡ vẫn ghi tiêu đề": the headline, and still none of the text."""
    article = make_article(headline="Bài gỡ có ghi tiêu đề", body="<p>Đoạn văn bị gỡ.</p>")
    take_down(article, chief, show_headline=True)
    text = Client().get(article.get_absolute_url()).content.decode()
    assert "Bài gỡ có ghi tiêu đề" in text and "Đoạn văn bị gỡ" not in text


def test_a_cached_page_turns_410_at_once_and_comes_back_at_once_on_reinstatement(chief):
    """The page cache served the article; after the takedown the very next request is 410 (no waiting for any cache),
    and after reinstating, the next is the article again: a 410 is never stored."""
    article = make_article(headline="Bài đang được đọc")
    reader = Client()
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert reader.get(article.get_absolute_url()).status_code == 200  # from the cache
    take_down(article, chief)
    assert reader.get(article.get_absolute_url()).status_code == 410
    assert "Bài đang được đọc" not in reader.get("/").content.decode()
    workflow.reinstate(article, chief, "Cơ quan quản lý đã rút yêu cầu.")
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200 and "Bài đang được đọc" in response.content.decode()
    assert "Bài đang được đọc" in reader.get("/").content.decode()


def test_editors_without_the_permission_get_410_and_no_preview_while_the_chief_reads_it(chief, chief_client):
    """An editor (Biên tập viên) and the reporter who wrote it get 410 at the URL and no preview; the editor-in-chief
    still reads it, marked as taken down."""
    editor = make_staff("bientap", workflow.EDITORS)
    reporter = make_staff("phongvien", workflow.REPORTERS)
    article = make_article(headline="Bài của phóng viên", author=make_author("LAN", user=reporter))
    take_down(article, chief)
    for user in (editor, reporter):
        client = logged_in(user)
        assert client.get(article.get_absolute_url()).status_code == 410
        assert client.get(f"/xem-truoc/{article.pk}/").status_code == 403
    page = chief_client.get(article.get_absolute_url())
    assert page.status_code == 200 and "Đã gỡ theo yêu cầu" in page.content.decode()
    assert chief_client.get(f"/xem-truoc/{article.pk}/").status_code == 200


def test_taking_down_asks_for_a_reason_and_refuses_a_blank_one_on_the_same_form(chief_client):
    """An empty or whitespace-only reason is refused with a Vietnamese message on the same page; the choice made is
    kept and the article is untouched."""
    article = make_article()
    url = f"{LIST_URL}{article.pk}/go-bai/"
    assert "Lý do" in chief_client.get(url).content.decode()
    for reason in ("", "   \n\t "):
        response = chief_client.post(url, {"reason": reason, "show_headline": "on"})
        assert response.status_code == 200
        assert "Hãy ghi lý do" in response.content.decode()
        assert response.context["form"]["show_headline"].value() is True
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and not Takedown.objects.exists()
    response = chief_client.post(url, {"reason": REASON})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.TAKEN_DOWN
    assert Takedown.objects.get().reason == REASON


def test_crafted_takedown_and_reinstate_posts_without_the_permission_change_nothing(chief):
    """An editor (every permission but taking down) or a reporter posting by hand to the takedown or reinstate URL is
    refused by the server."""
    editor = make_staff("bientap", workflow.EDITORS)
    reporter = make_staff("phongvien", workflow.REPORTERS)
    live = make_article(headline="Bài đang đăng", author=make_author("LAN", user=reporter))
    gone = make_article(headline="Bài đã gỡ", author=live.author)
    take_down(gone, chief)
    for user in (editor, reporter):
        client = logged_in(user)
        assert client.post(f"{LIST_URL}{live.pk}/go-bai/", {"reason": REASON}).status_code == 403
        assert client.post(f"{LIST_URL}{gone.pk}/dua-tro-lai/", {"reason": REASON}).status_code == 403
        assert client.post(f"{LIST_URL}{gone.pk}/xoa-bai-da-go/", {"reason": REASON}).status_code == 403
    assert Article.objects.get(pk=live.pk).status == Article.Status.PUBLISHED
    assert Article.objects.get(pk=gone.pk).status == Article.Status.TAKEN_DOWN


def test_the_form_cannot_set_taken_down_as_a_status(editor_client):
    """ "Đã gỡ" is not a status to type: a crafted form post naming it is refused with a form error, nothing saved."""
    article = make_article()
    response = editor_client.post(f"{LIST_URL}{article.pk}/change/", article_form_data(article, status="taken_down"))
    assert response.status_code == 200 and response.context["adminform"].form.errors["status"]
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_a_taken_down_article_is_kept_read_only_in_the_admin_with_who_when_and_why(chief, chief_client):
    """The admin shows the "Đã gỡ" banner with the reason and who, the fields read-only, no ordinary delete."""
    article = make_article(headline="Bài giữ lại để thanh tra")
    take_down(article, chief)
    page = chief_client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert "Đã gỡ" in page and REASON in page and "Hùng" in page
    assert 'name="headline"' not in page  # read-only
    assert chief_client.post(f"{LIST_URL}{article.pk}/delete/", {"post": "yes"}).status_code == 403
    chief_client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_superuser_deletes_a_taken_down_article_only_with_a_reason_on_record(chief):
    """Deleting a taken-down article takes a superuser and a reason, which the audit log keeps."""
    admin = User.objects.create_superuser("quantri", password="pw")
    client = logged_in(admin)
    article = make_article(headline="Bài gỡ rồi xoá")
    take_down(article, chief)
    url = f"{LIST_URL}{article.pk}/xoa-bai-da-go/"
    assert "Hãy ghi lý do" in client.post(url, {"reason": " "}).content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    assert client.post(url, {"reason": "Hết thời hạn lưu theo quy định."}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    deleted = AuditEntry.objects.get(act=AuditEntry.Act.DELETE)
    assert (deleted.reason, deleted.actor, deleted.target) == (
        "Hết thời hạn lưu theo quy định.",
        admin,
        "Bài gỡ rồi xoá",
    )


def test_a_taken_down_article_deleted_then_recovered_is_still_gone_and_can_be_reinstated(chief):
    """Its takedown's row goes with it when it is deleted; recovered from its history it comes back taken down: 410
    at its URL, on the page and in the API, naming nothing; reinstating brings it back."""
    admin = User.objects.create_superuser("quantri", password="pw")
    article = make_article(headline="Bài gỡ, xoá rồi khôi phục", slug="bai-go-xoa")
    take_down(article, chief, show_headline=True)
    workflow.delete_taken_down(article, admin, "Xoá nhầm.")
    reader = Client()
    assert reader.get("/articles/bai-go-xoa/").status_code == 404

    revisions.recover(Version.objects.get_deleted(Article).get(), admin)
    page = reader.get("/articles/bai-go-xoa/")
    assert page.status_code == 410 and "Bài gỡ, xoá rồi khôi phục" not in page.content.decode()
    api = reader.get("/api/v1/articles/bai-go-xoa/")
    assert api.status_code == 410 and "headline" not in api.json()

    workflow.reinstate(Article.objects.get(slug="bai-go-xoa"), chief, "Được phép đăng lại.")
    assert reader.get("/articles/bai-go-xoa/").status_code == 200


def test_an_unknown_or_taken_down_slug_costs_a_fixed_number_of_queries(chief, django_assert_num_queries):
    """A 404 for a slug no article has: the visible article, an old slug, a taken-down article at the slug and at an
    old slug, the header's menu (5). A 410: the same, with the takedown found at the slug (its row in force) instead
    of looking through the old slugs."""
    take_down(make_article(slug="da-go"), chief)
    reader = Client()
    with django_assert_num_queries(5):
        assert reader.get("/articles/khong-co-bai-nay/").status_code == 404
    with django_assert_num_queries(5):
        assert reader.get("/articles/da-go/").status_code == 410


def test_an_editor_with_the_form_open_is_refused_after_a_takedown_and_keeps_what_they_typed(chief):
    """The editor's next save says the article was taken down, by whom and why; nothing is written to the article,
    and what they typed waits in their autosave."""
    editor = make_staff("bientap", workflow.EDITORS)
    article = make_article(headline="Bài đang sửa")
    opened = article_form_data(article, headline="Tiêu đề vừa gõ")
    take_down(article, chief)
    client = logged_in(editor)
    response = client.post(f"{LIST_URL}{article.pk}/change/", opened, follow=True)
    message = " ".join(str(m) for m in response.context["messages"])
    assert "đã bị Hùng gỡ theo yêu cầu" in message and REASON in message and "chưa được lưu" in message
    article.refresh_from_db()
    assert article.headline == "Bài đang sửa" and article.status == Article.Status.TAKEN_DOWN
    assert Autosave.objects.get(user=editor, article=article).data["headline"] == "Tiêu đề vừa gõ"


def test_a_save_racing_a_takedown_loses_to_it(chief):
    """An editor whose save lands after the takedown (the article loaded before it) hits the version the takedown
    bumped: the save is refused and the article stays taken down."""
    article = make_article()
    stale = Article.objects.get(pk=article.pk)
    take_down(article, chief)
    stale.headline = "Sửa muộn"
    with pytest.raises(EditConflict):
        stale.save()
    assert Article.objects.get(pk=article.pk).status == Article.Status.TAKEN_DOWN


def test_taking_down_twice_records_one_takedown(chief):
    """A second takedown of the same article (a double click, two editors) records nothing more."""
    article = make_article()
    assert take_down(article, chief) is not None
    assert take_down(article, chief) is None
    assert Takedown.objects.count() == 1
    assert AuditEntry.objects.filter(act=AuditEntry.Act.TAKEDOWN).count() == 1


def test_reinstating_brings_the_article_back_at_the_same_url_with_a_reason(chief, chief_client):
    """Reinstating asks for a reason too, and the article is back where it was, in the lists and at its URL."""
    article = make_article(headline="Bài được đưa trở lại")
    take_down(article, chief)
    url = f"{LIST_URL}{article.pk}/dua-tro-lai/"
    assert "Hãy ghi lý do" in chief_client.post(url, {"reason": ""}).content.decode()
    assert chief_client.post(url, {"reason": "Đã đính chính xong."}).status_code == 302
    article.refresh_from_db()
    assert (
        article.status == Article.Status.PUBLISHED and article.get_absolute_url() == "/articles/bai-duoc-dua-tro-lai/"
    )
    takedown = Takedown.objects.get()
    assert (takedown.reinstated_by, takedown.reinstate_reason) == (chief, "Đã đính chính xong.")
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_bulk_publishing_and_unpublishing_leave_a_taken_down_article_alone(chief, editor_client):
    """Only reinstating brings a taken-down article back: the bulk actions skip it."""
    article = make_article()
    take_down(article, chief)
    for action in ("publish", "unpublish"):
        editor_client.post(LIST_URL, {"action": action, "_selected_action": [article.pk]})
        assert Article.objects.get(pk=article.pk).status == Article.Status.TAKEN_DOWN


def test_a_reporter_sees_their_taken_down_article_and_the_reason_on_their_start_page(chief):
    """The reporter's start page lists their article under "Bài bị gỡ theo yêu cầu" with the reason."""
    reporter = make_staff("phongvien", workflow.REPORTERS)
    article = make_article(headline="Bài của Lan", author=make_author("LAN", user=reporter))
    make_article(headline="Bài của người khác", author=make_author("KHÁC"))
    take_down(article, chief)
    take_down(Article.objects.get(headline="Bài của người khác"), chief)
    page = logged_in(reporter).get("/admin/").content.decode()
    assert "Bài bị gỡ theo yêu cầu" in page and "Bài của Lan" in page and REASON in page
    assert "Bài của người khác" not in page


def test_a_draft_cannot_be_taken_down_on_order(chief_client):
    """Readers never see a draft anyway: the takedown page refuses it with a message, nothing changes."""
    draft = make_article(status=Article.Status.DRAFT)
    response = chief_client.post(f"{LIST_URL}{draft.pk}/go-bai/", {"reason": REASON})
    assert response.status_code == 200 and "Chỉ gỡ theo yêu cầu được bài đã xuất bản" in response.content.decode()
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


def test_a_bulk_takedown_asks_one_reason_and_records_each_article(chief, chief_client):
    """ "Gỡ các bài đã chọn theo yêu cầu…": a page asks the reason (a blank one refused there, the selection kept);
    then each published article is its own takedown and its own row; a draft is left as it is."""
    live = [make_article(headline=f"Bài {n}") for n in range(2)]
    draft = make_article(headline="Nháp", status=Article.Status.DRAFT)
    selection = {"action": "take_down_selected", "_selected_action": [a.pk for a in [*live, draft]]}
    asked = chief_client.post(LIST_URL, {**selection, "index": 0})
    assert asked.status_code == 200 and "Lý do" in asked.content.decode()
    for article in [*live, draft]:  # the page posts the same selection back to the same action
        assert f'<input type="hidden" name="_selected_action" value="{article.pk}">' in asked.content.decode()
    assert '<input type="hidden" name="action" value="take_down_selected">' in asked.content.decode()
    blank = chief_client.post(LIST_URL, {**selection, "reason": "  "})
    assert "Hãy ghi lý do" in blank.content.decode() and not Takedown.objects.exists()
    done = chief_client.post(LIST_URL, {**selection, "reason": REASON}, follow=True)
    assert "Đã gỡ 2 bài theo yêu cầu; 1 bài không gỡ" in done.content.decode()
    assert set(Article.objects.filter(status=Article.Status.TAKEN_DOWN)) == set(live)
    rows = AuditEntry.objects.filter(act=AuditEntry.Act.TAKEDOWN)
    assert sorted(row.article_id for row in rows) == sorted(a.pk for a in live)
    assert {row.reason for row in rows} == {REASON} and Article.objects.get(pk=draft.pk).status == "draft"


def test_the_bulk_takedown_is_not_offered_nor_accepted_without_the_permission():
    """An editor without the permission neither sees the action nor gets anything done by posting it."""
    client = logged_in(make_staff("bientap", workflow.EDITORS))
    article = make_article()
    assert "take_down_selected" not in client.get(LIST_URL).content.decode()
    client.post(LIST_URL, {"action": "take_down_selected", "_selected_action": [article.pk], "reason": REASON})
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
