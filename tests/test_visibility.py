from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offset", "visible"),
    [
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
        (Article.Status.PUBLISHED, timedelta(hours=1), False),
        (Article.Status.DRAFT, timedelta(hours=-1), False),
        (Article.Status.DRAFT, timedelta(hours=1), False),
    ],
)
def test_published_returns_only_published_articles_whose_time_has_come(status, offset, visible):
    """published() is the one rule: status published and published_at at or before now."""
    article = make_article(status=status, published_at=timezone.now() + offset)
    assert (article in Article.objects.published()) is visible
    assert Article.objects.with_visibility().get(pk=article.pk).is_visible is visible


def test_article_published_exactly_now_is_visible(monkeypatch):
    """The boundary is inclusive: an article scheduled for this very instant is visible."""
    now = timezone.now()
    article = make_article(published_at=now)
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert list(Article.objects.published()) == [article]
    monkeypatch.setattr(timezone, "now", lambda: now - timedelta(microseconds=1))
    assert list(Article.objects.published()) == []


def test_scheduled_article_appears_when_its_time_comes(monkeypatch):
    """No one has to save anything: a scheduled article becomes visible once its time passes."""
    now = timezone.now()
    article = make_article(published_at=now + timedelta(minutes=5))
    assert article not in Article.objects.published()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=6))
    assert article in Article.objects.published()


def test_published_article_must_have_a_time():
    """The database refuses a published article without a publication time."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_article(published_at=None)
