from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.factories import article_form_data, make_article

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


@pytest.mark.parametrize(
    ("unpublish_in", "visible"),
    [(None, True), (timedelta(minutes=5), True), (timedelta(minutes=-5), False)],
)
def test_taken_down_article_is_hidden_by_the_one_rule(unpublish_in, visible):
    """published() and with_visibility() hide an article once its "gỡ bài lúc" time has passed."""
    unpublish_at = timezone.now() + unpublish_in if unpublish_in else None
    article = make_article(unpublish_at=unpublish_at)
    assert (article in Article.objects.published()) is visible
    assert Article.objects.with_visibility().get(pk=article.pk).is_visible is visible


def test_take_down_happens_on_time_without_anyone_saving(monkeypatch):
    """Visible until the instant it is due, hidden from that instant on."""
    now = timezone.now()
    article = make_article(unpublish_at=now + timedelta(minutes=10))
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=10) - timedelta(microseconds=1))
    assert list(Article.objects.published()) == [article]
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=10))
    assert list(Article.objects.published()) == []


def test_taken_down_article_is_404_for_readers_and_marked_for_editors(editor_client):
    """Readers get 404; an editor still opens it, with the not-visible banner and noindex."""
    article = make_article(headline="Bài đã gỡ", unpublish_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(article.get_absolute_url()).status_code == 404
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Bài đã gỡ" in html and "noindex" in html


def test_editor_sets_a_take_down_time_in_the_form(editor_client):
    """The publishing fieldset has "Gỡ bài lúc"; a time before publication is refused with a clear message."""
    article = make_article()
    page = editor_client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert "Gỡ bài lúc" in page and 'name="unpublish_at_0"' in page
    earlier = timezone.localtime(article.published_at - timedelta(days=1))
    data = article_form_data(article, unpublish_at_0=earlier.strftime("%d/%m/%Y"), unpublish_at_1="08:00:00")
    response = editor_client.post(f"{LIST_URL}{article.pk}/change/", data)
    assert "Thời điểm gỡ bài phải sau thời gian xuất bản." in response.content.decode()
    later = timezone.localtime(timezone.now() + timedelta(days=2))
    data = article_form_data(article, unpublish_at_0=later.strftime("%d/%m/%Y"), unpublish_at_1="08:00:00")
    assert editor_client.post(f"{LIST_URL}{article.pk}/change/", data).status_code == 302
    article.refresh_from_db()
    assert timezone.localtime(article.unpublish_at).date() == later.date()


def test_admin_list_shows_a_taken_down_article_as_not_seen_by_readers(editor_client):
    """The "Bạn đọc thấy" column follows the same rule."""
    make_article(headline="Đã hết hạn", unpublish_at=timezone.now() - timedelta(minutes=1))
    html = editor_client.get(LIST_URL).content.decode()
    row = html[html.index("Đã hết hạn") :]
    assert row.index("icon-no") < row.index("</tr>")


def test_bulk_publishing_a_taken_down_article_shows_it_again(editor_client):
    """Publishing from the list again what was taken down clears the elapsed take-down time."""
    article = make_article(
        status=Article.Status.DRAFT,
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
    )
    editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.unpublish_at is None
    assert list(Article.objects.published()) == [article]
