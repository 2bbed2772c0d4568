"""Taking an article down on order (gỡ bài), bringing it back, and deleting one that was taken down: each a page of
its own asking for a reason, and what the article's form shows and refuses once it is taken down. What each act
means (who may, what is stamped, what is recorded) is ``articles/workflow.py``'s."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import workflow
from articles.admin.autosave import keep_typed
from articles.admin.guard import article_for
from articles.formatting import display_name, when
from articles.forms import ReasonForm, TakedownForm
from articles.models import Article, Takedown


def _taken_down_message(takedown):
    who = display_name(takedown.taken_down_by) if takedown and takedown.taken_down_by else "người có quyền"
    at = f" lúc {when(takedown.taken_down_at)}" if takedown else ""
    reason = f" (lý do: {takedown.reason})" if takedown else ""
    return f"Bài này đã bị {who} gỡ theo yêu cầu{at}{reason}"


def _may_take_down(user, article):
    return workflow.can_take_down(user)


class TakedownMixin:
    def has_take_down_permission(self, request):
        return workflow.can_take_down(request.user)

    @admin.action(description="Gỡ các bài đã chọn theo yêu cầu…", permissions=["take_down"])
    def take_down_selected(self, request, queryset):
        """The selected articles taken down with one reason (asked on a page of its own), one by one: each is its
        own takedown and its own row in the audit log; drafts and those already taken down are left as they are."""
        form = TakedownForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            taken = 0
            for article in queryset:
                try:
                    taken += workflow.take_down(article, request.user, **form.cleaned_data) is not None
                except workflow.Refused:
                    continue  # a draft: readers never saw it
            left = len(queryset) - taken
            note = f"; {left} bài không gỡ (bản nháp hoặc đã gỡ trước đó)" if left else ""
            self.message_user(request, f"Đã gỡ {taken} bài theo yêu cầu{note}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Gỡ các bài đã chọn theo yêu cầu",
            "submit_label": "Gỡ các bài này",
            "cancel_url": reverse("admin:articles_article_changelist"),
            "opts": self.opts,
            "form": form,
            "articles": queryset,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/take_down_selected.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/go-bai/", view(self.take_down_view), name="articles_article_take_down"),
            path("<path:object_id>/dua-tro-lai/", view(self.reinstate_view), name="articles_article_reinstate"),
            path(
                "<path:object_id>/xoa-bai-da-go/",
                view(self.delete_taken_down_view),
                name="articles_article_delete_taken_down",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["takedown"] = obj.takedowns.in_force().select_related("taken_down_by").first()
            context["may_take_down"] = workflow.can_take_down(request.user) and obj.status != Article.Status.DRAFT
            context["may_delete_taken_down"] = workflow.may_delete_taken_down(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            article = self.get_object(request, unquote(object_id))
            if article is not None and article.status == Article.Status.TAKEN_DOWN:
                return self._refuse_save(request, article)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _refuse_save(self, request, article):
        """A save posted to an article taken down since its form was opened: nothing is written to the article, what
        was typed is kept as the user's autosave (offered again if the article is ever reinstated), and they are told
        why."""
        keep_typed(request, article)
        takedown = article.takedowns.in_force().select_related("taken_down_by").first()
        self.message_user(
            request,
            f"{_taken_down_message(takedown)}, nên bản của bạn chưa được lưu. Những gì bạn gõ được giữ làm bản tự lưu: "
            "nếu bài được đưa trở lại, mở bài ra sẽ lấy lại được.",
            messages.ERROR,
        )
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def take_down_view(self, request, object_id):
        def take_down(article, user, cleaned):
            takedown = workflow.take_down(article, user, cleaned["reason"], show_headline=cleaned["show_headline"])
            if takedown is None:
                current = article.takedowns.in_force().select_related("taken_down_by").first()
                return f"{_taken_down_message(current)}; không ghi lần nữa.", messages.WARNING
            return "Đã gỡ bài: bạn đọc mở đường dẫn của bài sẽ nhận trang báo đã gỡ (410).", messages.SUCCESS

        return self._reason_view(
            request, object_id, _may_take_down, TakedownForm, take_down, "Gỡ bài theo yêu cầu", "take_down"
        )

    def reinstate_view(self, request, object_id):
        def reinstate(article, user, cleaned):
            if workflow.reinstate(article, user, cleaned["reason"]) is None:
                return "Bài này không ở trạng thái đã gỡ; không có gì để đưa trở lại.", messages.WARNING
            return "Đã đưa bài trở lại, ở đúng đường dẫn cũ.", messages.SUCCESS

        return self._reason_view(
            request, object_id, _may_take_down, ReasonForm, reinstate, "Đưa bài đã gỡ trở lại", "reinstate"
        )

    def delete_taken_down_view(self, request, object_id):
        def delete(article, user, cleaned):
            workflow.delete_taken_down(article, user, cleaned["reason"])
            return f"Đã xoá bài “{article}”; lý do được ghi vào nhật ký.", messages.SUCCESS

        def may(user, article):  # every other article has the ordinary delete
            return workflow.may_delete_taken_down(user) and article.status == Article.Status.TAKEN_DOWN

        return self._reason_view(request, object_id, may, ReasonForm, delete, "Xoá bài đã gỡ", "delete_taken_down")

    def _reason_view(self, request, object_id, may, form_class, act, title, name):
        """A page asking for a reason (and `form_class`'s other fields) before `act(article, user, cleaned_data)`,
        which says what happened (message, level) or raises Refused, shown on the same form. Refused outright (403)
        when `may(user, article)` is false, whatever was posted."""
        article = article_for(self, request, object_id, may)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                message, level = act(article, request.user, form.cleaned_data)
            except workflow.Refused as refused:
                form.add_error("reason", str(refused))
            else:
                self.message_user(request, message, level)
                if Article.objects.filter(pk=article.pk).exists():
                    return redirect(reverse("admin:articles_article_change", args=[article.pk]))
                return redirect(reverse("admin:articles_article_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: “{article}”",
            "submit_label": title,
            "cancel_url": reverse("admin:articles_article_change", args=[article.pk]),
            "opts": self.opts,
            "original": article,
            "form": form,
            "action": reverse(f"admin:articles_article_{name}", args=[article.pk]),
            "takedown": Takedown.objects.in_force().filter(article=article).first(),
        }
        return TemplateResponse(request, "admin/articles/article/reason_form.html", context)
