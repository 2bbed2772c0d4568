"""The desk workflow on the article form: where the article is (its stage, since when, who moved it there, a
send-back's reason), its moves as buttons, and the view that makes a move alone. What a move means (who may, what is
stamped, recorded and told) is ``articles/workflow.py``'s.

A desk button in a form the user may edit posts the form: what was typed is saved and the move made in one step
(``ArticleAdminForm`` asks ``workflow.check_move`` first, so a refused move saves nothing and keeps what was typed).
Where the user may only read the article (a reporter taking back what they submitted), the button posts to the move
view instead, which makes the move alone, if the article is still at the stage the page showed. A form posted after
someone else moved the article out of the user's hands (forwarded it first, took it back) is refused naming who and
when, and what was typed is kept as the user's autosave.
"""

import functools

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles import workflow
from articles.admin.autosave import keep_typed
from articles.admin.guard import article_for
from articles.forms import DESK_BUTTON, OPENED_STAGE
from articles.models import Article

Act = workflow.Act


class DeskMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None and OPENED_STAGE in request.POST:
            article = Article.objects.filter(pk=unquote(object_id)).first() if unquote(object_id).isdigit() else None
            if article is not None and workflow.moved_away(request.user, article, request.POST[OPENED_STAGE]):
                return self._refuse_moved(request, article)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _refuse_moved(self, request, article):
        keep_typed(request, article)
        self.message_user(
            request,
            f"{workflow.moved_first(article)} Những gì bạn gõ được giữ làm bản tự lưu của bạn: nếu bài trở lại với "
            "bạn, mở bài ra sẽ lấy lại được.",
            messages.ERROR,
        )
        if workflow.may_view(request.user, article):
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        return redirect(reverse("admin:index"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method != "POST" or DESK_BUTTON not in request.POST:
            return form
        return type(form.__name__, (form,), {"desk_user": request.user, "desk_move": request.POST[DESK_BUTTON]})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            workflow.note_opened(obj, request.user)
            context["desk"] = self._desk(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _desk(user, article):
        found = workflow.desk(user)
        stage, last = found.stage_of(article), workflow.last_move(article)
        moves = workflow.moves_for(user, article)
        return {
            "stages": found.stages,
            "stage": stage,
            "last": last,
            "sent_back": last if stage is found.first and last and last.act == Act.SEND_BACK else None,
            "moves": moves,
            "asks_reason": any(step.name == "send_back" and not refusal for step, refusal in moves),
        }

    def save_model(self, request, obj, form, change):
        if form.desk_step is None:
            return super().save_model(request, obj, form, change)
        save = functools.partial(super().save_model, request, obj, form, change)
        reason = form.cleaned_data.get("desk_reason", "")
        request.desk_moved = workflow.move(obj, request.user, form.desk_step.name, reason=reason, save=save)
        return None

    def response_change(self, request, obj):
        moved = getattr(request, "desk_moved", None)
        if moved is None:
            return super().response_change(request, obj)
        self.message_user(request, moved.message, messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view(self.desk_move_view)
        return [path("<path:object_id>/chuyen-khau/", view, name="articles_article_desk_move"), *super().get_urls()]

    @method_decorator(require_POST)
    def desk_move_view(self, request, object_id):
        """A move alone, from a form the user may only read (or a crafted POST): refused, with why, unless the article
        is still at the stage the page showed and the user may make it there."""
        article = article_for(self, request, object_id, workflow.may_view)
        try:
            moved = workflow.move(
                article,
                request.user,
                request.POST.get(DESK_BUTTON, ""),
                reason=request.POST.get("desk_reason", ""),
                seen_stage=request.POST.get(OPENED_STAGE, ""),
            )
        except workflow.Refused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(request, moved.message, messages.SUCCESS)
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))
