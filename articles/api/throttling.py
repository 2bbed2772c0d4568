"""Anonymous requests per client address, counted in the shared cache (the file cache or Redis), so that every worker
process (and, with Redis, every machine) counts together: NEWSROOM_API_RATE_LIMIT (settings.API_RATE_LIMIT),
"600/minute" by default, "off" for none.

One counter per address and fixed window (a minute, for "/minute"); past the limit, 429 with Retry-After, the seconds
until the window ends. A fixed window lets a client make up to twice the limit across a window's edge: the limit is a
guard against floods, not a quota. Only requests that reach Django are counted: a response from the page cache costs
no SQL, and an HTTP cache in front answers those without asking us at all (docs/API.md, "Rate limit").

REST framework's own throttle reads and rewrites a list of times per address: two workers at the same moment would
both write their list and one request would go uncounted, and with the file cache each write is a new file renamed
over the old, 0.3 ms a request on this machine (more than the rest of an article's answer). So the counting is done
the cheapest exact way each backend allows (as ``articles/pagecache/stamps.py`` reads the page cache's stamp):
Redis, one atomic INCR; the file cache, one byte appended to a file of the address's (appends are atomic between
processes, and the file's size is the count: 5 µs); any other cache, its own `incr`.
"""

import hashlib
import math
import os
import shutil
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from rest_framework.throttling import SimpleRateThrottle

# In the file cache's folder, beside its entries (which FileBasedCache finds by their suffix, so never these).
FOLDER = "api-rate"
APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT


class AddressRateThrottle(SimpleRateThrottle):
    scope = "address"

    def get_rate(self):
        return None if settings.API_RATE_LIMIT == "off" else settings.API_RATE_LIMIT

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.now = time.time()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        # REMOTE_ADDR: ForwardedForMiddleware put the reader's address there behind our proxy (NUM_PROXIES = 0).
        # A server that gives no address at all (a Unix socket without a proxy in front) counts its clients as one.
        count = hit(caches["default"], self.get_ident(request) or "", window, self.duration)
        # None: the cache is unreachable (django-redis ignores Redis errors). Let the request through rather than fail.
        return count is None or count <= self.num_requests

    def wait(self):
        return math.ceil(self.window_ends - self.now)


def hit(backend, address, window, duration):
    """Count one request from `address` in the `window`-th window of `duration` seconds; the count so far, or None."""
    if isinstance(backend, FileBasedCache):
        return _appended(os.path.join(backend._dir, FOLDER), address, f"{duration}-{window}")
    key = f"api-rate:{duration}:{window}:{address}"
    try:
        return backend.incr(key)  # django-redis: one atomic INCR, if the counter exists
    except ValueError:  # the window's first request (or the counter expired): start it
        # Outlives its window a little: a worker whose clock is a second behind still finds it.
        if backend.add(key, 1, timeout=duration + 2):
            return 1
        return backend.incr(key)  # another worker started it meanwhile


def _appended(folder, address, window):
    """One byte appended to the window's file of `address`; its size, the count. A new window's folder clears the
    ones before the last (a client of the last window may still be counted there by a slow clock)."""
    name = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    path = os.path.join(folder, window, name)
    try:
        fd = os.open(path, APPEND, 0o600)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _clear_before(folder, window)
        fd = os.open(path, APPEND, 0o600)
    try:
        os.write(fd, b".")
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def _clear_before(folder, window):
    duration, number = window.split("-")
    keep = {window, f"{duration}-{int(number) - 1}"}
    for name in os.listdir(folder):
        if name not in keep:
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
