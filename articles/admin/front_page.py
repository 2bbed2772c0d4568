"""The "Trang nhất" screen: the lead and featured stories, the breaking news, a search to pick from, a preview, and
the history of arrangements with restore. For those who may publish (`workflow.can_arrange_front`), refused by the
server to everyone else.

One form holds the whole arrangement being edited: each button (pick, move, remove, search, preview, save) posts it,
so nothing chosen is lost between steps and every step works without JavaScript. ``front_page.js`` adds dragging
and moving with the keyboard, in the page. Saving is `workflow.arrange_front`: the version check against a stale
screen, the audit log.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from articles import front, search, workflow
from articles.formatting import when
from articles.forms import FrontPageForm
from articles.models import Article, FrontPage, Pick

# Search results listed on the screen: the newest matches first.
RESULTS = 20
# Arrangements listed in the history.
HISTORY = 50


@admin.register(FrontPage)
class FrontPageAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return workflow.can_arrange_front(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.can_arrange_front(request.user)

    def has_change_permission(self, request, obj=None):
        return workflow.can_arrange_front(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.screen), name="articles_frontpage_changelist"),
            path("lich-su/", view(self.history), name="articles_frontpage_history"),
        ]

    # The screen.

    def screen(self, request):
        if not workflow.can_arrange_front(request.user):
            raise PermissionDenied
        size = 1 + settings.FRONT_FEATURED
        current = FrontPage.objects.current()
        if request.method != "POST":
            initial = FrontPageForm.initial_for(0, front.slots(None))
            if current:
                breaking = (current.breaking_text, current.breaking_article_id, current.breaking_until)
                initial = FrontPageForm.initial_for(current.pk, front.slots(current), breaking)
            return self.render(request, FrontPageForm(initial=initial, size=size), current)
        form = FrontPageForm(request.POST, size=size)
        if not form.is_valid():
            return self.render(request, form, current, status=400)
        action, _, argument = request.POST.get("action", "").partition(":")
        picks = form.picks()
        if action == "save":
            return self.save(request, form, current)
        if action == "preview":
            return self.preview(request, form)
        if action in MOVES:
            try:
                picks = MOVES[action](picks, int(argument))
            except (ValueError, IndexError, workflow.Refused) as refused:
                messages.error(request, str(refused) if isinstance(refused, workflow.Refused) else BAD_ACTION)
                return self.render(request, form, current, status=400)
            messages.info(request, "Chưa lưu: bấm “Lưu trang nhất” để bạn đọc thấy thay đổi.")
        initial = FrontPageForm.initial_for(form.cleaned_data["based_on"], picks, form.breaking())
        initial["q"] = form.cleaned_data["q"]
        return self.render(request, FrontPageForm(initial=initial, size=size), current)

    def save(self, request, form, current):
        try:
            workflow.arrange_front(request.user, form.cleaned_data["based_on"], form.picks(), breaking=form.breaking())
        except workflow.FrontConflict as conflict:
            messages.error(request, str(conflict))
            # Saving again after reading the message is a deliberate choice: theirs stays in the history.
            data = request.POST.copy()
            data["based_on"] = conflict.current.pk if conflict.current else 0
            return self.render(request, FrontPageForm(data, size=form.size), conflict.current, status=409)
        except workflow.Refused as refused:
            messages.error(request, str(refused))
            return self.render(request, form, current, status=400)
        messages.success(request, "Đã lưu trang nhất: bạn đọc thấy ngay.")
        return HttpResponseRedirect(reverse("admin:articles_frontpage_changelist"))

    def preview(self, request, form):
        """The front page as it would be with what is on the screen, saved nowhere."""
        text, article, until = form.breaking()
        arrangement = FrontPage(
            picks=FrontPage.stored_picks(form.picks()),
            breaking_text=text,
            breaking_article_id=article,
            breaking_until=until,
        )
        page = front.assemble(arrangement)
        context = {"front": page, "menu_sections": page.menu, "is_preview": True}
        response = TemplateResponse(request, "articles/front_page.html", context, using="jinja2")
        add_never_cache_headers(response)
        return response

    def render(self, request, form, current, status=200):
        size = form.size
        values = form.cleaned_data if form.is_bound and form.is_valid() else form.initial
        ids = [values.get(f"slot-{i}-article") for i in range(size)]
        articles = Article.objects.with_visibility().select_related("author").in_bulk(filter(None, ids))
        now = timezone.now()
        slots = []
        for i, pk in enumerate(ids):
            until = values.get(f"slot-{i}-until")
            article = articles.get(pk)
            slots.append(
                {
                    "index": i,
                    "label": "Tiêu điểm" if i == 0 else f"Tin nổi bật {i}",
                    "article": article,
                    "shown": article is not None and article.is_visible and (until is None or now < until),
                    "scheduled": article is not None and article.published_at and article.published_at > now,
                    "fields": [form[f"slot-{i}-{name}"] for name in ("article", "until", "pinned")],
                }
            )
        query = values.get("q") or ""
        results = []
        if query:
            chosen = set(filter(None, ids))
            found = search.matching(workflow.pickable(now), query).select_related("author")
            results = list(found.order_by("-published_at", "-id")[:RESULTS])
            for article in results:
                article.chosen = article.pk in chosen
        context = {
            **self.admin_site.each_context(request),
            "title": "Trang nhất",
            "opts": self.model._meta,
            "form": form,
            "slots": slots,
            "query": query,
            "results": results,
            "current": current,
            "now": now,
        }
        return TemplateResponse(request, "admin/articles/frontpage/screen.html", context, status=status)

    # The history.

    def history(self, request):
        if not workflow.can_arrange_front(request.user):
            raise PermissionDenied
        current = FrontPage.objects.current()
        if request.method == "POST":
            return self.restore(request, current)
        arrangements = list(FrontPage.objects.select_related("saved_by")[:HISTORY])
        ids = {pick.article for arrangement in arrangements for pick in arrangement.slots() if pick.article}
        headlines = dict(Article.objects.filter(pk__in=ids).values_list("pk", "headline"))
        for arrangement in arrangements:
            arrangement.listed = [
                (i, headlines.get(pick.article, "(đã xoá)") if pick.article else "")
                for i, pick in enumerate(arrangement.slots())
            ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Lịch sử trang nhất",
            "opts": self.model._meta,
            "arrangements": arrangements,
            "current": current,
        }
        return TemplateResponse(request, "admin/articles/frontpage/history.html", context)

    def restore(self, request, current):
        history = reverse("admin:articles_frontpage_history")
        try:
            earlier = FrontPage.objects.get(pk=int(request.POST.get("restore", "")))
            based_on = int(request.POST.get("based_on", ""))
        except (ValueError, FrontPage.DoesNotExist):
            messages.error(request, "Không có bản trang nhất này để khôi phục.")
            return HttpResponseRedirect(history)
        try:
            workflow.restore_front(request.user, based_on, earlier)
        except workflow.Refused as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(history)
        messages.success(request, f"Đã khôi phục trang nhất như lúc {when(earlier.saved_at)}.")
        return HttpResponseRedirect(reverse("admin:articles_frontpage_changelist"))


BAD_ACTION = "Thao tác không hợp lệ: hãy dùng các nút trên trang."


def _move(picks, i, step):
    j = i + step
    if not (0 <= i < len(picks) and 0 <= j < len(picks)):
        raise IndexError(i)
    picks = list(picks)
    picks[i], picks[j] = picks[j], picks[i]
    return picks


def _remove(picks, i):
    picks = list(picks)
    picks[i] = Pick(None)
    return picks


def _pickable(article_id, picks):
    if any(pick.article == article_id for pick in picks):
        raise workflow.Refused("Bài này đã ở trên trang nhất.")
    if not workflow.pickable().filter(pk=article_id).exists():
        raise workflow.Refused(f"Không chọn được bài số {article_id}: chỉ bài đã xuất bản hoặc đã hẹn giờ.")
    return article_id


def _put_on_top(picks, article_id):
    return front.put_on_top(picks, _pickable(article_id, picks))


def _make_lead(picks, article_id):
    lead = picks[0]
    picks = [Pick(_pickable(article_id, picks)), *picks[1:]]
    return front.put_on_top(picks, lead.article) if lead.article else picks


# Each button of a slot or a search result: what it does to the picks on the screen (saved only by "save").
MOVES = {
    "up": lambda picks, i: _move(picks, i, -1),
    "down": lambda picks, i: _move(picks, i, 1),
    "remove": _remove,
    "add": _put_on_top,
    "lead": _make_lead,
}
