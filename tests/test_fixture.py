import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author
from articles.sanitize import clean_body, html_to_text

pytestmark = pytest.mark.django_db

# A byte-for-byte copy of the newspaper's seed file (shared/seed/), kept with the tests.
SEED = Path(__file__).resolve().parent / "data" / "000_cb3a0ecfc020ae02.txt"


def seed_blocks():
    """The seed's blank-line separated blocks, with no-break spaces and padding removed, in NFC."""
    text = unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8"))
    blocks = (block.replace("\u00a0", " ").strip() for block in text.split("\n\n"))
    return [block for block in blocks if block]


@pytest.fixture
def htx(settings):
    """`loaddata htx` on a fresh database, as `make run` does, with the committed placeholder photo in this test's
    media folder (where a fresh clone has it: media/fixtures/)."""
    shutil.copytree(Path(settings.BASE_DIR) / "media" / "fixtures", Path(settings.MEDIA_ROOT) / "fixtures")
    call_command("loaddata", "htx", verbosity=0)
    return Article.objects.select_related("author", "section").get(pk=1)


def test_htx_fixture_holds_the_seed_text_verbatim(htx):
    """The HTX article is the seed file: date, headline, lead, caption and credit, five paragraphs, byline."""
    date, headline, lead, photo, *rest = seed_blocks()
    *paragraphs, byline, share = rest
    assert share == "Chia sẻ bài viết"
    assert timezone.localtime(htx.published_at).strftime("%d/%m/%Y - %H:%M") == date
    assert htx.headline == headline
    assert htx.lead == lead
    assert f"{htx.image_caption} Ảnh: {htx.image_credit}." == photo
    assert len(paragraphs) == 5
    assert htx.body == "\n".join(f"<p>{p}</p>" for p in paragraphs)
    assert htx.author.name == byline == "THANH THY"


def test_htx_fixture_is_published_first_article(htx):
    """The fixture loads on a fresh database as primary key 1, published, with its section and photo."""
    assert htx.pk == 1
    assert list(Article.objects.published()) == [htx]
    assert htx.section.name == "Xây dựng Đảng"
    assert htx.image.name == "fixtures/htx-placeholder.jpg"


def test_htx_fixture_body_is_already_sanitised(htx):
    """loaddata skips Article.save(), so the fixture must hold a body the sanitiser leaves as it is."""
    assert clean_body(htx.body) == htx.body
    assert "Nguyễn Đức Phương" in html_to_text(htx.body)


def test_loading_htx_twice_changes_nothing(htx):
    """Loading the fixture again neither duplicates nor alters anything."""
    before = list(Article.objects.values()), list(Author.objects.values())
    call_command("loaddata", "htx", verbosity=0)
    assert (list(Article.objects.values()), list(Author.objects.values())) == before


def test_htx_placeholder_photo_is_committed():
    """The fixture's placeholder photo ships with the repository so the page renders its figure."""
    from django.conf import settings
    from PIL import Image

    photo = Path(settings.BASE_DIR) / "media" / "fixtures" / "htx-placeholder.jpg"
    with Image.open(photo) as image:
        assert image.size == (1200, 800)


def test_loading_htx_alone_gives_the_article_its_photo_everywhere(htx, client):
    """No other command after loaddata: the article page has the figure (caption, credit, width, height, srcset),
    og:image, the JSON-LD image, and the feed carries the photo as an enclosure."""
    page = client.get(htx.get_absolute_url()).content.decode()
    figure = page[page.index('<figure class="article-figure">') : page.index("</figure>")]
    assert re.search(r'<img src="/media/renditions/[^"]+\.jpg" srcset="[^"]+ 320w, [^"]+ 640w', figure)
    assert 'width="1200" height="800"' in figure
    assert htx.image_caption in figure and f"Ảnh: {htx.image_credit}" in figure
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)
    assert og_image.startswith("http://testserver/media/renditions/")
    json_ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert json_ld["image"][0]["url"] == og_image and json_ld["image"][0]["width"] == 1200
    feed = client.get("/feed/").content.decode()
    assert re.search(rf'<enclosure length="[1-9][0-9]*" type="image/jpeg" url="{re.escape(og_image)}"', feed)
