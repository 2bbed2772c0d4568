"""The read-only JSON API under /api/v1/ (docs/API.md): Django REST framework, with drf-spectacular's OpenAPI schema.

A module per concern: ``views.py`` (thin views, one per endpoint, and what every one of them shares),
``serializers.py`` (what each response holds), ``filters.py`` (the query parameters each endpoint takes, refused with
a Vietnamese message when junk), ``pagination.py`` (the articles' cursor), ``throttling.py`` (requests per client
address, counted in the shared cache), ``errors.py`` (every error as JSON with a Vietnamese ``detail``), ``urls.py``.

What a reader may see is ``Article.objects.published()`` here as everywhere; an article by its slug is what
``articles/reading.py`` answers for the article page too (404, or a 301 from an old slug).
"""
