import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.management.commands.seed_demo import DEMO_LEAD, SECTIONS
from articles.models import Article, Author, Contribution, Section, Tag, Thread
from articles.sanitize import clean_body
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, verbosity=0, **options)
    return out.getvalue()


def test_creates_marked_published_articles_over_sections_and_authors():
    """seed_demo makes the number asked for: published, clearly marked, past-dated, over sections and authors."""
    out = seed(articles=60, seed=3)
    assert "Đã tạo 60 bài demo" in out
    demo = Article.objects.published().filter(source_key__startswith="demo:3:")
    assert demo.count() == Article.objects.count() == 60
    now = timezone.now()
    for article in demo:
        assert article.headline.startswith("[Demo] ")
        assert article.lead.startswith(DEMO_LEAD)
        assert article.author.name.startswith("[Demo] ")
        assert now - timedelta(days=731) < article.published_at < now
        assert article.body == clean_body(article.body)
    assert len({a.published_at.date() for a in demo}) > 30
    assert demo.values("section").distinct().count() == len(SECTIONS)
    assert demo.values("author").distinct().count() >= 5
    assert set(Section.objects.values_list("name", flat=True)) == set(SECTIONS)


def test_demo_articles_are_searchable_and_readable(client):
    """Demo articles are indexed as save() would index them: their words find them, and their pages open."""
    seed(articles=30, seed=4)
    article = Article.objects.order_by("pk")[7]
    headline_words = " ".join(article.headline.split()[1:4])  # after "[Demo]", with accents
    assert article in Article.objects.published().search(headline_words)
    reindexed = Article.objects.get(pk=article.pk)
    reindexed.fill_text_columns()
    assert (reindexed.search_headline, reindexed.search_text, reindexed.reading_time) == (
        article.search_headline,
        article.search_text,
        article.reading_time,
    )
    assert client.get(article.get_absolute_url()).status_code == 200


def test_same_seed_gives_the_same_text():
    """A seed always makes the same headlines and bodies."""
    seed(articles=10, seed=5)
    first = list(Article.objects.order_by("source_key").values_list("headline", "body"))
    seed(delete=True)
    seed(articles=10, seed=5)
    assert list(Article.objects.order_by("source_key").values_list("headline", "body")) == first


def test_rerun_with_the_same_seed_refuses_and_another_seed_adds():
    """Running a seed twice refuses with a clear message and adds nothing; a new seed adds more."""
    seed(articles=10, seed=6)
    with pytest.raises(CommandError, match="Đã có 10 bài demo với --seed 6"):
        seed(articles=10, seed=6)
    assert Article.objects.count() == 10
    seed(articles=5, seed=7)
    assert Article.objects.count() == 15


def test_delete_removes_only_demo_content():
    """--delete removes demo articles and demo authors and leaves the newsroom's own articles alone."""
    own = make_article(headline="Bài thật")
    seed(articles=10, seed=8)
    out = io.StringIO()
    call_command("seed_demo", delete=True, stdout=out)
    assert "Đã xóa 10 bài demo." in out.getvalue()
    assert list(Article.objects.all()) == [own]
    assert not Author.objects.filter(name__startswith="[Demo]").exists()


@pytest.mark.parametrize("options", [{"articles": 0}, {"articles": -5}, {"articles": 5, "batch_size": 0}])
def test_bad_numbers_are_refused(options):
    """Zero or negative counts get a clear message and create nothing."""
    with pytest.raises(CommandError, match="phải là số dương"):
        seed(**options)
    assert not Article.objects.exists()


def test_writes_in_bulk():
    """Articles are inserted many per query (SQLite caps the rows per INSERT; PostgreSQL takes a whole batch)."""
    with CaptureQueriesContext(connection) as queries:
        seed(articles=400, seed=9, batch_size=500)
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "articles_article"')]
    assert 1 <= len(inserts) <= 400 / 30
    assert Article.objects.count() == 400


def test_demo_articles_have_tags_threads_and_photo_credits_and_delete_removes_them():
    """Benchmarks meet every part of the article page: each demo article has one to four tags, some are in a thread,
    some credit a photographer besides their writer; --delete leaves no demo tag, thread or author behind."""
    seed(articles=80, seed=6)
    demo = Article.objects.filter(source_key__startswith="demo:6:")
    assert {article.tags.count() for article in demo} <= {1, 2, 3, 4}
    assert demo.filter(thread__isnull=False).exists() and demo.filter(thread__isnull=True).exists()
    photo = Contribution.objects.filter(article__in=demo, role=Contribution.Role.PHOTO)
    assert photo.exists() and not photo.filter(author=F("article__author")).exists()
    assert Tag.objects.count() > 20 and Thread.objects.exists()

    seed(delete=True)
    assert not Tag.objects.exists() and not Thread.objects.exists() and not Author.objects.exists()
