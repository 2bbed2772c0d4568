import gc
import io
import weakref
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from articles.models import Article
from articles.renditions import WIDTHS
from tests.factories import make_article, uploaded_image

pytestmark = pytest.mark.django_db

ORIENTATION, GPS_IFD = 0x0112, 0x8825


def phone_photo(size=(1600, 1200)):
    """A JPEG as a phone writes it: stored sideways with EXIF orientation 6 (turn 90° clockwise) and a GPS position.
    The top-left corner is blue, so after turning it is the top-right corner."""
    image = Image.new("RGB", size, (230, 30, 30))
    image.paste((20, 40, 220), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (10.0, 2.0, 0.0)  # 10°02' N: Cần Thơ
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return SimpleUploadedFile("dien-thoai.jpg", buffer.getvalue(), content_type="image/jpeg")


def stored(name):
    return Path(settings.MEDIA_ROOT) / name


def files_of(article, content_type=None):
    return [f for f in article.image_renditions["files"] if content_type in (None, f["type"])]


def test_photo_is_made_in_every_width_as_webp_and_jpeg():
    """An uploaded photo becomes 320/640/960/1280-wide WebP and JPEG files whose recorded sizes are the real ones."""
    article = make_article(image=uploaded_image(size=(2000, 1000)))
    for content_type, pillow_format in (("image/webp", "WEBP"), ("image/jpeg", "JPEG")):
        made = sorted(files_of(article, content_type), key=lambda f: f["width"])
        assert [(f["width"], f["height"]) for f in made] == [(w, w // 2) for w in WIDTHS]
        for file in made:
            with Image.open(stored(file["name"])) as image:
                assert image.format == pillow_format
                assert image.size == (file["width"], file["height"])
            assert stored(file["name"]).stat().st_size == file["size"]


def test_small_photo_is_never_enlarged():
    """A 500-pixel-wide photo gives 320 and 500 wide renditions, nothing wider."""
    article = make_article(image=uploaded_image(size=(500, 300)))
    assert sorted(f["width"] for f in files_of(article, "image/jpeg")) == [320, 500]
    assert article.photo.largest.width == 500


def test_renditions_are_upright_and_carry_no_exif():
    """A sideways phone photo is turned by its EXIF orientation, and no rendition keeps EXIF (no GPS leak)."""
    article = make_article(image=phone_photo())
    assert sorted(f["width"] for f in files_of(article, "image/jpeg")) == [320, 640, 960, 1200]
    for file in files_of(article):
        raw = stored(file["name"]).read_bytes()
        assert b"Exif" not in raw and b"GPS" not in raw
        with Image.open(stored(file["name"])) as image:
            assert not image.getexif()
            assert "exif" not in image.info
            width, height = image.size
            assert height > width  # 1600×1200 stored sideways is a 1200×1600 portrait
            red, green, blue = image.convert("RGB").getpixel((width - 3, 3))
            assert blue > 150 and red < 100  # the blue corner moved to the top right


def test_pages_never_send_the_original():
    """List, article page and feed point at renditions only; the uploaded file's URL appears nowhere."""
    article = make_article(image=uploaded_image(size=(1600, 1000)))
    from django.test import Client

    client = Client()
    for url in ("/", article.get_absolute_url(), "/feed/", "/feed/atom/"):
        text = client.get(url).content.decode()
        assert article.image.url not in text, url
        assert "/media/renditions/" in text, url


def test_saving_again_keeps_the_renditions_and_a_new_photo_replaces_them():
    """An edit that keeps the photo makes nothing new; a new photo gets its own renditions."""
    article = make_article(image=uploaded_image(size=(800, 500)))
    record = article.image_renditions
    mtimes = {f["name"]: stored(f["name"]).stat().st_mtime_ns for f in record["files"]}
    article.headline = "Tiêu đề đã sửa"
    article.save()
    assert Article.objects.get(pk=article.pk).image_renditions == record
    assert {f["name"]: stored(f["name"]).stat().st_mtime_ns for f in record["files"]} == mtimes

    article.image = uploaded_image(size=(1000, 500))
    article.save()
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.image_renditions["source"] == fresh.image.name != record["source"]
    assert fresh.photo.largest.width == 1000


def test_removing_the_photo_removes_the_figure(client):
    """An article whose photo was cleared has no figure and no og:image."""
    article = make_article(image=uploaded_image())
    article.image = None
    article.save()
    text = client.get(article.get_absolute_url()).content.decode()
    assert "<figure" not in text and "og:image" not in text


def test_missing_original_renders_the_page_without_figure(client):
    """A photo whose file is gone before its renditions were made: the page, list and feed work, with no figure."""
    article = make_article(image=uploaded_image())
    stored(article.image.name).unlink()
    Article.objects.filter(pk=article.pk).update(image_renditions={})  # as loaddata leaves a row
    call_command("renditions", stdout=io.StringIO(), stderr=io.StringIO())
    article = Article.objects.get(pk=article.pk)
    assert article.photo is None
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert article.headline in text
    assert "<figure" not in text and "og:image" not in text and '"image"' not in text
    assert "<picture" not in client.get("/").content.decode()
    assert "enclosure" not in client.get("/feed/").content.decode()


def test_a_photo_whose_renditions_are_missing_shows_its_original_and_says_so(client, caplog):
    """A row written without save() (SQL, a script) and never given renditions: readers still see the photo, the
    original at its own size, and the log says which article lacks renditions."""
    article = make_article(image=uploaded_image(size=(900, 600)))
    Article.objects.filter(pk=article.pk).update(image_renditions={})
    with caplog.at_level("WARNING", logger="articles.renditions"):
        page = client.get(article.get_absolute_url()).content.decode()
    figure = page[page.index('<figure class="article-figure">') : page.index("</figure>")]
    assert f'src="{article.image.url}"' in figure and 'width="900" height="600"' in figure
    assert f'<meta property="og:image" content="http://testserver{article.image.url}">' in page
    assert f"Article {article.pk}: no renditions of its photo" in caplog.text


def test_unreadable_original_is_saved_without_figure(client):
    """A file that is not an image (written past the validator) does not stop the save and shows no figure."""
    article = make_article()
    Path(settings.MEDIA_ROOT, "articles").mkdir(parents=True)
    Path(settings.MEDIA_ROOT, "articles", "hong.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    article.image = "articles/hong.jpg"
    article.save()
    assert article.image_renditions == {"source": "articles/hong.jpg", "files": []}
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and "<figure" not in page.content.decode()


def test_original_deleted_after_renditions_still_renders(client):
    """Renditions are files of their own: losing the original later does not break the page."""
    article = make_article(image=uploaded_image())
    stored(article.image.name).unlink()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert article.photo.largest.url in page.content.decode()


def test_renditions_command_fills_rows_written_without_save():
    """`manage.py renditions` makes what loaddata skipped, reports it in Vietnamese, and a second run does nothing."""
    article = make_article(image=uploaded_image())
    Article.objects.filter(pk=article.pk).update(image_renditions={})
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert "Đã tạo ảnh các cỡ cho 1 bài viết." in out.getvalue()
    assert Article.objects.get(pk=article.pk).photo.largest.width == 640
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert "cho 0 bài viết" in out.getvalue()


def test_missing_file_is_reported_by_the_command():
    """The command names the article whose photo cannot be read instead of failing."""
    article = make_article(image=uploaded_image())
    stored(article.image.name).unlink()
    Article.objects.filter(pk=article.pk).update(image_renditions={})
    err = io.StringIO()
    call_command("renditions", stdout=io.StringIO(), stderr=err)
    assert f"Bài #{article.pk}" in err.getvalue() and "không đọc được ảnh" in err.getvalue()


def test_photo_urls_follow_the_media_url(client, settings):
    """Rendition URLs are built once per process, but a changed MEDIA_URL (another host, a CDN) shows at once."""
    article = make_article(image=uploaded_image(size=(1600, 1000)))
    assert "/media/renditions/" in client.get("/").content.decode()
    settings.MEDIA_URL = "https://anh.example.vn/"
    text = client.get(article.get_absolute_url()).content.decode()
    assert "https://anh.example.vn/renditions/" in text and "/media/renditions/" not in text


def test_photo_urls_come_from_the_storage_the_photos_are_saved_in():
    """Rendition URLs are built from the default storage (renditions.file_url); the photo field must store there."""
    assert Article._meta.get_field("image").storage is default_storage


def test_renditions_made_again_for_the_same_photo_show_at_once(client):
    """Photos are built once per process from their record: a record made again for the same file (other sizes)
    shows on the very next request, on the list and on the article."""
    article = make_article(image=uploaded_image(size=(1600, 1000)))
    assert " 1280w" in client.get("/").content.decode()
    record = article.image_renditions
    record["files"] = [f for f in record["files"] if f["width"] < 1280]
    Article.objects.filter(pk=article.pk).update(image_renditions=record)
    for url in ("/", article.get_absolute_url()):
        text = client.get(url).content.decode()
        assert " 960w" in text and " 1280w" not in text, url


def test_the_same_photo_on_two_articles_keeps_each_articles_alt_text(client):
    """Two articles sharing one photo share its renditions, never each other's description of it."""
    first = make_article(image=uploaded_image(), image_alt="Cầu Cần Thơ lúc bình minh")
    second = make_article(headline="Bài thứ hai", image_alt="Bến Ninh Kiều")
    Article.objects.filter(pk=second.pk).update(image=first.image.name, image_renditions=first.image_renditions)
    assert 'alt="Bến Ninh Kiều"' in client.get(second.get_absolute_url()).content.decode()
    assert 'alt="Cầu Cần Thơ lúc bình minh"' in client.get(first.get_absolute_url()).content.decode()


def test_a_card_photo_leaves_its_article_to_reference_counting():
    """Reading a card's photo ties no reference cycle to its article (the field's FieldFile points back at it): a list
    page's 20 articles are freed as soon as it is sent, not by the next garbage collection (docs/PERFORMANCE.md)."""
    article = make_article(image=uploaded_image())
    card = Article.objects.cards().get(pk=article.pk)
    assert card.photo is not None
    freed = weakref.ref(card)
    gc.disable()
    try:
        del card
        assert freed() is None
    finally:
        gc.enable()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's column types")
def test_on_postgresql_the_photo_record_is_kept_as_written_and_read_back_whole():
    """A `json` column, not `jsonb`: PostgreSQL prints a `jsonb` value anew on every read of every card."""
    record = {"source": "articles/hong.jpg", "files": [{"name": "a.jpg", "type": "image/jpeg", "width": 480}]}
    article = make_article()
    Article.objects.filter(pk=article.pk).update(image_renditions=record)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_typeof(image_renditions)::text FROM articles_article WHERE id = %s", [article.pk])
        assert cursor.fetchone() == ("json",)
    assert Article.objects.get(pk=article.pk).image_renditions == record
