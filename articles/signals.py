"""The one signal every cache of public pages listens to: "content changed".

Whatever writes a model readers see (``SHOWN_MODELS``) — a save or delete from the admin, the importer, a restore,
the shell, ``loaddata``, or a queryset write that skips model signals (``PublicQuerySet``) — ends in
``content_changed``, and so does ``migrate``. The page cache (``articles/pagecache/invalidation.py``) and the edge's
purge (``articles/pagecache/edge.py``) listen to it; so will anything later that keeps a copy of what readers see.
``ArticlesConfig.ready()`` connects every receiver of the app, this module's included, so none is connected by importing
a module.

``content_changed`` is sent with ``using``, the database alias written to, and ``changes``: the rows written, as
``Change``s, when the sender knows them, or None when it cannot tell what changed (``queryset.update()``, a raw save,
``migrate``, raw SQL): then anything may have. The page cache makes every page stale either way; the edge purges only
the pages the rows were shown on when it is told which. Inside ``one_change()`` the sends are gathered and sent once
at its end: a queryset delete sends ``post_delete`` for every row.
"""

import contextlib
import contextvars
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.dispatch import Signal

content_changed = Signal()

# Every save or delete of these can change a public page: articles, and the authors and sections named on them (and
# in every page's section menu), the corrections shown on them and in /corrections/, and takedowns (the 410 page says
# whether to name the article), the front page's arrangements, and tags, threads, the links of articles to tags,
# contributors and related picks. Drafts included: the receivers tell which writes no
# reader sees (the page cache does not bother: rendering the pages again costs less; the edge does).
SHOWN_MODELS = (
    "articles.Article",
    "articles.Author",
    "articles.Section",
    "articles.Correction",
    "articles.Takedown",
    "articles.FrontPage",
    "articles.Tag",
    "articles.Thread",
    "articles.ArticleTag",
    "articles.Contribution",
    "articles.RelatedPick",
)


class Change(NamedTuple):
    """One row of a shown model, written.

    `instance` is the row as written, or for a delete as it was (`pk` is its id: Django forgets a deleted instance's).
    `stored` is what the row held before the write, as the save pipeline read it (``Article.stored``: the form's
    fields), or None: a new row (`created`), a deleted one (`deleted`: the instance says), or a save that did not read
    it (another model's, or an article's saved without ``Article.save()``).
    """

    instance: Model
    pk: object
    created: bool = False
    deleted: bool = False
    stored: dict | None = None


_gathered = contextvars.ContextVar("content_changes", default=None)


def changed(sender, using=DEFAULT_DB_ALIAS, changes=None):
    """Say that content readers may see changed (now, or at the end of the enclosing ``one_change()``): these
    `changes`, or, when None, anything."""
    gathered = _gathered.get()
    if gathered is not None:
        first_sender, so_far = gathered.get(using, (sender, []))
        gathered[using] = (first_sender, None if so_far is None or changes is None else [*so_far, *changes])
        return
    content_changed.send(sender=sender, using=using, changes=None if changes is None else tuple(changes))


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
        for using, (sender, changes) in gathered.items():
            content_changed.send(sender=sender, using=using, changes=None if changes is None else tuple(changes))


def model_saved(sender, instance, created, raw, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save of a shown model, whoever saves it. What the row held is what ``Article.save()`` read before writing
    (`Article.stored`), if it did; a raw save (``loaddata``) says nothing of its rows."""
    if raw:
        changed(sender, using)
        return
    stored = None if created else getattr(instance, "stored", None)
    changed(sender, using, [Change(instance, instance.pk, created=created, stored=stored)])


def model_deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_delete of a shown model, whoever deletes it."""
    changed(sender, using, [Change(instance, instance.pk, deleted=True)])


def migrated(sender, app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: a schema change may change what pages show, with the code unchanged (``migrate`` run under
    running workers). Once per ``migrate``: Django sends this for every app, and ours is the one that matters."""
    if app_config.label == "articles":
        changed(sender, using)
