"""The classes of the outside probe, tested broadly with Hypothesis: any text in any text field (controls, format
characters, right-to-left marks, lone combining marks, very long strings, surrogates where Python allows) breaks no
public surface and makes nothing active; junk in any query parameter of any public URL or in the admin's initial values
is never a server error, and the page cache stores nothing but pages under their one URL. Bounded (a few dozen
examples each) so the file runs in well under a minute."""

import contextlib
import json
from html.parser import HTMLParser
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import pagecache
from articles.models import Article, Author, Section
from articles.pagecache.policy import CACHED_VIEWS, canonical
from tests.factories import article_form_data, make_article

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no example database written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What Word, other sites and other scripts paste: controls (U+000B above all), format characters, bidi marks and
# isolates, lone combining marks, no-break and zero-width spaces, the noncharacters; and any other character.
PASTED = (
    "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\u00a0\u00ad\u0301\u0323\u034f\u200b\u200d\u200e\u200f"
    "\u202e\u2066\u2069\ufeff\ufffe\uffff\U000e0001"
)
# Markup a reader's browser or a feed reader must never run, whatever field it is typed into.
ATOM = "http://www.w3.org/2005/Atom"
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>\"'&"


def typed(max_size, surrogates=False):
    """Text someone could type or paste into a field of `max_size` characters, never blank (it starts with a letter)
    and ending in HOSTILE; with `surrogates`, lone surrogates too (only Python can make those: a browser cannot send
    them)."""
    exclude = () if surrogates else ("Cs",)
    character = st.one_of(st.sampled_from(PASTED), st.characters(exclude_categories=exclude))
    room = max_size - len(HOSTILE) - 1
    return st.text(character, max_size=room).map(lambda text: f"A{text}{HOSTILE}")


FIELDS = {
    "headline": 255,
    "lead": 600,
    "image_caption": 500,
    "image_credit": 200,
    "image_alt": 255,
}


class Page(HTMLParser):
    """What a browser would run from a page: inline scripts (the JSON-LD data block aside), event handlers,
    javascript: URLs."""

    def __init__(self, html):
        super().__init__()
        self.active, self.json_ld, self._in_json = [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json = True
        elif tag == "script" and "src" not in attributes:
            self.active.append(("inline script", attrs))
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.active.append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld.append(json.loads(data))


def page(client, url):
    """The HTML page at `url`: 200, nothing in it that runs."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parsed = Page(response.content.decode())
    assert parsed.active == [], url
    return parsed


def xml(client, url):
    """The XML document at `url`: 200, well-formed for a strict parser."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return ElementTree.fromstring(response.content)


def every_public_surface_holds(client, article):
    """Every page that shows `article`, its section and its author: no error, valid XML and JSON, nothing active."""
    article.refresh_from_db()
    section, author = article.section, article.author
    (json_ld,) = page(client, article.get_absolute_url()).json_ld
    assert json_ld["headline"] == article.headline and json_ld["description"] == article.lead
    for url in ("/", section.get_absolute_url(), author.get_absolute_url(), "/search/?q=" + article.headline[:40]):
        page(client, url)
    for url in ("/feed/", "/feed/atom/", f"/sections/{section.slug}/feed/", f"/sections/{section.slug}/feed/atom/"):
        document = xml(client, url)
        # What feed readers render as HTML: RSS's titles and descriptions, Atom's summary (its titles are text).
        as_html = "title", "description", f"{{{ATOM}}}summary"
        for node in document.iter():
            if node.tag in as_html:
                assert "<" not in (node.text or ""), (url, node.tag, node.text)
    page(client, "/corrections/")
    for url in (
        "/corrections/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/sitemap-authors.xml",
    ):
        xml(client, url)
    news = ElementTree.tostring(xml(client, "/sitemap-news.xml"), encoding="unicode")
    assert ElementTree.fromstring(news) is not None


@contextlib.contextmanager
def rolled_back():
    """Each example starts from the same database: what it wrote is rolled back at its end."""

    class Rollback(Exception):
        pass

    with contextlib.suppress(Rollback), transaction.atomic():
        yield
        raise Rollback


@BOUNDED
@given(
    texts=st.fixed_dictionaries({name: typed(size) for name, size in FIELDS.items()}),
    names=st.tuples(typed(80), typed(120)),
    body=typed(600),
)
def test_any_text_typed_in_the_admin_breaks_no_public_surface(admin_client, client, texts, names, body):
    """Any text in every text field of a section, an author and an article, saved through the admin's forms, leaves
    every public surface and the admin's list working, valid and inert; or the form refuses it in Vietnamese."""
    with rolled_back():
        section_name, author_name = names
        for model, data in (("section", {"name": section_name, "position": 0}), ("author", {"name": author_name})):
            response = admin_client.post(f"/admin/articles/{model}/add/", data)
            assert response.status_code in (200, 302), (model, response.status_code)
        section, author = Section.objects.order_by("-pk").first(), Author.objects.order_by("-pk").first()
        if section is None or author is None:  # refused (NUL): the form said so, and nothing was saved
            return
        data = article_form_data(
            **texts, body=f"<p>{body}</p>", author=author.pk, section=section.pk, status=Article.Status.PUBLISHED
        )
        response = admin_client.post("/admin/articles/article/add/", data)
        if response.status_code == 200:
            errors = response.context["adminform"].form.errors
            assert set(errors) <= set(FIELDS) | {"body"} and "\x00" in "".join([*texts.values(), body]), errors
            return
        assert response.status_code == 302
        every_public_surface_holds(client, Article.objects.get())
        admin_page = admin_client.get("/admin/articles/article/")
        assert admin_page.status_code == 200
        assert Page(admin_page.content.decode()).active == [] or "onerror" not in admin_page.content.decode()


@BOUNDED
@given(
    texts=st.fixed_dictionaries({name: typed(size, surrogates=True) for name, size in FIELDS.items()}),
    names=st.tuples(typed(80, True), typed(120, True)),
    body=typed(600, True),
)
def test_any_text_saved_from_code_breaks_no_public_surface(client, texts, names, body):
    """The importer's and the shell's path, which Python strings reach unfiltered (lone surrogates, NUL): saved clean,
    every public surface stays valid and inert."""
    with rolled_back():
        section, author = Section.objects.create(name=names[0]), Author.objects.create(name=names[1])
        article = make_article(**texts, body=f"<p>{body}</p>", section=section, author=author)
        every_public_surface_holds(client, article)


# Every public URL and the query parameters it reads.
PUBLIC = {
    "/": ("page", "sau", "truoc"),
    "/sections/kinh-te/": ("page", "sau", "truoc"),
    "/authors/thanh-thy/": ("page", "sau", "truoc"),
    "/articles/bai-viet/": (),
    "/search/": ("q", "page"),
    "/feed/": (),
    "/feed/atom/": (),
    "/sections/kinh-te/feed/": (),
    "/sitemap.xml": ("p",),
    "/sitemap-articles.xml": ("p",),
    "/sitemap-news.xml": ("p",),
    "/robots.txt": (),
    "/corrections/": ("page",),
    "/corrections/feed/": (),
}
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.builds(
        lambda zeros, n, sign: f"{sign}{'0' * zeros}{n}",
        st.integers(0, 30),
        st.integers(0, 100),
        st.sampled_from(["", "+", "-", " ", "%2B"]),
    ),
    st.sampled_from(["last", "1.5", "1e3", "0x10", "١٢", "1_0", "", " "]),
)
VALUES = st.one_of(NUMBERS, st.text(max_size=50))


@pytest.fixture
def site():
    from tests.factories import make_author, make_section

    section, author = make_section("Kinh tế"), make_author("THANH THY")
    articles = [
        make_article(headline=f"Bài {n}", slug=f"bai-viet{'-' * bool(n)}{n or ''}", section=section, author=author)
        for n in range(25)
    ]
    return articles


@BOUNDED
@given(
    path=st.sampled_from(sorted(PUBLIC)),
    query=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(["page", "sau", "truoc", "q", "p", "utm_source"]), st.text(max_size=8)), VALUES
        ),
        max_size=3,
    ),
)
def test_junk_in_any_query_parameter_is_never_an_error_nor_stored(client, site, path, query):
    """Any values, in any spelling, for the parameters every public URL reads (and for others): a page, a redirect or
    a 404, never a server error; and a page is stored in the cache only under its one written URL."""
    url = f"{path}?{urlencode(query)}" if query else path
    response = client.get(url)
    assert response.status_code in (200, 301, 302, 404), (url, response.status_code)
    request = response.wsgi_request
    stored = cache.get(pagecache.page_key(request.META)) is not None
    match = resolve(request.path_info)
    allowed = CACHED_VIEWS.get(match.view_name)
    if stored:
        assert allowed is not None and canonical(request.META.get("QUERY_STRING", ""), allowed), url


ADMIN_FIELDS = {
    "article": [
        "headline",
        "slug",
        "lead",
        "body",
        "author",
        "section",
        "status",
        "published_at",
        "unpublish_at",
        "image",
    ],
    "author": ["name", "slug", "user"],
    "section": ["name", "slug", "position"],
}


@BOUNDED
@given(
    model=st.sampled_from(sorted(ADMIN_FIELDS)),
    values=st.lists(
        st.tuples(st.sampled_from(sorted({f for fields in ADMIN_FIELDS.values() for f in fields})), VALUES),
        min_size=1,
        max_size=4,
    ),
)
def test_junk_initial_values_never_break_an_add_form(admin_client, model, values):
    """Any values in an add form's link, for any of its fields: the form is shown, never a server error."""
    response = admin_client.get(f"/admin/articles/{model}/add/?{urlencode(values)}")
    assert response.status_code == 200, (model, values)
