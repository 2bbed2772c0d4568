import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import Article, Section
from articles.pagecache import CACHED_VIEWS
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


# How the public URL names that take an argument are reached in this test; the others take none.
OWNERS = {
    "articles:section": "section",
    "articles:section_feed": "section",
    "articles:section_feed_atom": "section",
    "articles:author": "author",
}
# Public URL names walked another way: an article's own page is checked one by one; a sitemap's parts are followed
# from the index; the API's endpoints by tests/test_api.py.
ELSEWHERE = {"articles:detail", "sitemap", *(name for name in CACHED_VIEWS if name.startswith("api:"))}


def public_pages(section, author):
    """Every public page: each URL name the page cache serves (articles/pagecache/policy.py), and search; the sitemap
    index followed to each part. A public URL name this test cannot reach fails it, naming the URL."""
    owners = {"section": section, "author": author}
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


def test_nothing_unpublished_appears_on_any_public_page(editor_client):
    """Drafts (even shared, renamed or autosaved), scheduled and taken-down articles appear on no list, search,
    feed or sitemap, and their pages and old URLs are 404; typing not yet saved never reaches readers."""
    section, author = Section.objects.create(name="Kinh tế"), make_author("THANH THY")
    now = timezone.now()
    common = {"section": section, "author": author, "lead": "Sapo hợp tác xã."}
    visible = make_article(headline="Hợp tác xã công khai", **common)
    hidden = [
        make_article(headline="Hợp tác xã nháp", status=Article.Status.DRAFT, **common),
        make_article(headline="Hợp tác xã hẹn giờ", published_at=now + timedelta(days=1), **common),
        make_article(headline="Hợp tác xã đã gỡ", unpublish_at=now - timedelta(minutes=1), **common),
    ]
    draft = hidden[0]
    old_url = draft.get_absolute_url()
    draft.slug = "hop-tac-xa-nhap-doi-ten"
    draft.save()
    editor_client.post(f"{LIST_URL}{draft.pk}/chia-se/", {"hours": 24})
    editor_client.post(f"{LIST_URL}{visible.pk}/tu-luu/", {"headline": "Chữ chưa lưu", "lead": "", "body": ""})
    reader = Client()
    pages = public_pages(section, author)
    assert len(pages) >= 3
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Hợp tác xã công khai" in text or "sitemap" in url or url == "/robots.txt", url
        for article in hidden:
            assert article.headline not in text and article.get_absolute_url() not in text, (url, article)
        assert "Chữ chưa lưu" not in text, url
    for article in hidden:
        assert reader.get(article.get_absolute_url()).status_code == 404
    assert reader.get(old_url).status_code == 404
    assert "Chữ chưa lưu" not in reader.get(visible.get_absolute_url()).content.decode()
