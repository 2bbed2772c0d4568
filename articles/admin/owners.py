"""Authors and sections: named, with a slug made from the name as the server makes it; an author may be another
person's pen name (``pen_name_of``: their main name); sections also say whether, where and how large their block on the
front page is, and who heads their desk."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from articles import workflow
from articles.admin.folded import FoldedNameSearch
from articles.admin.initial import InitialValuesMixin
from articles.models import Author, Section

# Loaded after admin/js/urlify.js: replaces its slug function with the one that is right for Vietnamese.
SLUG_SCRIPTS = ["admin/js/urlify.js", "articles/js/urlify_vi.js"]


@admin.register(Author)
class AuthorAdmin(FoldedNameSearch, InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "pen_name_of", "user"]
    list_select_related = ["pen_name_of", "user"]
    # Typed without accents; a person's main name also finds their pen names (in the contributors' autocomplete too).
    search_fields = ["name"]
    folded_search_fields = ("name", "pen_name_of__name")
    search_help_text = "Tìm theo bút danh hoặc tên chính, không phân biệt dấu và chữ hoa."
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "pen_name_of"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pen_name_of")

    def autocomplete_label(self, author):
        """In the article form's pickers a pen name says whose it is: typing a person's name offers their pen names
        too, and "H.A" alone would not say why."""
        return author.picker_label

    class Media:
        js = [*SLUG_SCRIPTS, "articles/js/autocomplete_names.js"]


@admin.register(Section)
class SectionAdmin(InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "on_front", "front_position", "front_count"]
    list_editable = ["position", "on_front", "front_position", "front_count"]
    prepopulated_fields = {"slug": ["name"]}
    # The desk heads (Trưởng ban) who receive the section's articles at the desk (articles/workflow.py).
    filter_horizontal = ["desk_heads"]

    def save_model(self, request, obj, form, change):
        """A change of the section's block on the front page goes on the audit log (workflow.record_section_front)."""
        before = Section.objects.filter(pk=obj.pk).values(*workflow.FRONT_SECTION_FIELDS).first() if change else None
        super().save_model(request, obj, form, change)
        workflow.record_section_front(obj, before, request.user)

    class Media:
        js = SLUG_SCRIPTS

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "desk_heads":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
