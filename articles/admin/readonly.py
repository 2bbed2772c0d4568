"""Screens listing rows the system writes (Nhật ký, notifications): nobody adds, changes or deletes one through them,
and each list has a title of its own."""


class ReadOnlyMixin:
    list_title = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": self.list_title, **(extra_context or {})})
