import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Correction, Section
from articles.pagecache import CACHED_VIEWS
from tests.factories import make_article, make_author, make_tag, make_thread

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


# How the public URL names that take an argument are reached in this test; the others take none.
OWNERS = {
    "articles:section": "section",
    "articles:section_feed": "section",
    "articles:section_feed_atom": "section",
    "articles:author": "author",
    "articles:tag": "tag",
    "articles:tag_feed": "tag",
    "articles:tag_feed_atom": "tag",
    "articles:thread": "thread",
    "articles:thread_feed": "thread",
    "articles:thread_feed_atom": "thread",
}
# Public URL names walked another way: an article's own page is checked one by one; a sitemap's parts are followed
# from the index; the API's endpoints by tests/test_api.py.
ELSEWHERE = {"articles:detail", "sitemap", *(name for name in CACHED_VIEWS if name.startswith("api:"))}


def public_pages(section, author, tag, thread):
    """Every public page: each URL name the page cache serves (articles/pagecache/policy.py), and search; the sitemap
    index followed to each part. A public URL name this test cannot reach fails it, naming the URL."""
    owners = {"section": section, "author": author, "tag": tag, "thread": thread}
    urls = ["/search/?q=hop+tac+xa"]
    for name in sorted(set(CACHED_VIEWS) - ELSEWHERE):
        owner = OWNERS.get(name)
        try:
            urls.append(reverse(name, kwargs={"slug": owners[owner].slug} if owner else None))
        except NoReverseMatch:
            pytest.fail(f"{name} is a public page this test does not reach: say how in OWNERS")
    client = Client()
    for url in list(urls):
        if url.endswith("sitemap.xml"):
            urls += re.findall(r"<loc>http://testserver([^<]+\.xml[^<]*)</loc>", client.get(url).content.decode())
    return urls


def test_nothing_unpublished_appears_on_any_public_page(editor, editor_client):
    """Drafts (even shared, renamed or autosaved), scheduled, expired and taken-down articles appear on no list,
    search, feed, sitemap or corrections page; their pages and old URLs are 404, or 410 for one taken down on order
    (without its headline or words); typing not yet saved never reaches readers."""
    section, author = Section.objects.create(name="Kinh tế"), make_author("THANH THY")
    tag, thread = make_tag("Hợp tác xã"), make_thread("Đổi mới HTX")
    now = timezone.now()
    common = {"section": section, "author": author, "thread": thread, "lead": "Sapo hợp tác xã."}
    visible = make_article(headline="Hợp tác xã công khai", **common)
    hidden = [
        make_article(headline="Hợp tác xã nháp", status=Article.Status.DRAFT, **common),
        make_article(headline="Hợp tác xã hẹn giờ", published_at=now + timedelta(days=1), **common),
        make_article(headline="Hợp tác xã hết hạn", unpublish_at=now - timedelta(minutes=1), **common),
        make_article(headline="Hợp tác xã bị gỡ", body="<p>Lời bài bị gỡ.</p>", **common),
    ]
    for article in [visible, *hidden]:
        article.tags.add(tag)
    thread.lead_article = hidden[0]  # pinned, but a draft
    thread.save()
    for article in [visible, *hidden[1:]]:
        correction = Correction.objects.create(article=article, text=f"Sửa tên trong bài {article.headline}.")
        workflow.publish_correction(correction, editor)
    taken_down = hidden[-1]
    taken_down_old_url = taken_down.get_absolute_url()
    taken_down.refresh_from_db()
    taken_down.slug = "hop-tac-xa-bi-go-doi-ten"
    taken_down.save()
    workflow.take_down(taken_down, editor, "Theo yêu cầu của cơ quan quản lý.")
    draft = hidden[0]
    old_url = draft.get_absolute_url()
    draft.slug = "hop-tac-xa-nhap-doi-ten"
    draft.save()
    editor_client.post(f"{LIST_URL}{draft.pk}/chia-se/", {"hours": 24})
    editor_client.post(f"{LIST_URL}{visible.pk}/tu-luu/", {"headline": "Chữ chưa lưu", "lead": "", "body": ""})
    reader = Client()
    pages = public_pages(section, author, tag, thread)
    assert len(pages) >= 3
    assert "/corrections/" in pages and "/corrections/feed/" in pages
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Hợp tác xã công khai" in text or "sitemap" in url or url == "/robots.txt", url
        for article in hidden:
            assert article.headline not in text and article.get_absolute_url() not in text, (url, article)
        assert "Chữ chưa lưu" not in text, url
    for article in hidden[:-1]:
        assert reader.get(article.get_absolute_url()).status_code == 404
    assert reader.get(old_url).status_code == 404
    for url in (taken_down.get_absolute_url(), taken_down_old_url):
        gone = reader.get(url)
        assert gone.status_code == 410, url
        assert "đã bị gỡ" in gone.content.decode()
        assert taken_down.headline not in gone.content.decode() and "Lời bài bị gỡ" not in gone.content.decode()
    assert "Chữ chưa lưu" not in reader.get(visible.get_absolute_url()).content.decode()


def test_internal_notes_appear_nowhere_outside_the_admin(editor, editor_client):
    """A note (with a mention) on a published article and on a shared draft shows on no public page, feed, sitemap,
    search or article page, in no API answer, shared preview, revision or audit export: only under the admin's form."""
    section, author = Section.objects.create(name="Kinh tế"), make_author("THANH THY")
    tag, thread = make_tag("Hợp tác xã"), make_thread("Đổi mới HTX")
    common = {"section": section, "author": author, "thread": thread, "lead": "Sapo hợp tác xã."}
    visible = make_article(headline="Hợp tác xã công khai", **common)
    draft = make_article(headline="Hợp tác xã nháp", status=Article.Status.DRAFT, **common)
    visible.tags.add(tag)
    secret = "Nguồn tin giấu tên: anh Bảy ở Phong Điền"
    for article in (visible, draft):
        workflow.add_note(article, editor, f"{secret} — @editor xem lại.")
    editor_client.post(f"{LIST_URL}{draft.pk}/chia-se/", {"hours": 24})
    reader = Client()
    api = ["/api/v1/", "/api/v1/articles/", f"/api/v1/articles/{visible.slug}/", "/api/v1/search/?q=hop+tac+xa"]
    api += ["/api/v1/sections/", f"/api/v1/sections/{section.slug}/", "/api/v1/authors/"]
    shared = draft.preview_links.get().get_absolute_url()
    pages = public_pages(section, author, tag, thread)
    urls = [*pages, visible.get_absolute_url(), shared, *api, "/search/?q=phong+dien"]
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert secret not in response.content.decode() and "@editor" not in response.content.decode(), url
    for url in ("/", visible.get_absolute_url(), api[1], api[2], api[3], shared):  # the pages hold the articles
        assert "Hợp tác xã" in reader.get(url).content.decode(), url
    for version in Version.objects.all():
        assert secret not in version.serialized_data
    export = editor_client.get("/admin/articles/auditentry/xuat-csv/")
    assert secret not in b"".join(export.streaming_content).decode()
    assert secret in editor_client.get(f"{LIST_URL}{visible.pk}/change/").content.decode()
