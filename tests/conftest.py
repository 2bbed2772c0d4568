import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads in tests land in a temporary folder, never in the real media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_author(name="THANH THY", **overrides):
    return Author.objects.create(name=name, **overrides)


def make_article(**overrides):
    """A published article one hour old unless overridden; every write goes through Article.save()."""
    fields = {
        "headline": "Cần Thơ đẩy mạnh kinh tế tập thể",
        "lead": "Liên minh HTX thành phố hỗ trợ các hợp tác xã.",
        "body": "<p>Nội dung bài viết.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(overrides)
    if "author" not in fields:
        fields["author"] = Author.objects.first() or make_author()
    return Article.objects.create(**fields)


def image_bytes(fmt="JPEG", size=(640, 400), color=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def uploaded_image(name="anh.jpg", fmt="JPEG", size=(640, 400)):
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def editor(django_user_model):
    """A staff user with every permission on articles, as the demo editor account has."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True, scope="session")
def _test_serving():
    """What differs from production in tests, and why.

    - Static files by their plain names, found in the apps as under `make run`: production's hashed names need
      `collectstatic` first (tests/test_security.py runs it to prove it works with CKEditor's files).
    - No redirect to HTTPS: the test client and the live server speak plain HTTP; HTTPS tests pass secure=True.
    - Login throttling off: Django's client.login() calls authenticate() without a request, which django-axes refuses;
      tests/test_security.py turns it back on to test the lockout.
    """
    from django.conf import settings
    from django.test import override_settings

    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        STORAGES=plain_static,
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
        SECURE_SSL_REDIRECT=False,
        AXES_ENABLED=False,
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(settings, tmp_path):
    """Each test starts with an empty cache of the configured kind: its own folder, or (REDIS_URL) its own keys."""
    import uuid

    from django.core.cache import cache

    default = settings.CACHES["default"]
    if "redis" in default["BACKEND"].lower():
        settings.CACHES = {"default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
        yield
        cache.delete_pattern("*")  # only this test's keys: the pattern is taken within KEY_PREFIX
    else:
        settings.CACHES = {"default": {**default, "LOCATION": str(tmp_path / "cache")}}
        yield


def make_staff(username, group, **fields):
    """A staff user whose rights come only from a workflow group ("Phóng viên" or "Biên tập viên")."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, password="pw", is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(user):
    """A client of its own logged in as `user`, so one test can hold several people's sessions."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reporter(db):
    """A reporter ("Phóng viên", made by the workflow migration): writes, cannot publish."""
    return make_staff("reporter", "Phóng viên", first_name="Lan")


@pytest.fixture
def reporter_client(reporter):
    return logged_in(reporter)


def article_form_data(article=None, **overrides):
    """The admin article form as a browser posts it: `article`'s current values and version, or a new draft."""

    def split(moment):
        if moment is None:
            return {"0": "", "1": ""}
        local = timezone.localtime(moment)
        return {"0": local.strftime("%d/%m/%Y"), "1": local.strftime("%H:%M:%S")}

    source = article or Article(
        headline="Bài mới của tòa soạn",
        lead="Sapo bài mới.",
        body="<p>Nội dung bài mới.</p>",
        author=Author.objects.first() or make_author(),
        published_at=timezone.now(),
    )
    data = {
        "headline": source.headline,
        "slug": source.slug,
        "lead": source.lead,
        "body": source.body,
        "image_caption": source.image_caption,
        "image_credit": source.image_credit,
        "image_alt": source.image_alt,
        "author": source.author_id,
        "section": source.section_id or "",
        "status": source.status,
    }
    for name in ("published_at", "unpublish_at"):
        data.update({f"{name}_{part}": value for part, value in split(getattr(source, name)).items()})
    if article is not None:
        data["opened_version"] = article.version
    data.update(overrides)
    return data


def make_section(name="Xây dựng Đảng", **overrides):
    from articles.models import Section

    return Section.objects.create(name=name, **overrides)


@pytest.fixture
def settings_from_env(monkeypatch):
    """Run newsroom/settings.py afresh with only the given deployment variables set; return its settings as a dict.

    The running Django is untouched (runpy gives the module a fresh namespace), so no other test sees the result.
    """
    import os
    import runpy
    from pathlib import Path

    def load(**env):
        for name in list(os.environ):
            if name.startswith("DJANGO_") and name != "DJANGO_SETTINGS_MODULE" or name in ("DATABASE_URL", "REDIS_URL"):
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(Path(__file__).resolve().parent.parent / "newsroom" / "settings.py"))

    return load
