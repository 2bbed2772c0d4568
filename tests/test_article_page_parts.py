"""The article page's parts from issue #19: its thread (linked, with the thread's previous and next article), its tags
(linked, primary first), its credits, and what they cost: one query more than before they existed, whatever the number
of tags, contributors and picks. Staff previews show the same parts."""

import io
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Contribution, RelatedPick
from tests.factories import hours_ago, make_article, make_author, make_section, make_tag, make_thread, tagged

pytestmark = pytest.mark.django_db


def links(html, css_class):
    """(href, text) of each link inside the element of class `css_class`."""
    block = re.search(rf'class="{css_class}"[^>]*>(.*?)</(?:p|ul|nav)>', html, re.S)
    return re.findall(r'<a[^>]* href="([^"]+)"[^>]*>(?:<span>[^<]*</span> )?([^<]+)</a>', block[1]) if block else []


@pytest.fixture
def story():
    """An article of a thread, between an older and a newer one, with tags and a photographer."""
    thread, section = make_thread("Mùa nước nổi 2026"), make_section()
    before = make_article(headline="Nước lên", thread=thread, section=section, published_at=hours_ago(30))
    article = make_article(headline="Nước đạt đỉnh", thread=thread, section=section, published_at=hours_ago(20))
    after = make_article(headline="Nước rút", thread=thread, section=section, published_at=hours_ago(10))
    tagged(article, make_tag("Mùa lũ"), make_tag("Cần Thơ"), make_tag("Nông nghiệp"))
    Contribution.objects.create(article=article, author=make_author("QUỐC BẢO"), role=Contribution.Role.PHOTO)
    return SimpleNamespace(thread=thread, before=before, article=article, after=after)


def test_the_page_names_its_thread_and_links_the_threads_previous_and_next_article(client, story):
    html = client.get(story.article.get_absolute_url()).content.decode()

    assert links(html, "article-thread") == [(story.thread.get_absolute_url(), "Mùa nước nổi 2026")]
    assert story.thread.get_absolute_url() == "/threads/mua-nuoc-noi-2026/"
    assert links(html, "thread-nav") == [
        (story.before.get_absolute_url(), "Nước lên"),
        (story.after.get_absolute_url(), "Nước rút"),
    ]
    assert "Bài trước" in html and "Bài tiếp theo" in html


def test_the_first_and_last_of_a_thread_link_only_the_other_way(client, story):
    first = client.get(story.before.get_absolute_url()).content.decode()
    last = client.get(story.after.get_absolute_url()).content.decode()

    assert (links(first, "thread-nav"), "Bài trước" in first) == (
        [(story.article.get_absolute_url(), "Nước đạt đỉnh")],
        False,
    )
    assert (links(last, "thread-nav"), "Bài tiếp theo" in last) == (
        [(story.article.get_absolute_url(), "Nước đạt đỉnh")],
        False,
    )


def test_an_article_in_no_thread_and_without_tags_shows_neither(client):
    html = client.get(make_article().get_absolute_url()).content.decode()

    assert "Dòng sự kiện" not in html and 'class="article-tags"' not in html and 'class="thread-nav"' not in html


def test_the_page_links_its_tags_in_order_primary_first(client, story):
    html = client.get(story.article.get_absolute_url()).content.decode()

    assert links(html, "article-tags") == [
        ("/tags/mua-lu/", "Mùa lũ"),
        ("/tags/can-tho/", "Cần Thơ"),
        ("/tags/nong-nghiep/", "Nông nghiệp"),
    ]


def test_the_related_box_is_headed_bai_lien_quan_and_lists_the_thread_first(client, story):
    make_article(headline="Cùng chuyên mục, mới hơn", section=story.article.section)
    html = client.get(story.article.get_absolute_url()).content.decode()

    assert '<h2 id="bai-lien-quan">Bài liên quan</h2>' in html
    assert re.findall(r'related-title">([^<]+)', html) == ["Nước rút", "Nước lên", "Cùng chuyên mục, mới hơn"]


def test_the_pages_credits_are_loaded_with_its_tags(client, story, django_assert_num_queries):
    response = client.get(story.article.get_absolute_url())
    article = response.context_data["article"]

    with django_assert_num_queries(0):
        credits = [(author.name, role) for author, role in article.credits]
        tags = [tag.name for tag in article.ordered_tags]
    assert credits == [(story.article.author.name, "writer"), ("QUỐC BẢO", "photo")]
    assert tags == ["Mùa lũ", "Cần Thơ", "Nông nghiệp"]


@pytest.mark.parametrize("count", [1, 6])
def test_the_article_page_takes_three_queries_whatever_its_tags_credits_and_picks(
    client, django_assert_num_queries, count
):
    """Article with section and thread; its related box with the thread's neighbours, and its tags and credits; the
    section menu: as many as before tags, threads and credits existed."""
    thread, section = make_thread(), make_section()
    article = make_article(headline="Bài chính", thread=thread, section=section)
    tagged(article, *(make_tag(f"Thẻ {i}") for i in range(count)))
    for i in range(count):
        Contribution.objects.create(article=article, author=make_author(f"NGƯỜI {i}"), role=Contribution.Role.PHOTO)
        picked = make_article(headline=f"Chọn {i}", thread=thread, section=section, published_at=hours_ago(i + 2))
        RelatedPick.objects.create(article=article, related=picked, position=i)

    with django_assert_num_queries(3):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_staff_previews_show_the_same_parts(editor_client, story):
    story.article.status = Article.Status.DRAFT
    story.article.save()
    for url in (story.article.get_absolute_url(), f"/xem-truoc/{story.article.pk}/"):
        html = editor_client.get(url).content.decode()
        assert "Bản nháp — chưa xuất bản" in html, url
        assert links(html, "article-thread") == [(story.thread.get_absolute_url(), "Mùa nước nổi 2026")], url
        assert [text for _, text in links(html, "article-tags")] == ["Mùa lũ", "Cần Thơ", "Nông nghiệp"], url
        assert [text for _, text in links(html, "thread-nav")] == ["Nước lên", "Nước rút"], url


def test_the_page_is_labelled_for_the_edge_with_what_its_box_and_thread_links_show(client, story):
    """Varnish drops the page when an article it links in its box or as the thread's neighbour changes."""
    picks = [make_article(headline=f"Chọn {i}") for i in range(4)]  # the box is full without the neighbours
    for position, picked in enumerate(picks):
        RelatedPick.objects.create(article=story.article, related=picked, position=position)
    keys = set(client.get(story.article.get_absolute_url())["Surrogate-Key"].split())

    shown = [story.article, *picks, story.before, story.after]
    assert {f"article:{article.pk}" for article in shown} <= keys


def test_the_demo_site_shows_tags_and_a_thread_and_loading_it_again_writes_nothing(client):
    """`make run`'s demo content (load_demo) exercises the parts: its articles have tags and three make a thread."""
    call_command("load_demo", stdout=io.StringIO())
    middle = Article.objects.get(source_key="demo-02-tiep-nhan-ho-so-buoi-toi")
    html = client.get(middle.get_absolute_url()).content.decode()

    assert [text for _, text in links(html, "article-tags")] == ["Cải cách hành chính", "Chuyển đổi số"]
    assert [text for _, text in links(html, "article-thread")] == ["Bài mẫu: Thành phố số"]
    assert [text for _, text in links(html, "thread-nav")] == [
        Article.objects.get(source_key=key).headline for key in ("demo-01-xe-buyt-dien", "demo-04-cho-khong-tien-mat")
    ]
    with CaptureQueriesContext(connection) as queries:
        call_command("load_demo", stdout=io.StringIO())
    assert not [query for query in queries.captured_queries if not query["sql"].startswith("SELECT")]
