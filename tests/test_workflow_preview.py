import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, PreviewLink
from articles.revisions import versions_of
from tests.factories import article_form_data, make_article, make_author

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
BANNER = "Bản nháp — chưa xuất bản"


def change_url(article):
    return f"{LIST_URL}{article.pk}/change/"


def assert_private_preview(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert BANNER in html and '<meta name="robots" content="noindex' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    return html


def share(client, article, hours=24):
    response = client.post(f"{LIST_URL}{article.pk}/chia-se/", {"hours": hours}, follow=True)
    return re.search(r"http://testserver(/xem-truoc/chia-se/[^/]+/)", response.content.decode()).group(1)


def test_edit_form_offers_preview_of_the_saved_and_of_the_typed_article(editor_client):
    """The form links to the saved article's preview and has a "Xem trước" button posting what is typed."""
    article = make_article(status=Article.Status.DRAFT)
    html = editor_client.get(change_url(article)).content.decode()
    assert f'href="/xem-truoc/{article.pk}/"' in html
    assert re.search(rf'formaction="/xem-truoc/{article.pk}/"[^>]*>Xem trước</button>', html)
    assert 'formaction="/xem-truoc/"' in editor_client.get(f"{LIST_URL}add/").content.decode()


def test_preview_shows_the_typed_article_in_the_public_template_and_saves_nothing(editor_client):
    """What is typed is rendered as readers would see it (sanitised), banner aside; the database is untouched."""
    article = make_article(headline="Đã lưu", status=Article.Status.DRAFT)
    typed = article_form_data(article, headline="Đang gõ dở", body="<p>Đoạn mới.</p><script>alert(1)</script>")
    html = assert_private_preview(editor_client.post(f"/xem-truoc/{article.pk}/", typed))
    body = html[html.index('<article class="article">') :]
    assert "Đang gõ dở" in body and "<p>Đoạn mới.</p>" in body and "<script>alert" not in html
    assert 'class="byline"' in body
    article.refresh_from_db()
    assert (article.headline, article.version, versions_of(article.pk).count()) == ("Đã lưu", 1, 1)


def test_preview_shows_the_typed_tags_and_contributors_and_saves_none(editor_client):
    """Tags typed (one new, one an existing tag typed without accents) and a photographer added show in the preview's
    tags and byline; nothing is stored. A contributors' list that would be refused shows the saved byline."""
    from articles.models import Contribution, Tag
    from tests.factories import make_tag

    author, photographer = make_author("THANH THY"), make_author("HOÀNG ANH")
    article = make_article(author=author, status=Article.Status.DRAFT)
    make_tag("Cần Thơ")
    rows = {
        "contributions-TOTAL_FORMS": 1,
        "contributions-INITIAL_FORMS": 0,
        "contributions-0-author": photographer.pk,
        "contributions-0-role": Contribution.Role.PHOTO,
        "contributions-0-position": "",
    }
    typed = {**article_form_data(article), **rows, "tags": "Mùa lũ, can tho"}
    html = assert_private_preview(editor_client.post(f"/xem-truoc/{article.pk}/", typed))
    byline = re.search(r'<p class="byline">(.*?)</p>', html).group(1)
    assert re.sub(r"<[^>]+>", "", byline) == "Bài: THANH THY – Ảnh: HOÀNG ANH"
    tags = re.search(r'<ul class="article-tags"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(?:<a [^>]+>)?([^<]+)", tags) == ["Mùa lũ", "Cần Thơ"]
    assert 'href="/tags/can-tho/"' in tags
    assert (Tag.objects.count(), article.contributions.count(), article.tag_links.count()) == (1, 0, 0)

    refused = {**typed, "contributions-0-author": author.pk, "contributions-0-role": Contribution.Role.WRITER}
    html = assert_private_preview(editor_client.post(f"/xem-truoc/{article.pk}/", refused))
    assert re.sub(r"<[^>]+>", "", re.search(r'<p class="byline">(.*?)</p>', html).group(1)) == "THANH THY"


def test_preview_of_a_new_article_before_its_first_save(editor_client):
    """The add form previews too, with nothing stored."""
    html = assert_private_preview(editor_client.post("/xem-truoc/", article_form_data(headline="Bài chưa có")))
    assert "Bài chưa có" in html
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "state", [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + timedelta(days=1)}]
)
def test_preview_of_a_saved_draft_or_scheduled_article(editor_client, state):
    """Drafts and scheduled articles preview exactly as they will be published."""
    article = make_article(headline="Sắp lên trang", **state)
    assert "Sắp lên trang" in assert_private_preview(editor_client.get(f"/xem-truoc/{article.pk}/"))


def test_preview_is_for_people_who_may_see_the_article(reporter, reporter_client, django_user_model):
    """Anonymous visitors are sent to log in; a reporter previews only their own; staff without rights get 403."""
    own = make_article(headline="Của tôi", status=Article.Status.DRAFT, created_by=reporter)
    other = make_article(headline="Của người khác", status=Article.Status.DRAFT, author=make_author("KHÁC"))
    assert Client().get(f"/xem-truoc/{own.pk}/")["Location"].startswith("/admin/login/")
    assert reporter_client.get(f"/xem-truoc/{own.pk}/").status_code == 200
    assert reporter_client.get(f"/xem-truoc/{other.pk}/").status_code == 403
    nobody = Client()
    nobody.force_login(django_user_model.objects.create_user("khach", is_staff=True))
    assert nobody.get(f"/xem-truoc/{own.pk}/").status_code == 403
    assert nobody.post("/xem-truoc/", article_form_data()).status_code == 403


def test_editor_shares_a_draft_with_someone_without_an_account(editor_client):
    """A share link opens the draft for anyone holding it: noindex, private and no-store, no referrer leaked."""
    article = make_article(headline="Bài phỏng vấn", status=Article.Status.DRAFT)
    url = share(editor_client, article)
    response = Client().get(url)
    assert "Bài phỏng vấn" in assert_private_preview(response)
    assert response["Referrer-Policy"] == "no-referrer"
    page = editor_client.get(change_url(article)).content.decode()
    assert f"http://testserver{url}" in page and "Thu hồi" in page


def test_share_link_stops_working_when_it_expires(editor_client, monkeypatch):
    """A one-hour link opens within the hour and answers 404 after it."""
    article = make_article(status=Article.Status.DRAFT)
    url = share(editor_client, article, hours=1)
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=59))
    assert Client().get(url).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=61))
    assert Client().get(url).status_code == 404


def test_share_link_stops_working_when_revoked(editor_client):
    """Revoking from the form closes the link at once."""
    article = make_article(status=Article.Status.DRAFT)
    url = share(editor_client, article)
    link = PreviewLink.objects.get()
    editor_client.post(f"{LIST_URL}{article.pk}/chia-se/{link.pk}/thu-hoi/")
    assert Client().get(url).status_code == 404
    assert url not in editor_client.get(change_url(article)).content.decode()


@pytest.mark.parametrize("publish", [timedelta(hours=-1), timedelta(days=1)], ids=["published", "scheduled"])
def test_share_link_stops_working_when_the_article_is_published(editor_client, publish):
    """Once an editor publishes (or schedules) the article, the link no longer opens it."""
    article = make_article(status=Article.Status.DRAFT)
    url = share(editor_client, article)
    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now() + publish
    article.save()
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("mangle", ["swap-id", "bad-signature", "no-signature", "junk"])
def test_forged_or_mangled_share_tokens_open_nothing(editor_client, mangle):
    """Only the exact signed token opens its own draft; anything else is the ordinary 404."""
    draft = make_article(headline="Nháp A", status=Article.Status.DRAFT)
    other = make_article(headline="Nháp B", status=Article.Status.DRAFT)
    share(editor_client, draft)
    share(editor_client, other)
    link = PreviewLink.objects.get(article=draft)
    token = link.get_absolute_url().split("/")[-2]
    forged = {
        "swap-id": token.replace(f"{link.pk}:", f"{link.pk + 1}:", 1),
        "bad-signature": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "no-signature": str(link.pk),
        "junk": "%00%ff<script>",
    }[mangle]
    response = Client().get(f"/xem-truoc/chia-se/{forged}/")
    assert response.status_code == 404
    assert "Nháp" not in response.content.decode()


def test_only_editors_share_and_only_drafts(reporter, reporter_client, editor_client):
    """A reporter can neither see nor use the share form; an editor cannot share a published article."""
    own = make_article(status=Article.Status.DRAFT, created_by=reporter)
    assert "Tạo liên kết xem trước" not in reporter_client.get(change_url(own)).content.decode()
    assert reporter_client.post(f"{LIST_URL}{own.pk}/chia-se/", {"hours": 24}).status_code == 403
    live = make_article()
    response = editor_client.post(f"{LIST_URL}{live.pk}/chia-se/", {"hours": 24}, follow=True)
    assert "Chỉ tạo được liên kết xem trước cho bản nháp." in response.content.decode()
    assert editor_client.get(f"{LIST_URL}{own.pk}/chia-se/").status_code == 405
    assert not PreviewLink.objects.exists()


def test_preview_shows_the_hand_picked_related_articles_typed_and_saves_none(editor_client):
    """The preview's related box starts with the picks as typed, in their order, not with the saved ones; nothing is
    stored. A list of picks that would be refused shows the saved ones."""
    from articles.models import RelatedPick

    article = make_article(headline="Bài chính", status=Article.Status.DRAFT)
    saved = make_article(headline="Đã chọn từ trước")
    pick = RelatedPick.objects.create(article=article, related=saved, position=0)
    first, second = make_article(headline="Chọn thứ nhất"), make_article(headline="Chọn thứ hai")
    rows = {
        "related_picks-TOTAL_FORMS": 3,
        "related_picks-INITIAL_FORMS": 1,
        "related_picks-0-id": pick.pk,
        "related_picks-0-article": article.pk,
        "related_picks-0-related": saved.pk,
        "related_picks-0-position": 0,
        "related_picks-0-DELETE": "on",
        "related_picks-1-related": second.pk,
        "related_picks-1-position": 2,
        "related_picks-2-related": first.pk,
        "related_picks-2-position": 1,
    }
    html = assert_private_preview(
        editor_client.post(f"/xem-truoc/{article.pk}/", {**article_form_data(article), **rows})
    )
    assert re.findall(r'related-title">([^<]+)', html) == ["Chọn thứ nhất", "Chọn thứ hai"]
    assert list(RelatedPick.objects.values_list("related", flat=True)) == [saved.pk]

    twice = {**rows, "related_picks-2-related": second.pk}
    html = assert_private_preview(
        editor_client.post(f"/xem-truoc/{article.pk}/", {**article_form_data(article), **twice})
    )
    assert re.findall(r'related-title">([^<]+)', html) == ["Đã chọn từ trước"]
