import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def headlines(response):
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def make_many(count, **values):
    now = timezone.now()
    return [
        make_article(headline=f"Bài số {i}", published_at=now - timedelta(minutes=i), **values) for i in range(count)
    ]


def test_list_shows_visible_articles_newest_first(client):
    """The home page lists published articles newest first and never a draft or scheduled one."""
    now = timezone.now()
    make_article(headline="Bài cũ", published_at=now - timedelta(days=2))
    make_article(headline="Bài mới", published_at=now - timedelta(hours=1))
    make_article(headline="Bản nháp bí mật", status=Article.Status.DRAFT)
    make_article(headline="Bài hẹn giờ", published_at=now + timedelta(hours=1))
    response = client.get("/latest/")
    assert headlines(response) == ["Bài mới", "Bài cũ"]


def test_list_card_links_to_article_and_shows_lead_date_author(client):
    """Each item carries the headline link, lead, date as the newspaper prints it, and the author."""
    article = make_article(published_at=timezone.make_aware(timezone.datetime(2020, 2, 17, 9, 44)))
    html = client.get("/latest/").content.decode()
    assert f'href="{article.get_absolute_url()}"' in html
    assert article.lead in html
    assert "17/02/2020 - 09:44" in html
    assert article.author.name in html


def test_list_paginates_twenty_per_page(client):
    """Twenty articles a page; page 2 holds the rest, in order."""
    make_many(25)
    first, second = client.get("/latest/"), client.get("/latest/?page=2")
    assert headlines(first) == [f"Bài số {i}" for i in range(20)]
    assert headlines(second) == [f"Bài số {i}" for i in range(20, 25)]
    assert 'rel="next" href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1e3", "%00", "2" * 400])
def test_junk_or_out_of_range_page_is_a_friendly_404(client, page):
    """A junk or out-of-range page number gets the Vietnamese 404 page, never a 500."""
    make_many(3)
    response = client.get("/latest/", {"page": page})
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_article_page_shows_the_article_as_the_newspaper_prints_it(client):
    """Date line, one h1 headline, lead, body and byline, in that order."""
    article = make_article(
        headline="Nêu cao tinh thần trách nhiệm",
        lead="Chi bộ Liên minh HTX.",
        body="<p>Đoạn <strong>một</strong>.</p><p>Đoạn hai.</p>",
        published_at=timezone.make_aware(timezone.datetime(2020, 2, 17, 9, 44)),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<html lang="vi">' in html
    html = html[html.index('<article class="article"') :]
    assert '<time datetime="2020-02-17T09:44:00+07:00">17/02/2020 - 09:44</time>' in html
    assert html.count("<h1") == 1
    order = [
        html.index(s) for s in ("17/02/2020", "Nêu cao tinh thần", "Chi bộ Liên minh", "Đoạn <strong>", "THANH THY")
    ]
    assert order == sorted(order)


def test_dates_follow_the_active_time_zone(client):
    """Printed times are kept once written, per time zone: the same article under another zone shows its hour."""
    make_article(published_at=timezone.make_aware(timezone.datetime(2020, 2, 17, 9, 44)))
    assert "17/02/2020 - 09:44" in client.get("/latest/").content.decode()
    with timezone.override("UTC"):
        html = client.get("/latest/?x=1").content.decode()  # a URL the page cache does not keep
    assert '<time datetime="2020-02-17T02:44:00+00:00">17/02/2020 - 02:44</time>' in html


def test_article_figure_has_caption_and_credit_as_printed(client):
    """The photo sits in a figure whose caption ends with the credit as the seed prints it."""
    from tests.factories import uploaded_image

    article = make_article(
        image=uploaded_image(),
        image_caption="Liên minh HTX thành phố hỗ trợ các HTX tham gia hội chợ.",
        image_credit="Liên minh HTX thành phố cung cấp",
        image_alt="Gian hàng hợp tác xã",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index("<figure") : html.index("</figure>")]
    assert 'alt="Gian hàng hợp tác xã" width="640" height="400"' in figure
    assert "<figcaption>Liên minh HTX thành phố hỗ trợ các HTX tham gia hội chợ." in figure
    assert "Ảnh: Liên minh HTX thành phố cung cấp" in figure


def test_photo_text_typed_with_markup_stays_text(client):
    """A caption, alt text or credit holding quotes or tags cannot break out of the <img> or the figure."""
    from tests.factories import uploaded_image

    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2) alt="'
    article = make_article(image=uploaded_image(), image_caption=hostile, image_credit=hostile, image_alt=hostile)
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index("<figure") : html.index("</figure>")]
    tags = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append((tag, dict(attrs)))
    parser.feed(figure)
    assert [tag for tag, _ in tags] == ["figure", "picture", "source", "img", "figcaption", "span"]
    assert tags[3][1]["alt"] == hostile and "onerror" not in tags[3][1]


def test_article_without_photo_has_no_figure(client):
    """No photo, no empty figure."""
    article = make_article()
    assert "<figure" not in client.get(article.get_absolute_url()).content.decode()


def test_share_section_links_carry_the_absolute_article_url(client):
    """“Chia sẻ bài viết” offers Facebook, Zalo, X and e-mail links and a copyable link, all to this article."""
    article = make_article(slug="bai-chia-se")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Chia sẻ bài viết" in html
    encoded = "http%3A%2F%2Ftestserver%2Farticles%2Fbai-chia-se%2F"
    for target in ("facebook.com/sharer", "zalo.me/share", "x.com/intent/post", "mailto:"):
        assert re.search(rf'href="[^"]*{re.escape(target)}[^"]*{encoded}', html), target
    assert 'value="http://testserver/articles/bai-chia-se/" readonly' in html


@pytest.mark.parametrize(
    ("status", "offset"), [(Article.Status.DRAFT, timedelta(hours=-1)), (Article.Status.PUBLISHED, timedelta(hours=2))]
)
def test_draft_and_scheduled_articles_are_404_for_the_public(client, status, offset):
    """A reader, anonymous or a logged-in non-editor, gets 404 for a draft or scheduled article."""
    article = make_article(headline="Chưa được đọc", status=status, published_at=timezone.now() + offset)
    assert client.get(article.get_absolute_url()).status_code == 404
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("reader", is_staff=True))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Chưa được đọc" not in response.content.decode()


def test_editor_previews_a_draft_with_banner_noindex_and_no_cache(editor_client):
    """Staff who may edit articles see a draft with the draft banner, noindex, and never cached."""
    article = make_article(headline="Bản nháp xem trước", status=Article.Status.DRAFT)
    response = editor_client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "Bản nháp xem trước" in html
    assert "Bản nháp — chưa xuất bản" in html
    assert '<meta name="robots" content="noindex' in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_editor_sees_a_published_article_without_draft_banner(editor_client):
    """The banner only marks what readers cannot see."""
    article = make_article()
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Bản nháp — chưa xuất bản" not in html
    assert "noindex" not in html


def test_unknown_article_is_a_vietnamese_404(client):
    """A wrong URL answers with the Vietnamese 404 page."""
    response = client.get("/articles/khong-co-bai-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_article_page_has_one_h1_and_unique_ids(client):
    """Valid structure: a single h1 and no duplicate ids."""

    class IdCollector(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids, self.h1s = [], 0

        def handle_starttag(self, tag, attrs):
            self.ids += [value for name, value in attrs if name == "id"]
            self.h1s += tag == "h1"

    article = make_article()
    parser = IdCollector()
    parser.feed(client.get(article.get_absolute_url()).content.decode())
    assert parser.h1s == 1
    assert len(parser.ids) == len(set(parser.ids))


@pytest.mark.parametrize("count", [3, 60])
def test_list_page_query_count_does_not_grow_with_articles(client, django_assert_num_queries, count):
    """The list page takes three queries (the page, counting nothing; its bylines' contributions; the section menu)
    with 3 articles or 60."""
    make_many(count)
    with django_assert_num_queries(3):
        assert client.get("/latest/").status_code == 200


@pytest.mark.parametrize("count", [3, 60])
def test_article_page_query_count_does_not_grow_with_articles(client, django_assert_num_queries, count):
    """An article page takes three queries (article; related articles, with its tags and credits; section menu),
    however many there are."""
    articles = make_many(count, section=make_section())
    with django_assert_num_queries(3):
        assert client.get(articles[-1].get_absolute_url()).status_code == 200
