"""Corrections (cải chính): drafted by anyone who writes, published by an editor, then never edited — a fix is a new
correction that replaces the old one. What publishing one means is ``workflow.publish_correction``."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from articles import workflow
from articles.models import Article, Correction

# The submit button of the correction form that saves and publishes (editors).
PUBLISH_BUTTON = "_dang"


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "published_at", "created_by", "published_by"]
    list_filter = ["kind", ("published_at", admin.EmptyFieldListFilter)]
    list_select_related = ["article", "created_by", "published_by"]
    fields = ["article", "kind", "text", "replaces"]
    readonly_fields = ["published_at", "published_by"]
    autocomplete_fields = ["article"]
    actions = ["publish"]
    change_form_template = "admin/articles/correction/change_form.html"

    def get_queryset(self, request):
        corrections = super().get_queryset(request)
        if workflow.can_publish(request.user):
            return corrections
        mine = Article.objects.filter(workflow.works_on(request.user))
        return corrections.filter(Q(created_by=request.user) | Q(article__in=mine))

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.published_at is not None or not self._may_write(request, obj)):
            return False  # published: read-only for good; a fix is a new correction
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.published_at is not None or not self._may_write(request, obj)):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    @staticmethod
    def _may_write(request, correction):
        return workflow.can_publish(request.user) or correction.created_by_id == request.user.pk

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # What the server accepts, not only what the page offers: a crafted POST naming another article is refused.
        if db_field.name == "article":
            kwargs["queryset"] = Article.objects.filter(workflow.works_on(request.user))
        elif db_field.name == "replaces":
            kwargs["queryset"] = Correction.objects.filter(published_at__isnull=False).select_related("article")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class CorrectionForm(form):
            def clean(self):
                cleaned = super().clean()
                article, replaces = cleaned.get("article"), cleaned.get("replaces")
                if article and replaces and replaces.article_id != article.pk:
                    self.add_error("replaces", "Chỉ thay được một cải chính của chính bài này.")
                return cleaned

        return CorrectionForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_publish"] = workflow.can_publish(request.user) and (obj is None or obj.published_at is None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if PUBLISH_BUTTON in request.POST:
            if not workflow.can_publish(request.user):
                raise PermissionDenied
            self._publish_one(request, obj)

    @admin.action(description="Đăng các cải chính đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        published = sum(self._publish_one(request, correction) for correction in queryset)
        self.message_user(request, f"Đã đăng {published} cải chính.", messages.SUCCESS)

    def _publish_one(self, request, correction):
        try:
            return workflow.publish_correction(correction, request.user)
        except workflow.Refused as refused:
            self.message_user(request, f"{correction}: {refused}", messages.ERROR)
            return False


class ArticleCorrectionsMixin:
    """The article's form lists its corrections, with the way to draft a new one."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["article_corrections"] = list(obj.corrections.order_by("-published_at", "-id"))
            context["may_draft_correction"] = workflow.may_draft_correction(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
