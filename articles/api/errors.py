"""Every API error is JSON, ``{"detail": "<Vietnamese sentence>"}``, and a refused parameter also says which and why
(``"errors": {"name": ["why"]}``). REST framework's own messages are mostly English (its Vietnamese catalogue is
partial), so each kind of error it raises here gets ours."""

import math

from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as framework_handler

from articles.reading import NOT_VISIBLE

NOT_FOUND = "Không tìm thấy địa chỉ này trong API."
READ_ONLY = "API chỉ cho đọc: phương thức này không được hỗ trợ (chỉ GET, HEAD và OPTIONS)."
UNKNOWN = "Yêu cầu không thực hiện được."
THROTTLED = "Quá nhiều yêu cầu từ địa chỉ của bạn. Xin thử lại sau {wait} giây."


class BadParameters(exceptions.ValidationError):
    """400: query parameters that are unknown, repeated or malformed; `errors` maps each to why (Vietnamese)."""

    def __init__(self, errors):
        self.errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
        super().__init__(self.errors)


GONE = "Bài viết này đã được tòa soạn gỡ xuống và không còn được đăng."


class Error(serializers.Serializer):
    """What every error response holds (for the schema)."""

    detail = serializers.CharField(help_text="Lời giải thích, bằng tiếng Việt.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Với lỗi 400: mỗi tham số bị từ chối và lý do.",
    )


class TakenDown(serializers.Serializer):
    """What a taken-down article's address answers (410), as its page says it: no content, the headline only if the
    editor who took it down chose so."""

    detail = serializers.CharField()
    headline = serializers.CharField(required=False, help_text="Chỉ khi tòa soạn chọn vẫn nêu tiêu đề.")

    @staticmethod
    def shape(takedown):
        return {"detail": GONE, **({"headline": takedown.article.headline} if takedown.show_headline else {})}


class Missing(exceptions.NotFound):
    """404 with our own words: a section or author that the API does not show."""


def exception_handler(exc, context):
    """REST framework's handler (status, Allow, Retry-After…), with our Vietnamese words in the body."""
    if isinstance(exc, exceptions.Throttled):
        # Whole seconds, and at least one: REST framework would send "Retry-After: 0", or none, within the last second.
        exc.wait = max(1, math.ceil(exc.wait or 0))
    response = framework_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, BadParameters):
        reasons = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.errors.items())
        response.data = {"detail": f"Tham số không hợp lệ — {reasons}", "errors": exc.errors}
    elif isinstance(exc, Missing):
        response.data = {"detail": str(exc.detail)}
    elif isinstance(exc, Http404):
        # An article not visible gets the article page's own words (articles/reading.py); nothing else is ours.
        response.data = {"detail": NOT_VISIBLE if exc.args and exc.args[0] == NOT_VISIBLE else NOT_FOUND}
    elif isinstance(exc, exceptions.Throttled):
        response.data = {"detail": THROTTLED.format(wait=exc.wait)}
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = {"detail": READ_ONLY}
    else:  # nothing else is raised by a read-only API without authentication; should it be, it is said in Vietnamese
        response.data = {"detail": NOT_FOUND if response.status_code == 404 else UNKNOWN}
    return response
