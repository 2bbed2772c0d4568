"""Helpers that make what tests need: articles, people, photos and the admin form as a browser posts it.

Plain functions, imported by the tests (`from tests.factories import make_article`); conftest.py holds fixtures only.
Every article is written through `Article.save()`, as the admin and the importer write them.
"""

import io
import threading
import time
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles import fields
from articles.forms import DESK_BUTTON, OPENED_STAGE
from articles.models import Article, Author, DeskStage, Section
from articles.workflow import DESK_HEADS


def make_author(name="THANH THY", **overrides):
    return Author.objects.create(name=name, **overrides)


def make_section(name="Xây dựng Đảng", **overrides):
    return Section.objects.create(name=name, **overrides)


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
