"""The article's fields are declared once (articles/fields.py): every model field is in a group, and every screen and
process that takes fields covers the set the declaration gives it. A field added to the model but not declared, or a
consumer with a list of its own, fails here with the field's name."""

import copy
import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.utils import timezone

from articles import fields, revisions
from articles.forms import AutosaveForm
from articles.lists import CardList
from articles.models import Article, Section, Thread
from articles.preview import ArticlePreviewView
from tests.factories import article_form_data, make_article, make_author, make_section, make_thread, uploaded_image

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
SCRIPT = Path(settings.BASE_DIR) / "articles" / "static" / "articles" / "js" / "article_form.js"


def model_fields(attname=False):
    return {field.attname if attname else field.name for field in Article._meta.get_fields() if field.concrete}


def test_every_model_field_is_declared_in_exactly_one_place():
    """A field of Article is in the form's groups, or derived, linked or bookkeeping: never nowhere, never twice."""
    declared = [*fields.FORM, *fields.DERIVED, *fields.LINKED, *fields.BOOKKEEPING]
    undeclared = model_fields() - set(declared)
    assert not undeclared, f"declare these in articles/fields.py: {sorted(undeclared)}"
    assert not set(declared) - model_fields(), "articles/fields.py names fields the model does not have"
    twice = {name for name in declared if declared.count(name) > 1}
    assert not twice, f"declared twice in articles/fields.py: {sorted(twice)}"
    for subset in (fields.PUBLISHING, fields.CARD, fields.SUMMARY, fields.PLACEMENT):
        assert set(subset) <= model_fields()
    # What Article.save() reads before writing (`stored`: the form's fields) holds what the edge compares.
    assert set(fields.PLACEMENT) <= set(fields.FORM)


def test_the_admin_form_shows_every_declared_field_in_its_group(editor_client):
    """The add and change forms have an input for every declared field (the linked ones too), under the groups'
    headings in their order; the change form adds the read-only record of who wrote it."""
    article = make_article()
    for url, extra in ((f"{LIST_URL}add/", []), (f"{LIST_URL}{article.pk}/change/", ["Lưu vết"])):
        html = editor_client.get(url).content.decode()
        for name in (*fields.FORM, *fields.LINKED):
            assert re.search(rf'name="{name}(_0)?"', html), f"{url} has no input for {name}"
        headings = re.findall(r'<h2 [^>]*class="fieldset-heading">([^<]+)</h2>', html)
        assert headings == [title for title, _ in fields.GROUPS] + extra


def test_autosave_covers_the_typed_text_on_the_server_and_in_the_browser(editor_client):
    """The server's autosave form takes exactly the typed text, and the page hands the same list to the browser's
    script, which keeps no list of its own."""
    assert list(AutosaveForm().fields) == list(fields.typed())
    html = editor_client.get(f"{LIST_URL}add/").content.decode()
    listed = re.search(r'<script id="autosave-fields" type="application/json">(.*?)</script>', html).group(1)
    assert json.loads(listed) == list(fields.typed())
    script = SCRIPT.read_text(encoding="utf-8")
    assert not [name for name in fields.FORM if f'"{name}"' in script], "article_form.js lists fields of its own"


@pytest.mark.parametrize("name", fields.typed())
def test_each_typed_field_is_autosaved_offered_back_and_restored(editor_client, name):
    """Whatever text field is typed, the autosave keeps it, the reopened form shows the difference under the field's
    label, and restoring fills the form with it."""
    article = make_article()
    typed = {field: getattr(article, field) for field in fields.typed()}
    typed[name] = f"Chữ mới cho {name}"
    assert editor_client.post(f"{LIST_URL}{article.pk}/tu-luu/", typed).status_code == 200
    label = str(Article._meta.get_field(name).verbose_name).capitalize()
    assert f'<th scope="row">{label}</th>' in editor_client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    restored = editor_client.get(f"{LIST_URL}{article.pk}/change/?tu-luu=khoi-phuc").content.decode()
    assert f"Chữ mới cho {name}" in restored


def different(article, name):
    """A value of field `name` that `article` does not have."""
    field = Article._meta.get_field(name)
    if name == "slug":
        return "duong-dan-khac"
    if name == "author":
        return make_author("NGƯỜI KHÁC")
    if name == "section":
        return Section.objects.create(name=f"Chuyên mục khác {Section.objects.count()}")
    if name == "thread":
        return make_thread(f"Dòng sự kiện khác {Thread.objects.count()}")
    if field.choices:
        return next(value for value, _ in field.choices if value != getattr(article, name))
    if isinstance(field, models.FileField):
        return uploaded_image(name="khac.jpg", size=(300, 200))
    if isinstance(field, models.DateTimeField):
        return (getattr(article, name) or timezone.now()) + datetime.timedelta(days=3)
    return f"<p>Khác: {name}</p>" if name == "body" else f"Khác: {name}"


def test_preview_takes_every_previewed_field_from_the_typed_form(editor, rf):
    """ "Xem trước" puts every declared field but the upload onto the unsaved article, for someone who may publish."""
    article = make_article(status=Article.Status.DRAFT)
    typed = {}
    for name in fields.previewed():
        value = different(article, name)
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            typed.update({f"{name}_0": local.strftime("%d/%m/%Y"), f"{name}_1": local.strftime("%H:%M:%S")})
        else:
            typed[name] = getattr(value, "pk", value)
    view = ArticlePreviewView()
    view.request = rf.post("/", article_form_data(article, **typed))
    view.request.user = editor
    unsaved = Article.objects.get(pk=article.pk)
    view.take_typed(unsaved)
    for name in fields.previewed():
        field = Article._meta.get_field(name)
        assert getattr(unsaved, field.attname) != getattr(article, field.attname), f"preview ignores {name}"


def test_revision_diffs_show_every_form_field(editor):
    """A change of any declared field shows in the comparison of two revisions, under the field's label."""
    article = make_article(image=uploaded_image(), section=make_section())
    for name in fields.FORM:
        changed = copy.copy(article)
        setattr(changed, name, different(article, name))
        label = str(Article._meta.get_field(name).verbose_name).capitalize()
        assert label in [row["label"] for row in revisions.changes(article, changed)], f"no diff for {name}"


def test_restoring_a_revision_brings_back_every_restored_field(editor):
    """Restoring an old revision brings back every declared field but the slug (the URL stays)."""
    article = make_article(image=uploaded_image(), section=make_section(), status=Article.Status.DRAFT)
    version = revisions.versions_of(article.pk).first()
    original = {name: getattr(article, Article._meta.get_field(name).attname) for name in fields.FORM}
    current = Article.objects.get(pk=article.pk)
    for name in fields.FORM:
        setattr(current, name, different(current, name))
    current.save()
    restored = revisions.restore(Article.objects.get(pk=article.pk), version, editor)
    for name in fields.restored():
        value = getattr(restored, Article._meta.get_field(name).attname)
        if isinstance(value, datetime.datetime):  # revisions keep times to the millisecond
            value, original[name] = value.replace(microsecond=0), original[name].replace(microsecond=0)
        assert value == original[name], f"restore left {name} as it was"
    assert restored.slug == "duong-dan-khac"


def test_a_list_loads_the_card_fields_and_nothing_else():
    """Cards print what fields.CARD names: every other column stays in the database."""
    make_article()
    [card] = CardList().page(0, 20)
    loaded = model_fields(attname=True) - card.get_deferred_fields() - {"id", *fields.LINKED}
    assert loaded == {Article._meta.get_field(name).attname for name in fields.CARD}


def test_the_tests_form_helper_posts_every_form_field():
    """tests/factories.article_form_data posts a value for every declared field (dates in two parts, no file)."""
    data = article_form_data(make_article())
    for name in fields.FORM:
        if name in fields.files():
            continue
        assert name in data or f"{name}_0" in data, f"article_form_data leaves out {name}"
