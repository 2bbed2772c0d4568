"""This process's page cache: the rules its requests are judged by, the store it reads and the lifetimes it gives the
edge, made once (``here()``) and again after a change of settings (tests), which may name another cache."""

import threading

from articles.pagecache.edge import Edge
from articles.pagecache.policy import Rules
from articles.pagecache.store import PageCache


class Here:
    def __init__(self):
        self.rules = Rules()
        self.pages = PageCache()
        self.edge = Edge()


_here = None
_lock = threading.Lock()


def here():
    global _here
    current = _here
    if current is None:
        with _lock:
            current = _here
            if current is None:
                current = _here = Here()
    return current


def forget(**kwargs):
    """Make `here()` anew on its next call: connected to setting_changed (ArticlesConfig.ready())."""
    global _here
    _here = None
