import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Article
from tests.factories import article_form_data, blank_png, image_bytes, make_article, make_author, uploaded_image

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
LIST_URL = "/admin/articles/article/"


def form_data(author, **overrides):
    """A new article, published a minute ago, with a photo's texts, as the add form posts it."""
    # Its date and time from one moment: a minute before local midnight is yesterday's date.
    published = timezone.localtime() - timedelta(minutes=1)
    values = {
        "headline": "Đức Phương nêu cao tinh thần trách nhiệm",
        "lead": "Sapo của bài.",
        "body": "<p>Đoạn một.</p><script>alert(1)</script>",
        "image_caption": "Hội chợ HTX.",
        "image_credit": "Liên minh HTX thành phố cung cấp",
        "image_alt": "Gian hàng",
        "author": author.pk,
        "status": Article.Status.PUBLISHED,
        "published_at_0": published.strftime("%d/%m/%Y"),
        "published_at_1": published.strftime("%H:%M:%S"),
    }
    return article_form_data(**{**values, **overrides})


def test_editor_adds_an_article_with_photo_and_it_tops_the_list(editor_client, client):
    """An editor publishes through the admin form; the sanitised article with its photo is first on the site."""
    make_article(headline="Bài cũ hơn", published_at=timezone.now() - timedelta(days=1))
    author = make_author("HOÀNG ANH")
    response = editor_client.post(ADD_URL, form_data(author, image=uploaded_image()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(headline__startswith="Đức Phương")
    assert article.slug == "duc-phuong-neu-cao-tinh-than-trach-nhiem"
    assert "<script>" not in article.body and "<p>Đoạn một.</p>" in article.body
    assert (article.photo.width, article.photo.height) == (640, 400)
    editor_client.logout()
    html = client.get("/").content.decode()
    assert html.index("Đức Phương nêu cao") < html.index("Bài cũ hơn")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "Không nhận ảnh SVG"),
        ("trang.jpg", b"<html><body>Not an image</body></html>", "Tệp không phải là ảnh hợp lệ"),
        ("cat.jpg", image_bytes("JPEG")[:300], "Tệp ảnh bị hỏng hoặc không đầy đủ"),
        ("rong.jpg", b"", "Tệp ảnh rỗng"),
    ],
)
def test_bad_photo_is_refused_on_the_form_and_nothing_is_saved(editor_client, settings, name, content, message):
    """A bad upload re-shows the form with our Vietnamese message, the typed text kept, and nothing stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    author = make_author()
    data = form_data(author, image=SimpleUploadedFile(name, content, content_type="image/jpeg"))
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["image"])
    assert "Đức Phương nêu cao tinh thần trách nhiệm" in response.content.decode()
    assert Article.objects.count() == 0
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_editor_changes_an_article_and_its_slug_stays(editor_client):
    """Editing a published article's headline keeps its URL."""
    article = make_article(headline="Tiêu đề ban đầu")
    data = form_data(article.author, headline="Tiêu đề đã sửa", slug=article.slug, body="<p>Mới.</p>")
    data["opened_version"] = article.version  # the version the form was opened at (optimistic locking)
    response = editor_client.post(f"{LIST_URL}{article.pk}/change/", data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.slug, article.body) == ("Tiêu đề đã sửa", "tieu-de-ban-dau", "<p>Mới.</p>")


def test_bulk_publish_and_unpublish_say_how_many_changed(editor_client):
    """Bulk actions change only what needs changing and say how many articles they changed."""
    drafts = [make_article(headline=f"Nháp {i}", status=Article.Status.DRAFT) for i in range(2)]
    live = make_article(headline="Đang đăng")
    ids = [a.pk for a in [*drafts, live]]
    response = editor_client.post(LIST_URL, {"action": "publish", "_selected_action": ids}, follow=True)
    assert "Đã xuất bản 2 bài viết." in response.content.decode()
    assert Article.objects.published().count() == 3
    response = editor_client.post(LIST_URL, {"action": "unpublish", "_selected_action": ids}, follow=True)
    assert "Đã gỡ 3 bài viết về bản nháp." in response.content.decode()
    assert Article.objects.published().count() == 0


def test_bulk_publish_keeps_a_scheduled_time(editor_client):
    """Publishing a draft scheduled for tomorrow keeps it scheduled; an old draft is dated now."""
    tomorrow = timezone.now() + timedelta(days=1)
    scheduled = make_article(status=Article.Status.DRAFT, published_at=tomorrow)
    old = make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=30))
    editor_client.post(LIST_URL, {"action": "publish", "_selected_action": [scheduled.pk, old.pk]})
    scheduled.refresh_from_db()
    old.refresh_from_db()
    assert scheduled.published_at == tomorrow
    assert timezone.now() - old.published_at < timedelta(minutes=1)
    assert list(Article.objects.published()) == [old]


def test_changelist_shows_thumbnail_status_and_filters(editor_client):
    """The list shows headline, author, status and a thumbnail, with status/author/date filters and search."""
    make_article(headline="Có ảnh", image=uploaded_image())
    make_article(headline="Nháp riêng", status=Article.Status.DRAFT)
    html = editor_client.get(LIST_URL).content.decode()
    assert 'class="article-thumb"' in html
    assert "Có ảnh" in html and "Nháp riêng" in html
    for text in ("Bản nháp", "Đã xuất bản", "THANH THY"):
        assert text in html
    found = editor_client.get(LIST_URL, {"q": "Nháp riêng"}).content.decode()
    assert "Nháp riêng" in found and "Có ảnh" not in found
    drafts = editor_client.get(LIST_URL, {"status__exact": "draft"}).content.decode()
    assert "Nháp riêng" in drafts and "Có ảnh" not in drafts


def test_add_form_groups_fields_and_loads_vietnamese_slug_script(editor_client):
    """The form is grouped (content, photo, publishing), defaults the time to now, and loads our slug script."""
    html = editor_client.get(ADD_URL).content.decode()
    for legend in ("Nội dung", "Ảnh", "Xuất bản"):
        assert f">{legend}<" in html
    assert html.index("admin/js/urlify.js") < html.index("articles/js/urlify_vi.js")
    assert timezone.localtime().strftime("%d/%m/%Y") in html
    assert "ckeditor" in html


def test_demo_accounts_refused_when_debug_is_off(settings):
    """The demo editor's published password never exists on a production site."""
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_accounts")


def test_demo_editor_can_log_in_and_open_the_article_form(settings, client):
    """`make run`'s demo editor logs in with the README's credentials and may add articles."""
    from django.core.management import call_command

    from articles.management.commands.demo_accounts import DEMO_EDITOR

    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "bientap / newsroom-demo" in out.getvalue()
    assert client.login(**DEMO_EDITOR)
    assert client.get(ADD_URL).status_code == 200


@pytest.mark.parametrize("slug", ["Bai-Viet", "bai_viet", "bai--viet", "-bai-viet", "bài-viết"])
def test_a_slug_the_site_would_never_make_is_refused_on_the_form(editor_client, slug):
    """The form accepts only slugs of the shape articles/text.py makes (a–z, digits, single hyphens), and says so in
    Vietnamese, keeping what was typed."""
    response = editor_client.post(ADD_URL, form_data(make_author(), slug=slug))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đường dẫn chỉ gồm chữ thường không dấu" in text and "Đức Phương nêu cao tinh thần trách nhiệm" in text
    assert not Article.objects.exists()


def test_publishing_a_draft_from_the_form_dates_it_now_unless_a_time_was_chosen(editor_client):
    """A draft written days ago and published from its form appears now, at the top of the list (as the bulk action
    does); a time the editor typed is kept."""
    days_ago = timezone.now() - timedelta(days=3)
    untouched = make_article(headline="Nháp để nguyên giờ", status=Article.Status.DRAFT, published_at=days_ago)
    editor_client.post(f"{LIST_URL}{untouched.pk}/change/", article_form_data(untouched, status="published"))
    untouched.refresh_from_db()
    assert untouched.status == Article.Status.PUBLISHED
    assert timezone.now() - untouched.published_at < timedelta(minutes=1)

    chosen = make_article(headline="Nháp có giờ chọn", status=Article.Status.DRAFT, published_at=days_ago)
    yesterday = timezone.localtime() - timedelta(days=1)
    typed = article_form_data(
        chosen,
        status="published",
        published_at_0=yesterday.strftime("%d/%m/%Y"),
        published_at_1=yesterday.strftime("%H:%M:00"),
    )
    editor_client.post(f"{LIST_URL}{chosen.pk}/change/", typed)
    chosen.refresh_from_db()
    assert timezone.localtime(chosen.published_at).strftime("%d/%m/%Y %H:%M") == yesterday.strftime("%d/%m/%Y %H:%M")


@pytest.mark.parametrize(
    ("field", "typed"),
    [("published_at", "01/01/0001"), ("published_at", "31/12/9999"), ("unpublish_at", "01/01/1899")],
)
def test_a_date_no_newspaper_can_have_is_a_form_error(editor_client, field, typed):
    """A publication or take-down date before 1900 or after 2100 re-shows the form with a Vietnamese error on that
    field, never a server error, and saves nothing."""
    data = form_data(make_author(), **{f"{field}_0": typed, f"{field}_1": "00:00:00"})
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors[field]
    assert error.startswith(f"Ngày {typed} nằm ngoài khoảng báo có thể đăng: từ năm 1900 đến năm 2100.")
    assert not Article.objects.exists()


JUNK_INITIAL = [
    "author=abc",
    "author=1.5",
    "author=123456789012345678901234567890",
    "author=-1",
    "section=abc",
    "published_at=junk",
    "published_at=0001-01-01",
    "unpublish_at=junk",
    "status=zzz",
    "image=abc",
    "user=abc",
    "position=abc",
    "position=99999999999999999999",
    "author=1&author=abc",
]


@pytest.mark.parametrize("model", ["article", "author", "section"])
@pytest.mark.parametrize("query", JUNK_INITIAL)
def test_junk_initial_values_are_ignored_by_every_add_form(admin_client, model, query):
    """A link to an add form with values its fields cannot take shows the form with those fields at their default,
    never a server error."""
    response = admin_client.get(f"/admin/articles/{model}/add/?{query}")
    assert response.status_code == 200
    form = response.context["adminform"].form
    name, _, typed = query.rpartition("&")[2].partition("=")
    if name in form.fields:
        assert form.initial.get(name) != typed


def test_valid_initial_values_still_fill_the_add_form(admin_client):
    """A link that names an existing author and a publication time fills the form with them."""
    author = make_author()
    response = admin_client.get(f"/admin/articles/article/add/?author={author.pk}&published_at=2024-03-01 08:00")
    form = response.context["adminform"].form
    assert form.initial["author"] == author.pk
    assert form["published_at"].value().strftime("%d/%m/%Y %H:%M") == "01/03/2024 08:00"


def test_a_photo_whose_renditions_cannot_be_made_is_refused_with_the_typed_text_kept(editor_client, monkeypatch):
    """When no rendition can be made of a photo (an encoder refuses it), the form says so in Vietnamese, keeps what
    was typed, and saves nothing: never an article with a photo no page shows."""
    from imagekit import ImageSpec

    def refuse(spec):
        raise OSError("encoder error -2")

    monkeypatch.setattr(ImageSpec, "generate", refuse)
    data = form_data(make_author(), headline="Tiêu đề đã gõ", image=uploaded_image())
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    (error,) = form.errors["image"]
    assert error.startswith("Không tạo được các cỡ ảnh để đăng trên trang từ ảnh này.")
    assert form["headline"].value() == "Tiêu đề đã gõ"
    assert not Article.objects.exists()


def test_a_strip_of_pixels_is_refused_on_the_form(editor_client):
    """The probe's 1 × 40,000,000 PNG is refused on the form with the image rule's message."""
    strip = SimpleUploadedFile("dai.png", blank_png(1, 40_000_000), content_type="image/png")
    response = editor_client.post(ADD_URL, form_data(make_author(), image=strip))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"][0].startswith("Ảnh quá dài hoặc quá hẹp")
    assert not Article.objects.exists()
