import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.factories import make_article, make_author, make_section, uploaded_image

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """What a crawler or a social network reads from a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title, self.h1 = {}, {}, [], "", ""
        self.scripts = []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name")] = attrs["content"]
        elif tag == "link" and attrs.get("rel") in ("canonical", "prev", "next"):
            self.links[attrs["rel"]] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self.scripts.append(attrs)
            self._in = "json_ld"
        elif tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "json_ld":
            self.json_ld.append(json.loads(data))
        elif self._in in ("title", "h1"):
            setattr(self, self._in, getattr(self, self._in) + data)


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def article():
    return make_article(
        headline="Nêu cao tinh thần trách nhiệm",
        lead="Chi bộ Liên minh HTX TP Cần Thơ đã tham mưu Thành ủy nâng cao hiệu quả hoạt động của các HTX.",
        author=make_author("THANH THY"),
        section=make_section("Xây dựng Đảng"),
        image=uploaded_image(size=(1600, 1000)),
        image_alt="Gian hàng hợp tác xã",
        published_at=timezone.make_aware(timezone.datetime(2020, 2, 17, 9, 44)),
    )


def test_article_page_has_title_description_and_canonical(client, article):
    """The title is the headline and the site, the description the lead, the canonical URL absolute."""
    page = head(client, article.get_absolute_url())
    assert page.title == "Nêu cao tinh thần trách nhiệm — Newsroom"
    assert page.meta["description"] == article.lead
    assert page.links["canonical"] == f"http://testserver{article.get_absolute_url()}"


def test_article_page_has_open_graph_and_twitter_card(client, article):
    """Facebook and Zalo read headline, lead, absolute photo with its size, times, author and section."""
    meta = head(client, article.get_absolute_url()).meta
    url = f"http://testserver{article.get_absolute_url()}"
    assert meta["og:type"] == "article"
    assert meta["og:title"] == article.headline
    assert meta["og:description"] == article.lead
    assert meta["og:url"] == url
    assert meta["og:site_name"] == "Newsroom" and meta["og:locale"] == "vi_VN"
    assert meta["og:image"] == f"http://testserver{article.photo.largest.url}"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1280", "800")
    assert meta["og:image:type"] == "image/jpeg" and meta["og:image:alt"] == "Gian hàng hợp tác xã"
    assert meta["article:published_time"] == "2020-02-17T09:44:00+07:00"
    assert meta["article:modified_time"] == timezone.localtime(article.updated_at).isoformat(timespec="seconds")
    assert meta["article:author"] == "http://testserver/authors/thanh-thy/"
    assert meta["article:section"] == "Xây dựng Đảng"
    assert meta["twitter:card"] == "summary_large_image"


def test_json_ld_is_a_news_article_that_matches_the_page(client, article):
    """The NewsArticle JSON-LD parses and says what the page says: headline, lead, photo, dates, author, publisher."""
    page = head(client, article.get_absolute_url())
    (data,) = page.json_ld
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == page.h1.strip() == article.headline
    assert data["description"] == page.meta["description"]
    assert data["image"][0]["url"] == page.meta["og:image"]
    assert (data["image"][0]["width"], data["image"][0]["height"]) == (1280, 800)
    assert data["datePublished"] == page.meta["article:published_time"]
    assert data["dateModified"] == page.meta["article:modified_time"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page.links["canonical"]}
    assert data["author"] == [{"@type": "Person", "name": "THANH THY", "url": "http://testserver/authors/thanh-thy/"}]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "Newsroom"
    assert publisher["logo"]["url"].startswith("http://testserver/static/") and publisher["logo"]["width"] == 112
    assert data["articleSection"] == "Xây dựng Đảng" and data["inLanguage"] == "vi"


def test_json_ld_survives_a_hostile_headline(client):
    """A headline holding </script> or <!-- cannot end the JSON-LD element; the JSON still reads back the same."""
    hostile = 'Tin </script><script>alert(1)</script> <!-- & "trích dẫn"'
    article = make_article(headline=hostile, lead="Sapo </SCRIPT> cũng vậy.")
    html = client.get(article.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json"')
    element = html[start : html.index("</script>", start)]
    assert "<" not in element[element.index(">") + 1 :]
    (data,) = Head(html).json_ld
    assert data["headline"] == hostile and data["description"] == "Sapo </SCRIPT> cũng vậy."
    assert "<script>alert(1)" not in html


def test_json_ld_is_a_data_block_that_needs_no_csp_nonce(client, article):
    """The JSON-LD element is a data block (application/ld+json): browsers never run it, so the policy's script-src
    does not apply. It carries no nonce, so the page and its policy are the same for every reader (cacheable)."""
    response = client.get(article.get_absolute_url())
    (attrs,) = Head(response.content.decode()).scripts
    assert attrs == {"type": "application/ld+json"}
    assert "nonce" not in response.headers.get("Content-Security-Policy", "")


def test_article_without_photo_or_section_leaves_those_tags_out(client):
    """No photo: no og:image and no image in JSON-LD; no section: no article:section."""
    article = make_article()
    page = head(client, article.get_absolute_url())
    assert "og:image" not in page.meta and "article:section" not in page.meta
    assert "image" not in page.json_ld[0] and "articleSection" not in page.json_ld[0]


def test_list_pages_have_titles_and_canonical_urls_with_page(client):
    """Home, section and author pages: their own title; canonical is absolute, ?page=N past page 1, with rel
    prev/next between pages; other query parameters (a share's utm_source) are dropped."""
    section, author = make_section("Kinh tế"), make_author("MINH ANH")
    now = timezone.now()
    for i in range(45):
        make_article(headline=f"Bài {i}", section=section, author=author, published_at=now - timedelta(minutes=i))
    for base, title in (
        ("/", "Tin mới nhất"),
        ("/sections/kinh-te/", "Kinh tế"),
        ("/authors/minh-anh/", "Bài viết của MINH ANH"),
    ):
        first, second, last = (head(client, f"{base}?{page}utm_source=zalo") for page in ("", "page=2&", "page=3&"))
        assert first.title == f"{title} — Newsroom"
        assert second.title == f"{title} — Trang 2 — Newsroom"
        assert first.links == {"canonical": f"http://testserver{base}", "next": f"http://testserver{base}?page=2"}
        assert second.links == {
            "canonical": f"http://testserver{base}?page=2",
            "prev": f"http://testserver{base}",
            "next": f"http://testserver{base}?page=3",
        }
        assert last.links == {"canonical": f"http://testserver{base}?page=3", "prev": f"http://testserver{base}?page=2"}


def test_section_and_author_descriptions_name_them(client):
    """A section's page description names the section; an author's names the author."""
    make_article(section=make_section("Kinh tế"), author=make_author("MINH ANH"))
    assert "Kinh tế" in head(client, "/sections/kinh-te/").meta["description"]
    assert "MINH ANH" in head(client, "/authors/minh-anh/").meta["description"]


def test_a_long_lead_is_cut_at_a_word_for_the_description(client):
    """Search engines show about 160 characters: a longer lead is cut at a word boundary and ends with "…"; Open
    Graph gets up to 300."""
    words = "Hợp tác xã nông nghiệp Cần Thơ mở rộng sản xuất lúa chất lượng cao"
    lead = " ".join([words] * 8)
    page = head(client, make_article(lead=lead).get_absolute_url())
    for name, limit in (("description", 160), ("og:description", 300)):
        shown = page.meta[name]
        assert len(shown) <= limit and shown.endswith("…"), name
        kept = shown.removesuffix("…")
        assert lead.startswith(kept) and lead[len(kept)] == " ", name
