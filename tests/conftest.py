"""Fixtures only: the helpers that make articles, people and photos are in tests/factories.py."""

import pytest

from articles.workflow import EDITORS_IN_CHIEF, REPORTERS, SECRETARIES
from tests.factories import logged_in, make_desk_head, make_section, make_staff


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads in tests land in a temporary folder, never in the real media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def reporter(db):
    """A reporter (REPORTERS, the group made by the workflow migration): writes, cannot publish."""
    return make_staff("reporter", REPORTERS, first_name="Lan")


@pytest.fixture
def reporter_client(reporter):
    return logged_in(reporter)


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


@pytest.fixture
def economy(db):
    """The section "Kinh tế", whose desk head is `desk_head`."""
    return make_section("Kinh tế")


@pytest.fixture
def desk_head(economy):
    """A desk head ("Trưởng ban") with the section "Kinh tế" assigned."""
    return make_desk_head("hung", economy, first_name="Hùng")


@pytest.fixture
def secretary(db):
    """The newsroom secretary ("Thư ký tòa soạn")."""
    return make_staff("thu", SECRETARIES, first_name="Thu")


@pytest.fixture
def editor_in_chief(db):
    """The editor-in-chief ("Tổng biên tập"): publishes, and takes down on order."""
    return make_staff("hai", EDITORS_IN_CHIEF, first_name="Hải")


@pytest.fixture(params=["many", "few"])
def owner_plan(request, monkeypatch):
    """Authors' and tags' lists read both ways (``ArticleOwner.listing``): as for an owner with many articles (the
    lists' index walked, each entry tested) and with few (the owner's own articles gathered and sorted)."""
    from articles.models import ArticleOwner

    monkeypatch.setattr(ArticleOwner, "MANY_ARTICLES", 1 if request.param == "many" else 10**9)
    return request.param
