"""URLconf for the upload-view tests, mirroring how newsroom/urls.py wires the view (ours before django-ckeditor's)."""

from django.contrib import admin
from django.urls import include, path

import articles.upload

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ckeditor/upload/", articles.upload.upload_image, name="ckeditor_upload"),
    path("ckeditor/", include("ckeditor_uploader.urls")),
]
