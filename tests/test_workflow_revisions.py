import re
from pathlib import Path

import pytest
from django.core.management import call_command
from reversion.models import Version

from articles.models import Article
from articles.revisions import SAVED_OUTSIDE_ADMIN, versions_of
from tests.factories import article_form_data, make_article, make_author

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
SEED = Path(__file__).parent / "data" / "000_cb3a0ecfc020ae02.txt"


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


def diff_url(article, version):
    return f"{LIST_URL}{article.pk}/history/{version.pk}/"


def edit(client, article, **changes):
    article.refresh_from_db()
    response = client.post(change_url(article), article_form_data(article, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    return article


def test_admin_save_records_who_when_and_the_full_content(editor, editor_client):
    """Saving the form stores a revision with the user, the change message and every content field."""
    editor_client.post(f"{LIST_URL}add/", article_form_data(headline="Bài đầu", image_caption="Chú thích"))
    article = Article.objects.get()
    edit(editor_client, article, lead="Sapo mới.")
    latest, first = versions_of(article.pk)
    assert latest.revision.user == editor and first.revision.user == editor
    assert latest.revision.date_created >= first.revision.date_created
    stored = latest.field_dict
    assert stored["headline"] == "Bài đầu" and stored["lead"] == "Sapo mới."
    assert stored["body"] == "<p>Nội dung bài mới.</p>" and stored["image_caption"] == "Chú thích"
    assert {"status", "published_at", "author_id", "section_id", "image", "unpublish_at"} <= set(stored)
    assert first.field_dict["lead"] == "Sapo bài mới."


def test_bulk_publish_records_a_revision_for_each_article(editor, editor_client):
    """Each article a bulk action changes gets its own version, by the editor, saying what happened."""
    drafts = [make_article(headline=f"Nháp {i}", status=Article.Status.DRAFT) for i in range(2)]
    editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [a.pk for a in drafts]})
    for draft in drafts:
        latest = versions_of(draft.pk).first()
        assert latest.field_dict["status"] == Article.Status.PUBLISHED
        assert latest.revision.user == editor
        assert latest.revision.get_comment() == "Xuất bản hàng loạt."


def test_shell_save_records_a_revision_without_the_caller_asking():
    """A plain Article.save() (shell, script) is recorded too, with a note that it came from outside the admin."""
    article = make_article(headline="Từ dòng lệnh")
    article.lead = "Sửa trong shell."
    article.save()
    latest, first = versions_of(article.pk)
    assert latest.field_dict["lead"] == "Sửa trong shell." and first.field_dict["lead"] != "Sửa trong shell."
    assert latest.revision.get_comment() == SAVED_OUTSIDE_ADMIN
    assert latest.revision.user is None


def test_import_records_a_revision():
    """The importer writes through Article.save() and gets a revision without calling reversion itself."""
    call_command("import_articles", str(SEED), verbosity=0)
    article = Article.objects.get()
    assert versions_of(article.pk).first().field_dict["headline"] == article.headline


def test_history_lists_every_save_newest_first_with_who_saved(editor_client):
    """The history page lists each revision with its time, who saved it and the change message."""
    article = make_article(headline="Có lịch sử")
    edit(editor_client, article, headline="Có lịch sử (sửa)")
    html = editor_client.get(f"{LIST_URL}{article.pk}/history/").content.decode()
    newest, oldest = versions_of(article.pk)
    assert html.index(diff_url(article, newest)) < html.index(diff_url(article, oldest))
    assert "editor" in html and SAVED_OUTSIDE_ADMIN in html


def test_diff_marks_changed_words_in_headline_lead_and_body(editor_client):
    """Comparing a revision with the current article marks removed and added words, field by field, as text."""
    article = make_article(
        headline="Cần Thơ mở hội chợ",
        lead="Hội chợ mở cửa ba ngày.",
        body="<p>Đoạn một giữ nguyên.</p><p>Có 50 gian hàng &lt;b&gt;.</p>",
    )
    first = versions_of(article.pk).first()
    edit(
        editor_client,
        article,
        headline="Cần Thơ khai mạc hội chợ",
        lead="Hội chợ mở cửa năm ngày.",
        body="<p>Đoạn một giữ nguyên.</p><p>Có 80 gian hàng &lt;b&gt;.</p>",
    )
    html = editor_client.get(diff_url(article, first)).content.decode()
    assert "<del>mở</del><ins>khai mạc</ins>" in html
    assert "<del>ba</del><ins>năm</ins>" in html
    assert "<del>50</del><ins>80</ins>" in html
    assert "Đoạn một giữ nguyên.\nCó " in html  # paragraphs kept as lines, unchanged text unmarked
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_restore_brings_old_content_back_as_a_new_revision(editor, editor_client):
    """Restoring puts the old words back (sanitised, same URL) and is itself recorded; nothing is lost."""
    article = make_article(headline="Bản gốc", body="<p>Nội dung gốc.</p>")
    original = versions_of(article.pk).first()
    edit(editor_client, article, headline="Bản hỏng", body="<p>Bị xoá mất.</p>", slug="duong-dan-moi")
    response = editor_client.post(diff_url(article, original))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.body, article.slug) == ("Bản gốc", "<p>Nội dung gốc.</p>", "duong-dan-moi")
    newest, broken, _ = versions_of(article.pk)
    assert newest.revision.user == editor and newest.revision.get_comment().startswith("Khôi phục bản lưu lúc")
    assert broken.field_dict["headline"] == "Bản hỏng"


def test_reporter_restoring_an_old_published_revision_keeps_their_draft_a_draft(reporter, reporter_client):
    """A reporter gets the old words back, never the old publishing state."""
    article = make_article(headline="Từng đăng", created_by=reporter)
    published = versions_of(article.pk).first()
    article.status = Article.Status.DRAFT
    article.headline = "Đã gỡ, đang sửa"
    article.save()
    assert reporter_client.post(diff_url(article, published)).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Từng đăng", Article.Status.DRAFT)


def test_reporter_cannot_restore_a_published_article(reporter, reporter_client):
    """Restore is a change: refused on an article the reporter may not change."""
    article = make_article(headline="Đang đăng", created_by=reporter)
    first = versions_of(article.pk).first()
    article.headline = "Biên tập đã sửa"
    article.save()
    page = reporter_client.get(diff_url(article, first))
    assert page.status_code == 200 and "Khôi phục bản này" not in page.content.decode()
    assert reporter_client.post(diff_url(article, first)).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Biên tập đã sửa"


def test_deleting_asks_for_confirmation_and_says_the_article_can_be_recovered(editor_client):
    """The delete confirmation (one article or the bulk action) tells the editor it is recoverable."""
    article = make_article()
    single = editor_client.get(f"{LIST_URL}{article.pk}/delete/").content.decode()
    bulk = editor_client.post(LIST_URL, {"action": "delete_selected", "_selected_action": [article.pk]})
    for html in (single, bulk.content.decode()):
        assert "Bài bị xoá vẫn có thể khôi phục" in html
    assert Article.objects.filter(pk=article.pk).exists()


def test_deleted_article_is_recovered_with_its_history(editor, editor_client, client):
    """Delete, find it under "Khôi phục bài đã xoá", confirm: same id, same content and URL, history intact."""
    article = make_article(headline="Bài lỡ xoá", slug="bai-lo-xoa")
    edit(editor_client, article, lead="Sapo cuối cùng.")
    pk, url = article.pk, article.get_absolute_url()
    editor_client.post(f"{LIST_URL}{pk}/delete/", {"post": "yes"})
    assert client.get(url).status_code == 404
    listing = editor_client.get(f"{LIST_URL}recover/").content.decode()
    version_id = re.search(rf'href="{LIST_URL}recover/(\d+)/">', listing).group(1)
    assert "Bài lỡ xoá" in listing
    confirm = editor_client.get(f"{LIST_URL}recover/{version_id}/").content.decode()
    assert "Bài lỡ xoá" in confirm and "Sapo cuối cùng." in confirm
    assert editor_client.post(f"{LIST_URL}recover/{version_id}/").status_code == 302
    article = Article.objects.get(pk=pk)
    assert (article.lead, article.slug, article.updated_by) == ("Sapo cuối cùng.", "bai-lo-xoa", editor)
    assert client.get(url).status_code == 200
    assert versions_of(pk).count() == 3
    assert "Khôi phục bài đã xoá" in versions_of(pk).first().revision.get_comment()
    assert not Version.objects.get_deleted(Article).exists()


def test_recovered_article_takes_a_new_url_when_its_old_one_was_taken(editor_client):
    """If another article took the URL meanwhile, the recovered one gets a fresh slug instead of failing."""
    article = make_article(headline="Trùng đường dẫn", slug="trung")
    pk = article.pk
    article.delete()
    make_article(headline="Bài mới chiếm chỗ", slug="trung")
    version = Version.objects.get_deleted(Article).get()
    editor_client.post(f"{LIST_URL}recover/{version.pk}/")
    assert Article.objects.get(pk=pk).slug == "trung-duong-dan"


def test_recovering_without_the_author_says_why_and_changes_nothing(editor_client):
    """An article whose author was deleted since cannot come back until the author exists; the editor is told."""
    author = make_author("NGƯỜI ĐÃ NGHỈ")
    article = make_article(author=author)
    article.delete()
    author.delete()
    version = Version.objects.get_deleted(Article).get()
    response = editor_client.post(f"{LIST_URL}recover/{version.pk}/", follow=True)
    assert "Tác giả của bài đã bị xoá" in response.content.decode()
    assert not Article.objects.exists()


def test_reporters_cannot_reach_the_recovery_pages(reporter_client):
    """Recovering deleted articles is an editor's job."""
    article = make_article()
    article.delete()
    version = Version.objects.get_deleted(Article).get()
    assert reporter_client.get(f"{LIST_URL}recover/").status_code == 403
    assert reporter_client.post(f"{LIST_URL}recover/{version.pk}/").status_code == 403
    assert not Article.objects.exists()
