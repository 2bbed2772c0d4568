"""What Word pastes (U+000B for a manual line break, form feeds, other control characters) is cleaned on save, in one
place (articles/text.py ``clean_text``, applied to every text field of every model of the app), so no feed or sitemap
can be broken by a headline, a section's name or a caption."""

from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.db import models

from articles.models import Article, Author, Section
from articles.text import clean_text
from tests.factories import article_form_data, make_article, make_author, make_section

WORD_BREAK = "\x0b"  # what Word writes for a manual line break (Shift+Enter)


def strict_xml(client, url):
    """The document at `url`, parsed by a strict XML parser (expat refuses what XML 1.0 forbids)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return ElementTree.fromstring(response.content)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"Dòng một{WORD_BREAK}dòng hai", "Dòng một dòng hai"),
        ("Trang\x0cmới", "Trang mới"),
        ("NUL\x00và\x1fđơn vị\x7fxoá\x85C1", "NUL và đơn vị xoá C1"),
        ("Tab\tvà\r\nxuống dòng\rcũ", "Tab\tvà\nxuống dòng\ncũ"),
        ("Tie\u0302\u0301u \u0111e\u0302\u0300", "Tiếu đề"),  # NFD, as macOS pastes, becomes NFC
        ("lone \ud800 surrogate \ufffe", "lone   surrogate  "),
    ],
)
def test_clean_text_keeps_words_apart_and_drops_what_is_not_text(typed, stored):
    """Controls become spaces (two words stay two words), tab and newline stay, CR and CRLF become a newline,
    surrogates and noncharacters go, and the text is NFC; cleaning twice changes nothing more."""
    assert clean_text(typed) == stored
    assert clean_text(stored) == stored


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/sections/thoi-su/feed/", "/sections/thoi-su/feed/atom/"])
def test_a_headline_pasted_from_word_keeps_every_feed_valid(client, url):
    """A headline with Word's line break, among the newest, leaves RSS and Atom (site and section) valid XML with the
    headline readable."""
    make_article(headline=f"Cần Thơ{WORD_BREAK}đẩy mạnh kinh tế", section=make_section("Thời sự"))
    document = strict_xml(client, url)
    assert "Cần Thơ đẩy mạnh kinh tế" in ElementTree.tostring(document, encoding="unicode")


@pytest.mark.django_db
def test_a_section_named_with_a_control_character_keeps_its_feeds_and_sitemaps_valid(client):
    """A section's name with a control character breaks neither its feeds nor the sitemaps."""
    section = make_section(f"Thời{WORD_BREAK}sự")
    assert section.name == "Thời sự"
    make_article(headline=f"Tin{WORD_BREAK}nóng", section=section)
    for url in (f"/sections/{section.slug}/feed/", f"/sections/{section.slug}/feed/atom/"):
        strict_xml(client, url)
    news = strict_xml(client, "/sitemap-news.xml")
    assert "Tin nóng" in ElementTree.tostring(news, encoding="unicode")
    for name in ("articles", "sections", "authors"):
        strict_xml(client, f"/sitemap-{name}.xml")


@pytest.mark.django_db
def test_every_text_field_typed_in_the_admin_is_stored_and_shown_clean(editor_client):
    """Headline, lead, body, caption, credit and alt text posted with control characters are stored clean, and the
    form shown after saving holds the clean text."""
    author = make_author()
    typed = {
        name: f"Chữ{WORD_BREAK}của\x01{name}"
        for name in ("headline", "lead", "image_caption", "image_credit", "image_alt")
    }
    data = article_form_data(author=author.pk, body=f"<p>Đoạn{WORD_BREAK}một\x08</p>", **typed)
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    for name in typed:
        assert getattr(article, name) == f"Chữ của {name}", name
    assert article.body == "<p>Đoạn một </p>"
    form = editor_client.get(f"/admin/articles/article/{article.pk}/change/").context["adminform"].form
    assert form.initial["headline"] == "Chữ của headline"


@pytest.mark.django_db
def test_authors_and_sections_are_cleaned_whoever_saves_them():
    """The shell, the importer and the admin all save through the same rule: names of authors and sections too."""
    assert make_author(f"THANH{WORD_BREAK}THY").name == "THANH THY"
    section = Section(name="Kinh\x0ctế")
    section.save()
    section.refresh_from_db()
    assert section.name == "Kinh tế"
    author = Author.objects.get()
    Author.objects.filter(pk=author.pk).update(name="X\x0bY")  # an update() skips save(): nothing cleans that
    author.refresh_from_db()
    author.save()
    author.refresh_from_db()
    assert author.name == "X Y"  # the next save does


def test_every_text_field_of_every_model_of_the_app_is_cleaned_on_save():
    """Each model of the app, later ones included, gets the rule: an unsaved instance of each, run through the
    pre_save receivers, comes out with clean text in every char and text field."""
    from django.db.models.signals import pre_save

    for model in apps.get_app_config("articles").get_models():
        instance = model()
        text_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        for field in text_fields:
            setattr(instance, field.attname, f"a{WORD_BREAK}b")
        pre_save.send(sender=model, instance=instance, raw=False, using="default", update_fields=None)
        for field in text_fields:
            assert getattr(instance, field.attname) == "a b", (model.__name__, field.name)


@pytest.mark.django_db
def test_a_nul_typed_in_the_admin_is_refused_in_vietnamese(editor_client):
    """NUL, the one character a form refuses rather than cleans (Django's rule), is refused with a Vietnamese message
    and nothing is saved."""
    data = article_form_data(author=make_author().pk, headline="Tiêu\x00đề")
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["headline"]
    assert error.startswith("Không nhận ký tự rỗng (NUL, U+0000)")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_section_name_taken_once_cleaned_is_refused_on_the_form(admin_client):
    """A name that differs from an existing section's only by what cleaning turns into a space is that name: the form
    says it is taken, in Vietnamese, instead of failing in the database."""
    make_section("Thời sự")
    response = admin_client.post("/admin/articles/section/add/", {"name": f"Thời{WORD_BREAK}sự", "position": 0})
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["name"]
    assert "đã tồn tại" in error
    assert Section.objects.count() == 1
