from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, OldSlug
from tests.factories import article_form_data, make_article

pytestmark = pytest.mark.django_db


def rename(client, article, slug):
    article.refresh_from_db()
    response = client.post(f"/admin/articles/article/{article.pk}/change/", article_form_data(article, slug=slug))
    assert response.status_code == 302
    article.refresh_from_db()


def test_changed_slug_of_a_published_article_answers_301_to_the_new_url(editor_client):
    """A link shared before the change (with its tracking query) lands on the article's new URL, permanently."""
    article = make_article(headline="Hội chợ HTX", slug="hoi-cho-htx")
    rename(editor_client, article, "hoi-cho-htx-can-tho")
    response = Client().get("/articles/hoi-cho-htx/", {"fbclid": "abc"})
    assert response.status_code == 301
    assert response["Location"] == "/articles/hoi-cho-htx-can-tho/?fbclid=abc"
    assert Client().get(response["Location"]).status_code == 200


def test_every_earlier_slug_leads_to_the_current_one(editor_client):
    """After two renames both old URLs point straight at the current one (no redirect chains)."""
    article = make_article(slug="mot")
    rename(editor_client, article, "hai")
    rename(editor_client, article, "ba")
    for old in ("mot", "hai"):
        assert Client().get(f"/articles/{old}/")["Location"] == "/articles/ba/"


def test_going_back_to_an_old_slug_serves_it_directly(editor_client):
    """Renaming back makes the old URL the article's own again, and the abandoned one redirects to it."""
    article = make_article(slug="goc")
    rename(editor_client, article, "tam")
    rename(editor_client, article, "goc")
    assert Client().get("/articles/goc/").status_code == 200
    assert Client().get("/articles/tam/")["Location"] == "/articles/goc/"
    assert not OldSlug.objects.filter(slug="goc").exists()


@pytest.mark.parametrize(
    "hide",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"unpublish_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["unpublished", "scheduled", "taken-down"],
)
def test_old_slug_of_an_article_readers_cannot_see_is_404_and_reveals_nothing(editor_client, hide):
    """An old URL never leads to a draft, a scheduled or a taken-down article: 404, no Location to learn from."""
    article = make_article(headline="Bí mật", slug="cu", published_at=timezone.now() - timedelta(days=2))
    rename(editor_client, article, "moi-bi-mat")
    for name, value in hide.items():
        setattr(article, name, value)
    article.save()
    response = Client().get("/articles/cu/")
    assert response.status_code == 404
    assert "moi-bi-mat" not in response.content.decode() and "Bí mật" not in response.content.decode()


def test_a_draft_cannot_take_over_another_articles_old_url_in_the_admin(editor_client, reporter_client):
    """A reporter typing the old slug of a renamed article gets a Vietnamese form error naming that article; nothing
    is saved, and the old URL still leads readers to the article it belonged to."""
    article = make_article(headline="Hội chợ HTX", slug="trung")
    rename(editor_client, article, "hoi-cho-htx")
    data = article_form_data(headline="Bài của phóng viên", slug="trung", status=Article.Status.DRAFT)
    response = reporter_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == [
        f"Đường dẫn “trung” là đường dẫn cũ của bài “Hội chợ HTX” (#{article.pk}) và vẫn chuyển người đọc tới bài "
        "đó; hãy chọn đường dẫn khác."
    ]
    assert not Article.objects.filter(headline="Bài của phóng viên").exists()
    assert Client().get("/articles/trung/")["Location"] == "/articles/hoi-cho-htx/"


def test_other_write_paths_never_take_over_an_old_url(editor_client):
    """The importer, the shell or an empty slug made from the headline get the next free slug instead: the old URL
    keeps its 301 after the new article is published."""
    article = make_article(headline="Trùng", slug="trung")
    rename(editor_client, article, "cu-doi-ten")
    typed = make_article(headline="Mới", slug="trung")
    made = make_article(headline="Trùng")
    assert (typed.slug, made.slug) == ("trung-2", "trung-3")
    assert Client().get("/articles/trung/")["Location"] == "/articles/cu-doi-ten/"
    assert OldSlug.objects.get(slug="trung").article == article
