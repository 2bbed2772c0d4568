"""articles/images.py (validate_image) and articles/upload.py (CKEditor inline image uploads)."""

import contextlib
import io
import json
import re
import warnings
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import escapejs
from PIL import Image

from articles.images import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MESSAGES, validate_image
from articles.upload import upload_image
from tests.factories import blank_png, png_chunk

# --- files made in memory --------------------------------------------------------------------------------------------


def image_bytes(fmt, size=(64, 48), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "#c83232" if mode == "RGB" else 128).save(buffer, fmt)
    return buffer.getvalue()


def noisy_jpeg(size=(256, 256)):
    """A JPEG whose compressed data is large enough that cutting it in half leaves the header intact."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10"/></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal_code(file):
    with pytest.raises(ValidationError) as info:
        validate_image(file)
    assert len(info.value.error_list) == 1
    return info.value.error_list[0].code, info.value.messages[0]


# --- validate_image: accepted -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("GIF", "a.gif")])
def test_valid_jpeg_png_webp_gif_are_accepted(fmt, name):
    """Real JPEG, PNG, WebP and GIF images pass and their detected format is returned."""
    assert validate_image(upload(name, image_bytes(fmt))) == fmt


def test_format_comes_from_content_not_file_name():
    """A PNG named .jpg is accepted as a PNG: the name neither helps nor hurts."""
    assert validate_image(upload("anh.jpg", image_bytes("PNG"))) == "PNG"


def test_image_of_exactly_forty_megapixels_is_accepted():
    """The pixel limit is inclusive: 8000 x 5000 = 40 MP passes."""
    assert MAX_IMAGE_PIXELS == 8000 * 5000
    assert validate_image(upload("a.png", blank_png(8000, 5000), "image/png")) == "PNG"


def test_plain_file_object_is_accepted_and_rewound(tmp_path):
    """A plain binary file object works and is left at position 0."""
    path = tmp_path / "a.webp"
    path.write_bytes(image_bytes("WEBP"))
    with path.open("rb") as handle:
        handle.read(5)
        assert validate_image(handle) == "WEBP"
        assert handle.tell() == 0


@pytest.mark.parametrize("data", [image_bytes("PNG"), HTML], ids=["valid", "refused"])
def test_uploaded_file_is_rewound_whatever_the_verdict(data):
    """After validation the upload is back at position 0, so it can be stored or re-read."""
    file = upload("a.png", data)
    file.read(3)
    with contextlib.suppress(ValidationError):
        validate_image(file)
    assert file.tell() == 0
    assert file.read() == data


@pytest.mark.django_db
def test_new_upload_on_article_image_field_is_validated():
    """A FieldFile holding a fresh upload (what the admin form produces) is checked like any upload."""
    from articles.models import Article

    assert validate_image(Article(image=upload("a.gif", image_bytes("GIF"))).image) == "GIF"
    with pytest.raises(ValidationError):
        validate_image(Article(image=upload("x.jpg", HTML)).image)


@pytest.mark.django_db
def test_already_stored_article_image_is_not_reread(settings):
    """A committed FieldFile (image saved earlier) is not re-read or re-decoded each time its article is saved."""
    from articles.models import Article

    name = "articles/2025/01/da-luu.jpg"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True)
    path.write_bytes(HTML)  # would be refused if it were read
    assert validate_image(Article(image=name).image) is None


# --- validate_image: refused ------------------------------------------------------------------------------------------


def test_empty_file_is_refused():
    """A 0-byte file is refused as empty."""
    assert refusal_code(upload("a.jpg", b"")) == ("empty", MESSAGES["empty"])


def test_file_over_ten_megabytes_is_refused():
    """A file over 10 MB is refused on its size, even if it is otherwise a valid image."""
    data = image_bytes("JPEG") + bytes(MAX_IMAGE_BYTES)  # a valid JPEG followed by padding
    code, message = refusal_code(upload("a.jpg", data))
    assert code == "file_too_large"
    assert message == "Ảnh quá nặng (10,0 MB). Dung lượng tối đa là 10 MB."


def test_file_of_exactly_ten_megabytes_is_not_refused_for_size():
    """The byte limit is inclusive: exactly 10 MB is judged on its content, not refused for size."""
    data = image_bytes("JPEG")
    data += bytes(MAX_IMAGE_BYTES - len(data))
    assert validate_image(upload("a.jpg", data)) == "JPEG"


def test_svg_is_refused_with_svg_message():
    """SVG (which can carry script) is refused with its own message, whatever it is named."""
    assert refusal_code(upload("logo.jpg", SVG, "image/svg+xml")) == ("svg", MESSAGES["svg"])


def test_html_renamed_jpg_is_refused():
    """An HTML page named .jpg with an image content type is refused as not an image."""
    assert refusal_code(upload("anh.jpg", HTML, "image/jpeg")) == ("invalid_image", MESSAGES["invalid_image"])


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused(fmt):
    """Formats Pillow knows but we do not accept (BMP, TIFF, ICO, PPM) are refused as not an accepted image."""
    assert refusal_code(upload("a.jpg", image_bytes(fmt, size=(32, 32))))[0] == "invalid_image"


def test_random_bytes_are_refused():
    """Bytes of no known format are refused as not an image."""
    assert refusal_code(upload("a.jpg", bytes(range(256)) * 8))[0] == "invalid_image"


def test_truncated_jpeg_is_refused():
    """A JPEG cut off mid-way (interrupted upload) is refused as damaged, though its header is fine."""
    data = noisy_jpeg()
    truncated = data[: len(data) // 2]
    assert Image.open(io.BytesIO(truncated)).size == (256, 256)  # the header alone looks fine
    assert refusal_code(upload("a.jpg", truncated)) == ("corrupt_image", MESSAGES["corrupt_image"])


def test_truncated_png_is_refused():
    """A PNG cut off mid-way is refused as damaged."""
    buffer = io.BytesIO()
    Image.effect_noise((128, 128), 64).save(buffer, "PNG")
    assert refusal_code(upload("a.png", buffer.getvalue()[:-2000]))[0] == "corrupt_image"


def test_decompression_bomb_is_refused_from_its_header():
    """A tiny PNG claiming 20000 x 20000 (400 MP) is refused from its header, before any pixel is decoded."""
    bomb = blank_png(20000, 20000)
    assert len(bomb) < 100_000  # small on disk, 400 MP once decoded
    # Same header, but pixel data that cannot be decoded at all: still refused for size, so no decoding happened.
    undecodable = bomb[:33] + png_chunk(b"IDAT", b"not zlib data") + png_chunk(b"IEND", b"")
    for data in (bomb, undecodable):
        code, message = refusal_code(upload("bom.png", data, "image/png"))
        assert code == "too_many_pixels"
        assert "400 megapixel" in message and "40 megapixel" in message


def test_image_over_forty_megapixels_is_refused_with_its_dimensions():
    """An 8000 x 6000 (48 MP) image, below Pillow's own bomb limit, is refused by our 40 MP limit."""
    data = blank_png(8000, 6000)
    assert len(data) < MAX_IMAGE_BYTES
    code, message = refusal_code(upload("a.png", data, "image/png"))
    assert code == "too_many_pixels"
    assert message.startswith("Ảnh quá lớn (8000 × 6000 điểm ảnh, khoảng 48 megapixel)")


@pytest.mark.parametrize(("width", "height"), [(1, 40_000_000), (40_000, 1), (1001, 100)])
def test_a_strip_within_the_pixels_but_too_elongated_is_refused_from_its_header(width, height):
    """A 1 × 40,000,000 PNG (tiny on disk, within 40 MP) is refused before any pixel is decoded: the longer side may
    be at most 10 times the shorter."""
    data = blank_png(width, height)
    assert len(data) < MAX_IMAGE_BYTES
    code, message = refusal_code(upload("dai.png", data, "image/png"))
    assert code == "too_elongated"
    assert message.startswith(f"Ảnh quá dài hoặc quá hẹp ({width} × {height} điểm ảnh). Cạnh dài chỉ được gấp tối đa")


def test_the_most_elongated_accepted_shape_passes():
    """Exactly 10:1 either way is accepted, and its renditions can be made."""
    for size in ((1000, 100), (100, 1000)):
        assert validate_image(upload("a.png", blank_png(*size), "image/png")) == "PNG"


def test_decompression_bomb_warning_raised_as_error_is_still_a_validation_error():
    """With warnings turned into errors (as some test or server setups do), a 100 MP image is still a clean refusal."""
    data = blank_png(10000, 10000)  # above Pillow's warning threshold, below its error threshold
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        assert refusal_code(upload("a.png", data, "image/png"))[0] == "too_many_pixels"


def test_refusal_messages_are_vietnamese_and_name_the_accepted_formats():
    """Messages are written for editors: in Vietnamese, and the format refusals say what is accepted."""
    for code in ("svg", "invalid_image"):
        assert "JPEG, PNG, WebP hoặc GIF" in MESSAGES[code]
    assert all(re.search(r"[ảạấầẩẫậăắằẳẵặđẻẽẹếềểễệỉịỏọốồổỗộơớờởỡợủụưứừửữựỳỷỹỵ]", m) for m in MESSAGES.values())


# --- the CKEditor upload view -----------------------------------------------------------------------------------------

UPLOAD_URL = "/ckeditor/upload/"


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("bientap", password="pw", is_staff=True))
    return client


def test_project_routes_ckeditor_upload_to_the_validating_view():
    """In the real URLconf, CKEditor's upload URL reaches upload_image, not django-ckeditor's unchecked view."""
    assert reverse("ckeditor_upload") == UPLOAD_URL
    assert resolve(UPLOAD_URL).func is upload_image


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_anonymous_upload_is_redirected_to_login_and_stores_nothing(client, settings):
    """Anonymous visitors are sent to the admin login and nothing is stored."""
    response = client.post(UPLOAD_URL + "?responseType=json", {"upload": upload("a.png", image_bytes("PNG"))})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_non_staff_user_upload_is_redirected_and_stores_nothing(client, django_user_model, settings):
    """A logged-in user who is not staff cannot upload."""
    client.force_login(django_user_model.objects.create_user("docgia", password="pw"))
    response = client.post(UPLOAD_URL + "?responseType=json", {"upload": upload("a.png", image_bytes("PNG"))})
    assert response.status_code == 302
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_staff_drag_and_drop_upload_of_png_is_stored_under_random_name(staff_client, settings):
    """A valid PNG is stored under MEDIA_ROOT/uploads/ with a random hex name and .png, and its URL returned as JSON."""
    response = staff_client.post(
        UPLOAD_URL + "?responseType=json", {"upload": upload("ảnh của tôi.png", image_bytes("PNG"), "image/png")}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == 1
    assert re.fullmatch(r"/media/uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.png", data["url"])
    assert data["fileName"] == data["url"].rsplit("/", 1)[1]
    assert stored_files(settings) == [data["url"].removeprefix("/media/")]
    assert (Path(settings.MEDIA_ROOT) / data["url"].removeprefix("/media/")).read_bytes() == image_bytes("PNG")


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_stored_extension_comes_from_detected_format_not_client_name(staff_client, settings):
    """A JPEG sent as "../../evil.html" is stored as <random>.jpg inside uploads/."""
    response = staff_client.post(UPLOAD_URL + "?responseType=json", {"upload": upload("../../evil.html", noisy_jpeg())})
    url = response.json()["url"]
    assert re.fullmatch(r"/media/uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.jpg", url)
    assert stored_files(settings) == [url.removeprefix("/media/")]


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_staff_dialog_upload_answers_with_ckeditor_callback(staff_client, settings):
    """An upload from the image dialog gets a page calling CKEDITOR.tools.callFunction(funcNum, url), frameable."""
    response = staff_client.post(
        UPLOAD_URL + "?CKEditor=id_body&CKEditorFuncNum=7&langCode=vi", {"upload": upload("a.gif", image_bytes("GIF"))}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    (path,) = stored_files(settings)
    assert path.startswith("uploads/") and path.endswith(".gif")
    content = response.content.decode()
    assert f"window.parent.CKEDITOR.tools.callFunction(7, '{escapejs('/media/' + path)}', '')" in content


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_html_named_jpg_in_dialog_gets_vietnamese_refusal_and_nothing_is_stored(staff_client, settings):
    """An HTML file named x.jpg gets CKEditor's callback with an empty URL and the Vietnamese reason; nothing stored."""
    response = staff_client.post(UPLOAD_URL + "?CKEditorFuncNum=3", {"upload": upload("x.jpg", HTML)})
    assert response.status_code == 200
    expected = f"window.parent.CKEDITOR.tools.callFunction(3, '', '{escapejs(MESSAGES['invalid_image'])}');"
    assert expected in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_html_named_jpg_by_drag_and_drop_gets_json_refusal_and_nothing_is_stored(staff_client, settings):
    """A drag/paste upload of HTML named x.jpg gets {"uploaded": 0, "error": {"message": ...}} with HTTP 200."""
    response = staff_client.post(UPLOAD_URL + "?responseType=json", {"upload": upload("x.jpg", HTML)})
    assert response.status_code == 200  # CKEditor only shows the server's message on a 2xx answer
    assert json.loads(response.content) == {"uploaded": 0, "error": {"message": MESSAGES["invalid_image"]}}
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_decompression_bomb_upload_is_refused_and_nothing_is_stored(staff_client, settings):
    """A decompression bomb sent to the editor upload is refused with the size message."""
    response = staff_client.post(
        UPLOAD_URL + "?responseType=json", {"upload": upload("b.png", blank_png(20000, 20000))}
    )
    assert response.json()["uploaded"] == 0
    assert "megapixel" in response.json()["error"]["message"]
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_upload_without_file_is_refused(staff_client, settings):
    """A POST with no "upload" field gets a refusal, not a server error."""
    response = staff_client.post(UPLOAD_URL + "?responseType=json", {})
    assert response.status_code == 200
    assert response.json()["uploaded"] == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_non_numeric_callback_number_is_never_echoed_into_script(staff_client, settings):
    """A CKEditorFuncNum that is not a number cannot inject script: the answer falls back to JSON."""
    response = staff_client.post(
        UPLOAD_URL + "?CKEditorFuncNum=1);alert(document.cookie);//", {"upload": upload("x.jpg", HTML)}
    )
    assert response["Content-Type"] == "application/json"
    assert "alert(document.cookie)" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_get_is_not_allowed(staff_client):
    """Only POST uploads; a GET from staff is 405."""
    assert staff_client.get(UPLOAD_URL).status_code == 405


@pytest.mark.django_db
@pytest.mark.urls("tests.upload_urls")
def test_upload_is_csrf_exempt_like_django_ckeditor(django_user_model):
    """CKEditor sends no Django CSRF token, so (like django-ckeditor's view) the upload works without one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("bientap2", password="pw", is_staff=True))
    response = client.post(UPLOAD_URL + "?responseType=json", {"upload": upload("a.png", image_bytes("PNG"))})
    assert response.json()["uploaded"] == 1


@pytest.mark.django_db
def test_photo_saved_from_code_is_judged_and_named_by_its_real_format():
    """The shell and the importer cannot store a non-image, and a JPEG named .html is stored as .jpg."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from tests.factories import make_article

    article = make_article(image=ContentFile(image_bytes("JPEG"), name="../../x.jpg.html"))
    assert article.image.name.endswith(".jpg") and ".." not in article.image.name
    with pytest.raises(ValidationError):
        make_article(image=ContentFile(b"<html><script>alert(1)</script></html>", name="anh.jpg"))
