"""Where the page cache meets requests: in front of Django (``PageCacheApp``, the WSGI application) and inside it
(``PageCacheMiddleware``)."""

import time

from django.http import HttpResponse

from articles.pagecache.local import here
from articles.pagecache.policy import PER_REQUEST_HEADERS, must_revalidate


class PageCacheApp:
    """The WSGI application in front of Django (newsroom/wsgi.py): answers a stored page straight from the cache.

    A hit costs reading the stamp from the shared cache, and no Django request at all: no session, no URL resolving,
    no template, no SQL. Everything else goes on to Django: misses (then ``PageCacheMiddleware`` stores the page),
    conditional requests (``ConditionalGetMiddleware`` answers them), cross-origin ones (``CorsMiddleware`` adds their
    headers), logged-in users, and anything that is not a reader's GET or HEAD. `hit_headers(environ)` gives headers a
    hit adds to the stored ones (the project's request id).
    """

    def __init__(self, application, hit_headers=lambda environ: []):
        self.application = application
        self.hit_headers = hit_headers

    def __call__(self, environ, start_response):
        local = here()
        key = local.rules.page_key(environ)
        if key is not None and environ.keys().isdisjoint(PER_REQUEST_HEADERS):
            stamp, page = local.pages.lookup(key)
            if page is not None:
                start_response("200 OK", [*page[2], *local.edge.lifetime(stamp), *self.hit_headers(environ)])
                return [page[3]]
        return self.application(environ, start_response)


class PageCacheMiddleware:
    """Stores the pages ``PageCacheApp`` serves. Placed right after the request id and conditional GET, so a hit
    here too skips sessions, auth, URL resolving and the view, and ConditionalGetMiddleware answers 304 from the
    stored ETag or Last-Modified (for what reaches Django anyway: conditional requests, the test client, runserver)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        local = here()
        key = local.rules.page_key(request.META)
        if key is None:
            return must_revalidate(request, self.get_response(request))
        pages = local.pages
        stamp, page = pages.lookup(key)
        if page is not None:
            return HttpResponse(page[3], headers=[*page[2], *local.edge.lifetime(stamp)])
        started = time.time()
        response = must_revalidate(request, self.get_response(request))
        kept = pages.store(key, stamp, started, request, response)
        # Shared caches keep it only if no write replaced the stamp while it was made: the edge's purge for that write
        # may already have gone out, and this page could predate it.
        if kept is not None and pages.read_stamp() == kept:
            for name, value in local.edge.lifetime(kept):
                response[name] = value
        return response
