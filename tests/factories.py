"""Helpers that make what tests need: articles, people, photos and the admin form as a browser posts it.

Plain functions, imported by the tests (`from tests.factories import make_article`); conftest.py holds fixtures only.
Every article is written through `Article.save()`, as the admin and the importer write them.
"""

import http.client
import io
import struct
import threading
import time
import zlib
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles import fields
from articles.forms import DESK_BUTTON, OPENED_STAGE
from articles.models import Article, Author, DeskStage, Section, Tag, Thread
from articles.workflow import DESK_HEADS


def make_author(name="THANH THY", **overrides):
    return Author.objects.create(name=name, **overrides)


def make_section(name="Xây dựng Đảng", **overrides):
    return Section.objects.create(name=name, **overrides)


def make_tag(name="Cần Thơ", **overrides):
    return Tag.objects.create(name=name, **overrides)


def make_thread(name="Mùa nước nổi", **overrides):
    return Thread.objects.create(name=name, **overrides)


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def tagged(article, *tags):
    """`article` with `tags`, in this order (the first the primary one), as the admin gives them."""
    article.set_tags(tags)
    return article


def make_article(**overrides):
    """A published article one hour old unless overridden."""
    values = {
        "headline": "Cần Thơ đẩy mạnh kinh tế tập thể",
        "lead": "Liên minh HTX thành phố hỗ trợ các hợp tác xã.",
        "body": "<p>Nội dung bài viết.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    values.update(overrides)
    if "author" not in values:
        values["author"] = Author.objects.first() or make_author()
    return Article.objects.create(**values)


def image_bytes(fmt="JPEG", size=(640, 400), color=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def blank_png(width, height):
    """A valid one-colour 1-bit PNG of any size, compressed a block of rows at a time so neither the test nor the file
    gets big."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + packed bits
    per_block = max(1, 1_000_000 // len(row))
    blocks, rest = divmod(height, per_block)
    block = row * per_block
    idat = b"".join(compressor.compress(block) for _ in range(blocks)) + compressor.compress(row * rest)
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def uploaded_image(name="anh.jpg", fmt="JPEG", size=(640, 400)):
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=f"image/{fmt.lower()}")


def make_staff(username, group, **values):
    """A staff user whose rights come only from a workflow group (`articles.workflow.REPORTERS` or `EDITORS`)."""
    user = User.objects.create_user(username, password="pw", is_staff=True, **values)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_desk_head(username, *sections, **values):
    """A desk head ("Trưởng ban", by group alone) with `sections` assigned."""
    user = make_staff(username, DESK_HEADS, **values)
    for section in sections:
        section.desk_heads.add(user)
    return user


def stage(name):
    """A desk stage by its name (the defaults: "Nháp", "Chờ ban biên tập", "Chờ duyệt", "Đã duyệt")."""
    return DeskStage.objects.get(name=name)


def at_stage(name, waited=timedelta(hours=1), **overrides):
    """A draft waiting at the desk stage `name` for `waited`."""
    since = timezone.now() - waited
    return make_article(status=Article.Status.DRAFT, stage=stage(name), stage_since=since, **overrides)


def desk_move_data(article, move, **overrides):
    """The article form posted with a desk button pressed: everything as it is, the move, the stage the page showed."""
    return article_form_data(article, **{DESK_BUTTON: move, OPENED_STAGE: article.stage_id or "", **overrides})


def logged_in(user):
    """A client of its own logged in as `user`, so one test can hold several people's sessions."""
    client = Client()
    client.force_login(user)
    return client


def article_form_data(article=None, **overrides):
    """The admin article form as a browser posts it: every field of `articles.fields.FORM` with `article`'s current
    values and version, or those of a new draft."""
    source = article or Article(
        headline="Bài mới của tòa soạn",
        lead="Sapo bài mới.",
        body="<p>Nội dung bài mới.</p>",
        author=Author.objects.first() or make_author(),
        published_at=timezone.now(),
    )
    data = {}
    for name in fields.FORM:
        field = Article._meta.get_field(name)
        value = getattr(source, field.attname)
        if field.get_internal_type() == "DateTimeField":
            local = timezone.localtime(value) if value else None
            parts = {"0": local.strftime("%d/%m/%Y") if local else "", "1": local.strftime("%H:%M:%S") if local else ""}
            data.update({f"{name}_{part}": text for part, text in parts.items()})
            if callable(field.default):  # Django's form carries what it showed, to tell whether it was changed
                data.update({f"initial-{name}_{part}": text for part, text in parts.items()})
        elif name not in fields.files():  # a file input posts nothing unless a new file is chosen
            data[name] = "" if value is None else value
    if article is not None:
        data["opened_version"] = article.version
    data.update(overrides)
    return data


def in_thread(target, *args):
    """Run `target(*args)` in a thread of its own (its own database connection, closed at its end); return the
    started thread."""

    def body():
        try:
            target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def a_session_waits_on_a_lock(timeout=10):
    """Whether, within `timeout` seconds, another PostgreSQL session of this database is waiting on a lock (the race
    a concurrency test means to prove, not two calls that merely ran one after the other)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


def cache_entries(settings):
    """How many entries the cache holds (the file cache's files; Redis: this test's keys)."""
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        return len(cache.keys("*"))
    return sum(1 for path in Path(settings.CACHES["default"]["LOCATION"]).iterdir() if path.suffix == ".djcache")


# The edge tests (tests/edge/): HTTP as browsers and editors send it, to the processes bench/edge.py starts, and the
# site's database reached through a shell process on it (bench.edge.Shell), since it is not the test database.

# The csrftoken cookie an editor's requests carry: Django takes any 32 letters and digits, sent back in the form.
CSRF_SECRET = "edgetests0csrf0secret00000000000"


class Answer(NamedTuple):
    status: int
    headers: dict  # names in lower case
    text: str


def fetch_url(url, method="GET", form=None, cookies=None, headers=None, source=None):
    """One request, redirects not followed; from the address `source` (this machine has all of 127.0.0.0/8)."""
    parts = urlsplit(url)
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, sent)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    finally:
        connection.close()
    return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, text)


class EdgeSite:
    """A `bench.edge.Site` (Varnish in front of app instances) with a shell on its database: what the edge tests do."""

    ADMIN = "/admin/articles/article/"

    def __init__(self, site, shell):
        self.site, self.shell = site, shell
        self._editor = None

    def get(self, path, **kwargs):
        """A request through Varnish."""
        return fetch_url(self.site.url(path), **kwargs)

    def warm(self, path):
        """GET `path` through Varnish until Varnish answers it from its cache; its text."""
        for _ in range(3):
            answer = self.get(path)
            if answer.headers.get("x-cache") == "hit":
                return answer.text
        raise AssertionError(f"{path} is not cached: {answer.status} {answer.headers}")

    def make_article(self, headline, section=None, **values):
        """A published article (unless `values` say otherwise) in the section named `section`: its id, URL, headline.
        Times are given in seconds from now (`published_in`, `unpublished_in`)."""
        return self.shell.run(
            "from datetime import timedelta\n"
            "from django.utils import timezone\n"
            "from articles.models import Section\n"
            "from tests.factories import make_article\n"
            f"values = {values!r}\n"
            "for name, field in (('published_in', 'published_at'), ('unpublished_in', 'unpublish_at')):\n"
            "    if name in values:\n"
            "        values[field] = timezone.now() + timedelta(seconds=values.pop(name))\n"
            f"section = Section.objects.get_or_create(name={section!r})[0] if {section!r} else None\n"
            f"article = make_article(headline={headline!r}, section=section, **values)\n"
            "result = {'pk': article.pk, 'url': article.get_absolute_url(), 'headline': article.headline}\n"
        )

    @property
    def editor(self):
        """The cookies of an editor logged in (a superuser's session, in the shared database)."""
        if self._editor is None:
            session = self.shell.run(
                "from django.contrib.auth.models import User\n"
                "from django.test import Client\n"
                "user = User.objects.filter(username='bientap').first()\n"
                "user = user or User.objects.create_superuser('bientap', password='edge-tests')\n"
                "client = Client()\n"
                "client.force_login(user)\n"
                "result = client.cookies['sessionid'].value\n"
            )
            self._editor = {"sessionid": session, "csrftoken": CSRF_SECRET}
        return self._editor

    def save_in_admin(self, instance, pk, **changes):
        """The editor saves article `pk`'s change form with `changes` on app instance `instance` (not through Varnish);
        the answer, a redirect when saved."""
        form = self.shell.run(
            "from articles.models import Article\n"
            "from tests.factories import article_form_data\n"
            f"result = article_form_data(Article.objects.get(pk={pk}), **{changes!r})\n"
        )
        return self.admin_post(instance, f"{self.ADMIN}{pk}/change/", form)

    def admin_post(self, instance, path, form):
        return fetch_url(
            self.site.app_url(instance, path), "POST", {**form, "csrfmiddlewaretoken": CSRF_SECRET}, self.editor
        )

    def pending_purges(self):
        return self.shell.run("from articles.models import PendingPurge\nresult = PendingPurge.objects.count()")

    def until(self, condition, seconds, what):
        """Wait until `condition()` is true (at most `seconds`); how long it took."""
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > seconds:
                raise AssertionError(f"not within {seconds} s: {what}")
            time.sleep(0.05)
        return time.monotonic() - started
