"""Corrections (cải chính): shown above the lead, newest first, in JSON-LD, feeds and /corrections/; the article's
"last updated" follows them; drafted by reporters, published by editors, never edited once published."""

import json
import re
from datetime import UTC, datetime

import feedparser
import pytest
import time_machine
from django.test import Client
from django.utils.http import http_date

from articles import workflow
from articles.models import Article, Correction
from tests.factories import logged_in, make_article, make_author, make_section, make_staff

pytestmark = pytest.mark.django_db

CORRECTION_URL = "/admin/articles/correction/"


def publish(article, editor, text, kind=Correction.Kind.CORRECTION, **fields):
    correction = Correction.objects.create(article=article, kind=kind, text=text, **fields)
    workflow.publish_correction(correction, editor)
    return correction


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_corrections_show_above_the_lead_newest_first_with_kind_and_date(editor):
    """Every published correction, newest first, between the headline and the lead, with its kind and its date as the
    paper prints it; a draft correction is not shown."""
    article = make_article(lead="Sapo của bài.")
    with time_machine.travel(datetime(2020, 2, 17, 2, 44, tzinfo=UTC)):  # 09:44 in Cần Thơ
        publish(article, editor, "Tên xã đúng là Thới Lai.")
    with time_machine.travel(datetime(2020, 2, 18, 3, 0, tzinfo=UTC)):
        publish(article, editor, "Số liệu đúng là 12 tỷ đồng.", kind=Correction.Kind.APOLOGY)
    Correction.objects.create(article=article, text="Bản nháp chưa đăng.")
    page = Client().get(article.get_absolute_url()).content.decode()
    html = page[page.index("<main") :]  # the page, not the JSON-LD in its head
    newer, older, lead = (html.index(text) for text in ("12 tỷ đồng", "Thới Lai", "Sapo của bài."))
    assert html.index("<h1") < newer < older < lead
    assert "Xin lỗi và cải chính" in html and "17/02/2020 - 09:44" in html
    assert "Bản nháp chưa đăng" not in html


def test_a_correction_keeps_only_its_links(editor):
    """The text is plain: tags are dropped, text that looks like HTML is escaped, links keep the body's rules."""
    article = make_article()
    publish(
        article,
        editor,
        'Xem <a href="https://baocantho.vn/x" onclick="x()">bài gốc</a> <b>ngay</b> <script>alert(1)</script> 1<2',
    )
    html = Client().get(article.get_absolute_url()).content.decode()
    assert '<a href="https://baocantho.vn/x" rel="noopener">bài gốc</a> ngay' in html
    assert "1&lt;2" in html and "alert(1)" not in html and "onclick" not in html


def test_a_fix_is_a_new_correction_and_the_old_one_stays_marked_replaced(editor, editor_client):
    """A published correction is read-only; the fix replaces it, and the page shows both, the old one marked."""
    article = make_article()
    old = publish(article, editor, "Ngày khai mạc là 12/3.")
    response = editor_client.post(f"{CORRECTION_URL}{old.pk}/change/", {"article": article.pk, "text": "Sửa tại chỗ"})
    assert response.status_code == 403
    with pytest.raises(PermissionError):
        old.text = "Sửa tại chỗ"
        old.save()
    publish(article, editor, "Ngày khai mạc là 13/3.", replaces=old)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Ngày khai mạc là 12/3." in html and "Ngày khai mạc là 13/3." in html
    assert html.count("đã được thay bằng cải chính mới hơn") == 1
    assert html.index("13/3") < html.index("12/3") < html.index("đã được thay")


def test_the_last_updated_time_follows_the_latest_correction_everywhere(editor):
    """Last-Modified, the JSON-LD dateModified, Open Graph's modified time and the feed entry's updated time move to
    the correction's time; JSON-LD lists it as a CorrectionComment."""
    with time_machine.travel(datetime(2020, 2, 17, 2, 44, tzinfo=UTC), tick=False):
        article = make_article(published_at=datetime(2020, 2, 17, 2, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2020, 2, 20, 1, 30, tzinfo=UTC), tick=False):
        publish(article, editor, "Tên xã đúng là Thới Lai.")
    response = Client().get(article.get_absolute_url())
    html = response.content.decode()
    assert response["Last-Modified"] == http_date(datetime(2020, 2, 20, 1, 30, tzinfo=UTC).timestamp())
    data = json_ld(html)
    assert data["dateModified"] == "2020-02-20T08:30:00+07:00"
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Cải chính: Tên xã đúng là Thới Lai.",
            "datePublished": data["dateModified"],
        }
    ]
    assert 'article:modified_time" content="2020-02-20T08:30:00+07:00"' in html
    entry = feedparser.parse(Client().get("/feed/atom/").content).entries[0]
    assert entry.updated == "2020-02-20T01:30:00+00:00"


def test_the_corrections_page_lists_every_published_correction_newest_first_and_its_feed(editor):
    """/corrections/ ("Cải chính", linked from every page's footer) lists published corrections with their article's
    headline and link, paginated; /corrections/feed/ is its RSS."""
    first, second = make_article(headline="Bài thứ nhất"), make_article(headline="Bài thứ hai")
    publish(first, editor, "Cải chính cũ hơn.")
    newer = publish(second, editor, "Cải chính mới hơn.")
    Correction.objects.create(article=first, text="Nháp cải chính.")
    reader = Client()
    assert 'href="/corrections/">Cải chính</a>' in reader.get("/").content.decode()
    html = reader.get("/corrections/").content.decode()
    assert html.index("Cải chính mới hơn.") < html.index("Cải chính cũ hơn.")
    assert f'href="{newer.get_absolute_url()}">Bài thứ hai</a>' in html and "Nháp cải chính" not in html
    feed = feedparser.parse(reader.get("/corrections/feed/").content)
    assert [entry.title for entry in feed.entries] == ["Cải chính: Bài thứ hai", "Cải chính: Bài thứ nhất"]
    assert feed.entries[0].link == f"http://testserver{newer.get_absolute_url()}"
    for n in range(25):
        publish(first, editor, f"Cải chính số {n}.")
    assert "Cải chính cũ hơn." in reader.get("/corrections/?page=2").content.decode()
    assert reader.get("/corrections/?page=abc").status_code == 404


def test_a_new_correction_shows_at_once_on_cached_pages(editor):
    """Publishing a correction changes the article page and /corrections/ on the very next request."""
    article = make_article()
    reader = Client()
    reader.get(article.get_absolute_url()), reader.get("/corrections/")
    publish(article, editor, "Đã sửa tên người được phỏng vấn.")
    assert "Đã sửa tên người được phỏng vấn." in reader.get(article.get_absolute_url()).content.decode()
    assert "Đã sửa tên người được phỏng vấn." in reader.get("/corrections/").content.decode()


@pytest.mark.parametrize("corrected", [False, True])
def test_the_article_page_reads_its_corrections_in_one_query_only_when_it_has_any(
    client, editor, django_assert_num_queries, corrected
):
    """Article, related articles with its tags and credits, section menu: three queries; a fourth reads the
    corrections, only for an article that has one (`Article.corrected_at`)."""
    section = make_section()
    articles = [make_article(headline=f"Bài {n}", section=section) for n in range(5)]
    if corrected:
        publish(articles[-1], editor, "Một.")
        publish(articles[-1], editor, "Hai.")
    with django_assert_num_queries(4 if corrected else 3):
        response = client.get(articles[-1].get_absolute_url())
    assert response.status_code == 200 and ("Hai." in response.content.decode()) is corrected


def test_a_reporter_drafts_a_correction_but_cannot_publish_it(editor):
    """A reporter drafts a correction of their own article; the publish button, the action and a crafted POST are all
    refused; an editor publishes it."""
    reporter = make_staff("phongvien", workflow.REPORTERS)
    own = make_article(headline="Bài của Lan", author=make_author("LAN", user=reporter))
    other = make_article(headline="Bài người khác", author=make_author("KHÁC"))
    client = logged_in(reporter)
    form = {"article": own.pk, "kind": "correction", "text": "Tên đúng là Thới Lai."}
    assert "Lưu và đăng" not in client.get(f"{CORRECTION_URL}add/?article={own.pk}").content.decode()
    assert client.post(f"{CORRECTION_URL}add/", form).status_code == 302
    draft = Correction.objects.get()
    assert draft.published_at is None and draft.created_by == reporter
    assert client.post(f"{CORRECTION_URL}add/", {**form, "_dang": "1"}).status_code == 403
    client.post(CORRECTION_URL, {"action": "publish", "_selected_action": [draft.pk]})
    assert not Correction.objects.filter(published_at__isnull=False).exists()
    response = client.post(f"{CORRECTION_URL}add/", {**form, "article": other.pk})
    assert response.status_code == 200 and response.context["adminform"].form.errors["article"]
    logged_in(editor).post(CORRECTION_URL, {"action": "publish", "_selected_action": [draft.pk]})
    assert Correction.objects.get(pk=draft.pk).published_by == editor


def test_an_empty_correction_is_refused_on_the_same_form(editor_client):
    """Blank or whitespace-only text: a form error, what was chosen kept, nothing saved."""
    article = make_article()
    response = editor_client.post(
        f"{CORRECTION_URL}add/", {"article": article.pk, "kind": "apology", "text": "  \n ", "_dang": "1"}
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["text"]
    assert response.context["adminform"].form["kind"].value() == "apology"
    assert not Correction.objects.exists()


def test_an_editor_publishes_from_the_articles_own_screen(editor_client):
    """The article's form lists its corrections and links to a new one for it; "Lưu và đăng" publishes at once."""
    article = make_article()
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f"/admin/articles/correction/add/?article={article.pk}" in page
    editor_client.post(
        f"{CORRECTION_URL}add/", {"article": article.pk, "kind": "rectification", "text": "Đính chính.", "_dang": "1"}
    )
    assert Correction.objects.get().published_at is not None
    assert "Đính chính." in editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()


def test_a_correction_of_an_unpublished_article_cannot_be_published(editor):
    """Corrections are for what readers read: a draft's correction stays a draft, with a message saying why."""
    draft = make_article(status=Article.Status.DRAFT)
    correction = Correction.objects.create(article=draft, text="Sửa.")
    with pytest.raises(workflow.Refused):
        workflow.publish_correction(correction, editor)
    assert Correction.objects.get().published_at is None
    assert Article.objects.get(pk=draft.pk).corrected_at is None
