"""Notifications (thông báo) in the admin: each person's own list, newest first, opened (and so marked read) one by
one or marked read together; the header's count of unread ones is the ``unread_notifications`` tag. What makes one,
and its e-mail, is ``articles/notifications.py``."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.admin.readonly import ReadOnlyMixin
from articles.formatting import when
from articles.models import Notification


class UnreadFilter(admin.SimpleListFilter):
    title = "tình trạng"
    parameter_name = "doc"

    def lookups(self, request, model_admin):
        return [("chua", "Chưa đọc"), ("roi", "Đã đọc")]

    def queryset(self, request, queryset):
        if self.value() == "chua":
            return queryset.unread()
        if self.value() == "roi":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_title = "Thông báo của bạn"
    list_display = ["shown", "moment", "is_read"]
    list_display_links = None
    list_filter = [UnreadFilter]
    list_per_page = 50
    show_full_result_count = False
    actions = ["mark_read"]
    change_list_template = "admin/articles/notification/change_list.html"

    # Everyone on the staff reads their own, and only their own: no model permission needed.

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user).select_related("article")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or obj.recipient_id == request.user.pk)

    @admin.display(description="thông báo")
    def shown(self, notification):
        link = reverse("admin:articles_notification_open", args=[notification.pk])
        text = format_html('<a href="{}">{}</a>', link, notification.message)
        if notification.read_at is None:
            text = format_html("<strong>{}</strong>", text)
        if notification.detail:
            text = format_html('{}<div class="help">{}</div>', text, notification.detail)
        return text

    @admin.display(description="lúc", ordering="created_at")
    def moment(self, notification):
        return when(notification.created_at)

    @admin.display(description="đã đọc", boolean=True)
    def is_read(self, notification):
        return notification.read_at is not None

    @admin.action(description="Đánh dấu đã đọc")
    def mark_read(self, request, queryset):
        read = queryset.unread().update(read_at=timezone.now())
        self.message_user(request, f"Đã đánh dấu {read} thông báo là đã đọc.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:notification_id>/mo/", view(self.open_view), name="articles_notification_open"),
            path("doc-het/", view(self.read_all_view), name="articles_notification_read_all"),
            *super().get_urls(),
        ]

    def open_view(self, request, notification_id):
        """Open what a notification is about (its article's form), marking it read."""
        notification = get_object_or_404(self.get_queryset(request), pk=notification_id)
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        if notification.article_id is None:
            return redirect("admin:articles_notification_changelist")
        return redirect(reverse("admin:articles_article_change", args=[notification.article_id]))

    @method_decorator(require_POST)
    def read_all_view(self, request):
        read = self.get_queryset(request).unread().update(read_at=timezone.now())
        self.message_user(request, f"Đã đánh dấu {read} thông báo là đã đọc.", messages.SUCCESS)
        return redirect("admin:articles_notification_changelist")
