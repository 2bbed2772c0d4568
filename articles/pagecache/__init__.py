"""The page cache: whole public pages for anonymous readers, never stale and never wrong for the viewer.

docs/CACHING.md explains the design and why. The package, a module per concern:

- ``policy.py``: what is cached (``CACHED_VIEWS``), for whom (``Rules.page_key``: GET and HEAD without a session
  cookie, so a logged-in editor never reads from or writes to the cache) and which responses may be shared
  (``storable``: 200s of a cached view, no cookie, no ``private``/``no-store``, no CSP nonce).
- ``build.py``: this deploy's fingerprint, in every key, so no page outlives a change of code, templates or static
  files.
- ``store.py``: the stamp and the stored pages in the shared cache, and ``remembered()`` values; ``stamps.py``: the
  cheapest read of the stamp each backend allows.
- ``front.py``: ``PageCacheApp`` (newsroom/wsgi.py) answers a hit before Django builds a request;
  ``PageCacheMiddleware`` stores pages, and answers hits itself for what reaches Django anyway.
- ``invalidation.py``: what makes pages stale; its receiver is connected in ``ArticlesConfig.ready()``.
- ``edge.py``: the same pages for Varnish or a CDN in front: each labelled with the keys of what it shows and a
  lifetime for shared caches, and, after a write, the keys it touched purged (its receiver is connected there too);
  ``purges.py``: the purges' delivery to every Varnish, queued and retried when one fails.
- ``local.py``: this process's rules, store and edge lifetimes, made once.
"""

from articles.pagecache.front import PageCacheApp, PageCacheMiddleware
from articles.pagecache.invalidation import invalidate
from articles.pagecache.keys import STAMP_KEY
from articles.pagecache.local import here
from articles.pagecache.policy import CACHED_VIEWS, storable
from articles.pagecache.store import PageCache

__all__ = [
    "CACHED_VIEWS",
    "STAMP_KEY",
    "PageCache",
    "PageCacheApp",
    "PageCacheMiddleware",
    "invalidate",
    "page_key",
    "remembered",
    "storable",
]


def page_key(environ):
    """The cache key of the page this request asks for, or None when the cache must not answer it."""
    return here().rules.page_key(environ)


def remembered(name, compute):
    """`compute()`, kept in the shared cache until the next change of content or scheduled change, in every worker,
    like a page; and, unlike pages, also with the page cache off (NEWSROOM_PAGE_CACHE=0): for values a page needs that
    cost as much to compute as a walk of the table, such as a list's count (articles.lists.CardList)."""
    return here().pages.remembered(name, compute)
