"""The public pages' template environment: Jinja2, with what the templates in templates/jinja2/ call.

Readers' pages are Jinja2 rather than Django templates for speed: Jinja2 compiles a template to Python code once,
where Django's engine walks its node tree on every render, which was 70% of an uncached list page. With the rest of
that work (docs/PERFORMANCE.md, "Benchmark against Wagtail") the page takes half the time it did. The admin and the
500, 503 and login-lockout pages stay Django templates; sitemaps and robots.txt are readers' pages too.
"""

import functools
import json
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup, escape

from articles import formatting, links, queries
from articles.links import fixed_url, slug_url
from articles.models import Author, Section
from articles.pagination import UncountedPage
from articles.sanitize import html_to_text

# What django.utils.html.json_script escapes: a headline holding "</script>" or "<!--" cannot end the element.
JSON_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))
LOGO = ("logo.png", 112, 112)


def environment(**options):
    env = Environment(**options)
    env.globals.update(
        static=static_url,
        url=url,
        all_sections=queries.section_menu,
        section_nav=section_nav,
        page_url=page_url,
        page_query=page_query,
        news_article_json_ld=news_article_json_ld,
        time_tag=time_tag,
        byline=byline,
        headlines=headlines,
    )
    env.filters.update(iso=formatting.iso, shorten=shorten, quote=quote_all, reading_time=formatting.reading_time)
    return env


def url(view_name, slug=None):
    """The URL of `view_name` (with `slug`, for views that take one), as reverse() gives it, reversed once."""
    return slug_url(view_name, slug) if slug else fixed_url(view_name)


# The static files' names are fixed for the life of a process (the manifest is read once), so is each URL.
@functools.lru_cache(maxsize=64)
def static_url(path):
    return static(path)


def forget_static_urls(setting, **kwargs):
    """setting_changed (connected in ArticlesConfig.ready())."""
    if setting in ("STATIC_URL", "STORAGES"):
        static_url.cache_clear()


def byline(article, rel=None):
    """`article`'s byline the paper's way (``formatting.byline``), each name, a pen name as printed, linking to the
    person's page (``Author.person``). Printed here rather than by a macro, where Jinja's loops and calls cost several
    times these f-strings; and each different byline once per process (`_byline`): a list prints one on every card,
    the same people again and again."""
    credits = tuple((who.pk, who.name, who.person.slug, role) for who, role in article.credits)
    return _byline(credits, rel, links.place())


@functools.lru_cache(maxsize=4096)
def _byline(credits, rel, place):
    # `place`: the script prefix and URLconf the links are reversed for, which `slug_url` reads itself.
    attributes = f' rel="{escape(rel)}"' if rel else ""

    def link(who):
        _, name, slug = who
        return f'<a href="{escape(slug_url(Author.url_name, slug))}"{attributes}>{escape(name)}</a>'

    return Markup(formatting.byline([((pk, name, slug), role) for pk, name, slug, role in credits], show=link))


def section_nav(sections, current=None):
    """The header's menu of `sections` (in their order), the page of section `current` marked as the current page.
    Every page prints it, and the same one again and again: printed here and once per process for each menu (its
    sections' names and slugs), current section and `links.place()`, rather than by a loop in the template."""
    menu = tuple((section.slug, section.name) for section in sections)
    return _section_nav(menu, current.slug if isinstance(current, Section) else None, links.place())


@functools.lru_cache(maxsize=256)
def _section_nav(menu, current, place):
    # `place`: the script prefix and URLconf the links are reversed for, which `slug_url` reads itself.
    if not menu:
        return Markup("")
    marked = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{escape(slug_url(Section.url_name, slug))}"{marked if slug == current else ""}>'
        f"{escape(name)}</a></li>"
        for slug, name in menu
    )
    return Markup(f'<nav class="section-nav" aria-label="Chuyên mục"><ul class="wrap">{items}</ul></nav>')


def page_url(request, page, step=0):
    """The absolute URL of the page `step` (1: next, -1: previous) from `page`, or with 0 of `page` itself by its number
    alone (the canonical URL). Page 1 is the bare path; no other parameter is kept."""
    params = {"page": page.number + step}
    if step and isinstance(page, UncountedPage):
        params = {name: value for name, value in page.link(step).items() if value is not None}
    if params["page"] == 1:
        del params["page"]
    return request.build_absolute_uri(request.path) + (f"?{urlencode(params)}" if params else "")


def page_query(request, page, step):
    """This request's query string for the page `step` (1: next, -1: previous) from `page`, every other parameter
    kept (the search page's q). Deep in a public list it names the article to go on from (articles/pagination.py)."""
    changes = page.link(step) if isinstance(page, UncountedPage) else {"page": page.number + step}
    if changes["page"] == 1:
        changes["page"] = None  # the first page is the bare path: its one URL (articles/pagecache/policy.py)
    return querystring(request, **changes)


def querystring(request, **changes):
    """This request's query string with `changes` made (None: that parameter removed), every other one kept; the bare
    path when none is left."""
    params = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return f"?{params.urlencode()}" if params else request.path


def time_tag(value):
    """A time as the paper prints it, 17/02/2020 - 09:44 (local time), in a <time> that machines can read."""
    return _time_tag(value, timezone.get_current_timezone()) if value else ""


# A list prints the same articles' times on every request: each is written once per process and time zone.
@functools.lru_cache(maxsize=4096)
def _time_tag(value, zone):
    local = timezone.localtime(value, zone)  # digits and punctuation only: nothing to escape
    return Markup(f'<time datetime="{local.isoformat(timespec="seconds")}">{formatting.when(local)}</time>')


def headlines(articles, timed=True):
    """The items of a headline list (the front page's): each headline linking its article, and its time unless not
    `timed`. Printed here rather than by a loop in the template: a front page prints some forty, and each call and
    escape in Jinja costs several times these f-strings."""
    zone = timezone.get_current_timezone()
    return Markup(
        "".join(
            f'<li><a href="{escape(article.get_absolute_url())}">{escape(article.headline)}</a>'
            f"{f' {_time_tag(article.published_at, zone)}' if timed else ''}</li>"
            for article in articles
        )
    )


def shorten(value, length):
    """`value` cut to at most `length` characters at a word boundary, with "…" when cut (descriptions)."""
    if len(value) <= length:
        return value
    cut = value[: length - 1]
    return cut.rsplit(" ", 1)[0].rstrip(" ,.;:–-") + "…"


def quote_all(value):
    """`value` as one URL query value: every reserved character escaped, "/" and "&" included."""
    return quote(str(value), safe="")


def news_article_json_ld(request, article, corrections=()):
    """schema.org NewsArticle for `article`, with its published `corrections` (CorrectionComment each), serialised for
    a <script type="application/ld+json"> element."""
    url = request.build_absolute_uri(article.get_absolute_url())
    logo, logo_width, logo_height = LOGO
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.lead,
        "inLanguage": "vi",
        "datePublished": formatting.iso(article.published_at),
        "dateModified": formatting.iso(article.modified_at),
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static_url(logo)),
                "width": logo_width,
                "height": logo_height,
            },
        },
    }
    # Writers are its authors, every other role a contributor (Article.credited: as the feeds and Open Graph say).
    for key, people in zip(("author", "contributor"), article.credited, strict=True):
        if people:
            data[key] = [
                {"@type": "Person", "name": who.name, "url": request.build_absolute_uri(who.person.get_absolute_url())}
                for who in people
            ]
    if article.section:
        data["articleSection"] = article.section.name
    if photo := article.photo:
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(photo.largest.url),
                "width": photo.largest.width,
                "height": photo.largest.height,
            }
        ]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{correction.get_kind_display()}: {html_to_text(correction.text)}",
                "datePublished": formatting.iso(correction.published_at),
            }
            for correction in corrections
        ]
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    # str.replace, not str.translate: translate looks every character up, 0.16 ms on a Vietnamese article's JSON.
    for character, escaped in JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return Markup(text)
