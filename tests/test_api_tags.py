"""The API's tags, story threads, bylines and front page (issue #19 in the API of #22, docs/API.md): what an article
says of them, the filters, `tags/`, `threads/` and `front/`, only what readers may see, and a fixed number of
queries."""

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

import articles.urls
import newsroom.urls

pytestmark = pytest.mark.django_db

API = "/api/v1/"


# Stand-ins for the readers' tag and thread pages, which another part of #19 routes: the API links to them. Used only
# while they are not routed (the merge of #19 makes this fixture and its imports go).
def _stand_in(request, slug):
    return HttpResponse()


urlpatterns = [
    path(
        "",
        include(
            (
                [
                    *articles.urls.urlpatterns,
                    path("tags/<slug:slug>/", _stand_in, name="tag"),
                    path("threads/<slug:slug>/", _stand_in, name="thread"),
                ],
                "articles",
            )
        ),
    ),
    *(pattern for pattern in newsroom.urls.urlpatterns if getattr(pattern, "app_name", None) != "articles"),
]


@pytest.fixture(autouse=True)
def reader_pages_of_tags_and_threads(settings):
    try:
        reverse("articles:tag", kwargs={"slug": "x"})
        reverse("articles:thread", kwargs={"slug": "x"})
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__
