"""Purging the edge: every Varnish listed in ``NEWSROOM_VARNISH_URLS`` is told, over HTTP, which keys to drop
(``PURGE /`` with an ``xkey-purge`` header, deploy/varnish/newsroom.vcl), after the write's transaction commits.

Never at the cost of the editor's save, and never lost silently:

- A transaction's keys are gathered and sent once, when it commits. Every Varnish gets one request, all at the same
  time, each connect and read waiting at most ``NEWSROOM_VARNISH_TIMEOUT`` seconds.
- A purge that fails is logged and queued in the database (``PendingPurge``), then retried by a thread of the process
  that queued it, after 1, 2, 4… up to 60 seconds, until it gets through (logged too), merged with every other purge
  queued for the same Varnish. A later purge from any process, and ``manage.py purge_edge``, also see the queue, so a
  purge queued by a process that has since stopped is not left behind.
- A queued purge older than the longest an edge keeps a page (``NEWSROOM_EDGE_SECONDS`` and its grace) has nothing
  left to drop and is let go, with a line in the log; so is one for a Varnish no longer listed.
"""

import datetime
import logging
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from articles.models import PendingPurge

log = logging.getLogger(__name__)

ALL = "all"
# More keys than this in one purge (a delete of hundreds of articles, a long outage's queue) and everything goes: a
# Varnish refuses request headers longer than 8 KB by default.
MOST_KEYS = 200
LONGEST_WAIT = 60  # seconds between two tries of a purge that keeps failing
# Proxies named in the environment (http_proxy) are for the outside world, never for our own Varnish servers.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# The keys of this thread's transaction so far.
_pending = threading.local()


def after_commit(keys, using):
    """Purge `keys` from every Varnish once the current transaction commits (at once outside one).

    Keys of a transaction that is rolled back stay gathered and go with the next commit's: a purge too many costs
    nothing but one fetch of each page it drops."""
    pending = _pending.__dict__.setdefault("keys", set())
    pending |= keys
    # Robust: whatever goes wrong is logged, and never turns the editor's committed save into an error page.
    transaction.on_commit(_send_pending, using=using, robust=True)


def _send_pending():
    # The first callback after a commit sends every key gathered; the transaction's other callbacks find none left.
    keys = _pending.__dict__.pop("keys", None)
    if keys:
        purge(keys)


def header(keys):
    """The ``xkey-purge`` value for `keys`: ``all`` alone when everything goes."""
    return ALL if ALL in keys or len(keys) > MOST_KEYS else " ".join(sorted(keys))


def purge(keys):
    """Tell every Varnish to drop the pages labelled with any of `keys`, and queue what does not get through.
    Returns {target: why it failed}."""
    value = header(keys)
    targets = settings.VARNISH_URLS
    if len(targets) == 1:
        errors = [_send(targets[0], value)]
    else:
        with ThreadPoolExecutor(len(targets)) as pool:
            errors = list(pool.map(_send, targets, [value] * len(targets)))
    failed = {target: error for target, error in zip(targets, errors, strict=True) if error}
    for target, error in failed.items():
        log.warning("Purge of %s from %s failed (%s); it is queued and retried.", value, target, error)
    try:
        retry_at = timezone.now() + datetime.timedelta(seconds=_wait(1))
        for target, error in failed.items():
            PendingPurge.objects.create(target=target, keys=value, retry_at=retry_at, error=error)
        if failed or PendingPurge.objects.exists():
            retrier.wake()
    except DatabaseError:
        log.exception("Purges of %s from %s could not be queued: run `manage.py purge_edge all`.", value, list(failed))
    return failed


def _send(target, value):
    """Send one purge: None when it got through, else why not."""
    request = urllib.request.Request(target.rstrip("/") + "/", method="PURGE", headers={"xkey-purge": value})
    try:
        with _opener.open(request, timeout=settings.VARNISH_TIMEOUT) as response:
            response.read()
    except (OSError, ValueError) as error:  # refused, timed out, an answer other than 2xx (HTTPError), a bad URL
        return str(error)[:500] or type(error).__name__
    return None


def _wait(attempts):
    """Seconds before trying a purge again after `attempts` failed tries."""
    return min(2 ** (attempts - 1), LONGEST_WAIT)


def retry(due_only=True):
    """Send the queued purges (those due, or all), merged per Varnish. Returns the seconds until the next one left is
    due, or None when none is left."""
    now = timezone.now()
    queued = PendingPurge.objects.order_by("pk")
    by_target = {}
    for row in queued.filter(retry_at__lte=now) if due_only else queued:
        by_target.setdefault(row.target, []).append(row)
    moot = now - datetime.timedelta(seconds=settings.EDGE_SECONDS + settings.EDGE_GRACE_SECONDS)
    for target, rows in by_target.items():
        if target not in settings.VARNISH_URLS or all(row.created_at < moot for row in rows):
            log.warning("Dropped %d queued purges for %s: no longer listed, or older than any copy it kept.",
                        len(rows), target)  # fmt: skip
            PendingPurge.objects.filter(pk__in=[row.pk for row in rows]).delete()
            continue
        value = header({key for row in rows for key in row.keys.split()})
        error = _send(target, value)
        if error is None:
            PendingPurge.objects.filter(pk__in=[row.pk for row in rows]).delete()
            log.info("Purge of %s from %s got through on try %d.", value, target, max(row.attempts for row in rows) + 1)
            continue
        attempts = max(row.attempts for row in rows) + 1
        log.warning("Purge of %s from %s failed again (%s), try %d; next in %d s.",
                    value, target, error, attempts, _wait(attempts))  # fmt: skip
        PendingPurge.objects.filter(pk__in=[row.pk for row in rows]).update(
            attempts=attempts, retry_at=now + datetime.timedelta(seconds=_wait(attempts)), error=error
        )
    upcoming = PendingPurge.objects.order_by("retry_at").values_list("retry_at", flat=True).first()
    return None if upcoming is None else max(0.0, (upcoming - timezone.now()).total_seconds())


class Retrier:
    """This process's thread that retries queued purges while there are any; started again by the next `wake()`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.woken = threading.Event()
        self.thread = None

    def wake(self):
        with self.lock:
            self.woken.set()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="edge-purge-retry", daemon=True)
                self.thread.start()

    def run(self):
        try:
            while True:
                self.woken.clear()
                close_old_connections()
                try:
                    wait = retry()
                except Exception:  # the database is away, say: try again later, never give up on the queue
                    log.exception("Retrying queued purges failed; trying again in %d s.", LONGEST_WAIT)
                    wait = LONGEST_WAIT
                if wait is None:
                    with self.lock:
                        if not self.woken.is_set():
                            self.thread = None
                            return
                    continue
                self.woken.wait(min(wait, LONGEST_WAIT))
        finally:
            connection.close()


retrier = Retrier()
