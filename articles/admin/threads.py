"""Story threads (dòng sự kiện): a title, a slug made from it (the ``-2`` rule when left blank), an introduction, a
photo checked as article photos are (the model field's validators: ``images.validate_image``, ``validate_renderable``),
and a pinned lead article among those readers may be led to."""

from django.contrib import admin

from articles.admin.initial import InitialValuesMixin
from articles.admin.linked import PICKABLE_ONLY
from articles.admin.tags import SLUG_FORM
from articles.forms import pickable_or
from articles.models import Thread
from articles.text import fold


@admin.register(Thread)
class ThreadAdmin(InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "lead_article"]
    list_select_related = ["lead_article"]
    fields = ["name", "slug", "intro", "image", "image_caption", "image_credit", "image_alt", "lead_article"]
    autocomplete_fields = ["lead_article"]
    # Only shows the search box (and lets the article form's autocomplete ask): get_search_results matches folded.
    search_fields = ["name"]
    search_help_text = "Tìm theo tiêu đề, không phân biệt dấu và chữ hoa."

    class Media:
        js = ["articles/js/autocomplete_names.js"]

    def get_search_results(self, request, queryset, search_term):
        """Titles holding the words typed without accents ("mua nuoc" finds "Mùa nước nổi"): threads are few, a
        newsroom's running stories, so their titles are folded here rather than kept folded in a column."""
        folded = fold(search_term).strip()
        if not folded:
            return queryset, False
        ids = [pk for pk, name in queryset.values_list("pk", "name") if folded in fold(name)]
        return queryset.filter(pk__in=ids), False

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
