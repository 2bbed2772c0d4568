"""The article page's parts from issue #19: its thread (linked, with the thread's previous and next article), its tags
(linked, primary first), its related box, and what they cost: one query more than before they existed, whatever the
number of tags, contributors and picks. Staff previews show the same parts."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

from articles import urls as article_urls
from articles.models import Article, ArticleTag, Contribution, RelatedPick
from newsroom import urls as project_urls
from tests.factories import logged_in, make_article, make_author, make_section, make_staff, make_tag, make_thread

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# The tag and thread pages are routed by their own part of the issue; until they are, this URLconf routes their URLs
# so that the article page can link them.
def _owner_pages():
    routed = {pattern.name for pattern in article_urls.urlpatterns}
    missing = [("tag", "tags/<slug:slug>/"), ("thread", "threads/<slug:slug>/")]
    return [path(route, lambda request, slug: HttpResponse(), name=name) for name, route in missing if name not in routed]


urlpatterns = [
    *(pattern for pattern in project_urls.urlpatterns if getattr(pattern, "namespace", None) != "articles"),
    path("", include(([*article_urls.urlpatterns, *_owner_pages()], "articles"))),
]


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)
