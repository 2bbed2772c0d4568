"""WSGI entry point (gunicorn newsroom.wsgi): Django behind the page cache's front."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402 (settings module first)

from newsroom.middleware import with_page_cache  # noqa: E402

# A reader's page that is in the page cache is answered before Django builds a request (articles/pagecache/).
application = with_page_cache(get_wsgi_application())

# What loading Django made (settings, apps, models) lives as long as the worker. Frozen, it is left out of the garbage
# collector's full collections, which otherwise stop a request every few hundred (docs/PERFORMANCE.md).
gc.freeze()
