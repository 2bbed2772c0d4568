"""What keeps pages fast at 100,000 articles, proved on a few dozen: fixed query counts, no COUNT(*) on the public
lists, and deep pages reached through an index alone (articles/pagination.py; numbers in docs/PERFORMANCE.md)."""

import html
import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from django.db import connection
from django.db.models.signals import post_init, pre_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import pagination
from articles.admin import ArticleAdmin
from articles.models import Article, ArticleOwner, Author, Section, Tag
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

LISTS = ["/latest/", "/sections/thoi-su/", "/authors/thanh-thy/"]
ADMIN_LIST = "/admin/articles/article/"


@pytest.fixture
def many():
    """`many(n)`: n more published articles, one section, one author; "Bài 0" is the newest, then "Bài 1", …"""
    section, author = make_section("Thời sự"), make_author("THANH THY")
    now, made = timezone.now(), []

    def make(count):
        for i in range(len(made), len(made) + count):
            made.append(
                make_article(
                    headline=f"Bài {i}", section=section, author=author, published_at=now - timedelta(minutes=i)
                )
            )

    return make


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries.captured_queries]


def headlines(response):
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def shallow_first_page(monkeypatch):
    """Only page 1 (of 20 articles) is read in one query; from page 2 on, pages go through their ids, as pages past
    the first few do on a real site."""
    monkeypatch.setattr(pagination, "SHALLOW", 20)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_for_3_or_45_articles_and_on_its_last_page(
    client, many, path, shallow_first_page
):
    """Home, section and author pages: the first page takes the same queries with 3 or 45 articles and counts
    nothing; a page deeper by its number one more (its ids first), and the last pages, read from the end, as few as the
    first. The first deep page after a change counts the list once (to know where its end is); the next remember it."""
    many(3)
    _, few = get(client, path)
    many(42)
    _, first = get(client, path)
    _, second = get(client, f"{path}?page=2")
    last_page, last = get(client, f"{path}?page=3")
    assert len(few) == len(first) == len(second) - 2 == len(last)
    assert headlines(last_page) == [f"Bài {i}" for i in range(40, 45)]
    counts = [len([sql for sql in queries if "COUNT(" in sql.upper()]) for queries in (few, first, second, last)]
    assert counts == [0, 0, 1, 0]


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_middle_is_read_from_the_end_of_the_list(client, many, path, shallow_first_page):
    """`?page=N` past the middle walks the entries after the page, not the ones before, and shows the right articles
    in the list's order: of six pages, the fourth skips the 24 entries after it (ids first), the fifth 4, the last
    none (in one query, as the first page)."""
    many(105)
    get(client, f"{path}?page=2")  # counts the list: remembered from here on
    pages = {number: get(client, f"{path}?page={number}") for number in (4, 5, 6)}
    for number, (response, _) in pages.items():
        first = (number - 1) * 20
        assert headlines(response) == [f"Bài {i}" for i in range(first, min(first + 20, 105))]
        assert ('rel="next"' in response.content.decode()) == (number < 6)
    skipped = {
        number: [int(n) for sql in queries if not owner_lookup(sql) for n in re.findall(r"OFFSET (\d+)", sql)]
        for number, (_, queries) in pages.items()
    }
    assert skipped == {4: [24], 5: [4], 6: []}


def test_deep_pages_by_number_follow_every_change_at_once(client, many, shallow_first_page, settings, time_machine):
    """The remembered count is never stale, with the page cache off too: a new article, one taken down and a scheduled
    one reaching its time each move the last page's articles at once."""
    settings.PAGE_CACHE = False
    many(45)
    time_machine.move_to(timezone.now(), tick=False)
    section = Section.objects.get()

    def last_pages():
        return [headlines(client.get(f"{path}?page=3")) for path in ("/latest/", section.get_absolute_url())]

    before = [f"Bài {i}" for i in range(40, 45)]
    one_more = [f"Bài {i}" for i in range(39, 45)]
    assert last_pages() == [before, before]
    make_article(headline="Bài mới", section=section, published_at=timezone.now())
    assert last_pages() == [one_more, one_more]
    Article.objects.filter(headline="Bài mới").update(status=Article.Status.DRAFT)
    assert last_pages() == [before, before]
    make_article(headline="Bài hẹn giờ", section=section, published_at=timezone.now() + timedelta(hours=1))
    assert last_pages() == [before, before]
    time_machine.shift(timedelta(hours=2))
    assert last_pages() == [one_more, one_more]


def test_pages_say_where_they_are_and_link_on_without_counting(client, many):
    """A full last page has no "next" link and the page after it is the Vietnamese 404; no "of N pages"."""
    many(40)
    first, second = client.get("/latest/").content.decode(), client.get("/latest/?page=2").content.decode()
    assert 'rel="next" href="?page=2"' in first and 'aria-current="page">Trang 1<' in first
    assert 'rel="prev" href="/latest/"' in second and 'rel="next"' not in second
    assert 'aria-current="page">Trang 2<' in second
    missing = client.get("/latest/?page=3")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.content.decode()


def follow(client, url, rel):
    """The pages from `url` on, following each page's `rel` ("next" or "prev") link: [(URL, headlines, SQL), …]."""
    pages = []
    while url:
        response, queries = get(client, url)
        assert response.status_code == 200, url
        pages.append((url, headlines(response), queries))
        url = link(url, response, rel)
    return pages


def owner_lookup(sql):
    """Whether `sql` finds the owner of a list's page (which may count its first articles: `sized()`), not them."""
    return sql.startswith(('SELECT "articles_author"', 'SELECT "articles_section"'))


def link(url, response, rel):
    """Where the page at `url` links as `rel`, or None."""
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', response.content.decode())
    return urljoin(url, html.unescape(found[1])) if found else None


@pytest.mark.parametrize("path", LISTS)
def test_following_the_page_links_reads_each_deep_page_from_an_article_not_by_skipping(
    client, many, path, shallow_first_page
):
    """Past the first page (here; the first five on a real site), "Trang sau" and "Trang trước" name the article they
    continue from, so each page is read from it through the index, however deep: every article once, in order, and
    as many queries as the first page (where the article is, is read with the page), none skipping rows (no OFFSET)."""
    many(65)
    forward = follow(client, path, "next")
    assert [titles for _, titles, _ in forward] == [
        [f"Bài {i}" for i in range(s, min(s + 20, 65))] for s in (0, 20, 40, 60)
    ]
    assert all(url.startswith(f"{path}?") for url, _, _ in forward[1:])
    deep = [queries for _, _, queries in forward[1:]]
    assert {len(queries) for queries in deep} == {len(forward[0][2])}
    listed = [sql for queries in deep for sql in queries if not owner_lookup(sql)]
    assert not [sql for sql in listed if "OFFSET" in sql.upper() or "COUNT(" in sql.upper()]

    last_url = forward[-1][0]  # back from the last page, by its own "Trang trước" link
    back = follow(client, link(last_url, client.get(last_url), "prev"), "prev")
    assert [titles for _, titles, _ in back] == [titles for _, titles, _ in reversed(forward[:-1])]


def test_a_deep_page_keeps_its_number_as_its_name(client, many, shallow_first_page):
    """A page reached by a link that continues from an article is still "Trang 3", and its canonical URL is the
    number alone."""
    many(45)
    url = link("/latest/?page=2", client.get("/latest/?page=2"), "next")
    assert f"{pagination.AFTER}=" in url
    third = client.get(url).content.decode()
    assert 'aria-current="page">Trang 3<' in third and "— Trang 3 —" in third
    assert '<link rel="canonical" href="http://testserver/latest/?page=3">' in third


def test_a_link_from_an_article_no_longer_listed_opens_the_page_by_number(client, many, shallow_first_page):
    """The article a page link continues from was taken down, is a draft, belongs to another section, or the link
    was mangled: the reader is sent to that page by its number, never shown a wrong page or an error."""
    many(45)
    taken_down = Article.objects.get(headline="Bài 39")
    Article.objects.filter(pk=taken_down.pk).update(status=Article.Status.DRAFT)
    other_section = make_article(headline="Bài mục khác", section=make_section("Thể thao"))
    for query in (f"sau={taken_down.pk}", f"truoc={taken_down.pk}", "sau=abc", "truoc=-4", f"sau={10**30}"):
        response = client.get(f"/latest/?page=3&{query}")
        assert (response.status_code, response["Location"]) == (302, "/latest/?page=3"), query
    response = client.get(f"/sections/thoi-su/?page=3&sau={other_section.pk}")
    assert response["Location"] == "/sections/thoi-su/?page=3"
    assert 'aria-current="page">Trang 3<' in client.get("/latest/?page=3").content.decode()


def test_page_last_still_opens_the_last_page(client, many):
    """`?page=last` (Django's alias, in old links) still shows the last page: the one request that counts."""
    many(25)
    assert headlines(client.get("/latest/?page=last")) == [f"Bài {i}" for i in range(20, 25)]


def test_an_empty_site_shows_its_empty_first_page(client):
    """No article yet: the home page says so (200), and page 2 does not exist."""
    assert "Chưa có bài viết nào được xuất bản." in client.get("/latest/").content.decode()
    assert client.get("/latest/?page=2").status_code == 404


@pytest.mark.parametrize("path", LISTS)
def test_skipping_to_a_deep_page_reads_an_index_not_the_articles(client, many, path, shallow_first_page):
    """The query that finds a page's articles is answered from an index alone, which holds every column the
    visibility rule, the order and the section or author filter read: skipping rows never reads article rows."""
    if connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL picks an index-only scan only for rows its visibility map knows (after VACUUM), which a "
            "test's fresh rows never are; docs/PERFORMANCE.md measures its deep pages at 100,000 articles"
        )
    many(105)
    for page in (2, 4):  # from the start; past the middle, from the end
        _, queries = get(client, f"{path}?page={page}")
        (find_ids,) = [sql for sql in queries if re.match(r'SELECT "articles_article"\."id" AS "pk"', sql)]
        assert find_ids.endswith("ASC LIMIT 21 OFFSET 24") == (page == 4)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {find_ids}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING COVERING INDEX article_" in plan, plan


@pytest.fixture
def admin_pages_of_20(monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 20)


def test_admin_changelist_queries_stay_fixed_on_its_last_page_and_count_once(
    editor_client, many, admin_pages_of_20, shallow_first_page
):
    """The admin list's pages take the same queries (ids first, the first page too), with one COUNT (the filtered
    one: no second count of the whole table) and no scan of every date (no date hierarchy)."""
    many(45)
    _, first = get(editor_client, ADMIN_LIST)
    _, second = get(editor_client, f"{ADMIN_LIST}?p=2")
    last_page, last = get(editor_client, f"{ADMIN_LIST}?p=3")
    assert len(first) == len(second) == len(last)
    for queries in (first, last):
        # One count of the articles (the header's count of unread notifications is another table's).
        assert len([sql for sql in queries if 'COUNT(*) AS "__count" FROM "articles_article"' in sql]) == 1
        assert not [sql for sql in queries if "DISTINCT" in sql.upper()]
    listed = re.findall(r'<th class="field-headline"><a href="[^"]+">([^<]+)</a>', last_page.content.decode())
    assert listed == [f"Bài {i}" for i in range(40, 45)]


def test_fast_article_urls_still_follow_the_script_prefix():
    """The reversed-once URL patterns (slug_url) stay right when the site is mounted under a prefix."""
    from django.urls import set_script_prefix

    article = make_article(slug="bai-mot")
    try:
        set_script_prefix("/tin/")
        assert (article.get_absolute_url(), article.author.get_absolute_url()) == (
            "/tin/articles/bai-mot/",
            "/tin/authors/thanh-thy/",
        )
    finally:
        set_script_prefix("/")
    assert article.get_absolute_url() == "/articles/bai-mot/"


def test_a_page_answered_under_a_script_prefix_links_under_it(client, settings):
    """A request's links follow the prefix it was answered under (links.PlaceMiddleware reads it once per request),
    and the next request's the prefix it has."""
    from django.urls import set_script_prefix

    settings.PAGE_CACHE = False  # the same path is asked under two prefixes
    make_article(slug="bai-mot")
    try:
        set_script_prefix("/tin/")
        mounted = client.get("/latest/").content.decode()
    finally:
        set_script_prefix("/")
    plain = client.get("/latest/").content.decode()
    assert 'href="/tin/articles/bai-mot/"' in mounted and 'href="/tin/authors/thanh-thy/"' in mounted
    assert 'href="/articles/bai-mot/"' in plain and 'href="/authors/thanh-thy/"' in plain


@pytest.mark.parametrize("model", [Article, Author, Section])
def test_loading_a_row_runs_no_signal_receiver(model):
    """A list page loads 20 articles and their authors: nothing may run per row on top of Django's own work (such a
    receiver, from ImageField's width/height fields and django-imagekit, was a tenth of a list page)."""
    assert not pre_init.has_listeners(model)
    assert not post_init.has_listeners(model)


def test_a_page_reached_by_its_link_starts_reading_at_the_article_even_with_statistics(client, many):
    """With the planner's statistics (ANALYZE, as `seed_demo` and `PRAGMA optimize` leave them), the query of a page
    continuing after an article reads the list's index from that article, not from the newest entry down to it: the
    visibility rule's own bound (now) is none SQLite starts from in a seek."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner; PostgreSQL's deep pages are measured in docs/PERFORMANCE.md")
    many(105)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    continued = Article.objects.get(headline="Bài 79")
    response, queries = get(client, f"/latest/?page=5&sau={continued.pk}")
    assert headlines(response) == [f"Bài {i}" for i in range(80, 100)]
    (seek,) = [sql for sql in queries if "LIMIT 21" in sql and '"articles_article"."headline"' in sql]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {seek}")
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "article_newest_idx" not in plan and "USING INDEX article_visible_idx (status=? AND published_at<?)" in plan


def test_an_author_or_tag_has_many_articles_from_many_articles_on(monkeypatch):
    """`sized()` reads with each author and tag whether its list walks the lists' index (many articles) or gathers its
    own (few), counting no further than the bound; sections always walk their own index."""
    monkeypatch.setattr(ArticleOwner, "MANY_ARTICLES", 3)
    author, tag, section = make_author("THANH THY"), make_tag("Cần Thơ"), make_section("Thời sự")

    def sized():
        return [type(owner).objects.sized().get(pk=owner.pk).many_articles for owner in (author, tag, section)]

    for _ in range(2):
        make_article(author=author).tags.add(tag)
    assert sized() == [False, False, True]
    make_article(author=author).tags.add(tag)
    assert sized() == [True, True, True]


def test_a_tag_with_many_articles_is_listed_by_walking_the_lists_index_without_sorting():
    """The plan of a tag with many articles on SQLite after ANALYZE: the lists' index newest first, each entry looked
    up in the tag's links, stopping at the page, never sorting the tag's articles (which made a common tag's first page
    87 ms at 100,000 articles; a rare tag's own articles, gathered and sorted, are measured in docs/PERFORMANCE.md)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner; PostgreSQL's are measured in docs/PERFORMANCE.md")
    tag = make_tag("Cần Thơ")
    for i in range(30):
        article = make_article(headline=f"Bài {i}")
        if i % 3 == 0:
            article.tags.add(tag)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    listed = Article.objects.published().cards().filter(Tag.listing(tag.pk, many=True))[:21]
    assert len(listed) == 10
    sql, params = listed.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan and "INDEX article_visible_idx (status=? AND" in plan, plan
