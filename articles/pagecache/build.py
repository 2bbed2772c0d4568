"""This deploy's build: a fingerprint of its code, templates, static files and pinned packages, in every page's key.

A page rendered by one build is never served by another, so a deploy that changes a template, a stylesheet, the code
or a migration (code too) never shows a reader a page rendered before it; the older pages age out of the shared cache
by their timeout. ``migrate`` also renews the stamp (``invalidation.py``), for a schema changed under running workers.

What the pages are made from is read from the settings: the template engines' folders, the static files' folders,
the project's own apps and settings package (code, app templates, app static files) and ``requirements.txt``. The
fingerprint is computed once per process from the files' contents. With ``PAGE_CACHE_WATCH_FILES`` (on with DEBUG,
where runserver and Jinja2 pick up an edited template without a restart) their sizes and times are looked at again
on every request, and the fingerprint recomputed when one changed.
"""

import hashlib
import os
import sys
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings

SKIPPED = {"__pycache__"}


def sources():
    """The files and folders pages are made from, as the settings name them."""
    base = Path(settings.BASE_DIR)
    project = Path(import_module(settings.WSGI_APPLICATION.partition(".")[0]).__file__).parent
    # Installed packages are pinned in requirements.txt: their files need no reading (a virtualenv may sit in BASE_DIR).
    own_apps = [
        path
        for path in (Path(config.path) for config in apps.get_app_configs())
        if path.is_relative_to(base) and not path.is_relative_to(sys.prefix)
    ]
    template_dirs = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", ())]
    static_dirs = [Path(entry if isinstance(entry, str | Path) else entry[1]) for entry in settings.STATICFILES_DIRS]
    roots = {project, *own_apps, *template_dirs, *static_dirs, base / "requirements.txt"}
    return sorted(root for root in roots if not any(root != other and root.is_relative_to(other) for other in roots))


def _files(roots):
    for root in roots:
        if root.is_file():
            yield str(root)
            continue
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED)
            yield from (os.path.join(folder, name) for name in sorted(names))


def fingerprint(roots):
    """A short digest of every source file's path (from BASE_DIR, so that every server of one deploy agrees wherever
    it is installed) and bytes."""
    digest = hashlib.blake2b(digest_size=8)
    for path in _files(roots):
        digest.update(os.path.relpath(path, settings.BASE_DIR).encode(errors="surrogatepass") + b"\0")
        with open(path, "rb") as file:
            digest.update(hashlib.blake2b(file.read(), digest_size=16).digest())
    return digest.hexdigest()


def _signature(roots):
    """What changes when a file is edited, added or removed, without reading any file."""
    stats = ((path, os.stat(path)) for path in _files(roots))
    return hash(tuple((path, status.st_size, status.st_mtime_ns) for path, status in stats))


class Build:
    def __init__(self, watch=False):
        self.roots = sources()
        self.watch = watch
        self.signature = _signature(self.roots) if watch else None
        self.fingerprint = fingerprint(self.roots)

    def current(self):
        """The build's fingerprint now."""
        if self.watch:
            signature = _signature(self.roots)
            if signature != self.signature:
                self.signature, self.fingerprint = signature, fingerprint(self.roots)
        return self.fingerprint
