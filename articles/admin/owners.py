"""Authors and sections: named, with a slug made from the name as the server makes it."""

from django.contrib import admin

from articles.admin.initial import InitialValuesMixin
from articles.models import Author, Section

# Loaded after admin/js/urlify.js: replaces its slug function with the one that is right for Vietnamese.
SLUG_SCRIPTS = ["admin/js/urlify.js", "articles/js/urlify_vi.js"]


@admin.register(Author)
class AuthorAdmin(InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    class Media:
        js = SLUG_SCRIPTS


@admin.register(Section)
class SectionAdmin(InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    class Media:
        js = SLUG_SCRIPTS
