import unicodedata

import pytest

from articles.models import Article, Author, Section
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def test_articles_with_the_same_headline_get_numbered_slugs():
    """A clash gets -2, -3, … so every article keeps its own URL."""
    slugs = [make_article(headline="Đức Phương thăm HTX").slug for _ in range(3)]
    assert slugs == ["duc-phuong-tham-htx", "duc-phuong-tham-htx-2", "duc-phuong-tham-htx-3"]


def test_nfd_headline_gets_the_same_slug_as_nfc():
    """A headline pasted in decomposed Unicode gives the same slug as one typed composed."""
    nfd = make_article(headline=unicodedata.normalize("NFD", "Nêu cao tinh thần trách nhiệm"))
    assert nfd.slug == "neu-cao-tinh-than-trach-nhiem"


def test_published_article_keeps_its_slug_when_the_headline_changes():
    """Links already shared keep working: editing the headline does not move the article."""
    article = make_article(headline="Tin ban đầu")
    article.headline = "Tin đã cập nhật"
    article.save()
    article.refresh_from_db()
    assert article.slug == "tin-ban-dau"


def test_headline_of_only_punctuation_still_gets_a_slug():
    """An article always has a usable URL."""
    assert make_article(headline="!!! ???").slug == "bai-viet"


def test_body_is_sanitised_on_every_save_from_code():
    """Saving from the shell or an import strips script and event handlers just like the admin."""
    article = make_article(body='<p onclick="x()">Chào</p><script>alert(1)</script><a href="javascript:x">y</a>')
    article.refresh_from_db()
    assert article.body == '<p>Chào</p><a rel="noopener">y</a>'


def test_authors_and_sections_get_vietnamese_slugs():
    """Author and section URLs fold Vietnamese the same way as articles."""
    assert make_author("Đặng Thị Ánh").slug == "dang-thi-anh"
    assert Section.objects.create(name="Xây dựng Đảng").slug == "xay-dung-dang"


def test_author_with_articles_cannot_be_deleted():
    """Deleting a byline never deletes the articles that carry it."""
    from django.db.models import ProtectedError

    article = make_article()
    with pytest.raises(ProtectedError):
        Author.objects.get(pk=article.author_id).delete()
    assert Article.objects.filter(pk=article.pk).exists()
