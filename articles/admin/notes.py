"""Internal notes (ghi chú nội bộ): a thread under the article's form for the newsroom only, whose `@tên` mentions
notify colleagues. Who may write one and who is told is ``workflow.add_note``'s; notes are never shown to readers."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import workflow
from articles.admin.guard import article_for
from articles.formatting import display_name
from articles.forms import NoteForm


class NotesMixin:
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["notes"] = list(obj.notes.select_related("author"))
            context["note_form"] = NoteForm()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.add_note_view)
        return [path("<path:object_id>/ghi-chu/", view, name="articles_article_add_note"), *super().get_urls()]

    def add_note_view(self, request, object_id):
        """A note posted from the article's form; a blank or too long one is asked again on a page of its own, with
        what was typed."""
        article = article_for(self, request, object_id, workflow.may_view)
        form = NoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            added = workflow.add_note(article, request.user, form.cleaned_data["text"])
            self.message_user(request, _added_message(added), messages.SUCCESS)
            for mention in added.unknown:
                self.message_user(request, f"Không ai tên {mention} trong tòa soạn: không báo được.", messages.WARNING)
            for name in added.cannot_open:
                self.message_user(request, f"{name} không mở được bài này, nên không được báo.", messages.WARNING)
            return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#ghi-chu")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Ghi chú nội bộ: “{article}”",
            "submit_label": "Thêm ghi chú",
            "cancel_url": reverse("admin:articles_article_change", args=[article.pk]),
            "opts": self.opts,
            "original": article,
            "form": form,
            "action": reverse("admin:articles_article_add_note", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/reason_form.html", context)


def _added_message(added):
    if not added.told:
        return "Đã thêm ghi chú."
    return f"Đã thêm ghi chú và báo cho: {', '.join(sorted(display_name(person) for person in added.told))}."
