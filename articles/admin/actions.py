"""Bulk actions on the article list: publish and unpublish. What they mean (who may, which times, what the history
records) is ``articles/workflow.py``'s, the same as for the form."""

from django.contrib import admin, messages

from articles import workflow


class BulkActionsMixin:
    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    @admin.action(description="Xuất bản các bài đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        changed = self._move_each(request, queryset, workflow.publish, "Xuất bản hàng loạt.")
        self.message_user(request, f"Đã xuất bản {changed} bài viết.", messages.SUCCESS)

    @admin.action(description="Gỡ các bài đã chọn (chuyển về bản nháp)", permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = self._move_each(request, queryset, workflow.unpublish, "Gỡ hàng loạt về bản nháp.")
        self.message_user(request, f"Đã gỡ {changed} bài viết về bản nháp.", messages.SUCCESS)

    def _move_each(self, request, queryset, move, comment):
        changed, skipped = workflow.move_each(queryset, request.user, move, comment)
        if skipped:
            names = "; ".join(skipped)
            self.message_user(
                request, f"Không đổi {len(skipped)} bài vừa được người khác lưu: {names}.", messages.WARNING
            )
        return changed
