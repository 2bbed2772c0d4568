"""Template tags of the public pages: the photo, the section menu, canonical and page URLs, NewsArticle JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.models import Section

register = template.Library()

# What django.utils.html.json_script escapes: a headline holding "</script>" or "<!--" cannot end the element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
LOGO = ("logo.png", 112, 112)


@register.inclusion_tag("articles/photo.html")
def picture(photo, sizes, alt="", eager=False):
    """`photo` (Article.photo) as <picture>: WebP then JPEG at every width, the browser picking by `sizes`.
    Lazy-loaded unless `eager`, which is for the one image likely to be the page's largest paint."""
    return {"photo": photo, "sizes": sizes, "alt": alt, "eager": eager}


@register.inclusion_tag("articles/section_nav.html", takes_context=True)
def section_nav(context):
    """The header's section menu, in the editors' order (one query)."""
    return {"sections": list(Section.objects.only("name", "slug")), "current": context.get("section")}


@register.simple_tag(takes_context=True)
def absolute(context, url):
    """`url` with this request's scheme and host, for what leaves the page: canonical, Open Graph, feeds."""
    return context["request"].build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The absolute URL of page `number` of this list; page 1 is the bare path, and no other parameter is kept."""
    request = context["request"]
    return request.build_absolute_uri(request.path) + (f"?page={number}" if number > 1 else "")


@register.filter
def iso(value):
    """A time in ISO 8601, local time, to the second: what Open Graph and JSON-LD carry."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    """schema.org NewsArticle for `article`, serialised for a <script type="application/ld+json"> element."""
    request = context["request"]
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
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.modified_at),
        "author": [
            {
                "@type": "Person",
                "name": article.author.name,
                "url": request.build_absolute_uri(article.author.get_absolute_url()),
            }
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static(logo)),
                "width": logo_width,
                "height": logo_height,
            },
        },
    }
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
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))
