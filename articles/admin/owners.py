"""Authors and sections: named, with a slug made from the name as the server makes it; a section's desk heads."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from articles.models import Author, Section

# Loaded after admin/js/urlify.js: replaces its slug function with the one that is right for Vietnamese.
SLUG_SCRIPTS = ["admin/js/urlify.js", "articles/js/urlify_vi.js"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    class Media:
        js = SLUG_SCRIPTS


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    # The desk heads (Trưởng ban) who receive the section's articles at the desk (articles/workflow.py).
    filter_horizontal = ["desk_heads"]

    class Media:
        js = SLUG_SCRIPTS

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "desk_heads":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
