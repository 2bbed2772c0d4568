"""A page cached before a deploy is never served after it (articles/pagecache/build.py): every key holds a
fingerprint of the code, templates and static files, and `migrate` renews the stamp. `make test` runs this file again
with the cache in Redis."""

import copy
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.template import engines

from articles import pagecache
from articles.pagecache import STAMP_KEY
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ORIGINAL_TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


@pytest.fixture
def templates(settings, tmp_path):
    """The site's templates, copied where a test may edit them, and the settings pointing at the copy."""
    copied = tmp_path / "templates"
    shutil.copytree(ORIGINAL_TEMPLATES, copied)
    engines_settings = copy.deepcopy(settings.TEMPLATES)
    for engine in engines_settings:
        engine["DIRS"] = [copied / Path(folder).relative_to(ORIGINAL_TEMPLATES) for folder in engine["DIRS"]]
    settings.TEMPLATES = engines_settings
    return copied


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def restart():
    """What a new worker process starts with: its own template engines and page cache rules (a new fingerprint)."""
    engines._engines = {}
    pagecache.local.forget()


def cached_text(client, url):
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_after_a_deploy_that_changes_a_template_readers_get_the_new_page_at_once(client, templates):
    """A page cached by the old build is not served by the new one, though no write renewed the stamp."""
    article = make_article()
    assert "Bỏ qua, đến nội dung chính" in cached_text(client, article.get_absolute_url())
    stamp = cache.get(STAMP_KEY)

    edit(templates / "jinja2" / "base.html", "Bỏ qua, đến nội dung chính", "Đến thẳng nội dung")
    restart()

    text = client.get(article.get_absolute_url()).content.decode()
    assert "Đến thẳng nội dung" in text and "Bỏ qua, đến nội dung chính" not in text
    assert cache.get(STAMP_KEY) == stamp  # nothing was invalidated: the key changed with the build


def test_a_restart_without_changes_keeps_the_cached_pages(client, templates, django_assert_num_queries):
    """The fingerprint is the files' contents: a worker restarted on the same build finds the pages already cached."""
    article = make_article()
    cached_text(client, article.get_absolute_url())
    restart()
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_with_debug_an_edited_template_shows_on_the_next_request(client, templates, settings):
    """In development (DEBUG: runserver and Jinja2 reload templates), an edit shows at once with the page cache on."""
    settings.PAGE_CACHE_WATCH_FILES = True
    for engine in settings.TEMPLATES:
        if engine["BACKEND"].endswith("Jinja2"):
            engine["OPTIONS"] = {**engine["OPTIONS"], "auto_reload": True}
    settings.TEMPLATES = copy.deepcopy(settings.TEMPLATES)  # the engines are made anew with auto_reload
    article = make_article()
    assert "Chia sẻ bài viết" in cached_text(client, article.get_absolute_url())

    edit(templates / "jinja2" / "articles" / "article_detail.html", "Chia sẻ bài viết", "Gửi bài cho bạn bè")

    assert "Gửi bài cho bạn bè" in client.get(article.get_absolute_url()).content.decode()


def test_migrate_makes_every_cached_page_stale(client):
    """A schema change under running workers: what `migrate` signals when it has run renews the stamp, so the next
    reader gets a fresh page."""
    article = make_article()
    cached_text(client, article.get_absolute_url())
    stamp = cache.get(STAMP_KEY)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert cache.get(STAMP_KEY) != stamp
