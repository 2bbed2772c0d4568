"""The admin site: Django's, named for the newsroom, its autocompletes labelling each result as its ModelAdmin says.

Installed as the default site (``NewsroomAdminConfig``, in INSTALLED_APPS where ``django.contrib.admin`` was), so
``admin.site`` and ``@admin.register`` are this site.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class Autocomplete(AutocompleteJsonView):
    """An autocomplete's results, each labelled by its ModelAdmin's `autocomplete_label(obj)` when it has one (its
    str() otherwise, as Django does)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := getattr(self.model_admin, "autocomplete_label", None):
            result["text"] = label(obj)
        return result


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom — Quản trị"
    site_title = "Newsroom"
    index_title = "Tòa soạn"
    index_template = "admin/newsroom_index.html"  # the editors' start page above the models

    def autocomplete_view(self, request):
        return Autocomplete.as_view(admin_site=self)(request)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin.NewsroomAdminSite"
