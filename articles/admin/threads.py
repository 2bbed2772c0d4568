"""Story threads (dòng sự kiện): a title, a slug made from it (the ``-2`` rule when left blank), an introduction, a
photo checked as article photos are (the model field's validators: ``images.validate_image``, ``validate_renderable``),
and a pinned lead article among those readers may be led to."""

from django.contrib import admin

from articles.admin.folded import FoldedNameSearch
from articles.admin.initial import InitialValuesMixin
from articles.admin.linked import PICKABLE_ONLY
from articles.admin.tags import SLUG_FORM
from articles.forms import pickable_or
from articles.models import Thread


@admin.register(Thread)
class ThreadAdmin(FoldedNameSearch, InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "lead_article"]
    list_select_related = ["lead_article"]
    fields = ["name", "slug", "intro", "image", "image_caption", "image_credit", "image_alt", "lead_article"]
    autocomplete_fields = ["lead_article"]
    # Only shows the search box (and lets the article form's autocomplete ask): FoldedNameSearch matches folded.
    search_fields = ["name"]
    search_help_text = "Tìm theo tiêu đề, không phân biệt dấu và chữ hoa."

    class Media:
        js = ["articles/js/autocomplete_names.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **SLUG_FORM, **kwargs)
        if "lead_article" in form.base_fields:
            kept = [obj.lead_article_id] if obj is not None and obj.lead_article_id else []
            form.base_fields["lead_article"].queryset = pickable_or(kept)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_article":
            kwargs["error_messages"] = {"invalid_choice": PICKABLE_ONLY}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
