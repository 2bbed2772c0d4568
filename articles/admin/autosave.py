"""Autosave: what is typed goes to the user's Autosave every few seconds (articles/js/article_form.js), never to the
article; reopening the form offers it back with the difference, and a successful save clears it.

The fields autosaved are the declaration's typed text (``articles.fields.typed()``): the server's form takes them,
and the page hands the same list to the browser's script (``json_script``), which has no list of its own.
"""

import copy

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles import fields, revisions, workflow
from articles.admin.guard import article_for
from articles.formatting import when
from articles.forms import AutosaveForm
from articles.models import Article, Autosave

# ?tu-luu=khoi-phuc on the form: fill it with the autosave.
RESTORE_PARAMETER = ("tu-luu", "khoi-phuc")


def _form_url(article):
    if article is None:
        return reverse("admin:articles_article_add")
    return reverse("admin:articles_article_change", args=[article.pk])


def _urls(article):
    """(autosave, discard) URLs of this article's form, or of the form for a new one."""
    if article is None:
        return reverse("admin:articles_article_autosave_new"), reverse("admin:articles_article_discard_autosave_new")
    return (
        reverse("admin:articles_article_autosave", args=[article.pk]),
        reverse("admin:articles_article_discard_autosave", args=[article.pk]),
    )


def keep_typed(request, article):
    """Keep what a refused post of `article`'s form typed as the user's autosave: offered back when they may edit the
    article again (a takedown reversed, the article back at their stage)."""
    typed = AutosaveForm(request.POST)
    if typed.is_valid():
        Autosave.objects.update_or_create(user=request.user, article=article, defaults={"data": typed.cleaned_data})


class AutosaveMixin:
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        autosave = self._autosave_to_restore(request, obj)
        return type(form.__name__, (form,), {"restored": autosave.data}) if autosave else form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if workflow.may_edit(request.user, obj):
            context.update(self._autosave_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Autosave.objects.filter(user=request.user, article=obj if change else None).delete()

    def get_urls(self):
        view = self.admin_site.admin_view
        autosave, discard = view(self.autosave_view), view(self.discard_autosave_view)
        return [
            path("tu-luu/", autosave, name="articles_article_autosave_new"),
            path("tu-luu/bo/", discard, name="articles_article_discard_autosave_new"),
            path("<path:object_id>/tu-luu/", autosave, name="articles_article_autosave"),
            path("<path:object_id>/tu-luu/bo/", discard, name="articles_article_discard_autosave"),
            *super().get_urls(),
        ]

    def _autosave_to_restore(self, request, obj):
        name, value = RESTORE_PARAMETER
        if request.method != "GET" or request.GET.get(name) != value:
            return None
        return Autosave.objects.filter(user=request.user, article=obj).first()

    def _autosave_context(self, request, obj):
        autosave_url, discard_url = _urls(obj)
        context = {"autosave_url": autosave_url, "autosave_fields": list(fields.typed())}
        autosave = Autosave.objects.filter(user=request.user, article=obj).first()
        if autosave is None:
            return context
        if self._autosave_to_restore(request, obj):
            return {**context, "autosave_restored": autosave}
        saved = obj or Article()
        typed = copy.copy(saved)
        for name, value in autosave.data.items():
            setattr(typed, name, value)
        changes = revisions.changes(saved, typed)
        if not changes:
            autosave.delete()  # the same as what is saved: nothing to offer
            return context
        name, value = RESTORE_PARAMETER
        return {
            **context,
            "autosave": autosave,
            "autosave_changes": changes,
            "autosave_older": obj is not None and autosave.saved_at < obj.updated_at,
            "autosave_restore_url": f"{_form_url(obj)}?{name}={value}",
            "autosave_discard_url": discard_url,
        }

    @method_decorator(require_POST)
    def autosave_view(self, request, object_id=None):
        article = article_for(self, request, object_id, workflow.may_edit)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            return JsonResponse({"error": f"Chưa tự lưu được — {problems}"}, status=400)
        autosave, _ = Autosave.objects.update_or_create(
            user=request.user, article=article, defaults={"data": form.cleaned_data}
        )
        return JsonResponse({"saved_at": when(autosave.saved_at, seconds=True, date=False)})

    @method_decorator(require_POST)
    def discard_autosave_view(self, request, object_id=None):
        article = article_for(self, request, object_id, workflow.may_edit)
        Autosave.objects.filter(user=request.user, article=article).delete()
        self.message_user(request, "Đã bỏ bản tự lưu.", messages.INFO)
        return redirect(_form_url(article))
