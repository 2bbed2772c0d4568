"""The readers' pages of tags and story threads (/tags/<slug>/, /threads/<slug>/): what they list and print, their
paging, feeds and sitemaps, the 301 of a merged tag's old URL, their query budgets, and search by a tag's words."""

import re
from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleTag, Tag, TagRedirect
from tests.factories import make_article, make_author, make_section, make_tag, make_thread, uploaded_image

pytestmark = pytest.mark.django_db

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def headlines(response):
    assert response.status_code == 200
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def cards(response):
    """Each card's markup, as printed."""
    return re.findall(r'<article class="card.*?</article>', response.content.decode(), re.S)


def make_many(count, tag=None, **fields):
    now = timezone.now()
    articles = [
        make_article(headline=f"Bài số {i}", published_at=now - timedelta(minutes=i), **fields) for i in range(count)
    ]
    if tag:
        ArticleTag.objects.bulk_create([ArticleTag(article=article, tag=tag) for article in articles])
    return articles


def found(query):
    return [article.headline for article in Article.objects.published().search(query)]


# The tag page.


def test_tag_page_lists_the_tags_visible_articles_newest_first_under_its_name_and_description(client, owner_plan):
    """/tags/<slug>/: the tag's name and description, then its visible articles only, newest first."""
    tag, other = make_tag("Cần Thơ", description="Tin tức về thành phố Cần Thơ."), make_tag("Hậu Giang")
    now = timezone.now()
    for headline, when, status in [
        ("Cũ hơn", now - timedelta(days=1), Article.Status.PUBLISHED),
        ("Mới hơn", now - timedelta(hours=1), Article.Status.PUBLISHED),
        ("Bản nháp", now - timedelta(hours=2), Article.Status.DRAFT),
        ("Hẹn giờ", now + timedelta(hours=1), Article.Status.PUBLISHED),
    ]:
        make_article(headline=headline, published_at=when, status=status).tags.add(tag)
    make_article(headline="Thẻ khác").tags.add(other)
    make_article(headline="Không thẻ")
    response = client.get("/tags/can-tho/")
    assert headlines(response) == ["Mới hơn", "Cũ hơn"]
    html = response.content.decode()
    assert '<h1 class="page-title"><span class="page-kind">Thẻ</span> Cần Thơ</h1>' in html
    assert '<p class="page-intro">Tin tức về thành phố Cần Thơ.</p>' in html
    assert "<title>Cần Thơ — " in html


def test_a_tag_without_visible_articles_is_a_page_that_says_so(client):
    make_article(status=Article.Status.DRAFT).tags.add(make_tag("Cần Thơ"))
    response = client.get("/tags/can-tho/")
    assert response.status_code == 200 and "Thẻ này chưa có bài viết nào." in response.content.decode()


@pytest.mark.parametrize("url", ["/tags/khong-co/", "/threads/khong-co/", "/tags/khong-co/feed/"])
def test_an_unknown_tag_or_thread_is_the_vietnamese_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    if not url.endswith("/feed/"):
        assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/tags/htx/", "/tags/hop-tac-xa/"),
        ("/tags/htx/?page=2&utm_source=zalo", "/tags/hop-tac-xa/?page=2&utm_source=zalo"),
        ("/tags/htx/feed/", "/tags/hop-tac-xa/feed/"),
        ("/tags/htx/feed/atom/?x=1", "/tags/hop-tac-xa/feed/atom/?x=1"),
    ],
)
def test_a_merged_tags_old_url_moves_permanently_to_the_kept_tag(client, old, new):
    """The old slug of a tag merged into another answers 301 to the kept tag's page (or feed), query string kept."""
    kept = make_tag("Hợp tác xã")
    TagRedirect.objects.create(slug="htx", tag=kept)
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


@pytest.mark.parametrize("base", ["tag", "thread"])
def test_tag_and_thread_pages_page_like_the_other_lists(client, base, owner_plan):
    """Twenty a page; the rest on page 2; a page number spelled otherwise moves to the written one; junk is a 404; deep
    page links continue from an article, as every list's."""
    tag, thread = make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    make_many(125, tag=tag, thread=thread)
    url = tag.get_absolute_url() if base == "tag" else thread.get_absolute_url()
    assert headlines(client.get(url)) == [f"Bài số {i}" for i in range(20)]
    assert headlines(client.get(url, {"page": 2})) == [f"Bài số {i}" for i in range(20, 40)]
    moved = client.get(url, {"page": "02"})
    assert (moved.status_code, moved["Location"]) == (301, f"{url}?page=2")
    assert client.get(url, {"page": "abc"}).status_code == 404
    deep = client.get(url, {"page": 6})
    assert headlines(deep) == [f"Bài số {i}" for i in range(100, 120)]
    next_link = re.search(r'<a rel="next" href="([^"]+)"', deep.content.decode())[1].replace("&amp;", "&")
    assert f"sau={Article.objects.get(headline='Bài số 119').pk}" in next_link
    assert headlines(client.get(url + next_link)) == [f"Bài số {i}" for i in range(120, 125)]


def test_tag_and_thread_pages_print_cards_as_the_section_page_does(client):
    """The same articles make the same cards on a section's, a tag's and a thread's page."""
    section, tag, thread = make_section("Kinh tế"), make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    make_many(3, tag=tag, section=section, thread=thread, image=uploaded_image())
    shown = cards(client.get(section.get_absolute_url()))
    assert len(shown) == 3
    assert cards(client.get(tag.get_absolute_url())) == shown
    assert cards(client.get(thread.get_absolute_url())) == shown


# The thread page.


def test_thread_page_opens_with_its_intro_photo_and_pinned_lead_then_its_articles(client):
    """The introduction, the photo (renditions, caption, credit), the pinned lead once at the top, then the thread's
    other visible articles newest first; never another thread's or a draft."""
    thread = make_thread(
        "Mùa nước nổi",
        intro="Nước lên ở đầu nguồn.",
        image=uploaded_image(),
        image_caption="Cánh đồng ngập",
        image_credit="Hoài Thu",
    )
    now = timezone.now()
    lead = make_article(headline="Bài dẫn của dòng", thread=thread, published_at=now - timedelta(hours=3))
    make_article(headline="Mới nhất", thread=thread, published_at=now - timedelta(hours=1))
    make_article(headline="Cũ nhất", thread=thread, published_at=now - timedelta(hours=5))
    make_article(headline="Nháp trong dòng", thread=thread, status=Article.Status.DRAFT)
    make_article(headline="Dòng khác", thread=make_thread("Kỳ họp hội đồng"))
    thread.lead_article = lead
    thread.save()
    response = client.get("/threads/mua-nuoc-noi/")
    html = response.content.decode()
    assert headlines(response) == ["Mới nhất", "Cũ nhất"]
    assert html.count("Bài dẫn của dòng</a>") == 1
    intro, figure, pinned = (
        html.index(text) for text in ('<p class="page-intro">Nước lên ở đầu nguồn.', "<picture>", "Bài dẫn của dòng")
    )
    assert figure < intro < pinned < html.index("Mới nhất")
    assert 'fetchpriority="high"' in html[figure : html.index("</picture>")]
    assert 'Cánh đồng ngập <span class="credit">Ảnh: Hoài Thu</span>' in html
    assert "webp" in html[figure : html.index("</picture>")]


def test_the_pinned_lead_shows_only_while_readers_may_see_it(client):
    """A lead article unpublished (or scheduled) is not pinned, nor listed; the page still answers."""
    thread = make_thread("Mùa nước nổi")
    lead = make_article(headline="Bài dẫn", thread=thread, published_at=timezone.now() + timedelta(hours=1))
    make_article(headline="Bài thường", thread=thread)
    thread.lead_article = lead
    thread.save()
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Bài dẫn" not in html and "Bài thường" in html


def test_the_lead_is_pinned_on_the_first_page_only_and_keeps_its_place_in_the_list(client):
    """Page 2 shows no introduction and no pinned block; the lead, if its date puts it there, is listed there."""
    thread = make_thread("Mùa nước nổi", intro="Giới thiệu dòng.")
    articles = make_many(25, thread=thread)
    thread.lead_article = articles[22]
    thread.save()
    intro = '<p class="page-intro">Giới thiệu dòng.'
    first = client.get(thread.get_absolute_url()).content.decode()
    assert intro in first and 'class="thread-lead"' in first
    second = client.get(thread.get_absolute_url(), {"page": 2})
    assert intro not in second.content.decode() and 'class="thread-lead"' not in second.content.decode()
    assert headlines(second) == [f"Bài số {i}" for i in range(20, 25)]


# Feeds and sitemaps.


@pytest.mark.parametrize("kind", ["tags", "threads"])
@pytest.mark.parametrize("atom", [False, True])
def test_tag_and_thread_feeds_hold_their_visible_articles_and_their_pages_link_them(client, kind, atom):
    tag, thread = make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    make_many(22, tag=tag, thread=thread)
    make_article(headline="Nháp", thread=thread, status=Article.Status.DRAFT).tags.add(tag)
    make_article(headline="Ngoài")
    slug = tag.slug if kind == "tags" else thread.slug
    url = f"/{kind}/{slug}/feed/" + ("atom/" if atom else "")
    response = client.get(url)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == [f"Bài số {i}" for i in range(20)]
    name = "Cần Thơ" if kind == "tags" else "Mùa nước nổi"
    assert feed.feed.title.startswith(f"{name} — ")
    assert feed.feed.link == f"http://testserver/{kind}/{slug}/"
    page = client.get(f"/{kind}/{slug}/").content.decode()
    assert f'type="application/{"atom" if atom else "rss"}+xml" title="{name} — ' in page and f'href="{url}"' in page


def test_sitemaps_list_tags_and_threads_with_a_visible_article_only(client):
    shown_tag, hidden_tag = make_tag("Cần Thơ"), make_tag("Bí mật")
    shown_thread, hidden_thread = make_thread("Mùa nước nổi"), make_thread("Dòng nháp")
    make_thread("Dòng trống")
    make_article(thread=shown_thread).tags.add(shown_tag)
    make_article(thread=hidden_thread, status=Article.Status.DRAFT).tags.add(hidden_tag)
    for path, expected in [("/sitemap-tags.xml", shown_tag), ("/sitemap-threads.xml", shown_thread)]:
        root = ElementTree.fromstring(client.get(path).content)
        assert [node.findtext("s:loc", namespaces=SITEMAP) for node in root] == [
            f"http://testserver{expected.get_absolute_url()}"
        ]


# Query budgets.


@pytest.mark.parametrize("count", [3, 60])
def test_tag_and_thread_pages_cost_what_a_section_page_costs(client, django_assert_num_queries, count):
    """Four queries each, with 3 photo articles or 60: the owner (a thread with its pinned lead and whether readers
    may see it), the page of cards (no count), the cards' credits and tags, the header's menu; as the section page."""
    section, tag, thread = make_section("Kinh tế"), make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    articles = make_many(count, tag=tag, section=section, thread=thread, author=make_author("THANH THY"))
    photo = make_article(headline="Ảnh", image=uploaded_image())
    Article.objects.update(image=photo.image.name, image_renditions=photo.image_renditions)
    thread.lead_article = articles[-1]
    thread.image = photo.image.name
    thread.save()
    for url in (section.get_absolute_url(), tag.get_absolute_url(), thread.get_absolute_url()):
        with django_assert_num_queries(4):
            response = client.get(url)
        assert response.status_code == 200 and "<picture>" in response.content.decode()
    if count > 20:
        for url in (tag.get_absolute_url(), thread.get_absolute_url()):
            with django_assert_num_queries(4):
                assert client.get(url, {"page": 2}).status_code == 200


@pytest.mark.parametrize("kind", ["tags", "threads"])
def test_tag_and_thread_feeds_cost_what_a_section_feed_costs(client, django_assert_num_queries, kind):
    tag, thread = make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    make_many(30, tag=tag, thread=thread)
    with django_assert_num_queries(3):  # the owner, its articles, their credits and tags
        assert client.get(f"/{kind}/{tag.slug if kind == 'tags' else thread.slug}/feed/").status_code == 200


# Search by a tag's words.


def test_search_finds_an_article_by_its_tags_words_from_when_it_is_tagged_until_untagged(client):
    """Tagged "Hợp tác xã" (by the admin's rows or `tags.add()`), an article is found by "hop tac xa"; its own save
    keeps the words; untagged, it is not found by them any more."""
    tag = make_tag("Hợp tác xã")
    article = make_article(headline="Nông dân vào mùa", lead="Sapo.", body="<p>Thân bài.</p>")
    assert found("hop tac xa") == []
    link = ArticleTag.objects.create(article=article, tag=tag)
    assert found("hop tac xa") == [article.headline]
    article.refresh_from_db()
    article.lead = "Sapo mới."
    article.save()
    assert found("HỢP TÁC") == [article.headline]
    link.delete()
    assert found("hop tac xa") == []
    article.tags.add(tag)
    assert found("hợp tác xã") == [article.headline]
    article.tags.clear()
    assert found("hop tac xa") == []
    assert "Nông dân vào mùa" not in client.get("/search/", {"q": "hop tac xa"}).content.decode()


def test_search_follows_a_tags_rename_and_its_deletion(client):
    """Renamed, a tag's articles are found by its new name and no longer by the old; deleted, by neither."""
    tag = make_tag("Ninh Kiều")
    tagged = make_article(headline="Bài có thẻ")
    tagged.tags.add(tag)
    make_article(headline="Bài không thẻ")
    assert found("ninh kieu") == ["Bài có thẻ"]
    tag.name = "Cái Răng"
    tag.save()
    assert found("ninh kieu") == [] and found("cai rang") == ["Bài có thẻ"]
    Tag.objects.filter(pk=tag.pk).delete()
    assert found("cai rang") == []
    assert "Bài có thẻ" in client.get("/search/", {"q": "bai co the"}).content.decode()


def test_a_queryset_update_of_tag_links_refills_the_words_of_the_articles_it_changed(client):
    """A merge moving links to the kept tag by `update()`: those articles are found by the kept tag's words, not by
    the old one's; an update that moves links to other articles (rows unknown) refills every article's."""
    first, second = make_tag("Cần Thơ"), make_tag("Hậu Giang")
    article, other = make_article(headline="Bài chuyển thẻ"), make_article(headline="Bài khác")
    article.tags.add(first)
    with CaptureQueriesContext(connection) as queries:
        ArticleTag.objects.filter(article=article).update(tag=second)
    assert found("hau giang") == ["Bài chuyển thẻ"] and found("can tho") == []
    refilled = [
        query["sql"] for query in queries if query["sql"].startswith("UPDATE") and "search_text" in query["sql"]
    ]
    assert len(refilled) == 1 and refilled[0].endswith(f"IN ({article.pk})")
    ArticleTag.objects.filter(article=article).update(article=other)
    assert found("hau giang") == ["Bài khác"]


def renamed_with(count):
    """The SQL a rename of a tag of `count` articles takes."""
    tag = make_tag(f"Ninh Kiều {count}")
    make_many(count, tag=tag)
    tag.name = f"Kinh tế tập thể {count}"
    with CaptureQueriesContext(connection) as queries:
        tag.save()
    assert len(found(f"kinh te tap the {count}")) == count
    return [query["sql"] for query in queries]


def test_refilling_a_tags_words_costs_the_same_queries_for_few_articles_or_many():
    """A rename refills its articles' words a batch at a time: the ids, then the rows, their tags and one update."""
    few, many = renamed_with(3), renamed_with(30)
    assert len(few) == len(many)
    assert len([sql for sql in many if sql.startswith("UPDATE") and "articles_article" in sql]) == 1
