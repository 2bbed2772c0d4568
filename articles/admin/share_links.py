"""Share links: a draft readable without an account, until the link expires, is revoked or the article is published.
Made and revoked by editors only (``workflow.may_share``)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles import workflow
from articles.admin.guard import article_for
from articles.forms import ShareLinkForm


class ShareLinksMixin:
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and workflow.may_share(request.user, obj):
            links = obj.preview_links.active()
            context["share_links"] = [(link, request.build_absolute_uri(link.get_absolute_url())) for link in links]
            context["share_form"] = ShareLinkForm()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/chia-se/", view(self.share_view), name="articles_article_share"),
            path(
                "<path:object_id>/chia-se/<int:link_id>/thu-hoi/",
                view(self.revoke_share_view),
                name="articles_article_revoke_share",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _back_to_links(article):
        return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#lien-ket-xem-truoc")

    @method_decorator(require_POST)
    def share_view(self, request, object_id):
        article = article_for(self, request, object_id, workflow.may_share)
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Hãy chọn thời hạn cho liên kết trong danh sách.", messages.ERROR)
            return self._back_to_links(article)
        try:
            link = workflow.share(article, request.user, form.cleaned_data["hours"])
        except workflow.Refused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(
                request, f"Đã tạo liên kết xem trước: {request.build_absolute_uri(link.get_absolute_url())}"
            )
        return self._back_to_links(article)

    @method_decorator(require_POST)
    def revoke_share_view(self, request, object_id, link_id):
        article = article_for(self, request, object_id, workflow.may_share)
        workflow.revoke_share(get_object_or_404(article.preview_links, pk=link_id), request.user)
        self.message_user(request, "Đã thu hồi liên kết xem trước; nó không còn mở được nữa.")
        return self._back_to_links(article)
