"""Tags: listed and searched by their folded names ("can tho" finds "Cần Thơ", as the article form's suggestions do),
and merged. A name folding to an existing tag's is refused by ``Tag.clean``, naming the tag to use instead; a slug left
blank is made from the name with the ``-2`` rule (``fill_slug``)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.template.response import TemplateResponse

from articles import audit
from articles.admin.initial import InitialValuesMixin
from articles.forms import TagMergeForm
from articles.models import Tag
from articles.text import fold

# The slug's help and its "taken" message, for tags and threads alike.
SLUG_FORM = {
    "help_texts": {"slug": "Để trống để tạo tự động từ tên; nếu trùng đường dẫn đã có, hệ thống thêm -2, -3…"},
    "error_messages": {
        "slug": {"unique": "Đường dẫn này đã có người dùng; hãy để trống để tạo tự động hoặc chọn đường dẫn khác."}
    },
}


def folded_search(queryset, term):
    """`queryset` narrowed to the rows whose folded name holds `term` folded, those beginning with it first."""
    folded = fold(term).strip()
    if not folded:
        return queryset
    first = Case(When(folded__startswith=folded, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.filter(folded__contains=folded).order_by(first, "name")


def merge(tags, kept):
    """Merge each of `tags` into `kept` (Tag.merge_into), each merge on the audit log, all or nothing; how many
    articles moved."""
    moved = 0
    with transaction.atomic():
        for tag in tags:
            if tag.pk == kept.pk:
                continue
            count = tag.merge_into(kept)
            moved += count
            target = f"Thẻ “{tag.name}” ({tag.slug}) gộp vào “{kept.name}” ({kept.slug}), {count} bài"
            audit.record(audit.Act.TAG_MERGE, target=target, changes={"tags": [tag.name, kept.name]})
    return moved


@admin.register(Tag)
class TagAdmin(InitialValuesMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count", "description"]
    fields = ["name", "slug", "description"]
    # Only shows the search box (and lets the article form's autocomplete ask): get_search_results matches folded.
    search_fields = ["name"]
    search_help_text = "Tìm theo tên thẻ, không phân biệt dấu và chữ hoa."
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("article_links"))

    def get_search_results(self, request, queryset, search_term):
        return folded_search(queryset, search_term), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change=change, **SLUG_FORM, **kwargs)

    @admin.display(description="số bài", ordering="article_count")
    def article_count(self, tag):
        return tag.article_count

    @admin.action(description="Gộp các thẻ đã chọn thành một…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        """Asks which of the selected tags is kept (a page of its own), then merges the others into it."""
        tags = list(queryset.order_by("name"))
        if len(tags) < 2:
            self.message_user(request, "Hãy chọn ít nhất hai thẻ để gộp.", messages.WARNING)
            return None
        form = TagMergeForm(request.POST if "kept" in request.POST else None, tags=queryset)
        if form.is_bound and form.is_valid():
            kept = form.cleaned_data["kept"]
            moved = merge(tags, kept)
            others = ", ".join(f"“{tag.name}”" for tag in tags if tag.pk != kept.pk)
            self.message_user(
                request,
                f"Đã gộp {others} vào “{kept.name}” ({moved} bài chuyển sang); đường dẫn cũ chuyển hướng tới thẻ này.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Gộp thẻ",
            "opts": self.opts,
            "form": form,
            "tags": tags,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/tag/merge.html", context)
