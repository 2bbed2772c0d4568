import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import Article, Section
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"


def public_pages(section, author):
    """Every public list, search, feed and sitemap URL that exists in this build, sitemaps followed to each part."""
    named = [
        ("articles:index", {}, ""),
        ("articles:search", {}, "?q=hop+tac+xa"),
        ("articles:feed", {}, ""),
        ("articles:feed_atom", {}, ""),
        ("articles:section", {"slug": section.slug}, ""),
        ("articles:section_feed", {"slug": section.slug}, ""),
        ("articles:section_feed_atom", {"slug": section.slug}, ""),
        ("articles:author", {"slug": author.slug}, ""),
        ("sitemap_index", {}, ""),
        ("sitemap_news", {}, ""),
    ]
    urls = []
    for name, kwargs, query in named:
        try:
            urls.append(reverse(name, kwargs=kwargs) + query)
        except NoReverseMatch:
            continue
    client = Client()
    for url in list(urls):
        if "sitemap" in url:
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
        assert "Hợp tác xã công khai" in text or "sitemap" in url, url
        for article in hidden:
            assert article.headline not in text and article.get_absolute_url() not in text, (url, article)
        assert "Chữ chưa lưu" not in text, url
    for article in hidden:
        assert reader.get(article.get_absolute_url()).status_code == 404
    assert reader.get(old_url).status_code == 404
    assert "Chữ chưa lưu" not in reader.get(visible.get_absolute_url()).content.decode()
