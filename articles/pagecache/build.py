"""This deploy's build: a fingerprint of its code, templates, static files and pinned packages, in every page's key.

A page rendered by one build is never served by another, so a deploy that changes a template, a stylesheet, the code
or a migration (code too) never shows a reader a page rendered before it; the older pages age out of the shared cache
by their timeout. ``migrate`` also renews the stamp (``invalidation.py``), for a schema changed under running workers.

The fingerprint is computed once per process from the files' contents. With ``PAGE_CACHE_WATCH_FILES`` (on with
DEBUG, where runserver and Jinja2 pick up an edited template without a restart) their sizes and times are looked at
again on every request, and the fingerprint recomputed when one changed.
"""

import hashlib
import os

from django.conf import settings

# What the pages are made from, relative to BASE_DIR.
SOURCES = ("articles", "newsroom", "templates", "static", "requirements.txt")
SKIPPED = {"__pycache__"}


def _files(base):
    for source in SOURCES:
        path = base / source
        if path.is_file():
            yield str(path)
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED)
            yield from (os.path.join(folder, name) for name in sorted(names))


def fingerprint(base):
    """A short digest of every source file's path and bytes."""
    digest = hashlib.blake2b(digest_size=8)
    for path in _files(base):
        digest.update(os.path.relpath(path, base).encode(errors="surrogatepass") + b"\0")
        with open(path, "rb") as file:
            digest.update(hashlib.blake2b(file.read(), digest_size=16).digest())
    return digest.hexdigest()


def _signature(base):
    """What changes when a file is edited, added or removed, without reading any file."""
    return hash(tuple((path, status.st_size, status.st_mtime_ns) for path in _files(base) if (status := os.stat(path))))


class Build:
    def __init__(self, watch=False, base=None):
        self.base = base or settings.BASE_DIR
        self.watch = watch
        self.signature = _signature(self.base) if watch else None
        self.fingerprint = fingerprint(self.base)

    def current(self):
        """The build's fingerprint now."""
        if self.watch:
            signature = _signature(self.base)
            if signature != self.signature:
                self.signature, self.fingerprint = signature, fingerprint(self.base)
        return self.fingerprint
