"""The edge's side of the app (articles/pagecache/edge.py, purges.py), in-process: every page the page cache keeps
carries the keys of what it shows and a lifetime for shared caches that never reaches past the next scheduled change;
each write purges the keys of the pages it changed, and only those; a purge that fails is queued, logged and retried.
tests/edge/ runs the same through a real Varnish."""

import logging
import re
import socket
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import transaction
from django.utils import timezone

from articles import queries, workflow
from articles.models import Article, ArticleTag, Author, Contribution, Correction, PendingPurge, RelatedPick, Section
from articles.pagecache import CACHED_VIEWS, edge, purges
from bench.edge import free_port
from tests.factories import logged_in, make_article, make_author, make_section, make_tag, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """21 published articles of section A (two list pages) and one of section B, by one author (of two); `newest`
    first."""
    a, b, author = make_section("Kinh tế"), make_section("Văn hóa"), make_author("HẢI ĐĂNG")
    second_author = make_author("HOÀNG LAN")
    now = timezone.now()
    articles = [
        make_article(headline=f"Bài số {i}", section=a, author=author, published_at=now - timedelta(minutes=i + 1))
        for i in range(21)
    ]
    other = make_article(headline="Bài văn hóa", section=b, author=author, published_at=now - timedelta(hours=2))
    return SimpleNamespace(
        a=a, b=b, author=author, second_author=second_author, articles=articles, newest=articles[0], other=other
    )


def keys_of(response):
    return set(response["Surrogate-Key"].split())


def cards(articles):
    return {f"article:{article.pk}" for article in articles}


def lifetime(response):
    """(max-age, stale-if-error) of the page's Surrogate-Control."""
    found = re.fullmatch(r"max-age=(\d+), stale-if-error=(\d+)", response["Surrogate-Control"])
    return int(found[1]), int(found[2])


# Labels: what each page shows.


def test_every_cached_view_has_labels():
    """A view the page cache keeps without labels would never be purged but by `all`: each one has its entry."""
    assert set(edge.LABELS) == set(CACHED_VIEWS)


def test_each_page_carries_the_keys_of_what_it_shows_on_a_miss_and_on_a_hit(client, site, editor):
    """The front page (every article it links) and the lists, the section's and the author's, name every card they
    print; the article page names itself, its section (its related box) and the related articles; /corrections/ the
    articles it names; the API the articles it lists; feeds, sitemaps and robots.txt their own kind. A hit repeats the
    keys stored with the page."""
    articles, a = site.articles, site.a
    correction = Correction.objects.create(article=site.other, text="Sửa tên nhân vật.")
    workflow.publish_correction(correction, editor)
    front_page = client.get("/").content.decode()
    expected = {
        "/": {"front", *cards(a for a in [*articles, site.other] if f'href="{a.get_absolute_url()}"' in front_page)},
        "/latest/": {"lists", *cards(articles[:20])},
        "/latest/?page=2": {"lists", *cards([*articles[20:], site.other])},
        a.get_absolute_url(): {f"section:{a.pk}", *cards(articles[:20])},
        site.author.get_absolute_url(): {f"author:{site.author.pk}", *cards(articles[:20])},
        site.newest.get_absolute_url(): {f"section:{a.pk}", *cards(articles[:5])},
        site.other.get_absolute_url(): {f"section:{site.b.pk}", *cards([site.other])},
        "/feed/": {"feeds"},
        f"/sections/{a.slug}/feed/atom/": {"feeds"},
        "/sitemap.xml": {"sitemaps"},
        "/sitemap-articles.xml": {"sitemaps"},
        "/sitemap-news.xml": {"sitemaps"},
        "/robots.txt": set(),
        "/corrections/": {"corrections", f"article:{site.other.pk}"},
        "/corrections/feed/": {"corrections", "feeds"},
        "/api/v1/articles/": {"lists", *cards(articles[:20])},
        f"/api/v1/articles/?section={site.b.slug}": {"lists", *cards([site.other])},
        f"/api/v1/articles/{site.newest.slug}/": cards([site.newest]),
        "/api/v1/authors/": {"lists"},
        "/api/v1/sections/": set(),
    }
    for url, keys in expected.items():
        for _ in ("miss", "hit"):
            assert keys_of(client.get(url)) == {"all", *keys}, url


def test_shared_caches_keep_a_page_no_longer_than_the_edges_bound(client, site, settings):
    """With nothing scheduled, shared caches keep a page NEWSROOM_EDGE_SECONDS, and may serve it for its grace more
    while no app server answers; browsers still revalidate every time."""
    settings.EDGE_SECONDS, settings.EDGE_GRACE_SECONDS = 600, 3600
    for _ in ("miss", "hit"):
        response = client.get("/")
        assert lifetime(response) == (600, 3600)
        assert response["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("due_in", [100, 2000])
def test_shared_caches_never_keep_a_page_past_the_next_scheduled_change(client, site, settings, due_in):
    """A publication due in `due_in` seconds: the copy and its grace together end by then, on a miss and on a hit (a
    page is only kept past a take-down time if no reader may see it there)."""
    settings.EDGE_SECONDS, settings.EDGE_GRACE_SECONDS = 600, 3600
    make_article(
        headline="Hẹn giờ", section=site.a, author=site.author, published_at=timezone.now() + timedelta(seconds=due_in)
    )
    for _ in ("miss", "hit"):
        seconds, grace = lifetime(client.get(site.newest.get_absolute_url()))
        assert seconds == min(600, due_in) or seconds == min(600, due_in) - 1
        assert due_in - 2 <= seconds + grace <= due_in


def test_pages_not_shared_by_every_reader_get_no_lifetime(client, site, editor):
    """Pages for a logged-in editor, searches, drafts, and URLs with parameters a page does not use are never given
    to shared caches."""
    draft = make_article(headline="Nháp", status=Article.Status.DRAFT, author=site.author)
    answers = [
        logged_in(editor).get(site.newest.get_absolute_url()),
        logged_in(editor).get(draft.get_absolute_url()),
        client.get("/search/?q=kinh"),
        client.get("/?utm_source=zalo"),
        client.get(draft.get_absolute_url()),
    ]
    for response in answers:
        assert not response.has_header("Surrogate-Control") and not response.has_header("Surrogate-Key")


def test_a_page_rendered_while_a_write_landed_goes_to_no_shared_cache(client, site):
    """A write while the article page was being rendered (its purge may have gone out already): the page that may
    predate it is not given a lifetime for shared caches; the next one is."""

    def related_with_a_write(article, tags, picks):
        Article.objects.filter(pk=site.other.pk).update(headline="Sửa giữa chừng")
        return queries.Related([], None, None)

    with mock.patch("articles.views.queries.related_to", side_effect=related_with_a_write):
        during = client.get(site.newest.get_absolute_url())
    assert during.status_code == 200 and not during.has_header("Surrogate-Control")
    assert client.get(site.newest.get_absolute_url()).has_header("Surrogate-Control")


# Purges: what each write touches.


@pytest.fixture
def purged(settings, monkeypatch):
    """The keys of each purge the app would send to Varnish after a commit, recorded instead of sent."""
    settings.VARNISH_URLS = ["http://varnish.invalid"]
    sent = []
    monkeypatch.setattr(purges, "purge", lambda keys: sent.append(set(keys)))
    return sent


def placed(article, *, section=True):
    """The keys of a change of where `article` is listed (besides its own)."""
    return {"front", "lists", "feeds", "sitemaps", f"author:{article.author_id}"} | (
        {f"section:{article.section_id}"} if section else set()
    )


def test_saving_a_draft_purges_nothing(site, purged, django_capture_on_commit_callbacks):
    """No reader saw a draft or will by the clock: writing, editing and deleting one purges nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article(headline="Nháp", status=Article.Status.DRAFT, section=site.a, author=site.author)
        draft.headline = "Nháp sửa"
        draft.save()
        draft.delete()
    assert purged == []


def test_an_edit_in_place_purges_the_articles_pages_the_feeds_and_the_sitemaps_only(
    site, purged, django_capture_on_commit_callbacks
):
    """A published article's headline fixed: its own page and every page printing its card (key article:<id>),
    the feeds and the sitemaps; the lists, sections and other articles' pages stay."""
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.headline = "Tiêu đề đã sửa"
        site.newest.save()
    assert purged == [{f"article:{site.newest.pk}", "feeds", "sitemaps"}]


def test_publishing_purges_the_lists_the_article_joins(site, purged, django_capture_on_commit_callbacks):
    """A draft published: also the site's lists, its section's (with its articles' related boxes) and its author's."""
    draft = make_article(headline="Sắp đăng", status=Article.Status.DRAFT, section=site.a, author=site.author)
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Article.Status.PUBLISHED
        draft.save()
    assert purged == [{f"article:{draft.pk}", *placed(draft)}]


def test_moving_an_article_to_another_section_purges_both(site, purged, django_capture_on_commit_callbacks):
    """Moved from section A to B: both sections' lists and related boxes."""
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.section = site.b
        site.newest.save()
    assert purged == [{f"article:{site.newest.pk}", f"section:{site.a.pk}", *placed(site.newest)}]


def test_unpublishing_or_deleting_purges_the_lists_the_article_leaves(site, purged, django_capture_on_commit_callbacks):
    """Unpublished, or deleted: the lists it was on, by the section and author it had."""
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.status = Article.Status.DRAFT
        site.newest.section = site.b
        site.newest.save()
    assert purged == [{f"article:{site.newest.pk}", *placed(site.articles[1])}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=site.other.pk).delete()
    assert purged == [{f"article:{site.other.pk}", *placed(site.other)}]


def test_a_new_scheduled_article_purges_the_lists_it_will_join(site, purged, django_capture_on_commit_callbacks):
    """Shared caches keep pages only until the next scheduled change known when they were made: one scheduled now
    needs the lists it will join purged (no page shows the new article yet, so none is named by it)."""
    with django_capture_on_commit_callbacks(execute=True):
        make_article(
            headline="Hẹn giờ", section=site.b, author=site.author, published_at=timezone.now() + timedelta(days=1)
        )
    assert purged == [placed(site.other)]


def test_a_bulk_create_purges_the_lists_of_every_section_and_author_it_adds_to(
    site, purged, django_capture_on_commit_callbacks
):
    """bulk_create() (seed_demo, scripts) skips save() but names its rows."""
    other_author = site.second_author
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.bulk_create(
            [
                Article(
                    headline=f"Hàng loạt {n}",
                    slug=f"hang-loat-{n}",
                    lead=".",
                    body="<p>.</p>",
                    author=author,
                    section=site.b,
                    status=Article.Status.PUBLISHED,
                    published_at=timezone.now(),
                )
                for n, author in enumerate((site.author, other_author))
            ]  # fmt: skip
        )
    assert purged == [{*placed(site.other), f"author:{other_author.pk}"}]


def test_an_update_that_moves_no_article_purges_its_articles_pages_only(
    site, purged, django_capture_on_commit_callbacks, editor
):
    """queryset.update() of anything but where articles are listed (a headline from a shell, a correction's time)
    names its rows: their pages, the feeds and sitemaps, as their edit in place would; a correction adds its list."""
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk__in=[site.newest.pk, site.other.pk]).update(headline="Sửa bằng update()")
    assert purged == [{f"article:{site.newest.pk}", f"article:{site.other.pk}", "feeds", "sitemaps"}]
    purged.clear()
    correction = Correction.objects.create(article=site.other, text="Sửa tên.")
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish_correction(correction, editor)
    assert purged == [{f"article:{site.other.pk}", "corrections", "feeds", "sitemaps"}]


def test_a_takedown_and_a_reinstatement_purge_the_lists_the_article_leaves_and_joins(
    site, purged, django_capture_on_commit_callbacks, editor
):
    """Taken down on order, the article leaves its page (410 from then on), the lists, feeds and sitemaps at once;
    reinstated, it is back on them."""
    editor.is_superuser = True
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_down(site.newest, editor, "Theo yêu cầu.")
    assert purged == [{f"article:{site.newest.pk}", *placed(site.newest)}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reinstate(site.newest, editor, "Đã xác minh lại.")
    assert purged == [{f"article:{site.newest.pk}", *placed(site.newest)}]


def test_one_transaction_sends_one_purge_with_every_key(site, purged, django_capture_on_commit_callbacks):
    """Several writes committed together (a bulk action, a restore) are one purge, after the commit."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for article in (site.newest, site.other):
            article.lead = "Sapo mới."
            article.save()
    assert purged == [{f"article:{site.newest.pk}", f"article:{site.other.pk}", "feeds", "sitemaps"}]


def test_writes_whose_reach_cannot_be_told_purge_everything(site, purged, django_capture_on_commit_callbacks):
    """queryset.update() of where articles are listed, and bulk_update() (what rows held is unknown), a section (the
    menu is on every page) or an author (names on cards and bylines) written, loaddata's raw saves and what migrate
    sends: everything."""
    writes = [
        lambda: Article.objects.filter(pk=site.newest.pk).update(section=site.b),
        lambda: Article.objects.bulk_update([site.newest], ["lead"]),
        lambda: Section.objects.filter(pk=site.b.pk).update(name="Văn hóa – Giải trí"),
        lambda: make_section("Chuyên mục mới"),
        lambda: Author.objects.create(name="TÁC GIẢ MỚI"),
        lambda: call_command("loaddata", "htx", verbosity=0),
        lambda: emit_post_migrate_signal(verbosity=0, interactive=False, db="default"),
    ]
    for write in writes:
        purged.clear()
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert purged and all(purges.header(keys) == "all" for keys in purged)


def test_a_purge_of_very_many_keys_is_a_purge_of_everything():
    """Varnish refuses request headers past 8 KB: hundreds of articles deleted at once purge `all`."""
    assert purges.header({f"article:{n}" for n in range(purges.MOST_KEYS)}).startswith("article:")
    assert purges.header({f"article:{n}" for n in range(purges.MOST_KEYS + 1)}) == "all"


# Delivery: a purge that fails is queued, logged and retried, never lost and never in the editor's way.


@pytest.fixture
def unreachable(settings, monkeypatch):
    """Varnish listed on a port nobody listens on; the retrying thread's wake-ups recorded instead of started (tests
    call `purges.retry()` themselves)."""
    settings.VARNISH_URLS = [f"http://127.0.0.1:{free_port()}"]
    wakes = []
    monkeypatch.setattr(purges.retrier, "wake", lambda: wakes.append(True))
    return SimpleNamespace(target=settings.VARNISH_URLS[0], wakes=wakes)


def test_a_purge_that_fails_is_queued_logged_and_retried_later(
    site, unreachable, caplog, django_capture_on_commit_callbacks
):
    """The save succeeds; the purge is queued for a second later with why it failed, a warning names the Varnish, and
    the retrying thread is woken. Retried and failing again, it waits longer, and says so."""
    with (
        caplog.at_level(logging.WARNING, "articles.pagecache.purges"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        site.newest.headline = "Lưu khi Varnish vắng"
        site.newest.save()

    queued = PendingPurge.objects.get()
    assert (queued.target, queued.keys, queued.attempts) == (
        unreachable.target,
        f"article:{site.newest.pk} feeds sitemaps",
        1,
    )
    assert "refused" in queued.error and timezone.now() < queued.retry_at <= timezone.now() + timedelta(seconds=1)
    assert unreachable.target in caplog.text and unreachable.wakes
    assert Article.objects.get(pk=site.newest.pk).headline == "Lưu khi Varnish vắng"

    assert purges.retry() is not None and PendingPurge.objects.get().attempts == 1  # not due yet
    caplog.clear()
    with caplog.at_level(logging.WARNING, "articles.pagecache.purges"):
        purges.retry(due_only=False)
    assert PendingPurge.objects.get().attempts == 2 and "try 2" in caplog.text


def test_a_varnish_that_does_not_answer_costs_the_save_at_most_the_timeout(site, settings, unreachable):
    """A Varnish that accepts the connection and never answers: the purge gives up after NEWSROOM_VARNISH_TIMEOUT and
    is queued as timed out."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.VARNISH_URLS = [f"http://127.0.0.1:{silent.getsockname()[1]}"]
        settings.VARNISH_TIMEOUT = 0.2
        purges.purge({"front"})
    assert "timed out" in PendingPurge.objects.get().error


def test_queued_purges_no_longer_needed_are_dropped_with_a_log_line(site, settings, unreachable, caplog):
    """A queued purge older than any copy it could drop (NEWSROOM_EDGE_SECONDS and grace), or for a Varnish no longer
    listed, is let go, and the log says so."""
    old = PendingPurge.objects.create(target=unreachable.target, keys="front", retry_at=timezone.now())
    PendingPurge.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    PendingPurge.objects.create(target="http://127.0.0.1:1", keys="all", retry_at=timezone.now())
    with caplog.at_level(logging.WARNING, "articles.pagecache.purges"):
        assert purges.retry() is None
    assert not PendingPurge.objects.exists()
    assert caplog.text.count("Dropped 1 queued purges") == 2


def test_purge_edge_purges_by_hand_and_sends_the_queue(settings, unreachable):
    """`manage.py purge_edge all` (after a rolling deploy) and `manage.py purge_edge` (the queue, from cron) say in
    Vietnamese when a Varnish did not get it, which stays queued."""
    with pytest.raises(CommandError, match="chưa nhận được"):
        call_command("purge_edge", "all")
    assert PendingPurge.objects.get().keys == "all"
    with pytest.raises(CommandError, match="chưa nhận được"):
        call_command("purge_edge")
    assert PendingPurge.objects.get().attempts == 2
    settings.VARNISH_URLS = []
    with pytest.raises(CommandError, match="NEWSROOM_VARNISH_URLS"):
        call_command("purge_edge")


# Tags, threads, bylines and related picks.


def test_tag_and_thread_pages_carry_their_key_and_their_cards_and_article_pages_their_thread(client, site):
    """A tag's page names the tag and its cards; a thread's, the thread, its pinned lead and its cards; their feeds
    are feeds; an article page in a thread names the thread (it prints its name, and the thread's other articles)."""
    tag, thread = make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    for article in site.articles[:3]:
        article.tags.add(tag)
        article.thread = thread
        article.save()
    thread.lead_article = site.other
    thread.save()
    expected = {
        tag.get_absolute_url(): {f"tag:{tag.pk}", *cards(site.articles[:3])},
        thread.get_absolute_url(): {f"thread:{thread.pk}", *cards([*site.articles[:3], site.other])},
        f"/tags/{tag.slug}/feed/": {"feeds"},
        f"/threads/{thread.slug}/feed/atom/": {"feeds"},
        site.newest.get_absolute_url(): {
            f"section:{site.a.pk}",
            f"thread:{thread.pk}",
            f"tag:{tag.pk}",
            *cards(site.articles[:5]),
        },
    }
    for url, keys in expected.items():
        for _ in ("miss", "hit"):
            assert keys_of(client.get(url)) == {"all", *keys}, url


def test_tagging_an_article_purges_its_pages_the_tags_lists_the_feeds_and_sitemaps(
    site, purged, django_capture_on_commit_callbacks
):
    """A tag added or removed (admin rows, `tags.add()`, `tags.remove()`): the article's page and cards, the tag's
    lists, the feeds, the sitemaps (whether the tag's page is listed), the API's lists (of tags). Tags reordered (in
    place): the same for each tag moved; a link saved again may have pointed at another tag before: everything."""
    tag = make_tag("Cần Thơ")
    touched = {f"article:{site.newest.pk}", f"tag:{tag.pk}", "feeds", "sitemaps", "lists"}
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.tags.add(tag)
    assert purged == [touched]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.tags.remove(tag)
    assert purged == [touched]
    other = make_tag("Hậu Giang")
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.set_tags([tag, other])
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.set_tags([other, tag])
    assert purged == [touched | {f"tag:{other.pk}"}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        link = ArticleTag.objects.get(article=site.newest, tag=tag)
        link.position = 2
        link.save()
    assert purged == [{"all"}]


def test_a_byline_purges_the_articles_pages_and_the_lists_of_the_pen_name_and_of_the_person(
    site, purged, django_capture_on_commit_callbacks
):
    """A contributor added or removed: the article's page and cards, the feeds (their authors), the lists of the
    pen name and of the person behind it (whose page lists every pen name's work), the API's lists (of authors).
    Saved again naming another person: the same, for both; a row whose earlier person is unknown: everything."""
    with django_capture_on_commit_callbacks(execute=True):
        person = make_author("NGUYỄN VĂN A")
        pen_name = make_author("VĂN AN", pen_name_of=person)
    purged.clear()
    touched = {f"article:{site.newest.pk}", f"author:{pen_name.pk}", f"author:{person.pk}", "feeds", "lists"}
    with django_capture_on_commit_callbacks(execute=True):
        credit = Contribution.objects.create(article=site.newest, author=pen_name, role=Contribution.Role.PHOTO)
    assert purged == [touched]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        other = make_author("TRẦN B")
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        credit = Contribution.objects.get(pk=credit.pk)  # as the admin's inline loads it
        credit.author = other
        credit.save()
    assert purged == [touched | {f"author:{other.pk}"}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        credit.author = pen_name  # the same instance saved again: it knows whom it named
        credit.save()
    assert purged == [touched | {f"author:{other.pk}"}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Contribution.objects.filter(pk=credit.pk).update(role=Contribution.Role.VIDEO)
    assert purged == [{"all"}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        credit.delete()
    assert purged == [touched]


def test_a_related_pick_purges_its_articles_page_only(site, purged, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pick = RelatedPick.objects.create(article=site.newest, related=site.other)
        pick.position = 1
        pick.save()
        pick.delete()
    assert purged == [{f"article:{site.newest.pk}"}]


def test_a_new_tag_or_thread_purges_nothing_a_renamed_one_its_pages(site, purged, django_capture_on_commit_callbacks):
    """New, a tag or thread is shown nowhere. Renamed: its lists, the feeds and sitemaps (its name, its slug), and the
    pages that name it: a thread's articles carry its key, a tag's are named one by one."""
    with django_capture_on_commit_callbacks(execute=True):
        tag, thread = make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
    assert purged == []
    with django_capture_on_commit_callbacks(execute=True):
        for article in site.articles[:2]:
            article.tags.add(tag)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "TP Cần Thơ"
        tag.save()
    assert purged == [{f"tag:{tag.pk}", "feeds", "sitemaps", *cards(site.articles[:2])}]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread.intro = "Giới thiệu mới."
        thread.save()
    assert purged == [{f"thread:{thread.pk}", "feeds", "sitemaps"}]


def test_publishing_purges_the_lists_of_its_thread_tags_contributors_and_their_people(
    site, purged, django_capture_on_commit_callbacks
):
    """A draft in a thread, tagged, with a photographer signing under a pen name, published: besides the site's,
    section's and author's lists, its thread's and tags' lists and the contributor's (and the person's)."""
    with django_capture_on_commit_callbacks(execute=True):
        tag, thread = make_tag("Cần Thơ"), make_thread("Mùa nước nổi")
        person = make_author("NGUYỄN VĂN A")
        pen_name = make_author("VĂN AN", pen_name_of=person)
        draft = make_article(
            headline="Sắp đăng", status=Article.Status.DRAFT, section=site.a, author=site.author, thread=thread
        )
        draft.tags.add(tag)
        Contribution.objects.create(article=draft, author=pen_name, role=Contribution.Role.PHOTO)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Article.Status.PUBLISHED
        draft.save()
    extra = {f"thread:{thread.pk}", f"tag:{tag.pk}", f"author:{pen_name.pk}", f"author:{person.pk}"}
    assert purged == [{f"article:{draft.pk}", *placed(draft), *extra}]


def test_moving_an_article_to_another_thread_purges_both(site, purged, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = make_thread("Mùa nước nổi"), make_thread("Kỳ họp hội đồng")
        site.newest.thread = first
        site.newest.save()
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        site.newest.thread = second
        site.newest.save()
    assert purged == [{f"article:{site.newest.pk}", f"thread:{first.pk}", f"thread:{second.pk}", *placed(site.newest)}]
