"""WSGI entry point (gunicorn newsroom.wsgi)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402 (settings module first)

from articles.pagecache import PageCacheApp  # noqa: E402

# A reader's page that is in the page cache is answered before Django builds a request (articles/pagecache.py).
application = PageCacheApp(get_wsgi_application())
