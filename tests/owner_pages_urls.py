"""The project's URLconf, with the tag and thread pages' URLs routed when they are not yet (issue #19 builds those
pages in parts): the article page links them. Once both are routed, this is the project's URLconf unchanged."""

from django.http import HttpResponse
from django.urls import include, path

from articles import urls as article_urls
from newsroom import urls as project_urls

_routed = {pattern.name for pattern in article_urls.urlpatterns}
_owner_pages = [
    path(route, lambda request, slug: HttpResponse(), name=name)
    for name, route in (("tag", "tags/<slug:slug>/"), ("thread", "threads/<slug:slug>/"))
    if name not in _routed
]

urlpatterns = [
    *(pattern for pattern in project_urls.urlpatterns if getattr(pattern, "namespace", None) != "articles"),
    path("", include(([*article_urls.urlpatterns, *_owner_pages], "articles"))),
]
handler500 = project_urls.handler500
