"""Prepared queries (articles/prepared.py): the SQL is compiled once, yet every call sees the values it is given and
the database as it is now, with the same objects a queryset gives."""

import datetime
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import front, queries
from articles.lists import CardList
from articles.models import Article, OldSlug, Section
from articles.prepared import PreparedQuery
from tests.factories import make_article, make_author, make_section, make_tag, tagged

pytestmark = pytest.mark.django_db


def test_a_prepared_query_builds_its_sql_once_and_answers_each_call_with_its_own_values():
    built = []

    def build(slug, now):
        built.append(slug)
        return Article.objects.published(now).select_related("author", "section").filter(slug=slug)

    by_slug = PreparedQuery(Article, build, slug=str, now=datetime.datetime)
    first = make_article(headline="Bài thứ nhất", section=make_section())
    second = make_article(headline="Bài thứ hai", author=make_author("HOÀNG ANH"))

    assert by_slug(slug=first.slug, now=timezone.now()) == [first]
    with CaptureQueriesContext(connection) as queries:
        [found] = by_slug(slug=second.slug, now=timezone.now())
        assert (found.author.name, found.section) == ("HOÀNG ANH", None)  # joined, not loaded afterwards
    assert len(queries) == 1
    assert by_slug(slug="khong-co-bai-nay", now=timezone.now()) == []
    assert len(built) == 1


def test_the_time_is_a_value_too_so_a_scheduled_article_appears_when_its_time_comes():
    soon = timezone.now() + timedelta(minutes=5)
    scheduled = make_article(published_at=soon)

    assert queries.visible_by_slug(scheduled.slug) is None
    assert Article.objects.published(soon).get() == scheduled
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: soon + timedelta(seconds=1))
        assert queries.visible_by_slug(scheduled.slug) == scheduled


def test_prepared_rows_are_the_rows_the_queryset_gives():
    section = make_section()
    articles = [make_article(headline=f"Bài {i}", section=section) for i in range(5)]
    make_article(headline="Bản nháp", section=section, status=Article.Status.DRAFT)
    cards = CardList(section).page(0, 10)

    assert cards == list(Article.objects.published().filter(section=section)) == articles[::-1]
    assert queries.related_to(articles[0]).articles == articles[1:][::-1][: queries.RELATED]
    assert queries.section_menu() == list(Section.objects.all())


def test_a_value_that_does_not_reach_the_sql_as_it_is_given_is_refused_with_the_reason():
    """Compiled once, the SQL could not follow a value changed in Python on its way (or one Django writes into the
    SQL itself, as slice bounds): such a query fails on its first call, never answers for another value."""
    by_headline = PreparedQuery(
        Article, lambda headline: Article.objects.filter(headline=headline.upper()), headline=str
    )

    with pytest.raises(ValueError, match=r"not parameters of the SQL: \['headline'\]"):
        by_headline(headline="Bài")


@pytest.mark.parametrize(
    "build",
    [
        lambda slug: Article.objects.filter(slug=slug).values("headline"),
        lambda slug: Article.objects.filter(slug=slug).prefetch_related("old_slugs"),
    ],
    ids=["values", "prefetch_related"],
)
def test_what_the_rows_alone_do_not_make_is_refused_rather_than_dropped(build):
    make_article(slug="bai-mot")

    with pytest.raises(ValueError, match="no values\\(\\) or prefetch_related\\(\\)"):
        PreparedQuery(Article, build, slug=str)(slug="bai-mot")


def test_an_annotation_is_set_on_each_object_as_the_queryset_sets_it_and_columns_can_name_it():
    article = make_article(slug="bai-mot")
    OldSlug.objects.create(slug="bai-cu", article=article)
    OldSlug.objects.create(slug="bai-cu-hon", article=article)
    counted = PreparedQuery(
        Article, lambda slug: Article.objects.filter(slug=slug).annotate(moves=Count("old_slugs")), slug=str
    )

    [found] = counted(slug="bai-mot")
    assert (found, found.moves) == (article, 2)
    assert counted.columns(("moves", "slug"), slug="bai-mot") == [(2, "bai-mot")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize("enabled", [True, False])
def test_on_postgresql_only_prepared_queries_become_prepared_statements(settings, enabled):
    """Their plan is made once per connection; any other statement, run as often, is planned for its own values (a
    plan made once for any search words made search seven times slower). A pooler that cannot keep prepared
    statements turns them off (DJANGO_DB_PREPARED_STATEMENTS=0)."""
    settings.PREPARED_STATEMENTS = enabled
    article = make_article(section=make_section())
    for _ in range(6):
        queries.visible_by_slug(article.slug)
        list(Article.objects.published().search("Cần Thơ"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    by_slug = [statement for statement in prepared if '"articles_article"."slug" = $' in statement]
    searches = [statement for statement in prepared if "@@" in statement]
    assert (len(by_slug), searches) == (1 if enabled else 0, [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_related_box_and_the_list_keep_the_plan_made_once():
    """After the planner's first five calls (each planned for its values), every call runs the plan made once. Shown
    the time, PostgreSQL found the plan for "any time" costlier and planned the related box anew on every call, which
    cost more than running it: the times are hidden from its planner."""
    call_command("seed_demo", articles=3000, seed=1, stdout=io.StringIO(), verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    article = Article.objects.published().filter(tags__isnull=False, thread__isnull=False).first()
    for _ in range(12):
        queries.related_to(article)
        queries.cards(None, "first", 21)(now=timezone.now())

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        plans = {statement: (generic, custom) for statement, generic, custom in cursor.fetchall()}
    related = [plan for statement, plan in plans.items() if '"articles_relatedpick"' in statement]
    listed = [plan for statement, plan in plans.items() if statement.rstrip().endswith("LIMIT 21")]
    assert related == listed == [(7, 5)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg is PostgreSQL's driver")
def test_on_postgresql_psycopg_reads_even_the_longest_prepared_statements_once(monkeypatch):
    """psycopg keeps its conversion of a statement's marks only for short statements with few parameters; the related
    box's query and the front page's candidates' are longer and have more, and were read through again on every
    call."""
    from psycopg import _queries

    for n in range(3):  # enough blocks for the candidates' query to have more parameters than psycopg keeps
        make_section(name=f"Chuyên mục {n}", on_front=True, front_count=10)
    article = tagged(make_article(section=Section.objects.first()), make_tag())
    queries.related_to(article)
    front.assemble()
    original, converted = _queries._query2pg_nocache, []
    monkeypatch.setattr(_queries, "_query2pg_nocache", lambda *args: converted.append(args) or original(*args))

    queries.related_to(article)
    front.assemble()

    assert converted == []
