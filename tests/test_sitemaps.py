from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article, Contribution
from tests.factories import make_article, make_author, make_section, make_tag, make_thread

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def urls(client, url):
    """{location: lastmod} of a sitemap."""
    root = xml(client, url)
    return {node.findtext("s:loc", namespaces=NS): node.findtext("s:lastmod", namespaces=NS) for node in root}


def as_datetime(text):
    return datetime.fromisoformat(text)


def test_index_lists_the_article_section_author_tag_and_thread_sitemaps(client):
    """/sitemap.xml is an index of the article, section, author, tag and thread sitemaps, each with its last change."""
    article = make_article(section=make_section(), thread=make_thread())
    article.tags.add(make_tag())
    root = xml(client, "/sitemap.xml")
    entries = {node.findtext("s:loc", namespaces=NS): node.findtext("s:lastmod", namespaces=NS) for node in root}
    names = ("articles", "sections", "authors", "tags", "threads")
    assert set(entries) == {f"http://testserver/sitemap-{name}.xml" for name in names}
    for value in entries.values():
        assert as_datetime(value) == article.modified_at


def test_article_sitemap_lists_visible_articles_with_lastmod(client):
    """Every visible article is listed with its last change; drafts and scheduled articles are not."""
    now = timezone.now()
    old = make_article(headline="Bài cũ", published_at=now - timedelta(days=3))
    make_article(headline="Bản nháp", status=Article.Status.DRAFT)
    scheduled = make_article(headline="Hẹn giờ", published_at=now + timedelta(hours=2))
    found = urls(client, "/sitemap-articles.xml")
    assert set(found) == {f"http://testserver{old.get_absolute_url()}"}
    assert as_datetime(found[f"http://testserver{old.get_absolute_url()}"]) == old.updated_at.replace(microsecond=0)
    assert scheduled.get_absolute_url() not in str(found)


def test_scheduled_article_lastmod_is_its_publication(client):
    """An article saved before its scheduled time shows its publication as its last change, not the earlier save."""
    article = make_article()
    published = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    Article.objects.filter(pk=article.pk).update(
        updated_at=published - timedelta(days=1), published_at=published
    )  # saved yesterday, appeared five minutes ago
    (value,) = urls(client, "/sitemap-articles.xml").values()
    assert as_datetime(value) == published


def test_section_and_author_sitemaps_list_only_pages_with_visible_articles(client):
    """Sections and authors appear only if they have a visible article; lastmod is their newest article's change."""
    party, empty, drafts_only = make_section("Xây dựng Đảng"), make_section("Thể thao"), make_section("Kinh tế")
    writer, idle = make_author("THANH THY"), make_author("MINH ANH")
    make_article(section=party, author=writer, published_at=timezone.now() - timedelta(days=2))
    newest = make_article(section=party, author=writer, published_at=timezone.now() - timedelta(hours=1))
    make_article(section=drafts_only, author=idle, status=Article.Status.DRAFT)
    sections, authors = urls(client, "/sitemap-sections.xml"), urls(client, "/sitemap-authors.xml")
    assert list(sections) == [f"http://testserver{party.get_absolute_url()}"]
    assert list(authors) == [f"http://testserver{writer.get_absolute_url()}"]
    assert empty.slug not in str(sections)
    for value in (*sections.values(), *authors.values()):
        assert as_datetime(value) == newest.modified_at.replace(microsecond=0)


def test_the_author_sitemap_lists_each_person_once_at_their_main_name_whatever_their_role(client):
    """A person credited under a pen name or only as a photographer is listed, at their own page (a pen name's page
    moves there), once; their lastmod is the newest change of what that page lists."""
    person, photographer, idle = make_author("NGUYỄN VĂN A"), make_author("HOÀNG ANH"), make_author("MINH ANH")
    pen_name = make_author("VĂN AN", pen_name_of=person)
    older = make_article(author=person, published_at=timezone.now() - timedelta(days=2))
    newer = make_article(author=pen_name, published_at=timezone.now() - timedelta(hours=2))
    Contribution.objects.create(article=older, author=photographer, role=Contribution.Role.PHOTO)
    draft = make_article(author=idle, status=Article.Status.DRAFT)
    Contribution.objects.create(article=draft, author=idle, role=Contribution.Role.PHOTO)
    authors = urls(client, "/sitemap-authors.xml")
    assert sorted(authors) == sorted(
        f"http://testserver{author.get_absolute_url()}" for author in (person, photographer)
    )
    assert as_datetime(authors[f"http://testserver{person.get_absolute_url()}"]) == newer.modified_at.replace(
        microsecond=0
    )
    assert as_datetime(authors[f"http://testserver{photographer.get_absolute_url()}"]) == older.modified_at.replace(
        microsecond=0
    )


def test_news_sitemap_holds_the_last_48_hours_with_news_tags(client, settings):
    """/sitemap-news.xml: visible articles of the last 48 hours, with publication name, language vi, date, title."""
    settings.SITE_NAME = "Báo Cần Thơ"
    now = timezone.now()
    fresh = make_article(headline="Tin nóng <hôm nay> & mai", published_at=now - timedelta(hours=3))
    make_article(headline="Tin cũ", published_at=now - timedelta(hours=49))
    make_article(headline="Bản nháp", status=Article.Status.DRAFT)
    make_article(headline="Hẹn giờ", published_at=now + timedelta(hours=1))
    root = xml(client, "/sitemap-news.xml")
    (url,) = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == f"http://testserver{fresh.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Báo Cần Thơ"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "vi"
    assert news.findtext("news:title", namespaces=NS) == "Tin nóng <hôm nay> & mai"
    published = as_datetime(news.findtext("news:publication_date", namespaces=NS))
    assert published == fresh.published_at.replace(microsecond=0)


def test_robots_txt_points_at_both_sitemaps_and_keeps_crawlers_out_of_admin(client):
    """robots.txt: plain text, /admin/ disallowed, both sitemaps by absolute URL."""
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # per listed sitemap (five): its latest change (one aggregate) and its page count; the people's: three
        ("/sitemap.xml", 11),
        ("/sitemap-articles.xml", 2),  # count and page
        ("/sitemap-sections.xml", 2),
        ("/sitemap-authors.xml", 3),  # the people's last change as author, as contributor; their pages
        ("/sitemap-tags.xml", 2),
        ("/sitemap-threads.xml", 2),
        ("/sitemap-news.xml", 2),
    ],
)
def test_sitemap_query_count_does_not_grow(client, django_assert_num_queries, url, budget, count):
    """Each sitemap costs the same few queries with 3 articles or 60."""
    sections = [make_section(f"Chuyên mục {i}") for i in range(3)]
    authors = [make_author(f"Tác giả {i}") for i in range(3)]
    tags, threads = [make_tag(f"Thẻ {i}") for i in range(3)], [make_thread(f"Dòng {i}") for i in range(3)]
    now = timezone.now()
    for i in range(count):
        article = make_article(
            headline=f"Bài {i}",
            section=sections[i % 3],
            author=authors[i % 3],
            thread=threads[i % 3],
            published_at=now - timedelta(minutes=i),
        )
        article.tags.add(tags[i % 3])
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
