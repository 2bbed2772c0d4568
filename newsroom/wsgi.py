"""
WSGI config for newsroom project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from articles.pagecache import PageCacheApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

# A reader's page that is in the page cache is answered before Django builds a request (articles/pagecache.py).
application = PageCacheApp(get_wsgi_application())
