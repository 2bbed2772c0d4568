from django.urls import path, re_path

from articles.api import views

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("sections/", views.SectionList.as_view(), name="section-list"),
    path("sections/<slug:slug>/", views.SectionDetail.as_view(), name="section-detail"),
    path("authors/", views.AuthorList.as_view(), name="author-list"),
    path("authors/<slug:slug>/", views.AuthorDetail.as_view(), name="author-detail"),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.TagDetail.as_view(), name="tag-detail"),
    path("threads/", views.ThreadList.as_view(), name="thread-list"),
    path("threads/<slug:slug>/", views.ThreadDetail.as_view(), name="thread-detail"),
    path("front/", views.Front.as_view(), name="front"),
    path("search/", views.Search.as_view(), name="search"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(), name="docs"),
    # Last: any other path ending in "/" is a JSON 404; one without the slash is sent here by APPEND_SLASH.
    re_path(r"^[\s\S]*/$", views.Nowhere.as_view()),
]
