"""Most read (articles/most_read.py): a reader's browser counts a view with a beacon (so cached pages count), with no
database write, no cookie, no personal data; bots, staff and other sites are not counted; one client reloading is one
view an hour; a flood cannot grow storage without bound nor count an unpublished article. `make test` runs this file
again with the store in Redis."""

import re
import time

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import most_read
from tests.factories import logged_in, make_article

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


@pytest.fixture(autouse=True)
def _fresh(settings):
    """Each test counts from nothing: the list is worked out again on every read, and no marker is left over."""
    settings.MOST_READ_SECONDS = 0
    most_read._local.update(markers=(None, set()), pending=most_read._new_pending())
    most_read._top_memo.clear()


def read(article, agent=FIREFOX, address="203.0.113.7", client=None, **headers):
    """A reader's browser sending the article page's beacon."""
    client = client or Client()
    headers = {"HTTP_USER_AGENT": agent, "REMOTE_ADDR": address, "HTTP_SEC_FETCH_SITE": "same-origin", **headers}
    return client.post("/da-doc/", {"bai": article.pk}, **headers)


def views(article, hours=24):
    return most_read.views([article.pk], hours)[article.pk]


def test_a_view_is_counted_without_a_database_write_and_shows_in_doc_nhieu(client, settings):
    """The beacon answers 204, reads the database once (is it visible?) and writes nothing to it; the most read show
    in "Đọc nhiều" on the front page, most first."""
    settings.FRONT_FEATURED, settings.FRONT_LATEST = 0, 0
    popular, other = make_article(headline="Bài đọc nhiều"), make_article(headline="Bài ít đọc")
    lead = make_article(headline="Bài mới nhất")
    with CaptureQueriesContext(connection) as queries:
        assert read(popular).status_code == 204
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT"]
    read(popular, address="203.0.113.8")
    read(other)
    read(lead)
    assert (views(popular), views(other)) == (2, 1)
    html = client.get("/").content.decode()
    box = html[html.index('id="doc-nhieu"') :]
    assert re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', box) == ["Bài đọc nhiều", "Bài ít đọc"]


def test_one_client_reloading_counts_once_an_hour_and_another_client_counts(settings):
    """The same address and browser reloading 100 times is one view of that article this hour; another browser or
    address is another reader; the next hour counts again."""
    article = make_article()
    for _ in range(100):
        read(article)
    assert views(article) == 1
    read(article, agent=PHONE)
    read(article, address="198.51.100.4")
    assert views(article) == 3
    with time_machine.travel(time.time() + 3600):
        read(article)
        assert (views(article, hours=1), views(article)) == (1, 4)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0 Safari/537.36",
        "curl/8.5.0",
        "",
    ],
    ids=["googlebot", "facebook", "headless", "curl", "none"],
)
def test_bots_are_not_counted(agent):
    """Crawlers, link previews, headless browsers, tools and requests without a user agent count nothing."""
    article = make_article()
    assert read(article, agent=agent).status_code == 204
    assert views(article) == 0


def test_staff_and_other_sites_are_not_counted(editor):
    """A signed-in editor reading their own site, and a beacon another site makes a browser send, count nothing."""
    article = make_article()
    read(article, client=logged_in(editor))
    Client().post("/da-doc/", {"bai": article.pk}, HTTP_USER_AGENT=FIREFOX, HTTP_SEC_FETCH_SITE="cross-site")
    Client().post("/da-doc/", {"bai": article.pk}, HTTP_USER_AGENT=FIREFOX, HTTP_ORIGIN="https://ke-gian.example")
    assert views(article) == 0


def test_an_unpublished_or_unknown_article_is_never_counted_or_stored():
    """A draft, a scheduled article, an id that is no article, junk: nothing is counted and nothing stored."""
    draft = make_article(status="draft")
    scheduled = make_article(published_at=make_article().published_at.replace(year=2099))
    for pk in (draft.pk, scheduled.pk, 987654, -3, 2**80):
        Client().post("/da-doc/", {"bai": pk}, HTTP_USER_AGENT=FIREFOX)
    assert most_read.top(10) == []
    response = Client().post("/da-doc/", {"bai": "'; DROP TABLE"}, HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 400 and "Mã bài viết không hợp lệ" in response.content.decode()
    assert Client().get("/da-doc/").status_code == 405


def test_a_flood_is_bounded_by_the_hourly_cap_and_buckets_expire(settings):
    """Past MOST_READ_MAX_PER_HOUR beacons an hour nothing more is counted (so nothing more stored), however many
    different clients a flood makes up; each bucket expires after a week and a day."""
    settings.MOST_READ_MAX_PER_HOUR = 5
    article = make_article()
    for n in range(50):
        read(article, address=f"198.51.100.{n}")
    assert views(article) == 5
    hour = most_read.current_hour()
    store = most_read.store()
    if isinstance(store, most_read.RedisStore):
        assert 0 < store.redis.ttl(store.key(f"h:{hour}")) <= most_read.KEEP_HOURS * 3600
        assert 0 < store.redis.ttl(store.key(f"n:{hour}")) <= 3600
        assert len(store.redis.keys(store.key("v:*"))) == 5
    else:
        cache = caches["default"]
        key = cache.make_key(f"most-read:h:{hour}")
        assert cache._key_to_file(key)  # the bucket is one entry, with a timeout
        assert len(most_read._local["markers"][1]) == 5


def test_the_article_page_sends_its_beacon_from_a_static_script_even_when_cached(client):
    """Cached or not, the article page carries the beacon's target and its static script (no inline script), so a page
    served from the cache is counted too; a preview never is."""
    article = make_article()
    for _ in range(2):
        html = client.get(article.get_absolute_url()).content.decode()
        assert f'data-most-read="{article.pk}" data-beacon="/da-doc/"' in html
        assert re.search(r'<script src="[^"]*js/most-read\.js" defer></script>', html)


def test_the_admin_list_shows_views_in_24_hours_and_7_days_sortable(editor_client):
    """The article list has "xem 24 giờ" and "xem 7 ngày"; sorting by one puts the most read first."""
    quiet, read_a_lot = make_article(headline="Bài ít người đọc"), make_article(headline="Bài nhiều người đọc")
    for n in range(3):
        read(read_a_lot, address=f"198.51.100.{n}")
    read(quiet)
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "xem 24 giờ" in html.lower() and "xem 7 ngày" in html.lower()
    assert re.search(r'class="field-views_24h">3</td>\s*<td class="field-views_7d">3</td>', html)
    columns = re.findall(r'<th scope="col" class="sortable column-([a-z_0-9]+)', html)
    column = columns.index("views_24h") + 1
    for order, first in ((f"-{column}", "Bài nhiều người đọc"), (str(column), "Bài ít người đọc")):
        listed = editor_client.get(f"/admin/articles/article/?o={order}").content.decode()
        headlines = re.findall(r'<th class="field-headline"><a [^>]+>([^<]+)</a>', listed)
        assert headlines[0] == first


def test_a_redis_outage_loses_views_never_a_page(client, monkeypatch):
    """With Redis unreachable the beacon still answers 204 and the front page 200 (without "Đọc nhiều"): the views of
    the outage are lost, nothing else."""
    if not isinstance(most_read.store(), most_read.RedisStore):
        pytest.skip("the store is Redis only with REDIS_URL (make test's Redis pass)")
    from redis.client import Pipeline, Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    article = make_article()

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(Redis, "execute_command", unreachable)
    monkeypatch.setattr(Pipeline, "execute", unreachable)
    assert read(article).status_code == 204
    monkeypatch.setattr(most_read, "_top_memo", {})
    response = client.get("/")
    assert response.status_code == 200 and 'id="doc-nhieu"' not in response.content.decode()
