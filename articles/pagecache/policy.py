"""What the page cache keeps, and for whom: the pages (``CACHED_VIEWS``), the requests (``Rules.page_key``) and the
responses (``storable``) that may be shared by every anonymous reader of a URL."""

import hashlib
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.utils.cache import cc_delim_re, patch_cache_control

from articles import pagination
from articles.api import filters as api_filters
from articles.pagecache import build
from articles.pagecache.keys import PAGE_KEY_PREFIX

# What is cached: {URL name: the query parameters its pages may have}. Only a page's one written form is stored
# (`canonical`): any other parameter or spelling is answered but not stored, so no sequence of requests can fill the
# cache and push out the pages readers read. Search is not cached: every query would be a page of its own, mostly
# read once. A list page a link continues from an article (``?page=7&sau=…``, articles/pagination.py) is answered
# but not stored either: its page number is only a name, so every number with every article would be a page of its
# own, and telling the one the site wrote takes the article's place in the list, the count those links avoid. They
# are read as fast as a first page (one index seek), cached or not.
PAGE_PARAMS = {"page"}
# Parameters that number a view's pages (the lists' `page`, the sitemaps' `p`): stored only as the site writes them
# (pagination.written_number: digits, no leading zero or sign, and never 1, which is the bare path).
PAGE_NUMBERS = {"page", "p"}
CACHED_VIEWS = {
    # The front page takes no parameter: its old page links answer a redirect to /latest/, which is never stored.
    "articles:index": set(),
    "articles:latest": PAGE_PARAMS,
    "articles:section": PAGE_PARAMS,
    "articles:author": PAGE_PARAMS,
    "articles:tag": PAGE_PARAMS,
    "articles:thread": PAGE_PARAMS,
    "articles:detail": set(),
    "articles:feed": set(),
    "articles:feed_atom": set(),
    "articles:section_feed": set(),
    "articles:section_feed_atom": set(),
    "articles:tag_feed": set(),
    "articles:tag_feed_atom": set(),
    "articles:thread_feed": set(),
    "articles:thread_feed_atom": set(),
    "articles:corrections": {"page"},
    "articles:corrections_feed": set(),
    "robots": set(),
    "sitemap_index": set(),
    "sitemap": {"p"},
    "sitemap_news": {"p"},
    # The API (articles/api/): a list's page is its filters and cursor. `updated_since` is not kept: each app syncs
    # from a moment of its own, so each such URL would be read once. Search is not kept, as on the site.
    "api:index": set(),
    "api:article-list": set(api_filters.ArticleFilters._declared_fields) - {"updated_since"},
    "api:article-detail": set(),
    "api:section-list": set(),
    "api:section-detail": set(),
    "api:author-list": set(),
    "api:author-detail": set(),
    "api:tag-list": set(),
    "api:tag-detail": set(),
    "api:thread-list": set(),
    "api:thread-detail": set(),
    "api:front": set(),
    "api:schema": set(),
    # The page only: its script (?script) holds a CSRF token for Swagger UI's "try it out", so it is per reader.
    "api:docs": set(),
}

# A stored response may vary only on these request headers: cookies (pages are stored for requests without a
# session only), the language (the site has one), and the origin: the API's CORS headers are added per request by
# CorsMiddleware, outside the page cache, so a stored response holds none, and a request with an Origin header is
# handed to Django (PER_REQUEST_HEADERS) to get its own.
HARMLESS_VARY = {"cookie", "accept-language", "origin"}

# Request headers that make a request conditional: answered by ConditionalGetMiddleware inside Django.
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}
)
# Requests whose answer Django's outer middleware completes: the conditional ones (a 304) and cross-origin ones (the
# CORS headers). The WSGI front hands them on; PageCacheMiddleware still answers them from the cache.
PER_REQUEST_HEADERS = CONDITIONAL_HEADERS | {"HTTP_ORIGIN"}


class Rules:
    """The settings `page_key` reads, looked up once: every attribute of Django's settings object costs a lazy-object
    lookup, and a hit would make ten of them."""

    def __init__(self):
        self.enabled = settings.PAGE_CACHE
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.uncached_prefixes = (settings.STATIC_URL, settings.MEDIA_URL, *settings.EDITOR_PATH_PREFIXES)
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.forwarded_host = settings.USE_X_FORWARDED_HOST
        # Every key holds this deploy's build (articles/pagecache/build.py): a page stored before a change of code,
        # templates or static files is never found after it.
        self.build = build.Build(watch=settings.PAGE_CACHE_WATCH_FILES)

    def page_key(self, environ):
        """The cache key of the page this request asks for, or None when the cache must not answer it (the cache is
        off, the method changes something, the reader is logged in, or the path is static files, media or the
        admin)."""
        if not self.enabled or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        # A substring test: any cookie whose name merely contains the session cookie's also skips the cache (safe
        # side).
        if self.session_cookie in environ.get("HTTP_COOKIE", ""):
            return None
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.uncached_prefixes):
            return None
        # Pages print absolute URLs (canonical, feeds, sitemaps), so scheme and host are part of what was asked for.
        asked = "\n".join((self.scheme(environ), self.host(environ), path, environ.get("QUERY_STRING", "")))
        digest = hashlib.md5(asked.encode(errors="surrogatepass"), usedforsecurity=False).hexdigest()
        return f"{PAGE_KEY_PREFIX}{self.build.current()}:{digest}"

    def scheme(self, environ):
        """request.scheme, from the WSGI environ alone (behind the TLS proxy, its X-Forwarded-Proto)."""
        if self.proxy_ssl_header:
            header, secure_value = self.proxy_ssl_header
            value = environ.get(header)
            if value is not None:
                return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
        return environ.get("wsgi.url_scheme", "http")

    def host(self, environ):
        """What Django's request.get_host() reads, before validation (a page is stored only after Django accepted the
        host: a refused one never answered 200)."""
        if self.forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
            return environ["HTTP_X_FORWARDED_HOST"]
        if "HTTP_HOST" in environ:
            return environ["HTTP_HOST"]
        # No Host header (HTTP/1.0, the test client): Django takes the server's name and port. The space keeps this
        # apart from every Host header: one holding a space never passes Django's validation, so no page is stored
        # under it.
        return f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')} server"


def storable(request, response):
    """Whether `response` is the same for every anonymous reader of this URL, and so may be stored."""
    match = request.resolver_match
    if match is None or match.view_name not in CACHED_VIEWS:
        return False
    if not canonical(request.META.get("QUERY_STRING", ""), CACHED_VIEWS[match.view_name]):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-store"}:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    if vary - HARMLESS_VARY:
        return False
    # A page that used a CSP nonce matches only its own response's header: replayed, its scripts would be refused.
    return getattr(request, "_csp_nonce", None) is None


def canonical(query_string, allowed):
    """Whether `query_string` is the one way the site writes a URL with these `allowed` parameters: each at most once,
    in name order, percent-encoded as the site encodes them, a page number as `pagination.written_number` writes it."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    names = [name for name, _ in pairs]
    if set(names) - allowed or len(set(names)) != len(names):
        return False
    if any(name in PAGE_NUMBERS and pagination.written_number(value) != value for name, value in pairs):
        return False
    return urlencode(sorted(pairs)) == query_string


def must_revalidate(request, response):
    """Public pages change without notice (an edit, a scheduled article): browsers may keep them but must ask
    before each use, which a 304 answers cheaply. Without this, a page with Last-Modified would be reused on a
    guess (heuristic freshness), and an editor could see the anonymous copy in their own browser."""
    match = request.resolver_match
    if match is not None and match.view_name in CACHED_VIEWS and not response.has_header("Cache-Control"):
        patch_cache_control(response, no_cache=True)
    return response
