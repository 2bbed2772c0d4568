"""Request plumbing: the page cache's front with the request id, a request id for the logs and the error pages, the
reader's address behind the TLS proxy, the choice of Content-Security-Policy, and the one-line log format that carries
the request id."""

import contextlib
import contextvars
import ipaddress
import logging
import re
import secrets
import threading
import time
import traceback

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

# The id of the request being handled, for log records that do not carry the request itself.
_current_request_id = contextvars.ContextVar("request_id", default="-")
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id(meta):
    """The id of the request with these WSGI variables: the TLS proxy's sane X-Request-ID, else a new random one."""
    incoming = meta.get("HTTP_X_REQUEST_ID", "") if settings.TLS_PROXY else ""
    # 32 random hex digits, as uuid4().hex gave, at a third of its cost (this runs for every page-cache hit too).
    return incoming if _SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)


def with_page_cache(application):
    """`application` behind the page cache's WSGI front (articles/pagecache/), which answers a stored page before
    Django builds a request. Made at start-up, so the build's fingerprint is this process's code; a hit gets a
    request id like every other response."""
    # Imported here: this module is loaded with the logging settings, before the app registry (and the models the
    # page cache reads) is ready.
    from articles.pagecache import PageCacheApp, here

    here()
    return PageCacheApp(application, hit_headers=lambda environ: [("X-Request-ID", request_id(environ))])


class RequestIdMiddleware:
    """Give every request an id, sent back as X-Request-ID and printed on every log line and on the 503 page.

    Behind the TLS proxy (DJANGO_TLS_PROXY=1) the proxy's own X-Request-ID is kept, so its access log and ours match;
    otherwise the header comes from the client and could be used to muddle the logs, so it is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id(request.META)
        token = _current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class ForwardedForMiddleware:
    """Behind the TLS proxy, REMOTE_ADDR is the proxy: take the reader's address from X-Forwarded-For.

    Only the last entry is believed: it is the one our proxy appended; anything before it came from the client and can
    be forged. Login throttling counts failures per (user name, address), so this must be the real address.
    """

    def __init__(self, get_response):
        if not settings.TLS_PROXY:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").rpartition(",")[2].strip()
        # No or unparsable header: the connection's address is the best there is.
        with contextlib.suppress(ValueError):
            request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(last))
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the policy by path.

    Under EDITOR_PATH_PREFIXES (admin, CKEditor) the editor's policy applies unless a view set its own. frame-ancestors
    follows X-Frame-Options, so a view marked @xframe_options_sameorigin (CKEditor's upload answer, loaded in the
    image dialog's iframe) can be framed by this site and everything else by no one.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:  # no report-only policy is configured; keep it that way
            return parts
        if parts.config is None and request.path_info.startswith(settings.EDITOR_PATH_PREFIXES):
            parts.config = settings.EDITOR_CONTENT_SECURITY_POLICY
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


class RequestIdLogFilter(logging.Filter):
    """Put the id of the request being handled on every log record (as `request_id`, "-" outside a request)."""

    def filter(self, record):
        record.request_id = getattr(getattr(record, "request", None), "id", None) or _current_request_id.get()
        return True


class OneLineFormatter(logging.Formatter):
    """`time level logger [request id] message`, always on one line.

    A request error (django.request, django.security) reads `METHOD path status ExceptionType: message`; for a server
    error its traceback follows on the same line with its newlines written as `\\n`, so one failing request is one
    line in the log. The same error raised from the same place has its traceback written once every
    `TRACEBACK_SECONDS` (in each process); the lines between name the request whose line has it. During a database
    outage every request fails the same way, and a traceback on each filled the log (6,378 lines in 29 seconds).
    """

    TRACEBACK_SECONDS = 60

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tracebacks = {}  # (exception type, file, line raised at) -> (when written, on which request's line)
        self._lock = threading.Lock()

    def _traceback_written_with(self, exc_info, request_id):
        """The id of the request whose line has this error's traceback, written within the last TRACEBACK_SECONDS;
        None when this line must have it (the first such error, or a minute after the last traceback)."""
        frames = traceback.extract_tb(exc_info[2])
        where = (frames[-1].filename, frames[-1].lineno) if frames else None
        key, now = (type(exc_info[1]), where), time.monotonic()
        with self._lock:
            written = self._tracebacks.get(key)
            if written and now - written[0] < self.TRACEBACK_SECONDS:
                return written[1]
            self._tracebacks[key] = (now, request_id)
        return None

    def format(self, record):
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if status is not None and hasattr(request, "method"):
            text = f"{request.method} {request.get_full_path()} {status}"
            if record.exc_info and record.exc_info[1] is not None:
                text += f" {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        else:
            text = record.getMessage()
        request_id = getattr(record, "request_id", None) or _current_request_id.get()
        line = f"{self.formatTime(record)} {record.levelname} {record.name} [{request_id}] {text}"
        if record.exc_info and (status is None or status >= 500):  # a 4xx (bad Host header…) needs no traceback
            if (written_with := self._traceback_written_with(record.exc_info, request_id)) is None:
                line += " | " + self.formatException(record.exc_info)
            else:
                line += f" | traceback: see [{written_with}]"
        return line.replace("\r", "").replace("\n", "\\n")
