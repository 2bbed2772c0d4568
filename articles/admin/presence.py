"""Who else has an article open ("Đang được sửa bởi …"), in the list and on the form, refreshed while it is open.

Advice, never a lock: nothing here stops anyone from saving (the version check in ``Article.save()`` keeps two saves
from overwriting each other). It lives in the shared cache, one key per article holding who has it open and when they
were last seen; a browser with the form open says so every minute (articles/js/article_form.js).
"""

import time

from django.contrib import admin
from django.core.cache import cache
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles import workflow
from articles.admin.guard import article_for
from articles.formatting import display_name

# Three silent minutes end the note.
EDITING_SECONDS = 180


def _key(article_id):
    return f"articles:editing:{article_id}"


def _fresh(sessions, now):
    return {user_id: seen for user_id, seen in (sessions or {}).items() if now - seen[1] < EDITING_SECONDS}


def mark_editing(article_id, user):
    """Note that `user` has the article open; the note fades after EDITING_SECONDS without another call."""
    key, now = _key(article_id), time.time()
    sessions = _fresh(cache.get(key), now)
    sessions[user.pk] = (display_name(user), now)
    cache.set(key, sessions, EDITING_SECONDS)


def stop_editing(article_id, user):
    key = _key(article_id)
    sessions = _fresh(cache.get(key), time.time())
    if sessions.pop(user.pk, None) is not None:
        cache.set(key, sessions, EDITING_SECONDS)


def others_editing(article_ids, user):
    """{article id: names of the other people who have it open}, in one cache round trip."""
    keys = {_key(article_id): article_id for article_id in article_ids}
    now = time.time()
    found = {}
    for key, sessions in cache.get_many(list(keys)).items():
        names = sorted(name for user_id, (name, _) in _fresh(sessions, now).items() if user_id != user.pk)
        if names:
            found[keys[key]] = names
    return found


class PresenceMixin:
    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        editing = others_editing([article.pk for article in changelist.result_list], request.user)
        for article in changelist.result_list:
            article.editing_by = editing.get(article.pk, [])
        return changelist

    @admin.display(description="Đang sửa")
    def editing_now(self, obj):
        names = getattr(obj, "editing_by", None)
        if not names:
            return ""
        return format_html('<span class="editing-now">Đang được sửa bởi {}</span>', ", ".join(names))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            editable = workflow.may_edit(request.user, obj)
            if editable:
                mark_editing(obj.pk, request.user)
                context["heartbeat_url"] = reverse("admin:articles_article_heartbeat", args=[obj.pk])
            context["editing_others"] = others_editing([obj.pk], request.user).get(obj.pk, [])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        stop_editing(obj.pk, request.user)

    def get_urls(self):
        heartbeat = self.admin_site.admin_view(self.heartbeat_view)
        return [
            path("<path:object_id>/dang-sua/", heartbeat, name="articles_article_heartbeat"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def heartbeat_view(self, request, object_id):
        article = article_for(self, request, object_id, workflow.may_edit)
        mark_editing(article.pk, request.user)
        return JsonResponse({"others": others_editing([article.pk], request.user).get(article.pk, [])})
