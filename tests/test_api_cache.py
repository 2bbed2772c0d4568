"""The API behind the page cache and HTTP caches: stored for anonymous readers with their page's parameters and right
at once after a change, 304s, CORS headers right for each origin even from the cache, and the rate limit counted in
the shared cache across worker processes. `make test` runs this file again with the cache in Redis."""

import json
import subprocess
import sys
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.api import throttling
from articles.api.pagination import Cursor
from articles.models import Article, ArticleTag, Contribution, Pick
from newsroom.middleware import with_page_cache
from tests.factories import make_article, make_author, make_section, make_tag, make_thread

pytestmark = pytest.mark.django_db

API = "/api/v1/"
APP = "https://app.baocantho.vn"
PARTNER = "https://doitac.example"


@pytest.fixture
def articles():
    now = timezone.now()
    section = make_section("Kinh tế")
    return [
        make_article(headline=f"Bài {i}", section=section, published_at=now - timedelta(minutes=i)) for i in range(1, 4)
    ]


def fetch(client, url, **extra):
    """(response, how many SQL queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def stored(client, url, **extra):
    """Whether the second request for `url` came from the page cache (no SQL) with the same body."""
    first = client.get(url, **extra)
    second, queries = fetch(client, url, **extra)
    return (second.status_code, queries, second.content) == (200, 0, first.content)


# The page cache.


def test_api_answers_are_stored_for_readers_with_their_pages_parameters(client, articles):
    """Lists (with their filters, cursor and size), articles, sections, authors, the schema and the docs page are
    served from the page cache; `updated_since` (each app's own moment), search and the docs' script (it holds a CSRF
    token) are not stored."""
    article, section = articles[0], articles[0].section
    cursor = Cursor.after(article).token()
    for url in (
        API,
        f"{API}articles/",
        f"{API}articles/?cursor={cursor}&page_size=2&section={section.slug}",
        f"{API}articles/{article.slug}/",
        f"{API}sections/",
        f"{API}sections/{section.slug}/",
        f"{API}authors/",
        f"{API}authors/{article.author.slug}/",
        f"{API}schema/",
        f"{API}docs/",
    ):
        assert stored(client, url), url
    for url in (f"{API}articles/?updated_since=2026-01-01T00:00:00Z", f"{API}search/?q=bai", f"{API}docs/?script="):
        assert not stored(client, url), url


def test_an_app_following_next_links_reads_stored_pages(client, articles):
    """The `next` link of a filtered list is written as the page cache stores it, whatever order the app asked in."""
    section = articles[0].section
    first = client.get(f"{API}articles/?section={section.slug}&page_size=1").json()
    following = first["next"].removeprefix("http://testserver")
    assert stored(client, following), following


def test_a_change_shows_in_the_api_at_once(client, articles):
    """A new article is on the cached list at once; an edit is in the cached article at once; a taken-down article
    is gone from both."""
    article = articles[0]
    assert stored(client, f"{API}articles/") and stored(client, f"{API}articles/{article.slug}/")
    make_article(headline="Bài mới toanh", published_at=timezone.now())
    assert client.get(f"{API}articles/").json()["results"][0]["headline"] == "Bài mới toanh"
    article.lead = "Sapo đã sửa."
    article.save()
    assert client.get(f"{API}articles/{article.slug}/").json()["lead"] == "Sapo đã sửa."
    article.unpublish_at = timezone.now() - timedelta(seconds=1)
    article.save()
    assert client.get(f"{API}articles/{article.slug}/").status_code == 404
    assert article.headline not in client.get(f"{API}articles/").content.decode()


def test_tags_threads_and_the_front_page_are_stored_and_right_at_once_after_a_change(client, articles, editor):
    """`tags/`, a tag, `threads/`, a thread and `front/` come from the page cache; a tag renamed, an article joining
    a thread or a tag, a new credit and a new front-page arrangement show at once, in them and in the articles."""
    article = articles[0]
    flood, thread = make_tag("Lũ"), make_thread("Mùa nước nổi")
    ArticleTag.objects.create(article=article, tag=flood)
    urls = (f"{API}tags/", f"{API}tags/lu/", f"{API}threads/", f"{API}front/", f"{API}articles/{article.slug}/")
    for url in urls:
        assert stored(client, url), url
    flood.name = "Lũ lụt"
    flood.save()
    assert [t["name"] for t in client.get(f"{API}tags/").json()["results"]] == ["Lũ lụt"]
    assert client.get(f"{API}articles/{article.slug}/").json()["tags"][0]["name"] == "Lũ lụt"
    assert client.get(f"{API}threads/{thread.slug}/").status_code == 404
    Article.objects.filter(pk=articles[1].pk).update(thread=thread)
    assert client.get(f"{API}threads/").json()["results"][0]["title"] == "Mùa nước nổi"
    assert stored(client, f"{API}threads/{thread.slug}/")
    thread.lead_article = articles[1]
    thread.save()
    assert client.get(f"{API}threads/{thread.slug}/").json()["lead"]["id"] == articles[1].pk
    Contribution.objects.create(article=article, author=make_author("HOÀNG LAN"), role=Contribution.Role.PHOTO)
    assert client.get(f"{API}front/").json()["zones"][0]["articles"][0]["bylines"][-1]["name"] == "HOÀNG LAN"
    workflow.arrange_front(editor, 0, [Pick(articles[2].pk)])
    assert client.get(f"{API}front/").json()["zones"][0]["articles"][0]["id"] == articles[2].pk


def test_answers_are_labelled_for_the_edge_with_what_they_show(client, articles):
    """Surrogate keys: a tag's answer its tag, a thread's its thread and pinned lead, the lists of tags and threads
    `lists` and each one's key, the front page `front` and every article it shows; an article (alone or listed) the
    tags and thread it names."""
    article = articles[0]
    flood, thread = make_tag("Lũ"), make_thread("Mùa nước nổi", lead_article=article)
    ArticleTag.objects.create(article=article, tag=flood)
    Article.objects.filter(pk=article.pk).update(thread=thread)
    mine = {f"article:{article.pk}", f"tag:{flood.pk}", f"thread:{thread.pk}"}
    expected = {
        f"{API}tags/": {"all", "lists", f"tag:{flood.pk}"},
        f"{API}tags/lu/": {"all", f"tag:{flood.pk}"},
        f"{API}threads/": {"all", "lists", *mine},
        f"{API}threads/{thread.slug}/": {"all", *mine},
        f"{API}front/": {"all", "front", *mine, *(f"article:{a.pk}" for a in articles[1:])},
        f"{API}articles/{article.slug}/": {"all", *mine},
        f"{API}articles/?tag=lu": {"all", "lists", *mine},
    }
    for url, keys in expected.items():
        assert set(client.get(url)["Surrogate-Key"].split()) == keys, url


# Conditional requests.


def test_api_answers_carry_an_etag_and_articles_their_last_change_and_answer_304(client, articles):
    """Every answer has an ETag; an article also Last-Modified, its last change. Either one sent back gets a 304
    without a body, from the cache (no SQL) and from a fresh render alike; after an edit, the new answer."""
    article = articles[0]
    url = f"{API}articles/{article.slug}/"
    response = client.get(url)
    assert response["Last-Modified"] and response["ETag"]
    for condition in ({"HTTP_IF_NONE_MATCH": response["ETag"]}, {"HTTP_IF_MODIFIED_SINCE": response["Last-Modified"]}):
        answer, queries = fetch(client, url, **condition)
        assert (answer.status_code, answer.content, queries) == (304, b"", 0)
    listing = client.get(f"{API}articles/")
    assert client.get(f"{API}articles/?page_size=1", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 200
    assert Client().get(f"{API}articles/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    article.lead = "Sapo mới."
    article.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


# CORS.


def test_only_the_listed_origins_may_read_from_a_browser(client, articles, settings):
    """A page on a listed origin gets Access-Control-Allow-Origin for itself (and may read ETag and Retry-After);
    another origin gets none; every answer says it varies on Origin; the site's own pages carry no CORS header."""
    settings.CORS_ALLOWED_ORIGINS = [APP]
    allowed = client.get(f"{API}articles/", HTTP_ORIGIN=APP)
    assert allowed["Access-Control-Allow-Origin"] == APP
    assert set(allowed["Access-Control-Expose-Headers"].split(", ")) == {"ETag", "Retry-After"}
    assert "Origin" in allowed["Vary"]
    other = client.get(f"{API}articles/", HTTP_ORIGIN=PARTNER)
    assert "Access-Control-Allow-Origin" not in other and "Origin" in other["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN=APP)
    preflight = client.options(f"{API}articles/", HTTP_ORIGIN=APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_a_cached_answer_gets_the_cors_headers_of_each_origin_that_asks(client, articles, settings):
    """One stored answer, and every origin gets its own headers from it: the listed origin its
    Access-Control-Allow-Origin, another origin and a plain request none, whichever asked first; from the cache
    (no SQL); a 304 to the listed origin carries them too."""
    settings.CORS_ALLOWED_ORIGINS = [APP]
    url = f"{API}articles/{articles[0].slug}/"
    first = client.get(url, HTTP_ORIGIN=PARTNER)
    for origin, expected in ((APP, APP), (PARTNER, None), (None, None), (APP, APP)):
        extra = {"HTTP_ORIGIN": origin} if origin else {}
        response, queries = fetch(client, url, **extra)
        assert (response.get("Access-Control-Allow-Origin"), queries) == (expected, 0), origin
        assert response.content == first.content
    revalidated = client.get(url, HTTP_ORIGIN=APP, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (revalidated.status_code, revalidated["Access-Control-Allow-Origin"]) == (304, APP)


def test_the_wsgi_front_hands_cross_origin_requests_to_django(client, articles, settings):
    """The front answers a stored API answer to a plain request itself, and hands one with an Origin header to Django,
    whose CORS middleware adds that origin's headers."""
    settings.CORS_ALLOWED_ORIGINS = [APP]
    url = f"{API}articles/"
    client.get(url)
    django = mock.Mock(return_value=[b"django"])
    environ = RequestFactory().get(url).environ
    assert with_page_cache(django)(dict(environ), mock.Mock()) != [b"django"]
    assert with_page_cache(django)(environ | {"HTTP_ORIGIN": APP}, mock.Mock()) == [b"django"]


# The rate limit.


def uncached(client, address="127.0.0.1"):
    """A request the page cache never answers (search): it always reaches the view, and so is counted."""
    return client.get(f"{API}search/?q=bai", REMOTE_ADDR=address)


def test_a_client_past_the_limit_gets_429_with_retry_after_and_others_do_not(client, articles, settings):
    """Past NEWSROOM_API_RATE_LIMIT requests a minute from one address: 429, a Vietnamese `detail` saying when to try
    again, and Retry-After in whole seconds within the minute; another address is not limited."""
    settings.API_RATE_LIMIT = "3/minute"
    assert [uncached(client).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = uncached(client)
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == {"detail": f"Quá nhiều yêu cầu từ địa chỉ của bạn. Xin thử lại sau {wait} giây."}
    assert uncached(client, "203.0.113.9").status_code == 200


def test_a_server_that_gives_no_address_is_limited_as_one_client_not_answered_500(articles, settings):
    """Behind a Unix socket with no proxy in front, requests come without REMOTE_ADDR: counted together, never a 500."""
    from django.test import RequestFactory

    from articles.api.views import Search

    settings.API_RATE_LIMIT = "2/minute"

    def without_address():
        request = RequestFactory().get(f"{API}search/", {"q": "bai"})
        del request.META["REMOTE_ADDR"]
        return Search.as_view()(request).status_code

    assert [without_address() for _ in range(3)] == [200, 200, 429]


def test_the_limit_is_counted_by_every_worker_together(client, articles, settings):
    """Requests answered by another worker (its own connection to the shared cache) count toward the same limit."""
    settings.API_RATE_LIMIT = "3/minute"
    assert [uncached(client).status_code for _ in range(2)] == [200, 200]
    other_worker = caches.create_connection("default")
    with mock.patch.object(throttling, "caches", {"default": other_worker}):
        assert [uncached(client).status_code for _ in range(2)] == [200, 429]
    assert uncached(client).status_code == 429


# Another Python process with the same CACHES setting, as another gunicorn worker: counts `count` requests from an
# address in the given minute (this process's clock is frozen, the other's is not: the minute is passed, so that a
# minute turning between the two cannot split the count), and prints the count it reached.
OTHER_PROCESS = """
import json, os, sys
import django
from django.conf import settings
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
settings.CACHES = json.loads(sys.argv[1])
django.setup()
from django.core.cache import caches
from articles.api.throttling import hit
counts = [hit(caches["default"], "127.0.0.1", int(sys.argv[3]), 60) for _ in range(int(sys.argv[2]))]
print(counts[-1])
"""


def test_the_limit_holds_across_os_processes(client, articles, settings, time_machine):
    """Requests counted by another OS process (another gunicorn worker) and by this one add up."""
    time_machine.move_to(timezone.now().replace(second=5), tick=False)  # well inside one minute, here and there
    settings.API_RATE_LIMIT = "5/minute"
    assert uncached(client).status_code == 200
    counted = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, json.dumps(settings.CACHES), "3", str(int(time.time() // 60))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert int(counted.stdout.split()[-1]) == 4
    assert [uncached(client).status_code for _ in range(2)] == [200, 429]


def test_answers_from_the_page_cache_are_not_counted(client, articles, settings):
    """A client past the limit still gets what the page cache holds (it costs no SQL, and an HTTP cache in front
    would answer it without asking us); what must be rendered is refused."""
    settings.API_RATE_LIMIT = "2/minute"
    assert client.get(f"{API}articles/").status_code == 200
    assert uncached(client).status_code == 200
    assert uncached(client).status_code == 429
    assert client.get(f"{API}articles/").status_code == 200
    assert client.get(f"{API}articles/{articles[1].slug}/").status_code == 429
