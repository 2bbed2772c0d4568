import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.workflow import EDITORS
from tests.factories import article_form_data, logged_in, make_article, make_author, make_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
NOTICE = "Đang được sửa bởi"


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


@pytest.fixture
def hoa():
    return logged_in(make_staff("hoa", EDITORS, first_name="Hoa", last_name="Lê"))


def notice_on(html):
    match = re.search(r'<div id="editing-now"[^>]*>\s*Đang được sửa bởi <strong>([^<]*)</strong>', html)
    hidden = re.search(r'<div id="editing-now"[^>]*hidden', html)
    return None if hidden else match.group(1)


def test_the_form_tells_each_editor_who_else_has_it_open(editor_client, hoa):
    """Opening the form shows the others who have it open, never yourself."""
    article = make_article()
    assert notice_on(editor_client.get(change_url(article)).content.decode()) is None
    assert notice_on(hoa.get(change_url(article)).content.decode()) == "editor"
    assert notice_on(editor_client.get(change_url(article)).content.decode()) == "Hoa Lê"


def test_the_list_shows_who_is_editing_which_article(editor_client, hoa):
    """The changelist marks the article someone has open, and only that one."""
    open_one = make_article(headline="Đang mở")
    make_article(headline="Không ai mở")
    editor_client.get(change_url(open_one))
    html = hoa.get(LIST_URL).content.decode()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr>(?:(?!</tr>).)*?>([^<>]+)</a></th>.*?</tr>", html, re.S)}
    assert f"{NOTICE} editor" in rows["Đang mở"]
    assert NOTICE not in rows["Không ai mở"]


def test_the_notice_fades_after_three_quiet_minutes_and_a_heartbeat_keeps_it(editor_client, hoa, monkeypatch):
    """An open form's heartbeat keeps the notice; three minutes without one and it is gone."""
    article = make_article()
    editor_client.get(change_url(article))
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 120)
    response = editor_client.post(f"{LIST_URL}{article.pk}/dang-sua/")
    assert response.json() == {"others": []}
    monkeypatch.setattr(time, "time", lambda: start + 240)
    assert notice_on(hoa.get(change_url(article)).content.decode()) == "editor"
    assert editor_client.post(f"{LIST_URL}{article.pk}/dang-sua/").json() == {"others": ["Hoa Lê"]}
    monkeypatch.setattr(time, "time", lambda: start + 240 + 181)
    assert NOTICE not in hoa.get(LIST_URL).content.decode()


def test_the_notice_never_blocks_and_saving_ends_it(editor_client, hoa):
    """Someone else having the form open stops nobody from saving; once they save, their notice goes."""
    article = make_article(headline="Gốc")
    editor_client.get(change_url(article))
    assert hoa.post(change_url(article), article_form_data(article, headline="Hoa sửa")).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Hoa sửa"
    article_page = editor_client.get(change_url(article))  # editor reopens after Hoa's save: nobody else there
    assert notice_on(article_page.content.decode()) is None
    editor_client.post(change_url(article), article_form_data(article, headline="Editor sửa"))
    assert NOTICE not in hoa.get(LIST_URL).content.decode()


def test_only_people_who_may_edit_count_as_editing(reporter, reporter_client, editor_client):
    """A reporter reading their published article is not "editing" it, and cannot ping other articles."""
    live = make_article(created_by=reporter)
    reporter_client.get(change_url(live))
    assert notice_on(editor_client.get(change_url(live)).content.decode()) is None
    others = make_article(status=Article.Status.DRAFT, author=make_author("KHÁC"))
    assert reporter_client.post(f"{LIST_URL}{others.pk}/dang-sua/").status_code == 404
    assert editor_client.get(f"{LIST_URL}{live.pk}/dang-sua/").status_code == 405


def test_changelist_queries_do_not_grow_with_articles(editor_client):
    """Audit columns and editing notices cost no query per row: 3 articles or 30, the same count."""

    def queries_for(count):
        Article.objects.all().delete()
        for i in range(count):
            make_article(headline=f"Bài {i}")
        with CaptureQueriesContext(connection) as context:
            assert editor_client.get(LIST_URL).status_code == 200
        return len(context)

    assert queries_for(3) == queries_for(30)
