"""The one signal every cache of public pages listens to: "content changed".

Whatever writes a model readers see (``SHOWN_MODELS``) — a save or delete from the admin, the importer, a restore,
the shell, ``loaddata``, or a queryset write that skips model signals (``PublicQuerySet``) — ends in
``content_changed``. The page cache (``articles/pagecache/invalidation.py``) listens to it; so will anything later
that keeps a copy of what readers see. ``ArticlesConfig.ready()`` connects every receiver of the app, this module's
included, so none is connected by importing a module.

``content_changed`` is sent with ``using``, the database alias written to. Inside ``one_change()`` the sends are
gathered and sent once at its end: a queryset delete sends ``post_delete`` for every row.
"""

import contextlib
import contextvars

from django.db import DEFAULT_DB_ALIAS
from django.dispatch import Signal

content_changed = Signal()

# Every save or delete of these can change a public page: articles, and the authors and sections named on them (and
# in every page's section menu), the corrections shown on them and in /corrections/, and takedowns (the 410 page says
# whether to name the article), and the front page's arrangements. Drafts included: telling which writes no reader
# sees would cost more than rendering the pages again.
SHOWN_MODELS = (
    "articles.Article",
    "articles.Author",
    "articles.Section",
    "articles.Correction",
    "articles.Takedown",
    "articles.FrontPage",
)

_gathered = contextvars.ContextVar("content_changes", default=None)


def changed(sender, using=DEFAULT_DB_ALIAS):
    """Say that content readers may see changed (now, or at the end of the enclosing ``one_change()``)."""
    gathered = _gathered.get()
    if gathered is not None:
        gathered.setdefault(using, sender)
        return
    content_changed.send(sender=sender, using=using)


@contextlib.contextmanager
def one_change():
    """Changes inside this block are sent once per database, at its end."""
    if _gathered.get() is not None:
        yield
        return
    gathered = {}
    token = _gathered.set(gathered)
    try:
        yield
    finally:
        _gathered.reset(token)
        for using, sender in gathered.items():
            content_changed.send(sender=sender, using=using)


def model_written(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save and post_delete of a shown model, whoever writes it."""
    changed(sender, using)
