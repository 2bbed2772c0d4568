import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article, Autosave
from articles.revisions import versions_of
from articles.workflow import EDITORS
from tests.factories import article_form_data, make_article, make_author

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
SCRIPT = Path(settings.BASE_DIR) / "articles" / "static" / "articles" / "js" / "article_form.js"
TYPED = {
    "headline": "Tiêu đề đang gõ",
    "lead": "Sapo đang gõ.",
    "body": "<p>Đoạn đang gõ dở</p>",
    "image_caption": "Chú thích mới",
    "image_credit": "",
    "image_alt": "",
}


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


def autosave(client, article=None, **typed):
    url = f"{LIST_URL}{article.pk}/tu-luu/" if article else f"{LIST_URL}tu-luu/"
    return client.post(url, {**TYPED, **typed})


def test_autosave_keeps_what_was_typed_apart_from_the_article(editor, editor_client):
    """The typed text is stored for this user and article; the article, its version and history are untouched."""
    article = make_article(headline="Đã lưu")
    response = autosave(editor_client, article)
    assert response.status_code == 200 and "saved_at" in response.json()
    stored = Autosave.objects.get()
    assert (stored.user, stored.article, stored.data["headline"]) == (editor, article, "Tiêu đề đang gõ")
    article.refresh_from_db()
    assert (article.headline, article.version, versions_of(article.pk).count()) == ("Đã lưu", 1, 1)


def test_autosave_of_a_new_article_replaces_the_previous_one(editor_client):
    """A new article has one autosave per user, overwritten as typing goes on; no article is created."""
    autosave(editor_client, headline="Bản một")
    autosave(editor_client, headline="Bản hai")
    assert [a.data["headline"] for a in Autosave.objects.all()] == ["Bản hai"]
    assert not Article.objects.exists()


def test_reopening_offers_the_autosave_with_what_differs(editor_client):
    """After a crash the form offers the autosave, shows the difference, and links to restore or discard it."""
    article = make_article(headline="Tiêu đề đã lưu", lead="Sapo đang gõ.")
    autosave(editor_client, article)
    html = editor_client.get(change_url(article)).content.decode()
    assert "Có bản tự lưu lúc" in html
    assert "<del>đã lưu</del><ins>đang gõ</ins>" in html
    assert f'href="{change_url(article)}?tu-luu=khoi-phuc"' in html
    assert f'action="{LIST_URL}{article.pk}/tu-luu/bo/"' in html


def test_restoring_fills_the_form_and_saving_stores_it_and_clears_the_autosave(editor_client):
    """Restore puts the autosave into the form without saving; the next successful save stores it and clears it."""
    article = make_article(headline="Đã lưu")
    autosave(editor_client, article)
    html = editor_client.get(change_url(article), {"tu-luu": "khoi-phuc"}).content.decode()
    assert 'value="Tiêu đề đang gõ"' in html and "Đoạn đang gõ dở" in html
    assert "Biểu mẫu đã được điền lại bằng bản tự lưu" in html
    article.refresh_from_db()
    assert article.headline == "Đã lưu"
    response = editor_client.post(change_url(article), article_form_data(article, **TYPED))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Tiêu đề đang gõ"
    assert not Autosave.objects.exists()
    assert "Có bản tự lưu" not in editor_client.get(change_url(article)).content.decode()


def test_adding_an_article_clears_the_new_article_autosave(editor_client):
    """The add form offers the new-article autosave, and saving the new article clears it."""
    make_author()
    autosave(editor_client)
    html = editor_client.get(f"{LIST_URL}add/").content.decode()
    assert "Có bản tự lưu lúc" in html
    restored = editor_client.get(f"{LIST_URL}add/", {"tu-luu": "khoi-phuc"}).content.decode()
    assert 'value="Tiêu đề đang gõ"' in restored
    assert editor_client.post(f"{LIST_URL}add/", article_form_data(**TYPED)).status_code == 302
    assert not Autosave.objects.exists()


def test_discarding_deletes_the_autosave_and_keeps_the_article(editor_client):
    """Discard removes the offer; the article stays as saved."""
    article = make_article(headline="Đã lưu")
    autosave(editor_client, article)
    response = editor_client.post(f"{LIST_URL}{article.pk}/tu-luu/bo/", follow=True)
    assert "Đã bỏ bản tự lưu." in response.content.decode()
    assert not Autosave.objects.exists()
    article.refresh_from_db()
    assert article.headline == "Đã lưu"


def test_an_autosave_is_only_ever_offered_to_its_author(editor_client, django_user_model):
    """Another editor opening the same article sees nothing of someone else's unsaved typing."""
    from django.contrib.auth.models import Group

    article = make_article()
    autosave(editor_client, article)
    colleague = django_user_model.objects.create_user("dongnghiep", is_staff=True)
    colleague.groups.add(Group.objects.get(name=EDITORS))
    other = Client()
    other.force_login(colleague)
    html = other.get(change_url(article)).content.decode()
    assert "Có bản tự lưu" not in html and "Tiêu đề đang gõ" not in html


def test_an_autosave_identical_to_the_article_is_not_offered(editor_client):
    """Typing that ends where the article already is offers nothing."""
    article = make_article(**{k: v for k, v in TYPED.items() if k != "body"}, body=TYPED["body"])
    autosave(editor_client, article)
    assert "Có bản tự lưu" not in editor_client.get(change_url(article)).content.decode()
    assert not Autosave.objects.exists()


def test_autosave_follows_the_edit_rights(reporter, reporter_client):
    """Only someone who may edit the article can autosave it; anonymous posts store nothing."""
    others = make_article(status=Article.Status.DRAFT, author=make_author("KHÁC"))
    own_live = make_article(created_by=reporter)
    own_draft = make_article(status=Article.Status.DRAFT, created_by=reporter)
    assert autosave(reporter_client, others).status_code == 404
    assert autosave(reporter_client, own_live).status_code == 403
    assert autosave(Client(), own_draft).status_code == 302  # to the login page
    assert not Autosave.objects.exists()
    assert autosave(reporter_client, own_draft).status_code == 200


def test_bad_autosave_input_gets_a_clear_error_and_stores_nothing(editor_client):
    """Over-long text is refused with a Vietnamese JSON message; GET is not allowed."""
    article = make_article()
    response = autosave(editor_client, article, headline="x" * 300)
    assert response.status_code == 400
    assert json.loads(response.content)["error"].startswith("Chưa tự lưu được — Tiêu đề:")
    assert editor_client.get(f"{LIST_URL}{article.pk}/tu-luu/").status_code == 405
    assert not Autosave.objects.exists()


def test_form_wires_the_autosave_script_which_reads_ckeditor(editor_client):
    """The form loads the script and tells it where to post; the script reads the body from CKEditor."""
    article = make_article()
    html = editor_client.get(change_url(article)).content.decode()
    assert "articles/js/article_form.js" in html
    assert f'data-autosave-url="{LIST_URL}{article.pk}/tu-luu/"' in html
    script = SCRIPT.read_text()
    assert "CKEDITOR.instances" in script and "getData()" in script
