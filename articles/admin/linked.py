"""The article's links to other rows on its form: its tags (the form's own field, ``forms.TagsField``), its
contributors and its hand-picked related articles (ordered inlines).

Tags are typed as names separated by commas, with suggestions (``articles/js/tags.js``, from the admin's own
autocomplete, which matches the folded name): the fastest for an editor, who types "can tho, mua lu" and is done,
picks a suggestion with the keyboard, or types a new name that becomes a tag on save, with no pop-up and no extra row
per tag; the order is the reading order. The tag input is not autosaved: autosave keeps the article's typed text
(``fields.typed()``, its own columns), and a few tag names are picked again in seconds, unlike paragraphs.

Each row of an inline is part of the article: whoever may change the article (``workflow.may_edit``) may change them,
and nobody else, whatever the rows' own model permissions say.
"""

from django import forms
from django.contrib import admin, messages

from articles import fields, workflow
from articles.forms import ContributionFormSet, OrderedRowForm, RelatedPickFormSet
from articles.models import Author, Contribution, RelatedPick

# The autocompletes that pick an article for readers to be led to (a related pick, a thread's pinned lead): they offer
# what may be picked (workflow.pickable), as the server accepts.
PICKING = {("relatedpick", "related"), ("thread", "lead_article")}
# What a reader of the form sees in place of the tag input.
TAGS_SHOWN = {"tags": "tags_in_order"}
PICKABLE_ONLY = "Chỉ chọn được bài đã xuất bản hoặc đã hẹn giờ, chưa hết hạn."


class PersonChoiceField(forms.ModelChoiceField):
    """A people picker's chosen person, named as the list to pick from names them (`Author.picker_label`)."""

    def label_from_instance(self, obj):
        return obj.picker_label


class PersonPicker:
    """The article's author and its contributors are picked with `PersonChoiceField`; the chosen one is read with the
    person behind its pen name, in the one query the widget makes for it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Author:
            kwargs.setdefault("queryset", Author.objects.select_related("pen_name_of"))
            kwargs["form_class"] = PersonChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ArticlePartInline(admin.TabularInline):
    """Rows that are part of the article: they follow the article's own rule (workflow.may_edit)."""

    form = OrderedRowForm
    extra = 0

    def has_view_permission(self, request, obj=None):
        return workflow.may_view(request.user, obj) if obj is not None else workflow.may_edit(request.user, None)

    def has_add_permission(self, request, obj=None):
        return workflow.may_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return workflow.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return workflow.may_edit(request.user, obj)


class ContributionInline(PersonPicker, ArticlePartInline):
    model = Contribution
    formset = ContributionFormSet
    fields = ["author", "role", "position"]
    autocomplete_fields = ["author"]
    verbose_name_plural = "người cùng thực hiện (ngoài tác giả, là người viết đầu tiên)"


class RelatedPickInline(ArticlePartInline):
    model = RelatedPick
    fk_name = "article"
    formset = RelatedPickFormSet
    fields = ["related", "position"]
    autocomplete_fields = ["related"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "related":
            kwargs["error_messages"] = {"invalid_choice": PICKABLE_ONLY}  # the formset says what may be picked
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def picking(request):
    """Whether `request` is the admin's autocomplete for a field that picks an article for readers."""
    match = request.resolver_match
    key = (request.GET.get("model_name"), request.GET.get("field_name"))
    return match is not None and match.url_name == "autocomplete" and key in PICKING


class LinkedMixin(PersonPicker):
    """ArticleAdmin's part: the inlines, the tag field (who may type a new tag), what was made of the typed tags, the
    people pickers."""

    inlines = [ContributionInline, RelatedPickInline]

    def get_formsets_with_inlines(self, request, obj=None):
        """A post without an inline's rows at all (a script, or a form from before the inline existed) leaves those
        rows as they are, rather than failing on the missing management form."""
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if request.method != "POST" or f"{formset.get_default_prefix()}-TOTAL_FORMS" in request.POST:
                yield formset, inline

    def read_only_fieldsets(self, sets):
        """`sets` for someone who only reads the article: the tags as a text in their order (Django would print the
        many-to-many field's tags by name)."""
        return [
            (title, {**options, "fields": [TAGS_SHOWN.get(name, name) for name in options["fields"]]})
            for title, options in sets
        ]

    @admin.display(description="thẻ")
    def tags_in_order(self, article):
        return ", ".join(link.tag.name for link in article.tag_links.select_related("tag")) or "—"

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *fields.LINKED]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_search_results(self, request, queryset, search_term):
        if picking(request):
            queryset = queryset.filter(pk__in=workflow.pickable().values("pk"))
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        obj.held_acts = []  # its save's row on the audit log waits for the links (save_related)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        tags = form.cleaned_data.get("tags") or []
        new = [tag for tag in tags if tag.pk is None]
        article = form.instance
        tagged = list(article.tag_links.order_by("position").values_list("tag_id", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        # The links edited are named on the audit log with the article's own fields (a new article's row says only
        # that it was created).
        changed = [formset.fk.remote_field.related_name for formset in formsets if formset.has_changed()]
        if list(article.tag_links.order_by("position").values_list("tag_id", flat=True)) != tagged:
            changed.insert(0, "tags")
        workflow.record_held(article, changed if change else ())
        if new:
            self.message_user(request, f"Đã tạo thẻ mới: {', '.join(tag.name for tag in new)}.", messages.INFO)
        # An existing tag typed otherwise (without accents, in other case): said, so nobody looks for a new one.
        found = [f"“{tag.typed}” là thẻ “{tag.name}”" for tag in tags if tag.pk and tag.typed != tag.name]
        if found:
            self.message_user(request, f"Dùng thẻ có sẵn: {', '.join(found)}.", messages.INFO)
