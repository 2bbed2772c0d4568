"""WSGI entry point (gunicorn newsroom.wsgi)."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402 (settings module first)

from articles.pagecache import PageCacheApp  # noqa: E402

# A reader's page that is in the page cache is answered before Django builds a request (articles/pagecache.py).
application = PageCacheApp(get_wsgi_application())

# What loading Django made (settings, apps, models: ~94,000 objects) lives as long as the worker. Frozen, it is left
# out of the garbage collector's full collections, which otherwise stop a request for ~70 ms every few hundred
# (14 ms frozen; docs/PERFORMANCE.md).
gc.freeze()
