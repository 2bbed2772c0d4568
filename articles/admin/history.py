"""History (django-reversion stores the revisions): each revision compared with the article now and restored in one
step, and deleted articles recovered with their history. ``articles/revisions.py`` does the work."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.models import Version

from articles import revisions, workflow
from articles.formatting import when
from articles.models import Article, EditConflict


class HistoryMixin:
    history_latest_first = True
    object_history_template = "admin/articles/article/object_history.html"
    recover_list_template = "admin/articles/article/recover_list.html"

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision against the current article, with a button to restore it (POST)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(article.pk), pk=version_id)
        may_restore = workflow.may_edit(request.user, article)
        if request.method == "POST":
            if not may_restore:
                raise PermissionDenied
            try:
                revisions.restore(article, version, request.user)
            except EditConflict:
                self.message_user(request, "Bài vừa được người khác lưu; hãy xem lại rồi khôi phục.", messages.ERROR)
                return redirect(request.path)
            self.message_user(request, "Đã khôi phục bản đã chọn; lần khôi phục này cũng được lưu vào lịch sử.")
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"So sánh với bản lưu lúc {when(version.revision.date_created)}",
            "opts": self.opts,
            "original": article,
            "version": version,
            "changes": revisions.compare(version, article),
            "may_restore": may_restore,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Confirm, then bring a deleted article back with its history."""
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(Article).select_related("revision__user"), pk=version_id
        )
        if request.method == "POST":
            try:
                article = revisions.recover(version, request.user)
            except revisions.RestoreError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:articles_article_recoverlist")
            self.message_user(
                request,
                f"Đã khôi phục bài “{article}” cùng lịch sử của nó (đang là: {article.get_status_display().lower()}).",
            )
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Khôi phục bài “{version.object_repr}”",
            "opts": self.opts,
            "version": version,
            "article": revisions.article_at(version),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/recover_confirm.html", context)
