"""The page cache (articles/pagecache.py): warm pages cost no SQL, every write shows at once, scheduled changes happen
on time, nothing rendered for an editor reaches a reader, several worker processes agree, and 304s. `make test` runs
this file again with the cache in Redis."""

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from articles import pagecache, revisions
from articles.models import Article, ArticleTag, Author, Contribution, PreviewLink, Section, Tag, Thread
from articles.pagecache import STAMP_KEY, PageCache, page_key, storable
from newsroom.middleware import with_page_cache
from tests.factories import article_form_data, cache_entries, logged_in, make_article, make_author, make_section

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/articles/article/"
DRAFT_BANNER = "Bản nháp — chưa xuất bản"
SEED = Path(__file__).resolve().parent / "data" / "000_cb3a0ecfc020ae02.txt"
HTX_HEADLINE = "Nêu cao tinh thần trách nhiệm"


@pytest.fixture
def site():
    """21 published articles (two list pages) of one section and one author; `newest` is first on the list."""
    section, author = make_section("Kinh tế"), make_author("THANH THY")
    now = timezone.now()
    articles = [
        make_article(
            headline=f"Bài số {i}", section=section, author=author, published_at=now - timedelta(minutes=i + 1)
        )
        for i in range(21)
    ]
    return SimpleNamespace(section=section, author=author, articles=articles, newest=articles[0])


def fetch(client, url, **extra):
    """(response, how many SQL queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def cached(client, url):
    """GET `url` until it comes from the cache: the second answer must take no SQL. Returns its text."""
    first = client.get(url)
    assert first.status_code == 200
    response, queries = fetch(client, url)
    assert (response.status_code, queries) == (200, 0)
    assert response.content == first.content
    return response.content.decode()


def text(client, url):
    return client.get(url).content.decode()


# A warm page costs no SQL.


def public_urls(site):
    article, section, author = site.newest, site.section, site.author
    return [
        "/",
        "/latest/",
        "/latest/?page=2",
        article.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
        "/feed/",
        "/feed/atom/",
        f"/sections/{section.slug}/feed/",
        f"/sections/{section.slug}/feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ]


def test_every_kind_of_public_page_is_served_warm_without_sql(client, site):
    """Front page, list (and its page 2), article, section, author, the four feeds, the sitemaps and robots.txt: the
    second reader's request takes no SQL query and gets the same bytes."""
    for url in public_urls(site):
        cached(client, url)


def test_head_requests_are_answered_from_the_cache_too(client, site):
    """A HEAD after a GET takes no SQL and carries the page's headers."""
    url = site.newest.get_absolute_url()
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = client.head(url)
    assert (response.status_code, len(queries), response["ETag"]) == (200, 0, etag)


def test_the_wsgi_front_answers_a_stored_page_before_django(client, site):
    """newsroom/wsgi.py's front answers a stored page itself (Django's handler is never called, no SQL), with every
    header the page was stored with and a fresh request id."""
    url = site.newest.get_absolute_url()
    stored = client.get(url)
    front = with_page_cache(mock.Mock(side_effect=AssertionError("Django should not be called")))
    started = {}

    def start_response(status, headers):
        started.update(status=status, headers=dict(headers))

    with CaptureQueriesContext(connection) as queries:
        body = b"".join(front(RequestFactory().get(url).environ, start_response))
    assert (started["status"], body, len(queries)) == ("200 OK", stored.content, 0)
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "ETag", "Content-Type"):
        assert started["headers"][name] == stored[name]
    assert started["headers"]["X-Request-ID"] != stored["X-Request-ID"]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"HTTP_COOKIE": "sessionid=abc"},  # logged in
        {"HTTP_IF_NONE_MATCH": '"x"'},  # conditional: ConditionalGetMiddleware answers it
        {"REQUEST_METHOD": "POST"},
    ],
    ids=["session", "conditional", "post"],
)
def test_the_wsgi_front_hands_everything_else_to_django(client, site, request_kwargs):
    """With a session cookie, a conditional header or another method, the front passes the request on."""
    url = site.newest.get_absolute_url()
    client.get(url)
    django = mock.Mock(return_value=[b"django"])
    environ = RequestFactory().get(url).environ | request_kwargs
    assert with_page_cache(django)(environ, mock.Mock()) == [b"django"]
    django.assert_called_once()


# Never stale: every write shows at once.


def test_a_new_article_shows_at_once(client, site):
    """Creating an article puts it on the cached list, section page and feed."""
    urls = ["/", site.section.get_absolute_url(), "/feed/"]
    for url in urls:
        assert "Bài mới toanh" not in cached(client, url)
    make_article(headline="Bài mới toanh", section=site.section, author=site.author, published_at=timezone.now())
    for url in urls:
        assert "Bài mới toanh" in text(client, url)


def test_an_edit_in_the_admin_form_shows_at_once(client, site, editor):
    """An editor's save in the admin shows on the article page and the list for the next reader."""
    article = site.newest
    for url in (article.get_absolute_url(), "/"):
        assert "Tiêu đề đã sửa" not in cached(client, url)
    saved = logged_in(editor).post(
        f"{ADMIN_LIST}{article.pk}/change/", article_form_data(article, headline="Tiêu đề đã sửa")
    )
    assert saved.status_code == 302
    for url in (article.get_absolute_url(), "/"):
        assert "Tiêu đề đã sửa" in text(client, url)


def test_bulk_publish_and_unpublish_show_at_once(client, site, editor):
    """The admin's bulk actions: a published draft appears at once, an unpublished article disappears at once."""
    draft = make_article(headline="Bản nháp sắp lên", status=Article.Status.DRAFT, published_at=None)
    assert "Bản nháp sắp lên" not in cached(client, "/")
    assert client.get(draft.get_absolute_url()).status_code == 404
    editor_client = logged_in(editor)
    editor_client.post(ADMIN_LIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Bản nháp sắp lên" in cached(client, "/")
    cached(client, draft.get_absolute_url())

    editor_client.post(ADMIN_LIST, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert "Bản nháp sắp lên" not in text(client, "/")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_deleting_articles_shows_at_once(client, site, editor):
    """Deleting in the admin, or many at once with a queryset, takes the articles off every cached page."""
    first, second, third = site.articles[:3]
    for article in (first, second, third):
        cached(client, article.get_absolute_url())
    feed = cached(client, "/feed/")
    assert first.headline in feed and second.headline in feed

    assert logged_in(editor).post(f"{ADMIN_LIST}{first.pk}/delete/", {"post": "yes"}).status_code == 302
    assert client.get(first.get_absolute_url()).status_code == 404
    assert f">{first.headline}<" not in cached(client, "/")

    Article.objects.filter(pk__in=[second.pk, third.pk]).delete()
    assert client.get(second.get_absolute_url()).status_code == 404
    assert client.get(third.get_absolute_url()).status_code == 404
    assert f">{second.headline}<" not in text(client, "/")


def test_queryset_writes_that_skip_save_show_at_once(client, site):
    """update() and bulk_create() send no signal, yet the cached pages change."""
    article = site.newest
    cached(client, article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="Sửa bằng update()")
    assert "Sửa bằng update()" in text(client, article.get_absolute_url())

    cached(client, "/")
    Article.objects.bulk_create(
        [
            Article(
                headline="Thêm bằng bulk_create()",
                slug="them-bang-bulk-create",
                lead="Sapo.",
                body="<p>Nội dung.</p>",
                author=site.author,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        ]
    )
    assert "Thêm bằng bulk_create()" in text(client, "/")


def test_an_import_shows_at_once(client, site):
    """import_articles --publish puts the imported article (from 2020: last) on the cached list's last page."""
    assert HTX_HEADLINE not in cached(client, "/latest/?page=2")
    call_command("import_articles", str(SEED), "--publish", stdout=io.StringIO())
    assert HTX_HEADLINE in text(client, "/latest/?page=2")


def test_loaddata_shows_at_once(client):
    """A fixture (raw saves, no Article.save()) shows on the cached list and feed."""
    for url in ("/", "/feed/"):
        assert HTX_HEADLINE not in cached(client, url)
    call_command("loaddata", "htx", verbosity=0)
    for url in ("/", "/feed/"):
        assert HTX_HEADLINE in text(client, url)


def test_restoring_a_revision_shows_at_once(client, site, editor):
    """Bringing back an earlier revision shows its headline on the cached page."""
    article = site.newest
    original = article.headline
    article.headline = "Bản sửa sai"
    article.save()
    assert "Bản sửa sai" in cached(client, article.get_absolute_url())
    earliest = revisions.versions_of(article.pk).last()
    revisions.restore(article, earliest, editor)
    assert original in text(client, article.get_absolute_url())


def test_renaming_an_author_or_a_section_shows_at_once(client, site):
    """The byline on the article page and the section menu on every page follow an author's or section's rename."""
    article = site.newest
    assert site.author.name in cached(client, article.get_absolute_url())
    cached(client, "/")
    site.author.name = "BÚT DANH MỚI"
    site.author.save()
    assert "BÚT DANH MỚI" in text(client, article.get_absolute_url())
    Section.objects.filter(pk=site.section.pk).update(name="Chuyên mục mới")
    assert "Chuyên mục mới" in text(client, "/")
    Section.objects.all().delete()
    assert "Chuyên mục mới" not in text(client, "/")


# Scheduled publication and take-down: on time, with nobody saving anything.


def test_a_scheduled_article_appears_on_time_without_anyone_saving(client, site, settings):
    """Pages cached before an article's publication time are not served from its publication on: the list, the
    section, the feed and the article itself show it the moment it is due."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600  # only the schedule may end these pages here
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        scheduled = make_article(
            headline="Bài hẹn giờ", section=site.section, author=site.author, published_at=start + timedelta(minutes=30)
        )
        urls = ["/", site.section.get_absolute_url(), "/feed/", "/sitemap-news.xml"]
        for url in urls:
            assert "hen-gio" not in cached(client, url)
        assert client.get(scheduled.get_absolute_url()).status_code == 404

        clock.move_to(start + timedelta(minutes=29, seconds=59))
        for url in urls:
            assert fetch(client, url)[1] == 0  # still the cached page, a second early

        clock.move_to(start + timedelta(minutes=30))
        for url in urls:
            assert "hen-gio" in text(client, url)
        assert "Bài hẹn giờ" in cached(client, scheduled.get_absolute_url())


def test_an_article_taken_down_by_its_unpublish_time_disappears_on_time(client, site, settings):
    """An article with an unpublish time leaves the cached list, feed and its own page at that time."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        expiring = make_article(
            headline="Bài sắp gỡ", author=site.author, published_at=start, unpublish_at=start + timedelta(hours=2)
        )
        for url in ("/", "/feed/", expiring.get_absolute_url()):
            assert "Bài sắp gỡ" in cached(client, url)
        clock.move_to(start + timedelta(hours=2))
        for url in ("/", "/feed/"):
            assert "Bài sắp gỡ" not in text(client, url)
        assert client.get(expiring.get_absolute_url()).status_code == 404


def test_a_rolled_back_reschedule_does_not_postpone_a_due_publication(client, site, settings):
    """A write that moves a scheduled time later and is then rolled back leaves the earlier time in force."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        scheduled = make_article(headline="Bài hẹn giờ", author=site.author, published_at=start + timedelta(minutes=30))
        with pytest.raises(RuntimeError), transaction.atomic():
            scheduled.published_at = start + timedelta(hours=2)
            scheduled.save()
            raise RuntimeError("the editor's request failed after the save")
        assert "Bài hẹn giờ" not in cached(client, "/")
        clock.move_to(start + timedelta(minutes=30))
        assert "Bài hẹn giờ" in text(client, "/")


def test_deleting_many_rows_replaces_the_stamp_once(site):
    """A queryset delete sends post_delete for every row; the page cache is invalidated once for all of them."""
    with mock.patch.object(PageCache, "renew", autospec=True, side_effect=PageCache.renew) as renew:
        Article.objects.filter(pk__in=[article.pk for article in site.articles[:5]]).delete()
    assert renew.call_count == 1


def test_a_page_is_kept_at_most_page_cache_seconds(client, site, settings):
    """The bound on a lost invalidation (a Redis outage): after PAGE_CACHE_SECONDS the page is rendered again."""
    settings.PAGE_CACHE_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        cached(client, "/")
        clock.move_to(start + timedelta(seconds=59))
        assert fetch(client, "/")[1] == 0
        clock.move_to(start + timedelta(seconds=60))
        assert fetch(client, "/")[1] > 0


def test_a_lost_stamp_is_never_reused(client, site):
    """If the stamp is evicted from the cache, every stored page is a miss (a new stamp never matches an old one)."""
    cached(client, "/")
    cache.delete(STAMP_KEY)
    assert fetch(client, "/")[1] > 0
    cached(client, "/")


# Never wrong for the viewer.


def test_an_editors_draft_page_never_reaches_a_reader(site, editor):
    """An editor opens a draft at its public URL and gets the banner; a reader then gets the 404 page, twice."""
    draft = make_article(headline="Bản nháp bí mật", status=Article.Status.DRAFT, author=site.author)
    editor_page = logged_in(editor).get(draft.get_absolute_url())
    assert editor_page.status_code == 200 and DRAFT_BANNER in editor_page.content.decode()
    reader = Client()
    for _ in range(2):
        response = reader.get(draft.get_absolute_url())
        assert response.status_code == 404
        assert DRAFT_BANNER not in response.content.decode() and "Bản nháp bí mật" not in response.content.decode()


def test_pages_rendered_for_an_editor_are_never_stored_and_editors_never_read_the_cache(site, editor):
    """An editor's page is not stored for readers, and an editor gets a fresh page even when readers' is cached."""
    url = site.newest.get_absolute_url()
    editor_client, reader = logged_in(editor), Client()
    assert editor_client.get(url).status_code == 200
    assert fetch(reader, url)[1] > 0  # the reader's first request renders: nothing of the editor's was stored
    assert fetch(reader, url)[1] == 0
    response, queries = fetch(editor_client, url)
    assert response.status_code == 200 and queries > 0


def test_a_logged_in_editor_sees_the_database_not_the_cache(site, editor):
    """Even a change no hook saw (raw SQL) shows to an editor at once: they bypass the cache altogether."""
    article = site.newest
    reader = Client()
    cached(reader, article.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET headline = %s WHERE id = %s", ["Sửa thẳng trong SQL", article.pk])
    assert "Sửa thẳng trong SQL" in text(logged_in(editor), article.get_absolute_url())
    assert "Sửa thẳng trong SQL" not in text(reader, article.get_absolute_url())  # hence: writes go through the ORM


def test_previews_and_share_links_are_never_stored(client, site, editor):
    """A draft's share link works for someone without an account, each time rendered afresh and marked no-store."""
    draft = make_article(headline="Bản nháp chia sẻ", status=Article.Status.DRAFT, author=site.author)
    link = PreviewLink.objects.create(article=draft, created_by=editor, expires_at=timezone.now() + timedelta(hours=1))
    for _ in range(2):
        response, queries = fetch(client, link.get_absolute_url())
        assert response.status_code == 200 and DRAFT_BANNER in response.content.decode()
        assert queries > 0 and "no-store" in response["Cache-Control"]
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_only_known_query_parameters_are_cached(client, site):
    """?page=2 is stored; a tracking or junk parameter, or a link that continues from an article (whose number is only
    a name), is answered but never stored, so it cannot fill the cache."""
    cached(client, "/latest/?page=2")
    for url in (
        "/?utm_source=facebook",
        "/latest/?page=2&x=1",
        site.newest.get_absolute_url() + "?page=2",
        f"/latest/?page=2&sau={site.articles[19].pk}",
    ):
        assert client.get(url).status_code == 200
        assert fetch(client, url)[1] > 0, url
    assert client.get("/latest/?page=abc").status_code == 404


NON_CANONICAL_PAGES = {
    "/latest/?page=1": "/latest/",
    "/latest/?page=02": "/latest/?page=2",
    "/latest/?page=0000000000000000000002": "/latest/?page=2",
    "/latest/?page=%2B2": "/latest/?page=2",
    "/latest/?page=+2": "/latest/?page=2",
    "/latest/?page=%202%20": "/latest/?page=2",
    "/latest/?page=3&page=2": "/latest/?page=2",
    "/?page=02": "/latest/?page=2",  # the front page's old list links, in one step
    "/?page=1": "/latest/",
    "/sections/kinh-te/?page=01": "/sections/kinh-te/",
    "/authors/thanh-thy/?page=002": "/authors/thanh-thy/?page=2",
    "/corrections/?page=1": "/corrections/",
}


@pytest.mark.parametrize(("url", "location"), NON_CANONICAL_PAGES.items())
def test_a_page_number_spelled_another_way_redirects_to_its_one_url(client, site, url, location):
    """Leading zeros, a sign, spaces, the number twice or page 1 by number: a permanent redirect to the page's one
    URL, which is the only one stored."""
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (301, location)


def test_no_sequence_of_junk_requests_stores_anything_but_the_real_pages(client, site, settings):
    """Thousands of spellings of page numbers, cursors, sitemap pages and unknown parameters store nothing: after
    them the cache holds only the stamp and the pages really asked for by their one URL."""
    from django.core.cache import cache

    cached(client, "/")
    client.get("/?page=last")  # the list's count, remembered once per change (pagecache.remembered)
    before = cache_entries(settings)
    ids = [article.pk for article in site.articles]
    junk = [
        *(f"/?page={'0' * zeros}2" for zeros in range(1, 30)),
        *(f"/?page=2&{direction}={pk}" for direction in ("sau", "truoc") for pk in ids),
        *(f"/?page={n}&truoc=1" for n in range(2, 40)),
        *(f"/sitemap-articles.xml?p={p}" for p in ("1", "01", "+1", "1&p=1")),
        "/sitemap.xml?p=1",
        "/feed/?page=2",
        "/search/?q=kinh",
    ]
    for url in junk:
        assert client.get(url).status_code in (200, 301, 302, 404), url
    assert cache_entries(settings) == before
    assert cache.get(STAMP_KEY) is not None


def test_a_page_stored_for_http_is_not_served_over_https(client, site):
    """Scheme is part of the key: pages print absolute URLs, and HTTPS responses carry their own headers (HSTS)."""
    url = site.newest.get_absolute_url()
    cached(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    assert response.status_code == 200 and len(queries) > 0
    assert f"https://testserver{url}" in response.content.decode()


def test_the_page_cache_can_be_turned_off(client, site, settings):
    """NEWSROOM_PAGE_CACHE=0 (for the uncached benchmark): every request renders, and the WSGI front passes it on."""
    settings.PAGE_CACHE = False
    client.get("/")
    assert fetch(client, "/")[1] > 0
    assert page_key(RequestFactory().get("/").environ) is None


def test_a_page_that_used_a_csp_nonce_is_never_stored(site):
    """A nonce matches only its own response's header: a page that used one would break when replayed."""
    url = site.newest.get_absolute_url()
    request = RequestFactory().get(url)
    request.resolver_match = resolve(url)
    response = HttpResponse("<p>trang</p>")
    assert storable(request, response)
    request._csp_nonce = "bW9uIG5vbmNl"
    assert not storable(request, response)


def test_public_pages_carry_no_nonce_so_every_reader_gets_the_same_policy(site):
    """The article page (with its JSON-LD data block) uses no nonce: two readers, one from the cache, get the same
    Content-Security-Policy, without a nonce, and the page has no nonce attribute."""
    url = site.newest.get_absolute_url()
    first, second = Client().get(url), Client().get(url)
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "nonce" not in first["Content-Security-Policy"] and "nonce" not in first.content.decode()
    assert '<script type="application/ld+json">' in first.content.decode()


# Several worker processes.


def test_a_write_in_another_worker_process_shows_here_at_once(client, site):
    """The stamp lives in the shared cache: a save in a worker with its own cache connection makes this worker's
    cached page stale at once, and a page this worker stored is found by the other one."""
    article = site.newest
    cached(client, article.get_absolute_url())
    other_worker = caches.create_connection("default")  # a second connection to the same store, as a process has

    pagecache.store._recent.clear()  # nothing from this process's memory: only what the shared store holds
    key = page_key(RequestFactory().get(article.get_absolute_url()).environ)
    assert PageCache(other_worker).lookup(key)[1] is not None

    with mock.patch.object(pagecache.store, "caches", {"default": other_worker}):
        article.headline = "Sửa ở tiến trình khác"
        article.save()
    assert "Sửa ở tiến trình khác" in text(client, article.get_absolute_url())


# Another Python process with the same CACHES setting, as another gunicorn worker: writes a stamp with the token
# given (as a save there would), then prints the stamp it reads.
OTHER_PROCESS = """
import json, os, sys
import django
from django.conf import settings
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
settings.CACHES = json.loads(sys.argv[1])
django.setup()
from django.core.cache import cache
from articles.pagecache.keys import STAMP_KEY
if len(sys.argv) > 2:
    cache.set(STAMP_KEY, (sys.argv[2], float("inf")), timeout=None)
print(json.dumps(cache.get(STAMP_KEY)))
"""


def other_process(settings, *token):
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, json.dumps(settings.CACHES), *token],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_stamp_is_visible_to_another_os_process(client, site, settings):
    """Another Python process with the same CACHES setting reads the very stamp this one wrote."""
    client.get("/")
    stamp = cache.get(STAMP_KEY)
    assert other_process(settings)[0] == stamp[0]


def test_a_stamp_written_by_another_os_process_ends_the_very_next_hit(client, site, settings):
    """Another worker process writes a new stamp (what a save there does): this process's WSGI front, which answered
    the page from the cache a moment before, hands the very next request to Django."""
    url = site.newest.get_absolute_url()
    cached(client, url)
    environ = RequestFactory().get(url).environ
    front = with_page_cache(mock.Mock(return_value=[b"rendered"]))
    assert front(dict(environ), mock.Mock()) != [b"rendered"]
    assert other_process(settings, "ghi-tu-tien-trinh")[0] == "ghi-tu-tien-trinh"
    assert front(dict(environ), mock.Mock()) == [b"rendered"]


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="the file cache's stamp file")
def test_stamps_written_within_one_tick_of_the_file_clock_are_seen(client, site):
    """A hit re-reads the file cache's stamp only when the file changed. Two stamps written within one tick of the
    file system's clock (a save and its renewal after commit) have the same size and time, and the second one may
    get the inode of the file read last (ext4 hands a freed inode out again at once): still, the next request renders
    the page again."""
    url = site.newest.get_absolute_url()
    other_worker = caches.create_connection("default")
    path = other_worker._key_to_file(STAMP_KEY)
    for _ in range(5):
        cached(client, url)
        tick = os.stat(path).st_mtime_ns
        for _ in range(2):
            PageCache(other_worker).renew()
            os.utime(path, ns=(tick, tick))
        assert fetch(client, url)[1] > 0


# Conditional requests.


def test_article_pages_and_feeds_answer_conditional_requests_with_304(client, site):
    """If-None-Match with the page's ETag, or If-Modified-Since its Last-Modified, gets 304 with no body and no SQL
    from a cached page; another ETag gets the page."""
    for url in (site.newest.get_absolute_url(), "/feed/", "/feed/atom/", f"/sections/{site.section.slug}/feed/"):
        page = client.get(url)
        etag, modified = page["ETag"], page["Last-Modified"]
        for condition in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_MODIFIED_SINCE": modified}):
            response, queries = fetch(client, url, **condition)
            assert (response.status_code, response.content, queries) == (304, b"", 0)
            assert response["ETag"] == etag
        assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_an_article_page_has_the_articles_last_change_as_last_modified(client, site):
    """Last-Modified is the article's own last change (edit or publication)."""
    article = site.newest
    response = client.get(article.get_absolute_url())
    assert response["Last-Modified"] == article.modified_at.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_freshly_rendered_pages_answer_304_too(client, site, editor, settings):
    """A miss (the page just made stale), an editor's page and a page with the cache off all answer 304."""
    url = site.newest.get_absolute_url()
    etag = client.get(url)["ETag"]
    PageCache().renew()
    response, queries = fetch(client, url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and queries > 0

    editor_client = logged_in(editor)
    editor_etag = editor_client.get(url)["ETag"]
    response, queries = fetch(editor_client, url, HTTP_IF_NONE_MATCH=editor_etag)
    assert response.status_code == 304 and queries > 0

    settings.PAGE_CACHE = False
    assert client.get("/feed/", HTTP_IF_NONE_MATCH=client.get("/feed/")["ETag"]).status_code == 304


def test_after_an_edit_the_old_etag_and_date_get_the_new_page(client, site):
    """A browser revalidating its copy after the article changed gets the new page, not a 304."""
    article = site.newest
    page = client.get(article.get_absolute_url())
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        Article.objects.get(pk=article.pk).save()  # a save moves updated_at, so Last-Modified too
        Author.objects.filter(pk=site.author.pk).update(name="TÁC GIẢ KHÁC")
    for condition in ({"HTTP_IF_NONE_MATCH": page["ETag"]}, {"HTTP_IF_MODIFIED_SINCE": page["Last-Modified"]}):
        response = client.get(article.get_absolute_url(), **condition)
        assert response.status_code == 200 and "TÁC GIẢ KHÁC" in response.content.decode()


def test_public_pages_ask_browsers_to_revalidate(client, site):
    """Cached views say `Cache-Control: no-cache`: a browser keeps the page but asks first (a 304 when unchanged),
    so it never shows a reader an old page, nor an editor the reader's copy."""
    for url in public_urls(site):
        assert client.get(url)["Cache-Control"] == "no-cache"


# Tag and thread pages: cached, and right at the next request after any change to what they show.


@pytest.fixture
def tagged(site):
    """The site's three newest articles tagged "Cần Thơ" and in the thread "Mùa nước nổi", the third pinned as lead."""
    tag, thread = Tag.objects.create(name="Cần Thơ"), Thread.objects.create(name="Mùa nước nổi", intro="Nước lên.")
    for article in site.articles[:3]:
        article.tags.add(tag)
        article.thread = thread
        article.save()
    thread.lead_article = site.articles[2]
    thread.save()
    return SimpleNamespace(tag=tag, thread=thread, **vars(site))


def test_tag_and_thread_pages_and_feeds_are_served_warm_without_sql(client, tagged):
    for url in (
        tagged.tag.get_absolute_url(),
        tagged.thread.get_absolute_url(),
        f"/tags/{tagged.tag.slug}/feed/",
        f"/tags/{tagged.tag.slug}/feed/atom/",
        f"/threads/{tagged.thread.slug}/feed/",
        f"/threads/{tagged.thread.slug}/feed/atom/",
        "/sitemap-tags.xml",
        "/sitemap-threads.xml",
    ):
        cached(client, url)


def test_a_tag_page_shows_its_rename_a_new_article_a_removed_one_and_a_byline_at_once(client, tagged):
    url = tagged.tag.get_absolute_url()
    cached(client, url)
    tagged.tag.name = "Thành phố Cần Thơ"
    tagged.tag.save()
    assert "Thành phố Cần Thơ" in cached(client, url)
    ArticleTag.objects.create(article=tagged.articles[10], tag=tagged.tag)
    assert "Bài số 10" in cached(client, url)
    tagged.articles[0].tags.remove(tagged.tag)
    assert "Bài số 0<" not in cached(client, url)
    tagged.author.name = "BÚT DANH MỚI"
    tagged.author.save()
    assert "BÚT DANH MỚI" in cached(client, url)
    Contribution.objects.create(article=tagged.articles[1], author=make_author("HOÀI THU"), role="photo")
    assert fetch(client, url)[1] > 0  # the byline changed: rendered again


def test_a_thread_page_shows_its_intro_its_lead_its_articles_and_a_byline_at_once(client, tagged):
    url = tagged.thread.get_absolute_url()
    assert "Nước lên." in cached(client, url)
    tagged.thread.intro = "Nước rút."
    tagged.thread.save()
    assert "Nước rút." in cached(client, url)
    tagged.articles[2].headline = "Bài dẫn đã sửa"
    tagged.articles[2].save()
    assert "Bài dẫn đã sửa" in cached(client, url)
    tagged.articles[10].thread = tagged.thread
    tagged.articles[10].save()
    assert "Bài số 10" in cached(client, url)
    tagged.articles[2].status = Article.Status.DRAFT
    tagged.articles[2].save()
    assert "Bài dẫn đã sửa" not in cached(client, url)
    Contribution.objects.create(article=tagged.articles[0], author=make_author("HOÀI THU"), role="photo")
    assert fetch(client, url)[1] > 0
