from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from tests.factories import make_article, make_author, make_section, uploaded_image

pytestmark = pytest.mark.django_db

FEEDS = ["/feed/", "/feed/atom/"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def make_many(count, **fields):
    now = timezone.now()
    return [
        make_article(headline=f"Bài số {i}", published_at=now - timedelta(minutes=i), **fields) for i in range(count)
    ]


def share_one_photo():
    """Give every article the same photo and renditions (made once: quicker than one upload per article)."""
    photo = make_article(headline="Bài có ảnh", image=uploaded_image())
    Article.objects.update(image=photo.image.name, image_renditions=photo.image_renditions)


@pytest.mark.parametrize("url", FEEDS)
def test_feed_parses_and_lists_the_twenty_newest_visible_articles(client, url):
    """RSS and Atom parse cleanly and hold the 20 newest visible articles, newest first, never a draft or scheduled."""
    make_many(22)
    make_article(headline="Bản nháp bí mật", status=Article.Status.DRAFT)
    make_article(headline="Bài hẹn giờ", published_at=timezone.now() + timedelta(hours=1))
    _, feed = parse(client, url)
    assert feed.feed.language == "vi"
    assert [entry.title for entry in feed.entries] == [f"Bài số {i}" for i in range(20)]


@pytest.mark.parametrize("url", FEEDS)
def test_feed_entry_carries_link_lead_dates_author_and_section(client, url):
    """Each entry: absolute link, the lead as description, publication and update times, author and section."""
    published = timezone.now().replace(microsecond=0) - timedelta(days=1)
    article = make_article(
        headline="Nêu cao tinh thần trách nhiệm",
        lead="Chi bộ Liên minh HTX & các hợp tác xã <đổi mới>.",
        author=make_author("THANH THY"),
        section=make_section("Xây dựng Đảng"),
        published_at=published,
    )
    _, feed = parse(client, url)
    (entry,) = feed.entries
    assert entry.link == f"http://testserver{article.get_absolute_url()}"
    assert entry.summary == escape(article.lead)  # HTML whose text is the lead: "<đổi mới>" stays words
    assert entry.author == "THANH THY"
    assert [tag.term for tag in entry.tags] == ["Xây dựng Đảng"]
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == published
    if url.endswith("atom/"):  # RSS 2.0 has no element for the update time, nor for the author's page
        assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) == article.modified_at.replace(microsecond=0)
        assert entry.author_detail.href == "http://testserver/authors/thanh-thy/"


@pytest.mark.parametrize("url", FEEDS)
def test_photo_is_an_enclosure_with_its_real_length_and_type(client, url):
    """The enclosure is the largest JPEG rendition: absolute URL, its size in bytes on disk, image/jpeg."""
    article = make_article(image=uploaded_image(size=(800, 500)))
    make_article(headline="Bài không ảnh")
    _, feed = parse(client, url)
    with_photo, without_photo = sorted(feed.entries, key=lambda entry: entry.title != article.headline)
    (enclosure,) = with_photo.enclosures
    assert enclosure.type == "image/jpeg"
    path = urlsplit(enclosure.href).path
    assert enclosure.href == f"http://testserver{path}" and path == article.photo.largest.url
    assert int(enclosure.length) == Path(settings.MEDIA_ROOT, path.removeprefix(settings.MEDIA_URL)).stat().st_size
    assert without_photo.enclosures == []


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_section_feed_holds_only_that_sections_visible_articles(client, suffix):
    """/sections/<slug>/feed/ lists the section's visible articles only, and names the section."""
    party, economy = make_section("Xây dựng Đảng"), make_section("Kinh tế")
    make_article(headline="Bài Xây dựng Đảng", section=party)
    make_article(headline="Bài Kinh tế", section=economy)
    make_article(headline="Bản nháp Xây dựng Đảng", section=party, status=Article.Status.DRAFT)
    _, feed = parse(client, f"/sections/{party.slug}/feed/{suffix}")
    assert [entry.title for entry in feed.entries] == ["Bài Xây dựng Đảng"]
    assert "Xây dựng Đảng" in feed.feed.title
    assert feed.feed.link == f"http://testserver{party.get_absolute_url()}"


HOSTILE = '<img src=x onerror="alert(1)"> & <b>đậm</b>'


@pytest.mark.parametrize("url", [*FEEDS, "/sections/kinh-te/feed/", "/sections/kinh-te/feed/atom/"])
def test_text_typed_as_markup_stays_text_in_every_feed_reader(client, url):
    """A lead, headline or section name that reads like HTML is shown as those very characters by a feed reader that
    renders HTML (feedparser keeps the markup it would render, so none may be left), and Atom's typed-text titles keep
    the text as it is."""
    section = make_section(f"Kinh tế {HOSTILE}", slug="kinh-te")
    make_article(headline=f"Tiêu đề {HOSTILE}", lead=f"Sapo {HOSTILE}", section=section)
    _, feed = parse(client, url)
    (entry,) = feed.entries
    shown = {"title": f"Tiêu đề {HOSTILE}", "summary": f"Sapo {HOSTILE}"}
    for name, detail in [("title", entry.title_detail), ("summary", entry.summary_detail)]:
        if detail.type == "text/html":
            assert "<img" not in detail.value and "<b>" not in detail.value, detail
            assert unescape(detail.value) == shown[name]
        else:
            assert detail.value == shown[name]
    if feed.feed.title_detail.type == "text/html":
        assert "<img" not in feed.feed.title_detail.value


def test_unknown_section_feed_is_404(client):
    """A feed for a section that does not exist is the Vietnamese 404, not a 500."""
    assert client.get("/sections/khong-co/feed/").status_code == 404


def test_pages_advertise_their_feeds(client):
    """Every page links the site feed; a section page links its own RSS and Atom feeds."""
    section = make_section("Kinh tế")
    text = client.get(section.get_absolute_url()).content.decode()
    assert 'type="application/rss+xml"' in text and 'href="/feed/"' in text
    assert f'href="/sections/{section.slug}/feed/"' in text and f'href="/sections/{section.slug}/feed/atom/"' in text


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/feed/", 2),  # the articles, with author and section; their credits
        ("/feed/atom/", 2),
        ("/sections/xay-dung-dang/feed/", 3),  # the section, its articles, their credits
    ],
)
def test_feed_query_count_does_not_grow(client, django_assert_num_queries, url, budget, count):
    """A feed costs the same queries with 3 or 60 photo articles."""
    make_many(count, section=make_section("Xây dựng Đảng"))
    share_one_photo()
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


def test_the_corrections_feed_prints_a_headline_that_reads_like_markup_as_text(client):
    """The corrections feed's RSS titles carry the article's headline escaped, as the article feeds do."""
    from articles.models import Correction

    article = make_article(headline=f"Tiêu đề {HOSTILE}")
    Correction.objects.create(article=article, text="Sửa tên.", published_at=timezone.now())
    _, feed = parse(client, "/corrections/feed/")
    (entry,) = feed.entries
    assert "<img" not in entry.title_detail.value and "<b>" not in entry.title_detail.value
    assert unescape(entry.title).endswith(f"Tiêu đề {HOSTILE}")
