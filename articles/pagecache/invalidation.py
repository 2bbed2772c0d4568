"""What makes stored pages stale: any change of content (``articles/signals.py``), and ``migrate``.

``ArticlesConfig.ready()`` connects these receivers. Nothing else writes the stamp but ``PageCache.renew()``, and
nothing but this module asks for it after a write.
"""

from django.db import DEFAULT_DB_ALIAS, transaction

from articles.pagecache.store import PageCache


def invalidate(using=DEFAULT_DB_ALIAS):
    """Every stored page is stale from now on, in every worker process.

    The stamp is replaced at once, so that reads later in the same transaction (and tests, which never commit) see
    the change, and again after the transaction commits, so that a page another worker rendered from the
    pre-commit state in between is not kept.
    """
    PageCache().renew()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: PageCache().renew(), using=using)


def content_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """articles.signals.content_changed: a save, a delete or a queryset write of something readers see."""
    invalidate(using)


def migrated(sender, app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: a schema change may change what pages show, with the code unchanged (``migrate`` run under
    running workers). Once per ``migrate``: Django sends this for every app, and ours is the one that matters."""
    if app_config.label == "articles":
        invalidate(using)
