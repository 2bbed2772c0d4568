from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.upload import upload_image

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ckeditor/upload/", upload_image, name="ckeditor_upload"),
    path("ckeditor/", include("ckeditor_uploader.urls")),
    path("", include("articles.urls")),
]

# Uploaded media in development; in production the web server or object storage serves it.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
