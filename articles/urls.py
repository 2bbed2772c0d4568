from django.urls import path

from articles import feeds, preview, views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("feed/atom/", feeds.LatestAtomFeed(), name="feed_atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.CorrectionFeed(), name="corrections_feed"),
    path("xem-truoc/", preview.ArticlePreviewView.as_view(), name="preview_new"),
    path("xem-truoc/<int:pk>/", preview.ArticlePreviewView.as_view(), name="preview"),
    path("xem-truoc/chia-se/<str:token>/", preview.SharedPreviewView.as_view(), name="shared_preview"),
]
