"""The stamp and the stored pages, in the shared cache.

- **Stamp.** Every stored page carries the token of the stamp it was rendered under; the stamp lives in the shared
  cache (Redis or the file cache), never in a process. Any change of content replaces the stamp
  (``invalidation.py``), which orphans every stored page in every worker at once. The stamp also holds the next
  moment at which the published set changes by the clock alone (a scheduled publication or take-down); past it, the
  stamp is stale and the next page rendered makes a new one, so a scheduled article appears on time without a save
  (and a front-page pick's "hiện đến" or the breaking news' end passes on time: ``models.next_scheduled_change``).
- **Values.** ``remembered()`` keeps a value a page needs under the same stamp (a list's count, which costs as much as
  walking the list), page cache on or off: never older than the pages would be.
"""

import math
import secrets
import threading
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.utils.cache import set_response_etag

from articles.models import next_scheduled_change
from articles.pagecache.edge import page_keys
from articles.pagecache.keys import STAMP_KEY, VALUE_KEY_PREFIX
from articles.pagecache.policy import storable
from articles.pagecache.stamps import stamp_reader


class PageCache:
    """The stamp and the stored pages, in one cache backend: the shared default one (a test makes a second instance
    over the same store to play another worker process).

    The stamp is a tuple (token, next change as a Unix time or infinity); a page is (token, expires, headers, body).
    Plain tuples, so an entry unpickles whatever this module's classes become.
    """

    def __init__(self, backend=None):
        self.backend = backend or caches["default"]
        self.read_stamp = stamp_reader(self.backend)

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
        now = time.time()
        since = now if since is None else since
        upcoming = next_scheduled_change(after=datetime.fromtimestamp(since, UTC))
        next_change = upcoming.timestamp() if upcoming else math.inf
        current = self.backend.get(STAMP_KEY)
        if current is not None and now < current[1]:
            next_change = min(next_change, current[1])
        stamp = (secrets.token_hex(8), next_change)
        self.backend.set(STAMP_KEY, stamp, timeout=None)
        return stamp

    def store(self, key, stamp, started, request, response):
        """Keep `response` under `key`, if it may be shown to every reader who asks the same URL; return the stamp it
        is kept under (None: not kept).

        `stamp` is the one read before rendering began at `started`: a write that replaces it meanwhile orphans this
        page with the rest. When it had run out (or there was none), a new one is made now, covering changes from
        `started` on; unless another worker replaced it in the meantime, since this page may predate their change.
        A kept page is labelled for the edge with the keys of what it shows (``edge.py``), which every hit repeats.
        """
        if not storable(request, response):
            return None
        stamp = self._stamp_to_keep(stamp, started)
        if stamp is None:
            return None
        if not response.has_header("ETag"):
            set_response_etag(response)  # what ConditionalGetMiddleware would add, so that every copy carries it
        keys = page_keys(request, response)
        if keys is not None:
            response["Surrogate-Key"] = keys
        seconds = settings.PAGE_CACHE_SECONDS
        page = (stamp[0], started + seconds, list(response.items()), response.content)
        self.backend.set(key, page, timeout=seconds)
        _remember(key, page)
        return stamp

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


def _current(page, stamp, now):
    return page is not None and page[0] == stamp[0] and now < page[1]


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
