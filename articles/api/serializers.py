"""What each API response holds. Each serializer declares its fields (the OpenAPI schema is made from them) and writes
them in one `to_representation`, rather than through REST framework's field-by-field machinery: a page of 20 articles
holds some 400 values, 160 of them photo renditions, and a field object per value would cost more than the whole HTML
list page does (docs/API.md, "Speed"). tests/test_api.py checks that every serializer writes exactly the fields it
declares, and Schemathesis that every response matches the schema.

Times are ISO 8601 with the newsroom's offset (`formatting.iso`: 2026-12-01T08:00:00+07:00); every URL is absolute;
`url` is the page a reader opens (the canonical URL), `api_url` the same thing in the API.

An article's credits (`bylines`, `byline`) and tags are read for a whole page in one query
(`articles.queries.load_credits_and_tags`); its section, thread and author come with its row.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from rest_framework import serializers

from articles import queries
from articles.formatting import iso
from articles.links import fixed_url, slug_url
from articles.models import Author, Contribution, Correction, Tag, Thread
from articles.sanitize import html_to_text

# The URL name of each kind of thing in the API, for its `api_url`.
API_DETAIL = {
    "article": "api:article-detail",
    "section": "api:section-detail",
    "author": "api:author-detail",
    "tag": "api:tag-detail",
    "thread": "api:thread-detail",
}


class Links:
    """The absolute URLs of one response: the request's scheme and host are read once (``build_absolute_uri`` checks
    and quotes them again for each of a page's 300 URLs, which cost more than the rest of the page)."""

    def __init__(self, origin):
        self.origin = origin  # "https://host", as the request gives it
        # What the site's own URLs depend on besides: as links.fixed_url keys them.
        self.site = (origin, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

    @classmethod
    def of(cls, request):
        return cls(request.build_absolute_uri("/")[:-1])

    def absolute(self, url):
        """`url` (a path from reverse() or storage, already quoted) as an absolute URL."""
        return self.origin + url if url.startswith("/") and not url.startswith("//") else url


class Shape(serializers.Serializer):
    """A serializer whose `to_representation` is `shape(obj, links)`, the one place its keys are written."""

    def to_representation(self, instance):
        return self.shape(instance, Links.of(self.context["request"]))

    @staticmethod
    def shape(instance, links):
        raise NotImplementedError


class Owner(Shape):
    """A section or an author: its names and where to read its articles."""

    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField(help_text="Trang của nó trên báo.")
    api_url = serializers.URLField()
    articles_url = serializers.URLField(help_text="Các bài của nó, trong API.")

    @staticmethod
    def shape(owner, links):
        return _owner(type(owner), owner.slug, owner.name, links.site)


# A section or author as the API writes it, once per process for each (the same few on every page) and site address:
# keyed by everything it prints, so a renamed one is a new entry, never a stale one.
@functools.lru_cache(maxsize=1024)
def _owner(model, slug, name, site):
    links = Links(site[0])
    kind = model._meta.model_name
    return {
        "slug": slug,
        "name": name,
        "url": links.absolute(model(slug=slug, name=name).get_absolute_url()),
        "api_url": links.absolute(slug_url(API_DETAIL[kind], slug)),
        "articles_url": links.absolute(f"{fixed_url('api:article-list')}?{kind}={slug}"),
    }


class Byline(Owner):
    """One credit of an article: the name printed (the pen name it was signed with), what the person did, and the
    person's page (under their main name: it lists what they made under every name, in every role)."""

    role = serializers.ChoiceField(choices=Contribution.Role.choices)
    role_name = serializers.CharField(
        help_text="Vai trò, bằng tiếng Việt: viết bài, ảnh, video, đồ họa, dịch, thực hiện."
    )

    @staticmethod
    def shape(credit, links):
        author, role = credit
        return {**_owner(Author, author.person.slug, author.name, links.site), **_ROLES[role]}


_ROLES = {role: {"role": role, "role_name": label} for role, label in Contribution.Role.choices}


class TagRef(Owner):
    """A tag as an article names it."""

    id = serializers.IntegerField()

    @staticmethod
    def shape(tag, links):
        return {**_owner(Tag, tag.slug, tag.name, links.site), "id": tag.pk}


class ThreadRef(Shape):
    """A story thread (dòng sự kiện) as an article names it."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField(help_text="Trang của dòng sự kiện trên báo.")
    api_url = serializers.URLField()
    articles_url = serializers.URLField(help_text="Các bài của dòng sự kiện, trong API.")

    @staticmethod
    def shape(thread, links):
        owner = _owner(Thread, thread.slug, thread.name, links.site)
        return {"id": thread.pk, "slug": thread.slug, "title": thread.name, **_links(owner)}


def _links(owner):
    return {"url": owner["url"], "api_url": owner["api_url"], "articles_url": owner["articles_url"]}


class Rendition(Shape):
    url = serializers.URLField()
    type = serializers.CharField(help_text="image/webp hoặc image/jpeg.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    @staticmethod
    def shape(file, links):
        return {"url": links.absolute(file.url), "type": file.type, "width": file.width, "height": file.height}


class Photo(Shape):
    """An article's or a thread's photo: its texts and every rendition (articles/renditions.py), narrowest first."""

    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True, help_text="Nguồn ảnh, in sau chữ “Ảnh:”.")
    alt = serializers.CharField(allow_blank=True, help_text="Mô tả ảnh cho người đọc bằng trình đọc màn hình.")
    width = serializers.IntegerField(help_text="Của bản lớn nhất.")
    height = serializers.IntegerField()
    renditions = Rendition(many=True)

    @staticmethod
    def shape(article, links):
        photo = article.photo
        if photo is None:
            return None
        return {
            "caption": article.image_caption,
            "credit": article.image_credit,
            "alt": article.image_alt,
            "width": photo.width,
            "height": photo.height,
            "renditions": _renditions(photo, links.origin),
        }


# A photo's renditions as the API writes them, made once per process for each photo (a Photo stands for its files,
# articles/renditions.py) and site address: a page prints 160, the same few photos on every request.
@functools.lru_cache(maxsize=1024)
def _renditions(photo, origin):
    links = Links(origin)
    return [Rendition.shape(file, links) for file in photo.files]


class ArticleSummary(Shape):
    """An article as a list shows it."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.URLField(help_text="Địa chỉ chính thức (canonical) của bài trên báo.")
    api_url = serializers.URLField()
    headline = serializers.CharField()
    lead = serializers.CharField(help_text="Sapo, văn bản thuần.")
    published_at = serializers.DateTimeField()
    modified_at = serializers.DateTimeField(help_text="Lần thay đổi cuối: sửa, xuất bản hoặc cải chính.")
    section = Owner(allow_null=True)
    thread = ThreadRef(allow_null=True, help_text="Dòng sự kiện của bài (nhiều nhất một).")
    tags = TagRef(many=True, help_text="Các thẻ, theo thứ tự; thẻ đầu là thẻ chính.")
    bylines = Byline(
        many=True, help_text="Những người thực hiện, theo thứ tự in: tác giả (viết bài) trước, mỗi người một vai trò."
    )
    byline = serializers.CharField(help_text="Dòng tác giả như báo in: “Bài, ảnh: THANH THY”, “Bài: A – Ảnh: B”.")
    photo = Photo(allow_null=True)

    @staticmethod
    def shape(article, links):
        return {
            "id": article.pk,
            "slug": article.slug,
            "url": links.absolute(article.get_absolute_url()),
            "api_url": links.absolute(slug_url(API_DETAIL["article"], article.slug)),
            "headline": article.headline,
            "lead": article.lead,
            "published_at": iso(article.published_at),
            "modified_at": iso(article.modified_at),
            "section": Owner.shape(article.section, links) if article.section_id else None,
            "thread": ThreadRef.shape(article.thread, links) if article.thread_id else None,
            "tags": [TagRef.shape(tag, links) for tag in article.ordered_tags],
            "bylines": [Byline.shape(credit, links) for credit in article.credits],
            "byline": article.byline,
            "photo": Photo.shape(article, links),
        }


class CorrectionOut(Shape):
    """A published correction of an article (cải chính), as its page shows it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Correction.Kind.choices)
    kind_name = serializers.CharField(help_text="Loại, như báo in: Cải chính, Đính chính, Xin lỗi và cải chính.")
    text_html = serializers.CharField(help_text="Nội dung, HTML đã lọc (chỉ liên kết).")
    text = serializers.CharField(help_text="Nội dung, văn bản thuần.")
    published_at = serializers.DateTimeField()
    replaced = serializers.BooleanField(help_text="Đã được thay bằng một cải chính mới hơn.")

    @staticmethod
    def shape(correction, links):
        return {
            "id": correction.pk,
            "kind": correction.kind,
            "kind_name": correction.get_kind_display(),
            "text_html": correction.text,
            "text": html_to_text(correction.text),
            "published_at": iso(correction.published_at),
            "replaced": correction.replaced,
        }


class ArticleDetail(ArticleSummary):
    """One article, whole, with its published corrections, newest first."""

    body_html = serializers.CharField(help_text="Nội dung, HTML đã lọc theo danh sách thẻ cho phép của báo.")
    body_text = serializers.CharField(help_text="Nội dung, văn bản thuần: mỗi đoạn một dòng.")
    corrections = CorrectionOut(many=True)

    @staticmethod
    def shape(article, links):
        return {
            **ArticleSummary.shape(article, links),
            "body_html": article.body,
            "body_text": html_to_text(article.body, lines=True),
            "corrections": [CorrectionOut.shape(correction, links) for correction in queries.corrections_of(article)],
        }


class ArticlePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="Trang sau; null ở trang cuối.")
    results = ArticleSummary(many=True)


class SearchPage(ArticlePage):
    query = serializers.CharField(help_text="Câu tìm kiếm như đã được đọc (tối đa 200 ký tự).")
    count = serializers.IntegerField(help_text="Số bài tìm thấy, tối đa 1.000.")
    capped = serializers.BooleanField(help_text="Còn nhiều bài khớp hơn số được liệt kê.")


class OwnerList(serializers.Serializer):
    results = Owner(many=True)


class TagOut(TagRef):
    """A tag readers follow: its page lists its articles."""

    description = serializers.CharField(allow_blank=True, help_text="Mô tả ngắn, văn bản thuần.")

    @staticmethod
    def shape(tag, links):
        return {**TagRef.shape(tag, links), "description": tag.description}


class TagList(serializers.Serializer):
    results = TagOut(many=True)


class ThreadOut(ThreadRef):
    """A story thread: its introduction, photo, and the article pinned at its head while readers may see it."""

    intro = serializers.CharField(allow_blank=True, help_text="Lời giới thiệu, văn bản thuần.")
    photo = Photo(allow_null=True)
    lead = ArticleSummary(allow_null=True, help_text="Bài dẫn được ghim; null khi không có hoặc chưa xuất bản.")

    @staticmethod
    def shape(thread, links):
        lead = thread.visible_lead
        return {
            **ThreadRef.shape(thread, links),
            "intro": thread.intro,
            "photo": Photo.shape(thread, links),
            "lead": ArticleSummary.shape(lead, links) if lead else None,
        }


class ThreadList(serializers.Serializer):
    results = ThreadOut(many=True)


class Zone(Shape):
    """One zone of the front page, as the page shows it, top to bottom."""

    kind = serializers.ChoiceField(
        choices=[
            ("breaking", "Tin nóng"),
            ("lead", "Tin chính"),
            ("featured", "Tin nổi bật"),
            ("latest", "Tin mới nhất"),
            ("section", "Chuyên mục"),
            ("most_read", "Đọc nhiều"),
        ]
    )
    title = serializers.CharField(help_text="Tiêu đề của vùng: với tin nóng, lời của tin; với chuyên mục, tên của nó.")
    section = Owner(allow_null=True, help_text="Chuyên mục của vùng; null với các vùng khác.")
    articles = ArticleSummary(
        many=True, help_text="Các bài của vùng, theo thứ tự trên trang; tin nóng có thể không có bài."
    )

    @staticmethod
    def shape(zone, links):
        kind, title, section, articles = zone
        return {
            "kind": kind,
            "title": title,
            "section": Owner.shape(section, links) if section else None,
            "articles": [ArticleSummary.shape(article, links) for article in articles],
        }


class FrontOut(serializers.Serializer):
    zones = Zone(many=True)
