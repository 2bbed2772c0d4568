"""URLs the public pages print many times, reversed once per process.

``reverse()`` costs tens of microseconds a call, and every page prints the same few URLs (the home page, the feed,
search) and dozens of slugs (every card links its article and its people). ``fixed_url`` reverses a URL name once per
script prefix and URLconf; ``slug_url`` reverses the pattern once, then puts each slug in. Both give exactly what
``reverse()`` gives (tests/test_scale.py checks it under a script prefix too).

Where the prefix and URLconf are Django's to say, reading them (thread- and task-local variables) cost more than the
rest of a link: ``PlaceMiddleware`` reads them once per request instead.
"""

import contextvars
import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# (script prefix, URLconf) of the request being answered, read once by PlaceMiddleware; None outside a request.
_place = contextvars.ContextVar("links_place", default=None)

# Stands for the slug while a URL pattern is reversed: the slug converter accepts it, and no URL prefix holds it.
SLUG_MARK = "slug-mark"


@functools.lru_cache(maxsize=64)
def _reversed(view_name, slug, script_prefix, urlconf):
    return reverse(view_name, kwargs={"slug": slug} if slug else None, urlconf=urlconf)


def fixed_url(view_name, slug=None):
    """`reverse(view_name)` (or with that `slug`), reversed once per script prefix and URLconf."""
    return _reversed(view_name, slug, *place())


def place():
    """(script prefix, URLconf) that links are reversed for now: what a cache of printed links is kept by."""
    return _place.get() or _here()


def _here():
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def slug_url(view_name, slug):
    """`reverse(view_name, kwargs={"slug": slug})`: the pattern is reversed once (`fixed_url`), then only the slug
    changes."""
    return fixed_url(view_name, SLUG_MARK).replace(SLUG_MARK, slug, 1)


class PlaceMiddleware:
    """Links printed while a request is answered are reversed for the script prefix and URLconf it started with, read
    here once rather than on each of the dozens of links a page prints. Last in MIDDLEWARE but django-axes: the
    prefix is set before any middleware runs, and ``request.urlconf`` (which none of ours sets) would be too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _place.set((get_script_prefix(), getattr(request, "urlconf", None) or _here()[1]))
        try:
            return self.get_response(request)
        finally:
            _place.reset(token)
