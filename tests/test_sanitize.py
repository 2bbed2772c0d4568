"""articles/sanitize.py: the article-body allowlist and plain-text extraction."""

import re
from html.parser import HTMLParser

import pytest

from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL, STYLE_PROPERTIES, clean_body, html_to_text

# OWASP XSS filter-evasion cheat sheet style payloads, plus mutation-XSS (mXSS) tricks.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    '<img """><script>alert(1)</script>">',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;(1)>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058>",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="&#x6a;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="&#14;  javascript:alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<style>@import 'http://xss.rocks/xss.css';</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<img src="/a.jpg" style="width:expression(alert(1)); height:url(javascript:alert(1))">',
    '<table style="width:expression(alert(1))" background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input onfocus=alert(1) autofocus>",
    '<video><source onerror="alert(1)"></video>',
    "<template><script>alert(1)</script></template>",
    '<a href="https://ok.example/" target="_top" onmouseover="alert(1)">x</a>',
    '<p><a href="https://ok.example/"><img src="/a.jpg" onload="alert(1)"></a></p>',
]

SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "xlink:href", "data", "srcdoc", "poster"}


class _Collector(HTMLParser):
    """Every element and attribute in a fragment, as a browser-like parser sees them (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def parsed_elements(html):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def url_scheme(value):
    """The scheme a browser would use for this URL, or None. The WHATWG URL parser strips C0 controls and spaces at
    both ends and removes tab and newlines anywhere; any other character inside ("java script:") ends the scheme, and
    the URL is then relative."""
    squashed = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21))))).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", squashed)
    return match.group(1) if match else None


def assert_safe(html):
    for tag, attrs in parsed_elements(html):
        assert tag in ALLOWED_TAGS, f"tag <{tag}> survived: {html!r}"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"target", "rel"} if tag == "a" else set())
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} survived: {html!r}"
            assert name in allowed, f"attribute {name} on <{tag}> survived: {html!r}"
            if name in URL_ATTRIBUTES:
                assert url_scheme(value or "") in (SAFE_SCHEMES | {None}), f"dangerous URL {value!r}: {html!r}"
            if name == "style":
                for declaration in value.split("; "):
                    assert re.fullmatch(r"(?:width|height):\d+(?:\.\d+)?(?:px|%|em|rem)?", declaration), html
            if name == "target":
                assert value == "_blank"
            if name == "rel":
                assert value == LINK_REL


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_leaves_no_script_handler_or_dangerous_url(payload):
    """No XSS payload keeps a script, an event handler, a disallowed tag or attribute, or a dangerous URL."""
    cleaned = clean_body(payload)
    assert_safe(cleaned)
    assert "<script" not in cleaned.lower()
    assert clean_body(cleaned) == cleaned


@pytest.mark.parametrize(
    "payload",
    [
        "<script>XSS_MARKER()</script>",
        "<style>body{background:XSS_MARKER}</style>",
        "<iframe>XSS_MARKER</iframe>",
        "<object>XSS_MARKER</object>",
        "<form><p>XSS_MARKER</p></form>",
        "<svg><desc>XSS_MARKER</desc></svg>",
        "<math><mi>XSS_MARKER</mi></math>",
        "<noscript>XSS_MARKER</noscript>",
        "<template>XSS_MARKER</template>",
        "<textarea>XSS_MARKER</textarea>",
    ],
)
def test_dangerous_containers_are_removed_with_their_content(payload):
    """script, style, iframe, object, form, svg, math, noscript, template, textarea vanish along with their content."""
    assert clean_body(f"<p>trước</p>{payload}<p>sau</p>") == "<p>trước</p><p>sau</p>"


@pytest.mark.parametrize(
    "url",
    [
        "https://tuoitre.vn/bai-viet.htm",
        "http://example.com/a?b=1&amp;c=2",
        "mailto:toasoan@example.vn",
        "/media/uploads/2025/01/02/anh.jpg",
        "../tin-tuc/",
        "#muc-1",
        "?trang=2",
    ],
)
def test_safe_and_relative_urls_are_kept(url):
    """http, https, mailto and relative URLs survive untouched."""
    html = f'<p><a href="{url}">x</a></p>'
    assert clean_body(html) == f'<p><a href="{url}" rel="{LINK_REL}">x</a></p>'


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "tel:0123", "ftp://x/"])
def test_other_url_schemes_are_dropped(url):
    """Any scheme other than http, https, mailto loses its href/src."""
    assert clean_body(f'<p><a href="{url}">x</a><img src="{url}"></p>') == f'<p><a rel="{LINK_REL}">x</a><img></p>'


# What CKEditor 4 with the "newsroom" toolbar writes (its writer sorts attributes, writes "name:value; name:value"
# styles, tab-indents tables and closes void elements with " />"). Written with "entities": False, i.e. Vietnamese
# as plain UTF-8 characters.
CKEDITOR_OUTPUT = """<h2>Cần Thơ đẩy mạnh kinh tế tập thể</h2>

<p>Liên minh <strong>Hợp tác xã</strong> thành phố <em>Cần Thơ</em> cho biết&nbsp;năm 2025 có thêm 12 HTX.</p>

<h3>Hỗ trợ vốn</h3>

<p>Xem <a href="https://tuoitre.vn/bai-viet.htm" target="_blank" title="Tuổi Trẻ">bài gốc</a> và \
<a href="/chuyen-muc/kinh-te/">chuyên mục</a>, hoặc viết cho <a href="mailto:toasoan@example.vn">tòa soạn</a>.</p>

<h4>Danh sách</h4>

<ul>
	<li>Thứ nhất</li>
	<li>Thứ hai &amp; thứ ba</li>
</ul>

<ol>
	<li>Một</li>
	<li>Hai</li>
</ol>

<blockquote>
<p>“Chúng tôi sẽ tiếp tục hỗ trợ”, ông nói.</p>
</blockquote>

<p><img alt="Quang cảnh hội nghị" src="/media/uploads/2025/01/02/hoi-nghi.jpg" style="height:400px; width:600px" /></p>

<table border="1" cellpadding="1" cellspacing="1" style="width:500px">
	<caption>Số liệu 2025</caption>
	<thead>
		<tr>
			<th colspan="2">Chỉ tiêu</th>
		</tr>
	</thead>
	<tbody>
		<tr>
			<td rowspan="2">HTX</td>
			<td>12<br />
			mới</td>
		</tr>
		<tr>
			<td>3 &lt; 5</td>
		</tr>
	</tbody>
</table>

<p>&nbsp;</p>
"""


def test_ckeditor_toolbar_output_survives_unchanged_except_link_rel():
    """Everything the toolbar makes survives; the only changes are rel="noopener" on links and <br> for <br />."""
    expected = CKEDITOR_OUTPUT.replace(" />", ">")
    expected = re.sub(r"(<a [^>]*)>", rf'\1 rel="{LINK_REL}">', expected)
    assert clean_body(CKEDITOR_OUTPUT) == expected


def test_ckeditor_toolbar_output_is_stable_once_cleaned():
    """Cleaning the cleaned toolbar output changes nothing, so re-saving an article never rewrites its body."""
    once = clean_body(CKEDITOR_OUTPUT)
    assert clean_body(once) == once


@pytest.mark.parametrize("payload", [*XSS_PAYLOADS[::5], CKEDITOR_OUTPUT, "<p>a<b>b<i>c</p>d", "<td>x<li>y", ""])
def test_clean_body_is_idempotent(payload):
    """clean_body(clean_body(x)) == clean_body(x)."""
    once = clean_body(payload)
    assert clean_body(once) == once


def test_existing_rel_is_replaced_and_only_blank_target_is_kept():
    """Links always carry exactly rel="noopener"; target survives only as _blank."""
    html = '<p><a href="/a" rel="nofollow" target="_blank">a</a><a href="/b" target="_top" rel="opener">b</a></p>'
    assert (
        clean_body(html) == '<p><a href="/a" target="_blank" rel="noopener">a</a><a href="/b" rel="noopener">b</a></p>'
    )


def test_style_keeps_only_plain_width_and_height_on_img_and_width_on_table():
    """img style keeps width/height lengths, table style keeps width; other properties and values go."""
    html = (
        '<img src="/a.jpg" style="WIDTH: 300px; color: red; height:200px; position:fixed">'
        '<table style="width:100%; height:50px; background:url(/x.png)"></table>'
        '<img src="/b.jpg" style="width: calc(100% - 1px)">'
    )
    assert clean_body(html) == (
        '<img src="/a.jpg" style="width:300px; height:200px"><table style="width:100%"></table><img src="/b.jpg">'
    )


def test_disallowed_tags_are_unwrapped_and_attributes_dropped():
    """Tags outside the toolbar (div, span, b, font, h1) go but their text stays; class, id, lang, title drop."""
    html = '<div class="x" id="y"><h1>Tít</h1><p lang="vi" title="t"><span style="color:red">a</span><b>b</b></p></div>'
    assert clean_body(html) == "Tít<p>ab</p>"


def test_numeric_attributes_must_be_integers():
    """border, cellpadding, cellspacing, colspan, rowspan, width, height keep only plain integers."""
    html = '<table border="1" cellpadding="x" cellspacing=" 2 "><tr><td colspan="2" rowspan="1;x">a</td></tr></table>'
    assert (
        clean_body(html) == '<table border="1" cellspacing="2"><tbody><tr><td colspan="2">a</td></tr></tbody></table>'
    )


def test_comments_are_removed():
    """HTML comments never reach readers (no conditional-comment tricks)."""
    assert clean_body("<p>a<!-- bí mật --></p><!--[if IE]><script>x</script><![endif]-->") == "<p>a</p>"


def test_named_entities_become_characters_with_the_same_meaning():
    """CKEditor's default entity output (&agrave; ...) is stored as plain characters; &amp; &lt; &nbsp; stay escaped."""
    assert (
        clean_body("<p>Tr&agrave; Vinh &amp; C&agrave; Mau&nbsp;&lt;3</p>") == "<p>Trà Vinh &amp; Cà Mau&nbsp;&lt;3</p>"
    )


def test_empty_body_stays_empty():
    """An empty body cleans to an empty string."""
    assert clean_body("") == ""


def test_html_to_text_separates_blocks_and_joins_inline_markup():
    """Block tags become word breaks, inline tags do not."""
    html = "<h2>Tít</h2><p>Đoạn <strong>một</strong><em>hai</em></p><ul><li>a</li><li>b</li></ul>x<br>y"
    assert html_to_text(html) == "Tít Đoạn mộthai a b x y"


def test_html_to_text_can_give_a_block_a_line():
    """With `lines`, each paragraph, heading, list item or cell is a line of its own (the API's plain text); inline
    markup and the whitespace inside a block still join as above, and empty blocks leave no empty line."""
    html = "<h2>Tít</h2><p>Đoạn <em>một</em>\n  tiếp</p><p> </p><ul><li>a</li><li>b</li></ul><script>x()</script>"
    assert html_to_text(html, lines=True) == "Tít\nĐoạn một tiếp\na\nb"


def test_html_to_text_unescapes_entities_and_collapses_whitespace():
    """Entities are decoded and runs of whitespace (including no-break spaces) become one space."""
    assert html_to_text("<p>  Trà&nbsp;&nbsp;Vinh\n\n\t&amp; C&agrave; Mau &lt;b&gt; </p>") == "Trà Vinh & Cà Mau <b>"


def test_html_to_text_drops_script_style_and_comments():
    """Script and style content and comments are not text."""
    assert html_to_text("<p>a</p><script>var x = '<p>b</p>';</script><style>p{}</style><!-- c --><p>d</p>") == "a d"


def test_html_to_text_of_toolbar_output():
    """The text of a typical body is its words, in order, including table cells and image-free paragraphs."""
    text = html_to_text(CKEDITOR_OUTPUT)
    assert text.startswith("Cần Thơ đẩy mạnh kinh tế tập thể Liên minh Hợp tác xã thành phố Cần Thơ cho biết năm")
    assert "Thứ hai & thứ ba" in text
    assert text.endswith("Chỉ tiêu HTX 12 mới 3 < 5")
    assert "<" not in text.replace("3 < 5", "")


def test_html_to_text_of_empty_input_is_empty():
    """Empty input gives empty text."""
    assert html_to_text("") == ""


def test_html_to_text_stays_linear_on_hostile_markup():
    """Unclosed tags and quotes (where html.parser or tag regexes go quadratic) are handled quickly."""
    import time

    start = time.perf_counter()
    html_to_text("<a " * 20000 + '<a title="' * 20000)
    assert time.perf_counter() - start < 1.0


# Where a tag may stand, so that an HTML parser keeps it.
CONTEXT = {
    "li": "<ul>{}</ul>",
    "tr": "<table><tbody>{}</tbody></table>",
    "td": "<table><tbody><tr>{}</tr></tbody></table>",
    "th": "<table><tbody><tr>{}</tr></tbody></table>",
    "thead": "<table>{}</table>",
    "tbody": "<table>{}</table>",
    "caption": "<table>{}</table>",
}
VALUES = {"href": "https://baocantho.com.vn/", "src": "/media/a.jpg", "target": "_blank", "rel": LINK_REL}


def ckeditor_rules(text):
    """CKEditor 4's allowedContent string as {tag: (attributes, styles)}."""
    rules = {}
    for rule in text.split(";"):
        match = re.fullmatch(r"([a-z0-9 ]+?)(?:\[([^\]]*)\])?(?:\{([^}]*)\})?", rule.strip())
        attributes = {name.lstrip("!") for name in (match.group(2) or "").split(",") if name}
        styles = {name for name in (match.group(3) or "").split(",") if name}
        for tag in match.group(1).split():
            rules[tag] = (attributes, styles)
    return rules


def test_the_editor_allows_exactly_what_the_sanitiser_keeps(settings):
    """CKEditor's content filter (settings) and the server's allowlist are one list: every tag, attribute and style
    the editor lets through survives clean_body, and the editor lets through every tag the server keeps."""
    rules = ckeditor_rules(settings.CKEDITOR_CONFIGS["default"]["allowedContent"])
    assert set(rules) == ALLOWED_TAGS
    for tag, (attributes, styles) in rules.items():
        for attribute in attributes:
            value = VALUES.get(attribute, "2")
            element = (
                f'<{tag} {attribute}="{value}">x</{tag}>'
                if tag not in ("br", "img")
                else f'<{tag} {attribute}="{value}">'
            )
            kept = clean_body(CONTEXT.get(tag, "{}").format(element))
            assert f'{attribute}="{value}"' in kept, (tag, attribute)
        for style in styles:
            kept = clean_body(CONTEXT.get(tag, "{}").format(f'<{tag} style="{style}:40px">x</{tag}>'))
            assert f"{style}:40px" in kept, (tag, style)
        assert set(ALLOWED_ATTRIBUTES.get(tag, set())) - {"style"} <= attributes
        assert set(STYLE_PROPERTIES.get(tag, ())) == styles
