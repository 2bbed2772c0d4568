"""The query parameters each endpoint takes, as serializers: they check what a client sent (a Vietnamese reason for
each refusal, answered as 400 by the views) and describe the parameters in the OpenAPI schema. A parameter no
serializer names is refused too (``read()``, for every view), so a typo is an error, never silently ignored.

A filter by an owner (section, author, tag, thread) lists what the owner's own page lists: ``ArticleOwner.listing``.
"""

import datetime
import functools

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import search
from articles.api.errors import BadParameters
from articles.api.pagination import MAX_PAGE_SIZE, PAGE_SIZE, Cursor
from articles.models import Author, Section, Tag, Thread
from articles.text import SLUG_PATTERN, is_slug

# A reader's search has at most this many pages: the results stop at search.MAX_RESULTS, as on the site.
SEARCH_PAGES = -(-search.MAX_RESULTS // PAGE_SIZE)


BLANK = "Không được để trống."


@extend_schema_field({"type": "string", "pattern": rf"^{SLUG_PATTERN}$"})
class Slug(serializers.CharField):
    """A slug as the site makes them (a–z, digits, single hyphens)."""

    default_error_messages = {"blank": BLANK}

    def to_internal_value(self, data):
        if not is_slug(data):
            raise serializers.ValidationError(
                f"“{data[:100]}” không phải một đường dẫn (chỉ chữ thường không dấu, chữ số và dấu gạch ngang)."
            )
        return data


@extend_schema_field(OpenApiTypes.DATETIME)
class ZonedTime(serializers.Field):
    """A time in ISO 8601 with its offset: 2026-12-01T08:00:00+07:00, or …Z for UTC. A "+" sent unencoded in a query
    string arrives as a space; it is read as the "+" it was."""

    def to_internal_value(self, data):
        text = data.strip()
        if " " in text and "+" not in text:
            head, _, offset = text.rpartition(" ")
            text = f"{head}+{offset}"
        try:
            moment = parse_datetime(text)
        except ValueError:  # a well-formed but impossible date: 2026-02-30
            moment = None
        if moment is None or moment.tzinfo is None:
            raise serializers.ValidationError(
                "Cần một thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-01T08:00:00+07:00 (dấu + viết là %2B)."
            )
        return moment

    def to_representation(self, value):
        return value.isoformat()


class Bounded(serializers.IntegerField):
    """A whole number from `min_value` to `max_value`, refused in Vietnamese."""

    def __init__(self, *, min_value, max_value, **kwargs):
        message = f"Cần một số nguyên từ {min_value} đến {max_value}."
        said = dict.fromkeys(("invalid", "min_value", "max_value", "max_string_length"), message)
        super().__init__(min_value=min_value, max_value=max_value, error_messages=said, **kwargs)


class CursorField(serializers.CharField):
    default_error_messages = {"blank": BLANK}

    def to_internal_value(self, data):
        try:
            return Cursor.of(data)
        except ValueError:
            raise serializers.ValidationError(
                "Con trỏ trang không hợp lệ: hãy dùng nguyên văn liên kết `next` của trang trước."
            ) from None


class Paged(serializers.Serializer):
    cursor = CursorField(required=False, help_text="Trang tiếp theo: dùng nguyên văn liên kết `next` của trang trước.")
    page_size = Bounded(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=PAGE_SIZE,
        help_text=f"Số bài mỗi trang, từ 1 đến {MAX_PAGE_SIZE} (mặc định {PAGE_SIZE}).",
    )


class ArticleFilters(Paged):
    section = Slug(required=False, help_text="Chỉ bài của chuyên mục có đường dẫn này.")
    author = Slug(
        required=False,
        help_text="Chỉ bài của người có đường dẫn này (hoặc bút danh này), ở mọi vai trò, dưới mọi bút danh.",
    )
    tag = Slug(required=False, help_text="Chỉ bài có thẻ này (đường dẫn cũ của một thẻ đã gộp: thẻ được giữ).")
    thread = Slug(required=False, help_text="Chỉ bài của dòng sự kiện có đường dẫn này.")
    updated_since = ZonedTime(
        required=False,
        help_text=(
            "Chỉ bài đã thay đổi (sửa, hoặc xuất bản) từ thời điểm này: ISO 8601 có múi giờ, "
            "ví dụ 2026-12-01T08:00:00+07:00."
        ),
    )

    def validate_section(self, slug):
        found = Section.objects.filter(slug=slug).first()
        if found is None:
            raise serializers.ValidationError(f"Không có chuyên mục “{slug}”.")
        return found

    def validate_author(self, slug):
        found = Author.objects.select_related("pen_name_of").sized().filter(slug=slug).first()
        if found is None:
            raise serializers.ValidationError(f"Không có tác giả “{slug}”.")
        return found.person  # a pen name stands for the person: what they made under every name

    def validate_tag(self, slug):
        found = Tag.objects.sized().filter(slug=slug).first() or Tag.merged_at(slug)
        if found is None:
            raise serializers.ValidationError(f"Không có thẻ “{slug}”.")
        return found

    def validate_thread(self, slug):
        found = Thread.objects.filter(slug=slug).only("pk").first()
        if found is None:
            raise serializers.ValidationError(f"Không có dòng sự kiện “{slug}”.")
        return found


# The owners ArticleFilters narrows the list by: each lists what its page lists (`ArticleOwner.listing`).
OWNERS = {"section": Section, "author": Author, "tag": Tag, "thread": Thread}
# What each filter of ArticleFilters narrows the list by, and the kind of its value (a prepared query's parameter).
NARROWING = {**dict.fromkeys(OWNERS, int), "updated_since": datetime.datetime}


def narrowing(params):
    """The filters `params` (ArticleFilters' validated data) asks for, as values: an owner's id, a time."""
    values = {name: params[name] for name in NARROWING if name in params}
    return {name: getattr(value, "pk", value) for name, value in values.items()}


def few(params):
    """The kinds of owner `params` narrows by whose owner has few articles (``ArticleOwner.listing``)."""
    return frozenset(kind for kind in OWNERS if not getattr(params.get(kind), "many_articles", True))


def filtered(articles, updated_since=None, few=frozenset(), **owners):
    """`articles` narrowed by the filters given (`narrowing()`'s values: {owner's kind: its id}, `updated_since`;
    `few()`'s kinds)."""
    for kind, pk in owners.items():
        articles = articles.filter(OWNERS[kind].listing(pk, kind not in few))
    if updated_since is not None:
        articles = articles.changed_since(updated_since)
    return articles


@extend_schema_field(OpenApiTypes.STR)
class Words(serializers.Field):
    """What a reader typed in the search box, as it came: `search.clean_query` makes it safe."""

    def to_internal_value(self, data):
        return str(data)


class SearchQuery(serializers.Serializer):
    q = Words(
        required=False,
        default="",
        help_text="Các từ cần tìm; không phân biệt dấu, hoa thường, đ/d (như ô tìm kiếm của trang).",
    )
    page = Bounded(
        required=False,
        min_value=1,
        max_value=SEARCH_PAGES,
        default=1,
        help_text=f"Trang kết quả, từ 1 đến {SEARCH_PAGES}: kết quả dừng ở {search.MAX_RESULTS} bài.",
    )


class NoParameters(serializers.Serializer):
    """Endpoints that take no query parameter."""


def read(parameters, query):
    """The validated query parameters `query` gives the serializer `parameters`; BadParameters (400) for an unknown
    or repeated one, or one its field refuses."""
    if not query:  # most requests (a list's first page): the defaults, without making a serializer each time
        return dict(_defaults(parameters))
    known = parameters._declared_fields
    errors = {}
    for name, values in query.lists():
        if name not in known:
            accepted = ", ".join(known) or "không có"
            errors[name] = [f"Tham số không được hỗ trợ ở đây (nhận: {accepted})."]
        elif len(values) > 1:
            errors[name] = ["Chỉ được gửi một lần."]
    if errors:
        raise BadParameters(errors)
    checked = parameters(data=query.dict())
    if not checked.is_valid():
        raise BadParameters(checked.errors)
    return checked.validated_data


@functools.cache
def _defaults(parameters):
    """What `parameters` makes of no parameter at all."""
    checked = parameters(data={})
    checked.is_valid(raise_exception=True)
    return checked.validated_data
