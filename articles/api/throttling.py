"""Anonymous requests per client address, counted in the shared cache (the file cache or Redis), so that every worker
process and every machine counts together: NEWSROOM_API_RATE_LIMIT (settings.API_RATE_LIMIT), "600/minute" by default.

One counter per address and fixed window (a minute, for "/minute"), created with `add` and raised with `incr`: one
atomic INCR on Redis, where REST framework's own throttle reads and rewrites a list of times (two workers at the same
moment would both write their list, and one request would go uncounted). Past the limit: 429 with Retry-After, the
seconds until the window ends. A fixed window lets a client make up to twice the limit across a window's edge; the
limit is a guard against floods, not a quota. Only requests that reach Django are counted: a response from the page
cache costs no SQL, and an HTTP cache in front answers those without asking us at all (docs/API.md).
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class AddressRateThrottle(SimpleRateThrottle):
    scope = "address"
    cache_format = "api-rate:%(ident)s:%(window)d"

    def get_rate(self):
        rate = settings.API_RATE_LIMIT
        return None if rate.strip().lower() == "off" else rate

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.now = time.time()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        # REMOTE_ADDR: ForwardedForMiddleware put the reader's address there behind our proxy (NUM_PROXIES = 0).
        key = self.cache_format % {"ident": self.get_ident(request), "window": window}
        # The counter outlives its window by a little: a clock a second behind another worker's still finds it.
        cache.add(key, 0, timeout=self.duration + 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: this request starts it again
            cache.add(key, 1, timeout=self.duration + 2)
            count = 1
        # None: the cache is unreachable (django-redis ignores Redis errors). Let the request through rather than fail.
        return count is None or count <= self.num_requests

    def wait(self):
        return math.ceil(self.window_ends - self.now)
