"""The front page (/, articles/front.py): the editors' lead and featured stories, the newest, section blocks and most
read, each article once; never a hole and never an invisible story, on time with a frozen clock; the old list URLs
redirect to /latest/; a fixed number of queries whatever the number of articles and sections."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import front, workflow
from articles.models import Article, FrontPage, Pick
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

FRONT_QUERIES = 4


@pytest.fixture
def newest(settings):
    """`newest(n)`: n published articles, "Bài 0" the newest, a minute apart."""
    settings.FRONT_FEATURED = 3
    settings.FRONT_LATEST = 4
    now = timezone.now()

    def make(count, **values):
        return [
            make_article(headline=f"Bài {i}", published_at=now - timedelta(minutes=i + 1), **values)
            for i in range(count)
        ]

    return make


def arrange(user, *articles, until=None, breaking=("", None, None)):
    """Save an arrangement: `articles` as the lead and featured stories, in order (None: a slot left to the newest)."""
    current = FrontPage.objects.current()
    picks = [Pick(a.pk if a else None, until) for a in articles]
    return workflow.arrange_front(user, current.pk if current else 0, picks, breaking=breaking)


def zones(html):
    """{zone: [headlines]} of a front page, top to bottom."""
    lead = re.findall(r'<h2 class="lead-title"><a href="[^"]+">([^<]+)</a>', html)
    featured = re.findall(r'<span class="featured-title">([^<]+)</span>', html)
    heading = r'<h2 id="([a-z0-9-]+)" class="block-title">[^<]*(?:<a [^>]*>[^<]*</a>)?</h2>'
    blocks = re.findall(heading + r'\s*<[uo]l class="headline-list">(.*?)</[uo]l>', html, re.S)
    found = {"lead": lead, "featured": featured}
    for name, items in blocks:
        found[name] = re.findall(r'<a href="/articles/[^"]+">([^<]+)</a>', items)
    return found


def shown(client):
    return zones(client.get("/").content.decode())


def test_the_editors_order_comes_first_and_no_article_appears_twice(client, editor, newest, settings):
    """The lead and featured stories are the picks in the editors' order; the empty slot, "Tin mới nhất" and the section
    blocks take the newest that nothing above them shows, so every article on the page appears once."""
    settings.FRONT_MOST_READ = 0
    section = make_section("Thời sự", on_front=True, front_count=3)
    articles = newest(12, section=section)
    arrange(editor, articles[5], articles[0], None, articles[7])
    page = shown(client)
    assert page["lead"] == ["Bài 5"]
    assert page["featured"] == ["Bài 0", "Bài 1", "Bài 7"]
    assert page["tin-moi-nhat"] == ["Bài 2", "Bài 3", "Bài 4", "Bài 6"]
    assert page["chuyen-muc-thoi-su"] == ["Bài 8", "Bài 9", "Bài 10"]
    everything = sum(page.values(), [])
    assert len(everything) == len(set(everything))


def test_a_section_block_skips_the_picks_older_than_the_newest(client, editor, newest, settings):
    """A section whose articles are older than everything "Tin mới nhất" could show still fills its block with its
    newest articles that no slot above shows, however many of them the editors picked."""
    settings.FRONT_MOST_READ = 0
    section = make_section("Thời sự", on_front=True, front_count=3)
    newest(16)
    older = timezone.now() - timedelta(days=1)
    stories = [
        make_article(headline=f"Thời sự {i}", section=section, published_at=older - timedelta(minutes=i))
        for i in range(10)
    ]
    arrange(editor, stories[0], stories[1], stories[3], stories[6])
    page = shown(client)
    assert page["lead"] == ["Thời sự 0"]
    assert page["featured"] == ["Thời sự 1", "Thời sự 3", "Thời sự 6"]
    assert page["tin-moi-nhat"] == ["Bài 0", "Bài 1", "Bài 2", "Bài 3"]
    assert page["chuyen-muc-thoi-su"] == ["Thời sự 2", "Thời sự 4", "Thời sự 5"]


def test_a_pick_whose_show_until_passed_is_back_in_its_section_block(client, editor, newest, settings):
    """With a frozen clock: once its "hiện đến" passes, a pick leaves its slot and takes its place in its section's
    block again, at that very second."""
    settings.FRONT_MOST_READ = 0
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        section = make_section("Thời sự", on_front=True, front_count=3)
        newest(16)
        stories = [
            make_article(headline=f"Thời sự {i}", section=section, published_at=start - timedelta(days=1, minutes=i))
            for i in range(6)
        ]
        current = FrontPage.objects.current()
        picks = [Pick(stories[0].pk), Pick(stories[1].pk, start + timedelta(minutes=1))]
        workflow.arrange_front(editor, current.pk if current else 0, picks)
        page = shown(client)
        assert page["featured"][0] == "Thời sự 1"
        assert page["chuyen-muc-thoi-su"] == ["Thời sự 2", "Thời sự 3", "Thời sự 4"]

        clock.move_to(start + timedelta(minutes=1))
        page = shown(client)
        assert "Thời sự 1" not in page["featured"]
        assert page["chuyen-muc-thoi-su"] == ["Thời sự 1", "Thời sự 2", "Thời sự 3"]


def test_headlines_are_printed_as_text_in_every_list(client, newest, settings):
    """A headline holding markup is printed as text in "Tin mới nhất" and in the section blocks, never as HTML."""
    settings.FRONT_MOST_READ = 0
    section = make_section("Thời sự", on_front=True, front_count=3)
    hostile = '<script>alert("x")</script> & <b>đậm</b>'
    newest(12)
    make_article(headline=hostile, section=section, published_at=timezone.now() - timedelta(days=1))
    make_article(headline=hostile + " 2", published_at=timezone.now() - timedelta(minutes=5, seconds=30))
    html = client.get("/").content.decode()
    assert "<script>alert" not in html and "<b>đậm</b>" not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;"
    page = zones(html)
    assert page["tin-moi-nhat"] == ["Bài 4", escaped + " 2", "Bài 5", "Bài 6"]
    assert page["chuyen-muc-thoi-su"] == [escaped]


def test_section_blocks_follow_the_editors_order_and_counts(client, newest, settings):
    """Only sections marked for the front page have a block, in their front-page order, each with its own count."""
    settings.FRONT_LATEST = 1
    economy = make_section("Kinh tế", on_front=True, front_position=2, front_count=2)
    sport = make_section("Thể thao", on_front=True, front_position=1, front_count=1)
    make_section("Văn hóa", on_front=False)
    for i in range(3):
        make_article(headline=f"Kinh tế {i}", section=economy, published_at=timezone.now() - timedelta(hours=i + 5))
        make_article(headline=f"Thể thao {i}", section=sport, published_at=timezone.now() - timedelta(hours=i + 5))
    newest(5)
    html = client.get("/").content.decode()
    assert html.index("chuyen-muc-the-thao") < html.index("chuyen-muc-kinh-te")
    assert "chuyen-muc-van-hoa" not in html
    page = zones(html)
    assert page["chuyen-muc-the-thao"] == ["Thể thao 0"]
    assert page["chuyen-muc-kinh-te"] == ["Kinh tế 0", "Kinh tế 1"]


def unpublish(article):
    article.status = Article.Status.DRAFT
    article.save()


def take_down(article, chief):
    workflow.take_down(article, chief, "Theo yêu cầu của cơ quan chức năng.")


@pytest.mark.parametrize(
    "make_invisible",
    [unpublish, lambda article: article.delete(), lambda article: take_down(article, article._chief)],
    ids=["unpublished", "deleted", "taken down"],
)
def test_a_pick_readers_can_no_longer_see_is_replaced_by_the_newest_at_once(
    client, editor, newest, make_invisible, django_user_model
):
    """A lead or featured pick that is unpublished, deleted or taken down leaves no hole and never shows: its slot
    takes the newest visible article, with nobody saving the front page (the cached page is stale at once)."""
    articles = newest(10)
    arrange(editor, articles[6], articles[7])
    assert shown(client)["lead"] == ["Bài 6"]
    chief = django_user_model.objects.create_superuser("tongbientap", password="pw")
    articles[6]._chief = chief
    make_invisible(articles[6])
    page = shown(client)
    assert page["lead"] == ["Bài 0"]
    assert page["featured"] == ["Bài 7", "Bài 1", "Bài 2"]
    assert "Bài 6" not in sum(page.values(), [])


def test_expired_scheduled_and_shown_until_picks_follow_the_clock(client, editor, newest, settings):
    """With a frozen clock: a pick scheduled for later shows from its time on, a pick whose take-down time comes and a
    pick whose "hiện đến" passes give their slots to the newest at that very second, from the cached page too."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600  # only the clock may end these pages here
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        articles = newest(6)
        scheduled = make_article(headline="Bài hẹn giờ", published_at=start + timedelta(minutes=10))
        expiring = make_article(headline="Bài sắp hết hạn", published_at=start - timedelta(days=1))
        expiring.unpublish_at = start + timedelta(minutes=20)
        expiring.save()
        current = FrontPage.objects.current()
        picks = [Pick(scheduled.pk), Pick(expiring.pk), Pick(articles[5].pk, start + timedelta(minutes=30))]
        workflow.arrange_front(editor, current.pk if current else 0, picks)
        assert shown(client)["lead"] == ["Bài 0"]  # scheduled: not yet
        assert shown(client)["featured"][:2] == ["Bài sắp hết hạn", "Bài 5"]

        clock.move_to(start + timedelta(minutes=9, seconds=59))
        assert shown(client)["lead"] == ["Bài 0"]
        clock.move_to(start + timedelta(minutes=10))
        assert shown(client)["lead"] == ["Bài hẹn giờ"]

        clock.move_to(start + timedelta(minutes=20))
        assert shown(client)["featured"][:2] == ["Bài 0", "Bài 5"]

        clock.move_to(start + timedelta(minutes=29, seconds=59))
        assert "Bài 5" in shown(client)["featured"]
        clock.move_to(start + timedelta(minutes=30))
        page = shown(client)
        assert "Bài 5" not in page["featured"]
        assert page["featured"] == ["Bài 0", "Bài 1", "Bài 2"]


def test_breaking_news_shows_until_its_end_time_from_the_cached_page(client, editor, newest, settings):
    """The breaking-news line links its article and disappears at its end time, to the second, with no action."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        articles = newest(3)
        arrange(editor, breaking=("Mưa lớn, triều cường dâng cao", articles[1].pk, start + timedelta(minutes=5)))
        html = client.get("/").content.decode()
        assert f'<a href="{articles[1].get_absolute_url()}">Mưa lớn, triều cường dâng cao</a>' in html
        clock.move_to(start + timedelta(minutes=4, seconds=59))
        assert "Mưa lớn" in client.get("/").content.decode()
        clock.move_to(start + timedelta(minutes=5))
        assert "Mưa lớn" not in client.get("/").content.decode()


def test_a_curation_change_shows_on_the_cached_front_page_at_once(client, editor, newest):
    """Saving an arrangement and changing a section's front-page settings make the cached front page stale."""
    articles = newest(12)
    assert shown(client)["lead"] == ["Bài 0"]
    arrange(editor, articles[4])
    assert shown(client)["lead"] == ["Bài 4"]
    section = make_section("Thời sự")
    articles[11].section = section
    articles[11].save()
    assert "chuyen-muc-thoi-su" not in client.get("/").content.decode()
    section.on_front = True
    section.save()
    assert "chuyen-muc-thoi-su" in client.get("/").content.decode()


def test_putting_a_story_on_top_moves_the_unpinned_down_and_keeps_the_pinned(settings):
    """Putting a story on top takes the first featured slot; unpinned picks move down one slot each up to the first
    empty slot, pinned picks keep their places."""
    picks = [Pick(1), Pick(2), Pick(3, pinned=True), Pick(None), Pick(5)]
    assert front.put_on_top(picks, 9) == [Pick(1), Pick(9), Pick(3, pinned=True), Pick(2), Pick(5)]
    full = [Pick(1), Pick(2), Pick(3, pinned=True), Pick(4)]
    assert front.put_on_top(full, 9) == [Pick(1), Pick(9), Pick(3, pinned=True), Pick(2)]


def test_the_old_list_urls_redirect_permanently_to_the_same_page_of_latest(client, newest):
    """/?page=N and its deep-page links answer 301 to the same page of /latest/, which is the list it was."""
    newest(3)
    for query in ("page=2", "page=7&sau=123", "page=3&truoc=9"):
        response = client.get(f"/?{query}")
        assert response.status_code == 301
        assert response["Location"] == f"/latest/?{query}"
    latest = client.get("/latest/").content.decode()
    assert '<h1 class="page-title">Tin mới nhất</h1>' in latest
    assert latest.count('<article class="card') == 3
    assert client.get("/?utm_source=zalo").status_code == 200


def test_the_front_page_has_one_h1_and_links_the_full_list(client, newest):
    """One <h1> (the site name) and a link from "Tin mới nhất" to /latest/."""
    newest(10)
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert 'href="/latest/"' in html


def front_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_front_page_costs_the_same_queries_whatever_the_articles_sections_and_picks(
    client, editor, newest, settings
):
    """4 queries (the arrangement, the sections, the candidates, the lead and featured stories' cards with the lead's
    byline) with 3 articles and no section, as with 40 articles, 4 sections, picks, breaking news, most read."""
    settings.PAGE_CACHE = False
    articles = newest(3)
    assert front_queries(client) == FRONT_QUERIES
    sections = [make_section(f"Mục {i}", on_front=True) for i in range(4)]
    more = [make_article(headline=f"Thêm {i}", section=sections[i % 4]) for i in range(37)]
    arrange(editor, articles[2], more[5], more[9], breaking=("Tin nóng", more[1].pk, None))
    with CaptureQueriesContext(connection):
        client.post("/da-doc/", {"bai": more[3].pk}, HTTP_USER_AGENT="Mozilla/5.0 Firefox/130.0")
    assert front_queries(client) == FRONT_QUERIES
