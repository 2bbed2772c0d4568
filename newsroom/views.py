"""Site-wide views: the database-outage page, /healthz, uploaded media from local disk, the login lockout page."""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.static import serve

from articles import images

# How long a reader's browser (or a crawler) is asked to wait before trying again during a database outage.
RETRY_AFTER_SECONDS = 30

MEDIA_MAX_AGE = 7 * 24 * 3600  # upload names are random, so a name's bytes never change


def server_error(request):
    """handler500. A database that cannot be reached is an outage, not a bug: answer the 503 page instead of the 500."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    return defaults.server_error(request)


def service_unavailable(request):
    """The Vietnamese "back soon" page with Retry-After. Rendered without the request (no context processors), so it
    needs neither the database nor the session."""
    html = loader.render_to_string("503.html", {"request_id": getattr(request, "id", "")})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@never_cache
def healthz(request):
    """200 when the database answers a trivial query, 503 when it does not; for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def serve_media(request, path):
    """An uploaded photo from MEDIA_ROOT, always with an image Content-Type (and nosniff, from SecurityMiddleware).

    Files of any other kind are 404, so nothing under MEDIA_ROOT can ever be served as HTML or SVG. Django's static
    `serve` does the rest: it refuses paths outside MEDIA_ROOT, answers If-Modified-Since with 304 and streams the file.
    """
    # Only the image types an upload can be stored as: nothing under MEDIA_ROOT is ever served as HTML or SVG.
    content_type = images.CONTENT_TYPES.get(path.rpartition(".")[2].lower())
    if content_type is None:
        raise Http404("Không có tệp này.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        response["Content-Type"] = content_type
        response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked (user name, address) pair: HTTP 429 and a Vietnamese page saying for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "lockout.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
