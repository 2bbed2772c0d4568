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
