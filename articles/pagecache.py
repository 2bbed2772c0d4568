"""The page cache: whole public pages for anonymous readers, never stale and never wrong for the viewer.

This module is the one place that says what is cached (``CACHED_VIEWS``), for whom (``page_key``) and what makes a
cached page stale (``invalidate`` and the signals below; ``PublicQuerySet`` in articles/models.py sends the writes
that skip signals here too). docs/CACHING.md explains the design and why.

- **Stamp.** Every stored page carries the token of the stamp it was rendered under; the stamp lives in the shared
  cache (Redis or the file cache), never in a process. Any write to an article, author or section replaces the
  stamp, which orphans every stored page in every worker at once. The stamp also holds the next moment at which
  the published set changes by the clock alone (a scheduled publication or take-down); past it, the stamp is
  stale and the next page rendered makes a new one, so a scheduled article appears on time without a save.
- **Values.** ``remembered()`` keeps a value a page needs under the same stamp (a list's count, which costs as much
  as walking the list), page cache on or off: never older than the pages would be.
- **For whom.** GET and HEAD without a session cookie: a logged-in editor never reads from or writes to the cache,
  so a draft banner or preview can never reach a reader. Only 200 responses of ``CACHED_VIEWS`` with no cookie,
  no ``private``/``no-store`` and no CSP nonce are stored.
- **Fast.** ``PageCacheApp`` (newsroom/wsgi.py) answers a hit before Django builds a request: no session, no URL
  resolving, no template, no SQL; the stamp is read with the cheapest read each backend allows (``_stamp_reader``).
  ``PageCacheMiddleware`` stores pages, and answers hits itself for what reaches Django anyway (conditional
  requests, the test client, runserver).
"""

import contextlib
import contextvars
import hashlib
import math
import os
import pickle
import secrets
import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag
from django_redis.cache import RedisCache
from django_redis.client import DefaultClient

from articles import pagination
from newsroom.middleware import request_id

# Keys in the shared cache; the number changes whenever the stored format does, so old entries are never misread.
STAMP_KEY = "pagecache:1:stamp"
PAGE_KEY_PREFIX = "pagecache:1:page:"
VALUE_KEY_PREFIX = "pagecache:1:value:"

# What is cached: {URL name: the query parameters its pages may have}. A request with any other parameter is
# answered but not stored, so junk or tracking parameters cannot fill the cache. Search is not cached: every query
# would be a page of its own, mostly read once, crowding out the pages everyone reads.
# A list's page: its number, and the article a link deep in the list continues from (articles/pagination.py).
PAGE_PARAMS = {"page", pagination.AFTER, pagination.BEFORE}
CACHED_VIEWS = {
    "articles:index": PAGE_PARAMS,
    "articles:section": PAGE_PARAMS,
    "articles:author": PAGE_PARAMS,
    "articles:detail": set(),
    "articles:feed": set(),
    "articles:feed_atom": set(),
    "articles:section_feed": set(),
    "articles:section_feed_atom": set(),
    "robots": set(),
    "sitemap_index": set(),
    "sitemap": {"p"},
    "sitemap_news": {"p"},
}

# The models whose every write can change a public page: articles, and the authors and sections named on them
# (and in every page's section menu). Drafts included: telling which writes no reader sees would cost more than
# rendering the pages again.
SHOWN_MODELS = ("articles.Article", "articles.Author", "articles.Section")

# A stored response may vary only on these request headers: cookies (pages are stored for requests without a
# session only) and the language (the site has one).
HARMLESS_VARY = {"cookie", "accept-language"}

# Request headers that make a request conditional: answered by ConditionalGetMiddleware inside Django.
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}
)


def page_key(environ):
    """The cache key of the page this request asks for, or None when the cache must not answer it (the cache is
    off, the method changes something, the reader is logged in, or the path is static files, media or the admin)."""
    return _here().rules.page_key(environ)


class _Rules:
    """The settings `page_key` reads, looked up once: every attribute of Django's settings object costs a lazy-object
    lookup, and a hit would make ten of them."""

    def __init__(self):
        self.enabled = settings.PAGE_CACHE
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.uncached_prefixes = (settings.STATIC_URL, settings.MEDIA_URL, *settings.EDITOR_PATH_PREFIXES)
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.forwarded_host = settings.USE_X_FORWARDED_HOST

    def page_key(self, environ):
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
        return PAGE_KEY_PREFIX + hashlib.md5(asked.encode(errors="surrogatepass"), usedforsecurity=False).hexdigest()

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


class PageCache:
    """The stamp and the stored pages, in one cache backend: the shared default one (a test makes a second instance
    over the same store to play another worker process).

    The stamp is a tuple (token, next change as a Unix time or infinity); a page is (token, expires, headers, body).
    Plain tuples, so an entry unpickles whatever this module's classes become.
    """

    def __init__(self, backend=None):
        self.backend = backend or caches["default"]
        self.read_stamp = _stamp_reader(self.backend)

    def lookup(self, key):
        """(stamp, page): the stamp as read from the shared cache (None if there is none; it may have run out), and
        the page stored under `key` if it is valid now (else None).

        The stamp is read from the shared cache every time (`read_stamp`: the cheapest read the backend allows). The
        page comes from this process's copy of the pages it served last (`_recent`) when that copy has the stamp's
        token, else from the shared cache: so a hit reads one small entry, and a copy from before a write or a
        scheduled change is never used."""
        stamp = self.read_stamp()
        now = time.time()
        if stamp is None or now >= stamp[1]:
            return stamp, None
        page = _recent.get(key)
        if not _current(page, stamp, now):
            page = self.backend.get(key)
            if not _current(page, stamp, now):
                return stamp, None
            _remember(key, page)
        return stamp, page

    def renew(self, since=None):
        """Start a new stamp, orphaning every stored page, and return it.

        Its next change is the first one after `since` (default: now) in what this database connection sees. When the
        current stamp expects an earlier one, that one is kept: if the write that called this is rolled back, its
        changed schedule must not postpone an event still due (being early only costs one render of each page).
        """
        from articles.models import Article  # here: articles.models imports this module

        now = time.time()
        since = now if since is None else since
        upcoming = Article.objects.next_visibility_change(after=datetime.fromtimestamp(since, UTC))
        next_change = upcoming.timestamp() if upcoming else math.inf
        current = self.backend.get(STAMP_KEY)
        if current is not None and now < current[1]:
            next_change = min(next_change, current[1])
        stamp = (secrets.token_hex(8), next_change)
        self.backend.set(STAMP_KEY, stamp, timeout=None)
        return stamp

    def store(self, key, stamp, started, request, response):
        """Keep `response` under `key`, if it may be shown to every reader who asks the same URL.

        `stamp` is the one read before rendering began at `started`: a write that replaces it meanwhile orphans this
        page with the rest. When it had run out (or there was none), a new one is made now, covering changes from
        `started` on; unless another worker replaced it in the meantime, since this page may predate their change.
        """
        if not storable(request, response):
            return
        stamp = self._stamp_to_keep(stamp, started)
        if stamp is None:
            return
        if not response.has_header("ETag"):
            set_response_etag(response)  # what ConditionalGetMiddleware would add, so that every copy carries it
        seconds = settings.PAGE_CACHE_SECONDS
        page = (stamp[0], started + seconds, list(response.items()), response.content)
        self.backend.set(key, page, timeout=seconds)
        _remember(key, page)

    def remembered(self, name, compute):
        """`compute()`, kept under `name` and the current stamp: computed again after the next write or scheduled
        change, as pages are rendered again."""
        stamp, started = self.read_stamp(), time.time()
        if stamp is not None and started < stamp[1]:
            value = self.backend.get(f"{VALUE_KEY_PREFIX}{stamp[0]}:{name}")
            if value is not None:
                return value
        value = compute()
        stamp = self._stamp_to_keep(stamp, started)
        if stamp is not None:
            self.backend.set(f"{VALUE_KEY_PREFIX}{stamp[0]}:{name}", value, timeout=settings.PAGE_CACHE_SECONDS)
        return value

    def _stamp_to_keep(self, stamp, started):
        """The stamp to keep what was made from `started` on under: `stamp`, read before it began, if it still runs;
        else a new one, covering changes from `started` on; None if another worker replaced `stamp` in the meantime
        (what was made may predate their change)."""
        if stamp is not None and started < stamp[1]:
            return stamp
        if self.backend.get(STAMP_KEY) != stamp:
            return None
        return self.renew(since=started)


def remembered(name, compute):
    """`compute()`, kept in the shared cache until the next write or scheduled change, in every worker, like a page;
    and, unlike pages, also with the page cache off (NEWSROOM_PAGE_CACHE=0): for values a page needs that cost as much
    to compute as a walk of the table, such as a list's count (articles.models.CardList)."""
    return _here().pages.remembered(name, compute)


def _current(page, stamp, now):
    return page is not None and page[0] == stamp[0] and now < page[1]


def _stamp_reader(backend):
    """A function returning the stamp in `backend` as it is at that moment (None if there is none). The file cache and
    django-redis have cheaper reads than `backend.get`, which serves any other backend."""
    if isinstance(backend, FileBasedCache):
        return _FileStamp(backend).read
    if isinstance(backend, RedisCache) and type(backend.client) is DefaultClient:
        return _RedisStamp(backend).read
    return lambda: backend.get(STAMP_KEY)


class _FileStamp:
    """The file cache's stamp, unpickled only when its file has changed: a hit costs one os.stat (~2 µs) instead of
    opening, unpickling and decompressing the file.

    Why that is never stale: FileBasedCache writes every entry to a new temporary file and renames it over the old
    one, so a new stamp is always a new file (a new inode). It rewrites a file in place only in touch(), which nothing
    calls on the stamp (and which would change its size or modification time, compared too). The file read last is
    kept open, so its inode cannot be freed and handed to a later file: while the stamp's path still names that
    inode, no process has written a stamp since. (Without the open file, two stamps written within one tick of the
    file system's clock could reuse an inode with the same time and size, and look unchanged.)
    """

    def __init__(self, backend):
        self.held = None  # (the stamp file read last, open; its identity; its stamp)
        self.lock = threading.Lock()  # threaded servers: one thread must not swap `held` while another compares
        self.backend = backend
        self.path = backend._key_to_file(STAMP_KEY)  # the file backend.get(STAMP_KEY) reads

    def read(self):
        with self.lock:
            try:
                unchanged = self.held is not None and _identity(os.stat(self.path)) == self.held[1]
            except FileNotFoundError:  # no stamp (culled, cleared): pages miss until a new one is written
                self.release()
                return None
            if not unchanged:
                self.release()
                try:
                    file = open(self.path, "rb")  # noqa: SIM115 (kept open on purpose, see above)
                except FileNotFoundError:
                    return None
                # Read after opening: `get` returns this file's stamp or a newer one. If newer, the path no longer
                # names the held file, and the next read looks again.
                self.held = (file, _identity(os.fstat(file.fileno())), self.backend.get(STAMP_KEY))
            return self.held[2]

    def release(self):
        if self.held is not None:
            self.held[0].close()
            self.held = None

    __del__ = release


def _identity(status):
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


class _RedisStamp:
    """django-redis' stamp, read with one GET on a connection of this thread's own: redis-py's client spends ~100 µs
    of CPU on a GET in its pool, retry and instrumentation layers, a bare connection ~35 µs. Same key and encoding as
    `backend.get` (writes still go through it), on the server writes go to. Decoded with pickle.loads when that is
    what django-redis' encoding of a stamp is (its default serializer, no compressor): its own decode first tries
    int(), whose failure alone costs ~8 µs.

    On any error the connection is dropped (a reply left unread would answer the next GET) and the read is left to
    `backend.get`: it retries on a fresh connection (Redis restarted) and otherwise logs and misses, as every cache
    read does (IGNORE_EXCEPTIONS)."""

    def __init__(self, backend):
        self.backend = backend
        self.client = backend.client
        self.key = str(self.client.make_key(STAMP_KEY))
        self.local = threading.local()
        example = (secrets.token_hex(8), math.inf)  # every stamp pickles to the same length, so is encoded alike
        try:
            plain = pickle.loads(self.client.encode(example)) == example
        except Exception:  # another serializer, or compressed
            plain = False
        self.decode = pickle.loads if plain else self.client.decode

    def read(self):
        try:
            connection, get = self.local.connection
        except AttributeError:
            connection = self.client.get_client(write=True).connection_pool.make_connection()
            get = connection.pack_command("GET", self.key)
            self.local.connection = connection, get
        try:
            connection.send_packed_command(get)
            value = connection.read_response()
        except Exception:
            connection.disconnect()
            return self.backend.get(STAMP_KEY)
        return None if value is None else self.decode(value)


class _Here:
    """This process's page cache over the default backend, and the settings its requests read: made once (`_here`),
    and again after a change of settings (tests), which may name another cache."""

    def __init__(self):
        self.rules = _Rules()
        self.pages = PageCache()


_here_now = None
_here_lock = threading.Lock()


def _here():
    global _here_now
    here = _here_now
    if here is None:
        with _here_lock:
            here = _here_now
            if here is None:
                here = _here_now = _Here()
    return here


def _settings_changed(**kwargs):
    global _here_now
    _here_now = None


setting_changed.connect(_settings_changed, dispatch_uid="pagecache.settings_changed")


# This process's copies of the pages it served last: {key: page}, oldest first. Each page is ~20 KB.
RECENT_PAGES = 200
_recent = {}
_recent_lock = threading.Lock()


def _remember(key, page):
    with _recent_lock:
        _recent.pop(key, None)
        if len(_recent) >= RECENT_PAGES:
            del _recent[next(iter(_recent))]
        _recent[key] = page


def storable(request, response):
    """Whether `response` is the same for every anonymous reader of this URL, and so may be stored."""
    match = request.resolver_match
    if match is None or match.view_name not in CACHED_VIEWS:
        return False
    parameters = {name for name, _ in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)}
    if parameters - CACHED_VIEWS[match.view_name]:
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


def must_revalidate(request, response):
    """Public pages change without notice (an edit, a scheduled article): browsers may keep them but must ask
    before each use, which a 304 answers cheaply. Without this, a page with Last-Modified would be reused on a
    guess (heuristic freshness), and an editor could see the anonymous copy in their own browser."""
    match = request.resolver_match
    if match is not None and match.view_name in CACHED_VIEWS and not response.has_header("Cache-Control"):
        patch_cache_control(response, no_cache=True)
    return response


class PageCacheMiddleware:
    """Stores the pages ``PageCacheApp`` serves. Placed right after the request id and conditional GET, so a hit
    here too skips sessions, auth, URL resolving and the view, and ConditionalGetMiddleware answers 304 from the
    stored ETag or Last-Modified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        here = _here()
        key = here.rules.page_key(request.META)
        if key is None:
            return must_revalidate(request, self.get_response(request))
        pages = here.pages
        stamp, page = pages.lookup(key)
        if page is not None:
            return HttpResponse(page[3], headers=page[2])
        started = time.time()
        response = must_revalidate(request, self.get_response(request))
        pages.store(key, stamp, started, request, response)
        return response


class PageCacheApp:
    """The WSGI application in front of Django (newsroom/wsgi.py): answers a stored page straight from the cache.

    A hit costs reading the stamp from the shared cache, and no Django request at all. Everything else goes on to
    Django: misses (then ``PageCacheMiddleware`` stores the page), conditional requests (``ConditionalGetMiddleware``
    answers them), logged-in users, and anything that is not a reader's GET or HEAD.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        here = _here()
        key = here.rules.page_key(environ)
        if key is not None and environ.keys().isdisjoint(CONDITIONAL_HEADERS):
            page = here.pages.lookup(key)[1]
            if page is not None:
                start_response("200 OK", [*page[2], ("X-Request-ID", request_id(environ))])
                return [page[3]]
        return self.application(environ, start_response)


# What makes pages stale.

_batch = contextvars.ContextVar("pagecache_batch", default=None)


def invalidate(using=DEFAULT_DB_ALIAS):
    """Every stored page is stale from now on, in every worker process. Called for every write that can change one.

    The stamp is replaced at once, so that reads later in the same transaction (and tests, which never commit) see
    the change, and again after the transaction commits, so that a page another worker rendered from the
    pre-commit state in between is not kept.
    """
    batch = _batch.get()
    if batch is not None:
        batch.append(using)
        return
    PageCache().renew()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: PageCache().renew(), using=using)


@contextlib.contextmanager
def one_invalidation(using=DEFAULT_DB_ALIAS):
    """Writes inside this block invalidate once, at its end: a queryset delete sends post_delete for every row."""
    if _batch.get() is not None:
        yield
        return
    writes = []
    token = _batch.set(writes)
    try:
        yield
    finally:
        _batch.reset(token)
        if writes:
            invalidate(using)


def _written(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """Any save or delete of a shown model, whoever makes it: admin forms and actions, the importer, revision
    restore and recovery, the shell, and loaddata (a raw save)."""
    invalidate(using)


for _model in SHOWN_MODELS:
    post_save.connect(_written, sender=_model, dispatch_uid=f"pagecache.saved.{_model}")
    post_delete.connect(_written, sender=_model, dispatch_uid=f"pagecache.deleted.{_model}")
