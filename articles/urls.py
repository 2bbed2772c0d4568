from django.urls import path

from articles import feeds, preview, views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="index"),
    path("latest/", views.ArticleListView.as_view(), name="latest"),
    path("da-doc/", views.read_beacon, name="read_beacon"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("threads/<slug:slug>/", views.ThreadView.as_view(), name="thread"),
    path("threads/<slug:slug>/feed/", feeds.ThreadFeed(), name="thread_feed"),
    path("threads/<slug:slug>/feed/atom/", feeds.ThreadAtomFeed(), name="thread_feed_atom"),
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("feed/atom/", feeds.LatestAtomFeed(), name="feed_atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.CorrectionFeed(), name="corrections_feed"),
    path("xem-truoc/", preview.ArticlePreviewView.as_view(), name="preview_new"),
    path("xem-truoc/<int:pk>/", preview.ArticlePreviewView.as_view(), name="preview"),
    path("xem-truoc/chia-se/<str:token>/", preview.SharedPreviewView.as_view(), name="shared_preview"),
]
