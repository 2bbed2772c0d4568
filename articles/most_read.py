"""Most read ("Đọc nhiều"): how readers of an article are counted, with no database write per view, no cookie and no
personal data kept, and how the counts are read back (the front page's box, the admin's article list).

**The rule** (`count_view`, called by the beacon view `views.read_beacon`):

- A view is counted by the reader's browser: the article page's static script (``static/js/most-read.js``) posts the
  article's id to ``/da-doc/`` once the page is shown, so a page served by the page cache (or a cache in front of it)
  is counted too, and a crawler that runs no script is not.
- Not counted: a request with a session cookie (staff: readers have no session on this site), a user agent on the
  maintained list of bots and crawlers (``crawler-user-agents``), a request another site made (``Origin`` or
  ``Sec-Fetch-Site``), and an id that is not an article readers may see now (`queries.visible_id`).
- **One client, one view per article per clock hour.** A client is a salted hash of its address and user agent; the
  first view of an article in an hour leaves a marker (the hash with the article and the hour) that expires at the end
  of that hour, and later views in the hour find it and count nothing. Only the hash is kept, for at most an hour;
  the address and the user agent themselves are never stored, and nothing is set in the browser.
- Views go into **hourly buckets** ({article id: views}), each kept `KEEP_HOURS` (a week and a day: the admin shows
  7 days). A flood cannot grow them without bound: a bucket holds at most one entry per visible article, and at most
  `settings.MOST_READ_MAX_PER_HOUR` beacons are looked at an hour (so at most that many markers exist); past it, the
  rest of the hour counts nothing.

**The store** (`store()`): Redis when the cache is Redis (``REDIS_URL``): atomic sorted sets and markers shared by
every worker and machine. Otherwise the default cache (the file cache): each bucket one entry, merged under a short
lock (a count that finds it taken waits in the process for the next one), and the markers kept in each worker process
(so a client reloading counts at most once an hour per worker process: exact with Redis, nearly so without).
"""

import functools
import hashlib
import logging
import threading
import time
from collections import Counter, defaultdict

from crawleruseragents import is_crawler
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from articles import queries

logger = logging.getLogger(__name__)

HOUR = 3600
KEEP_HOURS = 8 * 24


def current_hour(now=None):
    """The number of the clock hour `now` (a Unix time) is in: buckets and markers are per hour."""
    return int((time.time() if now is None else now) // HOUR)


@functools.lru_cache(maxsize=2048)
def is_bot(user_agent):
    """Whether a user agent is a known bot, crawler or tool, or empty (the same few agents come back all day)."""
    return not user_agent or is_crawler(user_agent)


def from_this_site(request):
    """Whether the browser says the request came from one of this site's pages (a same-origin beacon)."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site is not None:
        return site == "same-origin"
    origin = request.META.get("HTTP_ORIGIN")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


def count_view(request, article_id, now=None):
    """Count one view of article `article_id` by the client making `request`, if the rule above lets it. Returns
    whether it was counted."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    if not from_this_site(request) or not queries.visible_id(article_id):
        return False
    now = time.time() if now is None else now
    hour = current_hour(now)
    counted = store()
    if not counted.admit(hour):
        return False
    client = f"{request.META.get('REMOTE_ADDR', '')}\n{request.META.get('HTTP_USER_AGENT', '')}"
    marker = hashlib.blake2b(
        f"{hour}\n{article_id}\n{client}".encode(errors="replace"),
        key=settings.SECRET_KEY.encode()[:64],
        digest_size=12,
    ).hexdigest()
    if not counted.first_view(marker, seconds_left=HOUR - int(now) % HOUR):
        return False
    counted.add(hour, article_id)
    return True


def top(limit, hours=24):
    """The ids of the `limit` articles most viewed in the last `hours` hours, most first (any article: the caller
    keeps those readers may see). Worked out at most once every `settings.MOST_READ_SECONDS` per process."""
    hour = current_hour()
    memo = _top_memo.get((limit, hours))
    if memo and memo[0] == hour and time.monotonic() < memo[1]:
        return memo[2]
    totals = store().totals(range(hour - hours + 1, hour + 1))
    ids = [pk for pk, _ in sorted(totals.items(), key=lambda item: (-item[1], -item[0]))[:limit]]
    _top_memo[(limit, hours)] = (hour, time.monotonic() + settings.MOST_READ_SECONDS, ids)
    return ids


_top_memo = {}


def views(ids, hours):
    """{article id: views in the last `hours` hours} for `ids` (the admin's list: a page of articles)."""
    hour = current_hour()
    totals = store().totals(range(hour - hours + 1, hour + 1), ids)
    return {pk: totals.get(pk, 0) for pk in ids}


def store():
    """Where views are kept: Redis when the default cache is Redis, else the default cache."""
    backend = caches["default"]
    return RedisStore(backend) if isinstance(backend, RedisCache) else CacheStore(backend)


def _outage(default):
    """A Redis outage costs the views counted meanwhile and an empty "Đọc nhiều", never an error page (as the cache's
    own IGNORE_EXCEPTIONS does for pages): `default` is returned and the error logged."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except RedisError:
                logger.warning("Most read: Redis unavailable", exc_info=True)
                return default()

        return guarded

    return decorate


class RedisStore:
    """Buckets as sorted sets, markers as keys that expire, in the Redis of the default cache (its key prefix too)."""

    def __init__(self, backend):
        self.backend = backend
        self.redis = backend.client.get_client(write=True)

    def key(self, name):
        return self.backend.make_key(f"most-read:{name}")

    @_outage(lambda: False)
    def admit(self, hour):
        key = self.key(f"n:{hour}")
        seen, _ = self.redis.pipeline().incr(key).expire(key, HOUR, nx=True).execute()
        return seen <= settings.MOST_READ_MAX_PER_HOUR

    @_outage(lambda: False)
    def first_view(self, marker, seconds_left):
        return bool(self.redis.set(self.key(f"v:{marker}"), 1, nx=True, ex=max(seconds_left, 1)))

    @_outage(lambda: None)
    def add(self, hour, article_id):
        bucket = self.key(f"h:{hour}")
        self.redis.pipeline().zincrby(bucket, 1, article_id).expire(bucket, KEEP_HOURS * HOUR).execute()

    @_outage(Counter)
    def totals(self, hours, ids=None):
        buckets = [self.key(f"h:{hour}") for hour in hours]
        if ids is not None:
            if not ids:
                return Counter()
            pipeline = self.redis.pipeline()
            for bucket in buckets:
                pipeline.zmscore(bucket, list(ids))
            totals = Counter()
            for scores in pipeline.execute():
                totals.update({pk: int(score) for pk, score in zip(ids, scores or [], strict=False) if score})
            return totals
        return {int(pk): int(score) for pk, score in self.redis.zunion(buckets, withscores=True)}


class CacheStore:
    """Buckets as {article id: views} entries of a Django cache, merged under a short lock; markers in the process."""

    LOCK_SECONDS = 5
    # Markers kept per process for the current hour; past this many, a view is counted without one (bounded memory).
    MAX_MARKERS = 100_000

    def __init__(self, backend: BaseCache):
        self.backend = backend

    def admit(self, hour):
        key = f"most-read:n:{hour}"
        self.backend.add(key, 0, timeout=HOUR)
        try:
            return self.backend.incr(key) <= settings.MOST_READ_MAX_PER_HOUR
        except ValueError:  # the entry expired between the two calls: a new hour
            return True

    def first_view(self, marker, seconds_left):
        with _local_lock:
            hour, markers = _local["markers"]
            now_hour = current_hour()
            if hour != now_hour:
                markers = set()
                _local["markers"] = (now_hour, markers)
            if marker in markers:
                return False
            if len(markers) < self.MAX_MARKERS:
                markers.add(marker)
            return True

    def add(self, hour, article_id):
        with _local_lock:
            _local["pending"][hour][article_id] += 1
            pending = _local["pending"]
            if not self.backend.add("most-read:lock", 1, timeout=self.LOCK_SECONDS):
                return  # another count is merging: this one waits in the process for the next
            _local["pending"] = _new_pending()
        try:
            for bucket_hour, counts in pending.items():
                key = f"most-read:h:{bucket_hour}"
                bucket = Counter(self.backend.get(key) or {})
                bucket.update(counts)
                self.backend.set(key, dict(bucket), timeout=KEEP_HOURS * HOUR)
        finally:
            self.backend.delete("most-read:lock")

    def totals(self, hours, ids=None):
        totals = Counter()
        for bucket in self.backend.get_many([f"most-read:h:{hour}" for hour in hours]).values():
            totals.update(bucket if ids is None else {pk: bucket[pk] for pk in ids if pk in bucket})
        return totals


def _new_pending():
    return defaultdict(Counter)


_local_lock = threading.Lock()
_local = {"markers": (None, set()), "pending": _new_pending()}
