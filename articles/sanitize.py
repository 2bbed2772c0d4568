"""The one place article HTML is made safe (the single home of the body allowlist).

``clean_body`` keeps exactly what the CKEditor toolbar can produce and drops everything else.
``ckeditor_allowed_content()`` writes the same allowlist as CKEditor's own content filter (settings'
``CKEDITOR_CONFIGS["default"]["allowedContent"]``), so what editors see is what readers get.
``html_to_text`` turns a body into plain text for search indexing and descriptions. ``clean_note`` keeps a short
plain text (a correction) with the body's links and nothing else.

Decisions:

* Every ``<a>`` gets ``rel="noopener"`` (``LINK_REL``); any ``rel`` in the input is replaced, so output is stable.
* ``target`` survives only as ``target="_blank"`` (CKEditor's "new window" option); other targets are dropped.
* URLs: ``http``, ``https``, ``mailto`` and relative URLs (``/media/uploads/x.jpg``, ``#top``, ``?q=1``); anything
  else (``javascript:``, ``data:``, ``vbscript:``, ``tel:`` ...) loses the attribute.
* ``style`` is rebuilt in CKEditor's own format (``height:300px; width:400px``): ``img`` keeps width/height and
  ``table`` keeps width, each only with a plain length (``400px``, ``50%``, ``12.5em``); anything else is removed.
* Numeric attributes (width, height, border, cellpadding, cellspacing, colspan, rowspan) must be plain integers.
* Output is HTML5 serialisation: ``<br />`` becomes ``<br>``, named entities such as ``&agrave;`` become the
  characters themselves (only ``&amp; &lt; &gt; &nbsp;`` stay as entities). The DOM is unchanged.
"""

import re
from html import unescape

import nh3

from articles.text import clean_text

LINK_REL = "noopener"

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "strong",
        "em",
        "blockquote",
        "ul",
        "ol",
        "li",
        "br",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
    }
)

# Attributes per tag. "*": empty on purpose, so nh3's default generic attributes (lang, title) are not allowed.
# a[target] is handled by TAG_ATTRIBUTE_VALUES; rel is set by LINK_REL.
ALLOWED_ATTRIBUTES = {
    "*": set(),
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "style"},
    "table": {"border", "cellpadding", "cellspacing", "style"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
TAG_ATTRIBUTE_VALUES = {"a": {"target": {"_blank"}}}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Removed together with everything inside them (not just the tags).
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "svg",
        "math",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "textarea",
        "select",
        "xmp",
        "title",
    }
)

STYLE_PROPERTIES = {"img": ("width", "height"), "table": ("width",)}
# CKEditor also drops a link without an address and an image without a source: they carry nothing.
REQUIRED_ATTRIBUTES = {"a": "href", "img": "src"}
_CSS_LENGTH = re.compile(r"\d{1,5}(?:\.\d{1,3})?(?:px|%|em|rem)?")
_INTEGER = re.compile(r"\d{1,5}")
_INTEGER_ATTRIBUTES = frozenset({"width", "height", "border", "cellpadding", "cellspacing", "colspan", "rowspan"})


def _clean_style(tag, value):
    """Keep only the allowed properties with plain length values, written the way CKEditor writes them."""
    allowed = STYLE_PROPERTIES.get(tag, ())
    kept = {}
    for declaration in value.split(";"):
        name, sep, val = declaration.partition(":")
        name, val = name.strip().lower(), val.strip().lower()
        if sep and name in allowed and _CSS_LENGTH.fullmatch(val):
            kept[name] = val
    return "; ".join(f"{name}:{val}" for name, val in kept.items()) or None


def _attribute_filter(tag, attribute, value):
    if attribute == "style":
        return _clean_style(tag, value)
    if attribute in _INTEGER_ATTRIBUTES:
        value = value.strip()
        return value if _INTEGER.fullmatch(value) else None
    return value


def clean_body(html: str) -> str:
    """Return ``html`` reduced to the article-body allowlist.

    Idempotent: ``clean_body(clean_body(x)) == clean_body(x)``.
    """
    if not html:
        return ""
    return nh3.clean(
        clean_text(html),  # the body is text first: no control character or surrogate reaches the parser
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def clean_note(text: str) -> str:
    """Return ``text`` as plain text in which only links survive, by the body's own rules for them (schemes, ``rel``,
    ``target``); every other tag is dropped and ``<``/``&`` in the text are escaped. Idempotent, like ``clean_body``.
    """
    if not text:
        return ""
    return nh3.clean(
        clean_text(text).strip(),  # text first, as for the body: no control character or surrogate reaches the parser
        tags={"a"},
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes={"*": set(), "a": ALLOWED_ATTRIBUTES["a"]},
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def ckeditor_allowed_content():
    """This allowlist in CKEditor 4's allowedContent syntax: ``tag tag[attribute,…]{style,…}`` rules, ";"-separated,
    tags with the same attributes and styles sharing a rule. ``rel`` is allowed since ``clean_body`` sets it anyway."""
    rules = {}
    for tag in sorted(ALLOWED_TAGS):
        names = (ALLOWED_ATTRIBUTES.get(tag, set()) - {"style"}) | TAG_ATTRIBUTE_VALUES.get(tag, {}).keys()
        if tag == "a":
            names |= {"rel"}
        required = REQUIRED_ATTRIBUTES.get(tag)
        attributes = ",".join(f"!{name}" if name == required else name for name in sorted(names))
        styles = ",".join(STYLE_PROPERTIES.get(tag, ()))
        signature = (f"[{attributes}]" if attributes else "") + (f"{{{styles}}}" if styles else "")
        rules.setdefault(signature, []).append(tag)
    return ";".join(" ".join(tags) + signature for signature, tags in rules.items())


# Tags whose boundaries separate words in the plain text ("<p>a</p><p>b</p>" -> "a b", "<em>a</em>b" -> "ab").
_BLOCK_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "ul",
        "ol",
        "li",
        "br",
        "hr",
        "img",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "pre",
        "dl",
        "dt",
        "dd",
    }
)
_SKIP_TAGS = frozenset(CLEAN_CONTENT_TAGS)
_ANY_TAG = re.compile(r"<[^>]*>")
_WHITESPACE = re.compile(r"\s+")


def html_to_text(html: str, *, lines: bool = False) -> str:
    """Plain text of an HTML body: tags dropped (script/style content too), entities unescaped, whitespace collapsed.

    Block boundaries become spaces ("<p>a</p><p>b</p>" -> "a b"), or with `lines` line breaks ("a\nb": a paragraph
    a line, for the API), inline tags do not ("<em>a</em>b" -> "ab").
    The result is text, not HTML: "&lt;b&gt;" comes back as "<b>", so escape it wherever it is rendered.

    How: nh3 (a real HTML5 parser, linear time even on hostile input, where html.parser and tag regexes go
    quadratic) reduces the markup to bare block tags with no attributes; in its output every "<" starts a tag
    (text "<" is escaped), so a trivial regex can turn those tags into spaces.
    """
    if not html:
        return ""
    skeleton = nh3.clean(
        html,
        tags=_BLOCK_TAGS,
        clean_content_tags=_SKIP_TAGS,
        attributes={"*": set()},
        link_rel=None,
        strip_comments=True,
    )
    if lines:
        blocks = (_WHITESPACE.sub(" ", unescape(block)).strip() for block in _ANY_TAG.split(skeleton))
        return "\n".join(block for block in blocks if block)
    return _WHITESPACE.sub(" ", unescape(_ANY_TAG.sub(" ", skeleton))).strip()
