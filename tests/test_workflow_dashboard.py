import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import article_form_data, make_article, make_author

pytestmark = pytest.mark.django_db


def section(html, name):
    """The rows of one start-page box, as the headlines they link to."""
    box = re.search(rf'<div class="module" id="start-{name}">(.*?)</table>', html, re.S).group(1)
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', box)


def test_start_page_shows_drafts_schedule_latest_and_my_edits(editor_client):
    """The admin index lists drafts to review, scheduled articles with their time, the latest published, and the
    articles the signed-in editor edited — above the usual list of models."""
    now = timezone.now()
    make_article(headline="Nháp cần duyệt", status=Article.Status.DRAFT)
    make_article(headline="Lên trang sáng mai", published_at=now + timedelta(hours=15))
    make_article(headline="Lên trang chiều nay", published_at=now + timedelta(hours=3))
    make_article(headline="Vừa đăng", published_at=now - timedelta(minutes=5))
    make_article(headline="Đăng hôm qua", published_at=now - timedelta(days=1))
    mine = make_article(headline="Tôi đã sửa", published_at=now - timedelta(days=3))
    editor_client.post(f"/admin/articles/article/{mine.pk}/change/", article_form_data(mine, lead="Sapo mới."))
    html = editor_client.get("/admin/").content.decode()
    assert section(html, "drafts") == ["Nháp cần duyệt"]
    assert section(html, "scheduled") == ["Lên trang chiều nay", "Lên trang sáng mai"]
    assert timezone.localtime(now + timedelta(hours=3)).strftime("lên trang lúc %d/%m/%Y - %H:%M") in html
    assert section(html, "published") == ["Vừa đăng", "Đăng hôm qua", "Tôi đã sửa"]
    assert section(html, "my-edits") == ["Tôi đã sửa"]
    assert 'href="/admin/articles/article/"' in html


def test_reporter_start_page_holds_only_their_own_work(reporter, reporter_client):
    """A reporter sees their drafts and their published articles, not the rest of the newsroom's."""
    make_article(headline="Nháp của tôi", status=Article.Status.DRAFT, author=make_author("LAN", user=reporter))
    make_article(headline="Nháp người khác", status=Article.Status.DRAFT, author=make_author("KHÁC"))
    html = reporter_client.get("/admin/").content.decode()
    assert section(html, "drafts") == ["Nháp của tôi"]
    assert "Nháp người khác" not in html


@pytest.mark.parametrize("count", [3, 30])
def test_start_page_queries_do_not_grow_with_articles(editor_client, django_assert_num_queries, count):
    """The start page costs the same handful of queries with 3 articles or 30 in each box."""
    now = timezone.now()
    for i in range(count):
        make_article(headline=f"Nháp {i}", status=Article.Status.DRAFT)
        make_article(headline=f"Hẹn {i}", published_at=now + timedelta(hours=i + 1))
        make_article(headline=f"Đăng {i}", published_at=now - timedelta(hours=i + 1))
    # Session, user, permissions, the header's unread notifications, the desk's stages (an editor acts at none: no
    # queue), the five boxes (drafts, scheduled, published, taken down, my edits) and the article lookup for "my edits".
    with django_assert_num_queries(12):
        assert editor_client.get("/admin/").status_code == 200
