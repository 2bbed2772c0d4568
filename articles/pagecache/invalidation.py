"""What makes stored pages stale: any change of content (``articles/signals.py``; ``migrate`` is one too).

``ArticlesConfig.ready()`` connects the receiver. Nothing else writes the stamp but ``PageCache.renew()``, and
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
    """articles.signals.content_changed: a save, a delete or a queryset write of something readers see, or
    ``migrate``. Whatever changed, every page is stale (docs/CACHING.md says why)."""
    invalidate(using)
