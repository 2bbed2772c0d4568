"""Nhật ký: the audit log's screen (read-only, filtered by article, user, act and date, exported as CSV), and each
article's own lines on its form (``TimelineMixin``). Rows are written by ``articles/audit.py`` only."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from articles import audit, search, workflow
from articles.admin.readonly import ReadOnlyMixin
from articles.formatting import when
from articles.models import Article, AuditEntry

# How many of its lines an article's form shows; the link under them opens the rest in Nhật ký.
TIMELINE = 20


class ArticleFilter(admin.SimpleListFilter):
    """One article's lines (?bai=<id>): set from its form's timeline or a row's link; shown only while set."""

    title = "bài viết"
    parameter_name = "bai"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value or not value.isdigit():
            return []
        headline = Article.objects.filter(pk=value).values_list("headline", flat=True).first()
        return [(value, headline or f"Bài số {value} (đã xoá)")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(article_id=int(value)) if value.isdigit() else queryset.none()


class ActorFilter(admin.SimpleListFilter):
    """Who acted: a member of staff, or "hệ thống" (the clock, the importer, the shell)."""

    title = "người làm"
    parameter_name = "nguoi"
    SYSTEM = "he-thong"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("username")
        return [(self.SYSTEM, audit.SYSTEM), *((str(user.pk), str(user)) for user in staff)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == self.SYSTEM:
            return queryset.filter(actor__isnull=True)
        return queryset.filter(actor_id=int(value)) if value.isdigit() else queryset.none()


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_title = "Nhật ký"
    list_display = ["moment", "actor_name", "act", "on", "reason", "what_changed"]
    list_filter = ["act", ActorFilter, ("at", admin.DateFieldListFilter), ArticleFilter]
    search_fields = ["target"]  # only shows the box: get_search_results searches articles with the site's search
    search_help_text = "Tìm theo tiêu đề bài (không phân biệt dấu) hoặc số ID của bài."
    ordering = ["-at", "-id"]
    list_per_page = 50
    # At a million rows: one COUNT of what the filters select (an index range), never a second of the whole table,
    # nor one per filter choice ("Show counts").
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None
    change_list_template = "admin/articles/auditentry/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        term = search.clean_query(search_term)
        if not term:
            return queryset, False
        ids = list(search.matching(Article.objects.all(), term).values_list("pk", flat=True)[: search.MAX_RESULTS])
        if term.isdigit() and len(term) <= 18:
            ids.append(int(term))
        return queryset.filter(article_id__in=ids), False

    @admin.display(description="lúc", ordering="at")
    def moment(self, entry):
        return when(entry.at, seconds=True)

    @admin.display(description="đối tượng")
    def on(self, entry):
        if entry.article_id is None:
            return entry.target
        return format_html('<a href="?bai={}">{}</a>', entry.article_id, entry.target)

    @admin.display(description="thay đổi")
    def what_changed(self, entry):
        return audit.describe(entry)

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("xuat-csv/", export, name="articles_auditentry_export"), *super().get_urls()]

    def export_view(self, request):
        """The rows the screen's filters select, every page of them, as CSV, streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:  # a made-up date or field: the screen says so (?e=1), as Django's does
            return redirect(f"{reverse('admin:articles_auditentry_changelist')}?{ERROR_FLAG}=1")
        response = StreamingHttpResponse(audit.csv_lines(changelist.queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="nhat-ky.csv"'
        return response


class TimelineMixin:
    """The article's form shows its latest lines of the audit log: all of them to those who may read the log, its
    moves (created, sent on or back, published…: `workflow.TIMELINE_ACTS`) to everyone else who may open it."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            lines = AuditEntry.objects.filter(article_id=obj.pk)
            if request.user.has_perm("articles.view_auditentry"):
                context["timeline_url"] = f"{reverse('admin:articles_auditentry_changelist')}?bai={obj.pk}"
            else:
                lines = lines.filter(act__in=workflow.TIMELINE_ACTS)
            context["timeline"] = list(lines[:TIMELINE])
        return super().render_change_form(request, context, add, change, form_url, obj)
