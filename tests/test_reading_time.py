"""Reading time, "N phút đọc": the syllables (words between spaces) of headline, lead and body text at
formatting.READING_RATE syllables a minute, rounded up; kept with the article on every save, so cards print it
without loading the body."""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from articles.formatting import READING_RATE, reading_minutes
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def words(n):
    return " ".join(["chữ"] * n)


@pytest.mark.parametrize(
    ("syllables", "minutes"),
    [(0, 1), (1, 1), (READING_RATE, 1), (READING_RATE + 1, 2), (3 * READING_RATE, 3), (3 * READING_RATE + 1, 4)],
)
def test_reading_time_is_the_syllables_at_the_rate_rounded_up_and_at_least_a_minute(syllables, minutes):
    assert reading_minutes(words(syllables)) == minutes


def test_the_htx_article_takes_three_minutes_to_read(client):
    """The seed's headline, lead and five paragraphs hold 869 syllables: 3 minutes at the rate, on its page."""
    call_command("loaddata", "htx", verbosity=0)
    htx = Article.objects.get(pk=1)
    text = f"{htx.headline} {htx.lead} {re.sub(r'<[^>]+>', ' ', htx.body)}"
    assert len(text.split()) == 869
    assert htx.reading_time == 3
    assert "3 phút đọc" in client.get(htx.get_absolute_url()).content.decode()


def test_reading_time_counts_the_body_text_not_its_markup_and_follows_each_save():
    """Tags and attributes are no syllables; an edit that lengthens the body lengthens the time."""
    body = f'<p><a href="https://example.com/{"x" * 50}">{words(10)}</a></p>'
    article = make_article(headline="Tiêu đề", lead="Sapo.", body=body)
    assert article.reading_time == 1
    article.body = f"<p>{words(2 * READING_RATE)}</p>"
    article.save()
    assert Article.objects.get(pk=article.pk).reading_time == 3


def test_cards_print_the_reading_time_without_loading_the_body(client, django_assert_num_queries):
    """The list page reads no body, yet every card says how long its article takes."""
    make_article(headline="Dài", body=f"<p>{words(4 * READING_RATE)}</p>")
    make_article(headline="Ngắn")
    with django_assert_num_queries(3) as queries:
        html = client.get("/latest/").content.decode()
    assert not any('"articles_article"."body"' in query["sql"] for query in queries.captured_queries)
    assert re.findall(r"(\d+) phút đọc", html) == ["1", "5"]


def test_the_migration_gives_articles_written_before_it_their_reading_time():
    """Migration 0017 fills the column of every existing row (here reset to the column's default)."""
    article = make_article(body=f"<p>{words(2 * READING_RATE)}</p>")
    Article.objects.update(reading_time=1)
    migration = importlib.import_module("articles.migrations.0018_reading_time")
    migration.fill_reading_time(apps, SimpleNamespace(connection=connection))
    assert Article.objects.get(pk=article.pk).reading_time == 3
