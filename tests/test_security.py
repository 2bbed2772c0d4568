"""Security headers, the editor's own Content-Security-Policy, login throttling, how uploads are named and served."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from tests.factories import image_bytes, make_article, uploaded_image

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
LOGIN_URL = "/admin/login/"
READER = "203.0.113.5"


# Script types a browser executes; any other type (application/ld+json) is a data block that never runs.
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


def csp(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    parts = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in parts}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(response):
    parser = _Tags()
    parser.feed(response.content.decode())
    return parser.tags


def test_public_pages_carry_a_strict_policy_and_the_security_headers(client):
    """Reader pages: scripts only from this site or with the page's nonce, no plugins, no framing, plus nosniff,
    a referrer policy and X-Frame-Options DENY."""
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        policy = csp(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"][0] == "'self'"
        assert all(source.startswith("'nonce-") for source in policy["script-src"][1:])
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_inline_scripts_on_public_pages_carry_the_nonce_of_the_policy(client):
    """No inline script runs without the header's nonce; no handler or <style> relies on 'unsafe-inline'. The article's
    JSON-LD is a data block (never executed, so outside script-src): it needs no nonce and carries none, so the page
    and its policy are the same for every reader (articles/pagecache.py replays them)."""
    article = make_article()
    for url in ("/", article.get_absolute_url()):
        response = client.get(url)
        found = tags(response)
        inline_scripts = [attrs for tag, attrs in found if tag == "script" and "src" not in attrs]
        runnable = [attrs for attrs in inline_scripts if attrs.get("type", "").lower() in JAVASCRIPT_TYPES]
        allowed = {f"'nonce-{attrs.get('nonce')}'" for attrs in runnable}
        assert allowed <= set(csp(response)["script-src"])
        assert not [attrs for attrs in inline_scripts if attrs not in runnable and "nonce" in attrs]
        assert not [tag for tag, _ in found if tag == "style"]
        assert not [(tag, name) for tag, attrs in found for name in attrs if name.startswith("on")]
    assert any(attrs.get("type") == "application/ld+json" for attrs in inline_scripts)  # the article page's


def test_https_redirects_and_sends_hsts_and_secure_cookies(settings, settings_from_env, client, editor):
    """With production's HTTPS settings: HTTP goes to HTTPS (except /healthz), HSTS for a year, Secure cookies."""
    production = settings_from_env(DJANGO_SECRET_KEY="k" * 50)
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ):
        setattr(settings, name, production[name])

    plain = client.get("/?trang=2")
    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/?trang=2")
    assert client.get("/healthz").status_code == 200

    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get(LOGIN_URL, secure=True).cookies["csrftoken"]["secure"]
    login = client.post(LOGIN_URL, {"username": "editor", "password": "pw", "next": "/admin/"}, secure=True)
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"] and login.cookies["sessionid"]["httponly"]


def test_admin_article_form_keeps_ckeditor_under_the_editor_policy(editor_client):
    """The add-article page loads CKEditor, and its policy lets CKEditor's inline handlers and styles run (no eval,
    no nonce, which would cancel 'unsafe-inline'), while still refusing plugins and framing."""
    response = editor_client.get(ADD_URL)
    html = response.content.decode()
    assert "ckeditor/ckeditor/ckeditor.js" in html and 'data-type="ckeditortype"' in html
    policy = csp(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["object-src"] == policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy-Report-Only" not in response


def test_ckeditor_upload_answer_can_be_framed_by_this_site_only_and_gets_a_random_name(editor_client, settings):
    """The image dialog loads the upload answer in its iframe: frame-ancestors 'self' there; the hostile file name is
    replaced by a random one inside MEDIA_ROOT."""
    upload = uploaded_image(name="../../x.html.jpg")
    response = editor_client.post("/ckeditor/upload/?CKEditorFuncNum=3", {"upload": upload})
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = csp(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    url = re.search(r"callFunction\(3, '([^']+)'", response.content.decode()).group(1)
    assert re.fullmatch(r"/media/uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}\.jpg", url)
    stored = (Path(settings.MEDIA_ROOT) / url.removeprefix("/media/")).resolve()
    assert stored.is_file() and stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_article_photo_with_a_hostile_name_lands_inside_media_root_under_a_generated_name(settings):
    """An upload called "../../x.html.jpg" is stored under articles/<year>/<month>/<headline slug>-<random>.jpg."""
    article = make_article(image=SimpleUploadedFile("../../x.html.jpg", image_bytes(), content_type="image/jpeg"))
    stored = Path(article.image.path).resolve()
    assert stored.is_file() and stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert re.fullmatch(r"articles/\d{4}/\d{2}/can-tho-day-manh-kinh-te-tap-the-[0-9a-f]{10}\.jpg", article.image.name)


def test_media_is_served_only_as_images(client, settings):
    """A photo comes back as image/jpeg with nosniff; a file of any other kind in the media folder (HTML, SVG) or a
    path leaving it is a 404, never served."""
    article = make_article(image=uploaded_image())
    response = client.get(article.image.url)
    assert response.status_code == 200
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("image/jpeg", "nosniff")
    assert b"".join(response.streaming_content) == Path(article.image.path).read_bytes()

    media = Path(settings.MEDIA_ROOT)
    for name in ("trang.html", "anh.svg", "anh.jpg.html", "anh.SVG"):
        (media / name).write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
        assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/%2e%2e/%2e%2e/manage.py").status_code == 404
    assert client.get("/media/articles/khong-co.jpg").status_code == 404


def test_collectstatic_makes_hashed_compressed_files_with_long_cache_headers_and_ckeditor_still_loads(
    settings, tmp_path, editor_client
):
    """Production's static files: collectstatic succeeds with CKEditor's bundle, pages link hashed names served for a
    year (gzip too), and CKEditor can still fetch its plugins and languages by their plain names."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)

    stylesheet = static("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)
    response = editor_client.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"

    form = editor_client.get(ADD_URL).content.decode()
    assert re.search(r"/static/ckeditor/ckeditor-init\.[0-9a-f]{12}\.js", form)
    for plain_name in ("ckeditor/ckeditor/ckeditor.js", "ckeditor/ckeditor/lang/vi.js", "ckeditor/ckeditor/config.js"):
        assert editor_client.get(f"/static/{plain_name}").status_code == 200


# Login throttling (django-axes). The test suite runs with it off (tests/conftest.py); these tests turn it on.


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True


def log_in(client, password, username="editor", address=READER, **extra):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(LOGIN_URL, data, REMOTE_ADDR=address, **extra)


def lock_out(client, username="editor", **extra):
    responses = [log_in(client, "sai-mat-khau", username, **extra) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    return responses[-1]


def is_locked_out(response):
    return response.status_code == 429 and "Tạm khóa đăng nhập" in response.content.decode()


def test_five_wrong_passwords_lock_that_name_from_that_address_even_against_the_right_one(client, editor, throttled):
    """Tries 1–4 get the form back; the 5th gets the Vietnamese lockout page, and so does the right password then."""
    locked = lock_out(client)
    text = locked.content.decode()
    assert "15 phút" in text and "kể cả mật khẩu đúng" in text
    assert locked["Retry-After"] == "900"
    assert is_locked_out(log_in(client, "pw"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_the_lock_holds_only_that_name_from_that_address(client, editor, throttled, django_user_model):
    """The same editor from another address, and another user from the locked address, still log in."""
    lock_out(client)
    assert log_in(Client(), "pw", address="198.51.100.7").status_code == 302
    django_user_model.objects.create_user("bientap2", password="pw2", is_staff=True)
    assert log_in(Client(), "pw2", username="bientap2").status_code == 302


def test_the_lock_expires_after_fifteen_minutes(client, editor, throttled):
    """At 14 minutes the right password is still refused; after 15 it gets in."""
    lock_out(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert is_locked_out(log_in(client, "pw"))
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert log_in(client, "pw").status_code == 302


def test_an_administrator_can_unlock_early(client, editor, throttled):
    """`manage.py axes_reset_username editor` (docs/DEPLOYMENT.md) lifts the lock at once."""
    lock_out(client)
    call_command("axes_reset_username", "editor", verbosity=0)
    assert log_in(client, "pw").status_code == 302


def test_behind_the_proxy_the_lock_follows_the_readers_address(settings, editor, throttled):
    """With DJANGO_TLS_PROXY=1 every request comes from the proxy: the lock uses the address the proxy appended to
    X-Forwarded-For, so forged earlier entries do not dodge it and other readers behind the proxy are not locked."""
    settings.TLS_PROXY = True
    proxy = Client()
    for forged in range(5):
        response = log_in(proxy, "sai-mat-khau", address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{forged}, {READER}")
    assert is_locked_out(response)
    assert is_locked_out(log_in(proxy, "pw", address="127.0.0.1", HTTP_X_FORWARDED_FOR=READER))
    assert log_in(proxy, "pw", address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
