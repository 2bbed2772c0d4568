"""Authors and sections: named, with a slug made from the name as the server makes it; sections also say whether, where
and how large their block on the front page is."""

from django.contrib import admin

from articles import workflow
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
    list_display = ["name", "slug", "position", "on_front", "front_position", "front_count"]
    list_editable = ["position", "on_front", "front_position", "front_count"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        """A change of the section's block on the front page goes on the audit log (workflow.record_section_front)."""
        before = Section.objects.filter(pk=obj.pk).values(*workflow.FRONT_SECTION_FIELDS).first() if change else None
        super().save_model(request, obj, form, change)
        workflow.record_section_front(obj, before, request.user)

    class Media:
        js = SLUG_SCRIPTS
