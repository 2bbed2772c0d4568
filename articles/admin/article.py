"""``ArticleAdmin``: the article form and list, composed of the admin's jobs (see ``articles/admin/__init__.py``).

What stays here is what the article admin is: its columns and filters, its fieldsets (``articles/fields.py``), and
its roles. What the admin shows a reporter is also all the server accepts from one: every rule is asked of
``articles/workflow.py``.
"""

from django.contrib import admin
from reversion.admin import VersionAdmin

from articles import fields, workflow
from articles.admin.actions import BulkActionsMixin
from articles.admin.audit import TimelineMixin
from articles.admin.autosave import AutosaveMixin
from articles.admin.changelist import ChangeListMixin
from articles.admin.corrections import ArticleCorrectionsMixin
from articles.admin.desk import DeskMixin
from articles.admin.history import HistoryMixin
from articles.admin.initial import InitialValuesMixin
from articles.admin.linked import LinkedMixin
from articles.admin.most_read import ViewCountsMixin
from articles.admin.notes import NotesMixin
from articles.admin.presence import PresenceMixin
from articles.admin.share_links import ShareLinksMixin
from articles.admin.takedown import TakedownMixin
from articles.forms import ArticleAdminForm
from articles.models import Article, EditConflict
from articles.pagination import IdsFirstPaginator


@admin.register(Article)
class ArticleAdmin(
    LinkedMixin,
    ChangeListMixin,
    BulkActionsMixin,
    DeskMixin,
    NotesMixin,
    HistoryMixin,
    AutosaveMixin,
    ShareLinksMixin,
    PresenceMixin,
    TakedownMixin,
    ArticleCorrectionsMixin,
    TimelineMixin,
    InitialValuesMixin,
    ViewCountsMixin,
    VersionAdmin,
):
    form = ArticleAdminForm
    actions = [*BulkActionsMixin.actions, "take_down_selected"]
    list_display = [
        "headline",
        "author",
        "section",
        "status",
        "stage",
        "published_at",
        "is_visible",
        "views_24h",
        "views_7d",
        "thumbnail",
        "created_by",
        "updated_by",
        "editing_now",
    ]
    list_filter = ["status", "stage", "section", "author", "published_at"]
    list_select_related = ["author", "section", "stage", "created_by", "updated_by"]
    # Only shows the search box: ChangeListMixin.get_search_results searches, with the site's search.
    search_fields = ["headline", "lead"]
    search_help_text = (
        "Tìm bài có đủ các từ trong tiêu đề, sapo hoặc nội dung, không phân biệt dấu, chữ hoa, đ/d; "
        "hoặc dán số ID, đường dẫn (slug) hay link của bài."
    )
    ordering = ["-published_at", "-id"]
    # At 100,000 articles (docs/PERFORMANCE.md, "Admin at 100k"): no date_hierarchy, whose year links cost a scan
    # of every row on every visit, while the published_at filter above costs nothing; no second COUNT(*) of the
    # whole table beside the filtered one; and pages reached through their ids in article_newest_idx, so the last
    # page is as quick as the first.
    show_full_result_count = False
    paginator = IdsFirstPaginator
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["author", "thread"]
    change_list_template = "admin/articles/article/change_list.html"
    delete_confirmation_template = "admin/articles/article/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/articles/article/delete_selected_confirmation.html"

    class Media:
        # Loaded after admin/js/urlify.js: replaces its slug function with the one that is right for Vietnamese.
        js = [
            "admin/js/urlify.js",
            "articles/js/urlify_vi.js",
            "articles/js/article_form.js",
            "articles/js/tags.js",
            "articles/js/autocomplete_names.js",
        ]
        css = {"all": ["articles/css/admin.css", "articles/css/workflow.css"]}

    # Roles.

    def get_queryset(self, request):
        return super().get_queryset(request).with_visibility().filter(workflow.works_on(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return workflow.may_delete(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        return [*(name for pair in fields.AUDIT for name in pair), *workflow.readonly_fields(request.user)]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return fields.fieldsets()
        if not self.has_change_permission(request, obj):
            return self.read_only_fieldsets(fields.fieldsets(bookkeeping=True))
        # The hidden version the form was opened at: the server refuses a save over a newer one (optimistic lock).
        return fields.fieldsets(hidden=["opened_version"], bookkeeping=True)

    # Saving.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between this form's version check and its UPDATE (which rolled back). Run the view
            # again: the check now sees their version and re-shows the form, with what was typed, and the message.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """The one place the form stamps who wrote the article; a change of status is a workflow move."""
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        workflow.typed_status(
            obj, request.user, form.initial.get("status", obj.status), time_chosen="published_at" in form.changed_data
        )
        super().save_model(request, obj, form, change)
