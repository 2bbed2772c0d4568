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


def test_an_article_that_now_owns_an_old_slug_is_served_at_it(editor_client):
    """If a new article takes a freed slug, its URL shows it; the redirect never hides a live article."""
    article = make_article(headline="Cũ", slug="trung")
    rename(editor_client, article, "cu-doi-ten")
    make_article(headline="Mới chiếm đường dẫn", slug="trung")
    response = Client().get("/articles/trung/")
    assert response.status_code == 200 and "Mới chiếm đường dẫn" in response.content.decode()
