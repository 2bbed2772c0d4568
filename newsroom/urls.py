import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS
from articles.upload import upload_image
from newsroom import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ckeditor/upload/", upload_image, name="ckeditor_upload"),
    path("ckeditor/", include("ckeditor_uploader.urls")),
    path("", include("articles.urls")),
    path("api/v1/", include("articles.api.urls")),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path(
        "sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap_index"
    ),
    # Before the pattern below, which would otherwise take "news" for the name of a section of the index.
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
]

urlpatterns += [path("healthz", views.healthz, name="healthz")]

# Uploaded media from local disk, as images only (with DJANGO_S3_BUCKET the photos' URLs point at the bucket).
if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", views.serve_media)]

# A database outage answers the Vietnamese 503 page; any other uncaught error the 500 page.
handler500 = "newsroom.views.server_error"
