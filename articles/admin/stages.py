"""The desk's stages (khâu biên tập): their names, order, the group acting at each and on which articles. Data an
administrator edits; what moving between them means is ``articles/workflow.py``'s. A stage where drafts wait cannot
be deleted (the article's reference protects it)."""

from django.contrib import admin
from django.db.models import Count

from articles.models import DeskStage


@admin.register(DeskStage)
class DeskStageAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "group", "scope", "waiting"]
    ordering = ["position", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group").annotate(waiting=Count("articles"))

    @admin.display(description="bài đang chờ", ordering="waiting")
    def waiting(self, stage):
        return stage.waiting
