import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section, uploaded_image

pytestmark = pytest.mark.django_db


def headlines(response):
    assert response.status_code == 200
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def related_headlines(response):
    html = response.content.decode()
    if 'class="related"' not in html:
        return []
    return re.findall(r'<span class="related-title">([^<]+)</span>', html[html.index('class="related"') :])


def make_many(count, **fields):
    now = timezone.now()
    return [
        make_article(headline=f"Bài số {i}", published_at=now - timedelta(minutes=i), **fields) for i in range(count)
    ]


class Structure(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.h1s, self.ids, self.imgs = 0, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.h1s += tag == "h1"
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.imgs.append(attrs)


def test_header_lists_sections_in_editors_order(client):
    """Every page's header lists the sections by position, each linking to its page; the current one is marked."""
    make_section("Thể thao", position=3)
    make_section("Xây dựng Đảng", position=1)
    make_section("Kinh tế", position=2)
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="section-nav"') : html.index("</nav>", html.index('<nav class="section-nav"'))]
    assert re.findall(r'<a href="(/sections/[^"]+/)">([^<]+)</a>', nav) == [
        ("/sections/xay-dung-dang/", "Xây dựng Đảng"),
        ("/sections/kinh-te/", "Kinh tế"),
        ("/sections/the-thao/", "Thể thao"),
    ]
    assert '<a href="/sections/kinh-te/" aria-current="page">' in client.get("/sections/kinh-te/").content.decode()


def test_the_menu_shows_a_renamed_section_at_once_and_its_name_as_text(client, settings):
    settings.PAGE_CACHE = False  # the menu printed for the old name must not be printed again
    section = make_section("Kinh tế")
    assert ">Kinh tế</a>" in client.get("/latest/").content.decode()
    section.name = "Kinh tế <b>& đô thị</b>"
    section.save()
    html = client.get("/latest/").content.decode()
    assert ">Kinh tế &lt;b&gt;&amp; đô thị&lt;/b&gt;</a>" in html
    assert ">Kinh tế</a>" not in html


def test_section_page_lists_its_visible_articles_newest_first(client):
    """/sections/<slug>/ shows that section's visible articles only, newest first, under the section's name."""
    party, economy = make_section("Xây dựng Đảng"), make_section("Kinh tế")
    now = timezone.now()
    make_article(headline="Cũ hơn", section=party, published_at=now - timedelta(days=1))
    make_article(headline="Mới hơn", section=party, published_at=now - timedelta(hours=1))
    make_article(headline="Bài Kinh tế", section=economy)
    make_article(headline="Bản nháp", section=party, status=Article.Status.DRAFT)
    make_article(headline="Hẹn giờ", section=party, published_at=now + timedelta(hours=1))
    response = client.get("/sections/xay-dung-dang/")
    assert headlines(response) == ["Mới hơn", "Cũ hơn"]
    assert '<h1 class="page-title">Xây dựng Đảng</h1>' in response.content.decode()


def test_section_and_author_pages_paginate_twenty_per_page(client):
    """Twenty a page; page 2 has the rest; a junk page number is the Vietnamese 404."""
    make_many(25, section=make_section("Kinh tế"), author=make_author("MINH ANH"))
    for base in ("/sections/kinh-te/", "/authors/minh-anh/"):
        assert headlines(client.get(base)) == [f"Bài số {i}" for i in range(20)]
        assert headlines(client.get(base, {"page": 2})) == [f"Bài số {i}" for i in range(20, 25)]
        assert client.get(base, {"page": "abc"}).status_code == 404


def test_empty_section_is_a_page_that_says_so(client):
    """A section with nothing visible yet answers 200 with a Vietnamese note, not an error."""
    make_section("Thể thao")
    response = client.get("/sections/the-thao/")
    assert response.status_code == 200
    assert "Chuyên mục này chưa có bài viết nào." in response.content.decode()


@pytest.mark.parametrize("url", ["/sections/khong-co/", "/authors/khong-co/"])
def test_unknown_section_or_author_is_a_vietnamese_404(client, url):
    """A wrong slug is the friendly 404."""
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_author_page_lists_the_authors_visible_articles(client):
    """/authors/<slug>/ lists what that author wrote and readers may see, under the author's name."""
    writer, other = make_author("THANH THY"), make_author("MINH ANH")
    make_article(headline="Bài của Thanh Thy", author=writer)
    make_article(headline="Bài của Minh Anh", author=other)
    make_article(headline="Nháp của Thanh Thy", author=writer, status=Article.Status.DRAFT)
    response = client.get("/authors/thanh-thy/")
    assert headlines(response) == ["Bài của Thanh Thy"]
    assert '<h1 class="page-title">Bài viết của THANH THY</h1>' in response.content.decode()


def test_byline_and_cards_link_to_the_author_page(client):
    """The byline under an article and the author on each card link to the author's page."""
    article = make_article(author=make_author("THANH THY"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="byline"><a href="/authors/thanh-thy/" rel="author">THANH THY</a></p>' in html
    assert '<a href="/authors/thanh-thy/">THANH THY</a>' in client.get("/").content.decode()


def test_article_page_ends_with_four_related_articles_of_its_section(client):
    """Up to four other visible articles of the same section, newest first; never itself, a draft or another section."""
    party, economy = make_section("Xây dựng Đảng"), make_section("Kinh tế")
    now = timezone.now()
    current = make_article(headline="Bài đang đọc", section=party, published_at=now - timedelta(hours=3))
    for i in range(6):
        make_article(headline=f"Liên quan {i}", section=party, published_at=now - timedelta(hours=4 + i))
    make_article(headline="Bản nháp cùng mục", section=party, status=Article.Status.DRAFT)
    make_article(headline="Hẹn giờ cùng mục", section=party, published_at=now + timedelta(hours=1))
    make_article(headline="Khác chuyên mục", section=economy)
    response = client.get(current.get_absolute_url())
    assert related_headlines(response) == ["Liên quan 0", "Liên quan 1", "Liên quan 2", "Liên quan 3"]


def test_article_without_section_or_neighbours_has_no_related_block(client):
    """No section, or alone in it: no empty “related” heading."""
    lonely = make_article(section=make_section("Thể thao"))
    orphan = make_article(headline="Không chuyên mục")
    for article in (lonely, orphan):
        assert 'class="related"' not in client.get(article.get_absolute_url()).content.decode()


def test_list_photos_load_lazily_after_the_first_and_the_article_photo_at_once(client):
    """On lists only the first card's photo is fetched at once (high priority); the article's own photo is eager and
    high priority (the largest paint); related thumbnails are lazy. Every <img> has width and height."""
    section = make_section()
    make_many(4, section=section)
    photo = make_article(headline="Ảnh", section=section, image=uploaded_image())
    Article.objects.update(image=photo.image.name, image_renditions=photo.image_renditions)
    list_imgs = Structure(client.get("/").content.decode()).imgs
    assert [img.get("fetchpriority") for img in list_imgs] == ["high", None, None, None, None]
    assert [img.get("loading") for img in list_imgs] == [None, "lazy", "lazy", "lazy", "lazy"]
    hero, *related = Structure(client.get(photo.get_absolute_url()).content.decode()).imgs
    assert hero.get("fetchpriority") == "high" and "loading" not in hero
    assert len(related) == 4 and all(img["loading"] == "lazy" for img in related)
    for img in [*list_imgs, hero, *related]:
        assert img["width"] and img["height"] and img["srcset"] and img["sizes"]


@pytest.mark.parametrize("url", ["/", "/sections/xay-dung-dang/", "/authors/thanh-thy/", "article"])
def test_reader_pages_have_one_h1_and_unique_ids(client, url):
    """Valid structure on every reader page: one h1, no id twice, lang="vi"."""
    article = make_article(section=make_section(), author=make_author("THANH THY"), image=uploaded_image())
    make_many(3, section=article.section)
    html = client.get(article.get_absolute_url() if url == "article" else url).content.decode()
    structure = Structure(html)
    assert structure.h1s == 1
    assert len(structure.ids) == len(set(structure.ids))
    assert '<html lang="vi">' in html


def test_a_draft_appears_nowhere_a_reader_or_crawler_can_look(client):
    """A draft and a scheduled article, in a section and by an author with visible work, appear on no list, section,
    author, search, feed, sitemap, news sitemap or related block."""
    section, author = make_section("Xây dựng Đảng"), make_author("THANH THY")
    now = timezone.now()
    visible = make_article(
        headline="Bài công khai", section=section, author=author, published_at=now - timedelta(hours=2)
    )
    make_article(headline="Bản nháp bí mật", section=section, author=author, status=Article.Status.DRAFT)
    make_article(headline="Bài hẹn giờ bí mật", section=section, author=author, published_at=now + timedelta(hours=1))
    make_article(
        headline="Bản nháp hẹn giờ bí mật",
        section=section,
        author=author,
        status=Article.Status.DRAFT,
        published_at=now - timedelta(hours=1),
    )
    paths = [
        "/",
        "/sections/xay-dung-dang/",
        "/authors/thanh-thy/",
        "/search/?q=bi+mat",
        visible.get_absolute_url(),
        "/feed/",
        "/feed/atom/",
        "/sections/xay-dung-dang/feed/",
        "/sections/xay-dung-dang/feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
    ]
    secret_slugs = list(Article.objects.exclude(pk=visible.pk).values_list("slug", flat=True))
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert "bí mật" not in text, path
        assert not any(slug in text for slug in secret_slugs), path
    assert "Bài công khai" in client.get("/sitemap-news.xml").content.decode()


def test_sections_and_authors_with_only_drafts_are_not_in_sitemaps(client):
    """A section or author whose only article is a draft is not offered to crawlers."""
    make_article(section=make_section("Bí mật"), author=make_author("BÍ MẬT"), status=Article.Status.DRAFT)
    for path in ("/sitemap-sections.xml", "/sitemap-authors.xml"):
        assert "bi-mat" not in client.get(path).content.decode()


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/sections/xay-dung-dang/", 4),  # section, page (no count), the page's bylines, header menu
        ("/authors/thanh-thy/", 4),  # author, page (no count), the page's bylines, header menu
        ("/latest/", 3),  # page (no count), the page's bylines, header menu
        ("/", 4),  # the front page (tests/test_front_page.py says which)
        ("article", 3),  # article with section and thread; related, with its author, credits and tags; header menu
    ],
)
def test_reader_page_query_count_does_not_grow(client, django_assert_num_queries, url, budget, count):
    """Section, author, list, front and article pages cost the same few queries with 3 photo articles as with 60."""
    articles = make_many(count, section=make_section(), author=make_author("THANH THY"))
    photo = make_article(headline="Ảnh", section=articles[0].section, image=uploaded_image())
    Article.objects.update(image=photo.image.name, image_renditions=photo.image_renditions)
    with django_assert_num_queries(budget):
        response = client.get(articles[-1].get_absolute_url() if url == "article" else url)
    assert response.status_code == 200
    assert "<picture>" in response.content.decode()
