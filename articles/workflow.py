"""Who may do what to an article, and what a change of its state means: the one place that decides.

Roles are groups made by migrations: ``REPORTERS`` ("Phóng viên") write but cannot publish; ``EDITORS``
("Biên tập viên") hold every article permission plus ``articles.publish_article``; ``EDITORS_IN_CHIEF`` ("Tổng biên
tập") also ``articles.take_down_article``; ``DESK_HEADS`` ("Trưởng ban", for the sections assigned to them) and
``SECRETARIES`` ("Thư ký tòa soạn") edit and move the drafts at their desk stage; a superuser has every permission.
The admin (forms, bulk actions, autosave, previews, share links, history, takedowns, corrections, the desk's buttons,
notes and the start page's queue) and every later caller ask these functions; none re-states a rule.

The desk workflow (docs/workflow.md): a draft passes through stages (``DeskStage`` rows an administrator edits, in
order), each with the group that acts there and on which articles (their own, their sections', all). ``Desk`` is the
desk as one user sees it; ``steps`` what a draft's stage offers; ``check_move`` and ``move`` who may make a move, what
it stamps, what the audit log records and who is notified; ``queue`` what waits for a user ("Chờ tôi xử lý");
``add_note`` the staff-only notes and their mentions.

Publishing and unpublishing (``publish``, ``unpublish``) are the same for the form, the bulk actions and any other
caller: who may, which timestamps change, and (``move_each``) what the revision history records. Taking down on order
and reinstating (``take_down``, ``reinstate``), publishing a correction (``publish_correction``) and share links
(``share``, ``revoke_share``) are here too, and so is arranging the front page (``arrange_front``,
``restore_front``). What the audit log records of each is decided here as well
(``acts_of_save``, and the receivers ``record_save``, ``record_delete``); ``articles/audit.py`` writes the rows.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from articles import audit, fields, notifications, signals
from articles.formatting import display_name, when
from articles.models import (
    Article,
    AuditEntry,
    Author,
    Correction,
    DeskStage,
    EditConflict,
    FrontPage,
    InternalNote,
    Pick,
    PreviewLink,
    Section,
    Takedown,
)

PUBLISH = "articles.publish_article"
TAKE_DOWN = "articles.take_down_article"
REPORTERS = "Phóng viên"
EDITORS = "Biên tập viên"
EDITORS_IN_CHIEF = "Tổng biên tập"
DESK_HEADS = "Trưởng ban"
SECRETARIES = "Thư ký tòa soạn"
Act = audit.Act
TAKEN_DOWN = Article.Status.TAKEN_DOWN
DRAFT = Article.Status.DRAFT
Scope = DeskStage.Scope


class Refused(Exception):
    """The act cannot be done as asked; the message says why, in Vietnamese. Nothing was written."""


def can_publish(user):
    """Publishing, unpublishing, scheduling, restoring the publishing fields, publishing corrections: editors only."""
    return user.has_perm(PUBLISH)


def can_take_down(user):
    """Taking an article down on order and reinstating it, and reading it once taken down: the editor-in-chief
    ("Tổng biên tập") and superusers."""
    return user.has_perm(TAKE_DOWN)


def own_articles(user):
    """A reporter's own articles: created by them, or carrying the byline linked to their account.

    The byline's id is read first (once per user object): given literal ids, PostgreSQL answers the OR from two
    indexes; across the author join it walked every published article looking for theirs (docs/PERFORMANCE.md, "The
    desk's queue")."""
    if not hasattr(user, "own_byline_ids"):
        user.own_byline_ids = list(Author.objects.filter(user=user).values_list("pk", flat=True))
    return Q(created_by=user) | Q(author_id__in=user.own_byline_ids)


def is_own(user, article):
    return article.created_by_id == user.pk or article.author.user_id == user.pk


def may_view(user, article):
    """Editors see every article in the admin (and its previews and history); anyone else their own, and those that
    have reached a desk stage where they act (a desk head: of their sections), drafts and published alike."""
    if not user.has_perm("articles.view_article"):
        return False
    return can_publish(user) or is_own(user, article) or desk(user).reaches(article)


def may_edit(user, article):
    """Whether `user` may change `article` (None: write a new one): the form, autosave, the editing notice, restoring
    a revision. Editors change every article; anyone else a draft at a desk stage where they act on it (a reporter:
    their own, until they submit it; a desk head: their sections', while it waits for them)."""
    if article is None:
        return user.has_perm("articles.add_article")
    if not user.has_perm("articles.change_article") or article.status == TAKEN_DOWN:
        return False  # a taken-down article is kept as it was, for inspection: nobody edits it
    return can_publish(user) or (article.status == DRAFT and desk(user).acts_on(article))


def may_delete(user, article):
    """Editors delete any article (it stays recoverable); anyone else only their own drafts they may still edit. A
    taken-down article never through the ordinary delete: only `delete_taken_down`, with a reason."""
    if not user.has_perm("articles.delete_article") or article.status == TAKEN_DOWN:
        return False
    return can_publish(user) or (is_own(user, article) and may_edit(user, article))


def may_delete_taken_down(user):
    """A taken-down article is deleted by a superuser only, with a reason on record."""
    return user.is_superuser


def may_preview(user, article):
    """Previews of a saved article: whoever may view it in the admin, except a taken-down one, which only someone
    who may take down reads."""
    return may_view(user, article) and (article.status != TAKEN_DOWN or can_take_down(user))


def may_share(user, article):
    """Share links (a draft readable without an account) are made and revoked by editors only."""
    return can_publish(user) and may_view(user, article)


def readonly_fields(user):
    """The fields `user` sees but cannot set: the publishing ones for a reporter (the server ignores them too)."""
    return [] if can_publish(user) else list(fields.PUBLISHING)


def readable_by(user):
    """What `user` may open at an article's public URL: what readers see, plus the drafts and scheduled
    articles they may see in the admin (the page marks those with the draft banner). Taken-down articles only for
    those who may take down: to everyone else they are gone (410)."""
    articles = Article.objects.with_visibility()
    if not can_take_down(user):
        articles = articles.exclude(status=TAKEN_DOWN)
    return articles if can_publish(user) else articles.filter(Q(is_visible=True) | works_on(user))


def works_on(user):
    """The articles `user` works with in the admin, as a filter (`may_view` in SQL): all of them for an editor; their
    own, and those that reached a desk stage where they act, for anyone else."""
    return Q() if can_publish(user) else own_articles(user) | desk(user).reach()


# What publishing and unpublishing mean. Each changes the article in memory and says whether it changed; the caller
# saves (the form with everything typed, a bulk action with the publishing fields alone: ``move_each``).


def publish(article, user, *, now=None, time_chosen=False):
    """Make `article` one readers see, if `user` may publish. False when it already was published.

    - Its time: one in the future (scheduled) or one chosen by hand in the form (`time_chosen`) is kept; otherwise it
      is now, so a draft written on Monday and published on Wednesday is dated Wednesday.
    - A take-down time already past is cleared: publishing again what was taken down means readers should see it.
    """
    _must_publish(user)
    if article.status != Article.Status.DRAFT:
        return False  # already published; a taken-down article comes back only through `reinstate`
    now = now or timezone.now()
    article.status = Article.Status.PUBLISHED
    if article.published_at is None or (article.published_at <= now and not time_chosen):
        article.published_at = now
    if article.unpublish_at and article.unpublish_at <= max(now, article.published_at):
        article.unpublish_at = None
    _leave_desk(article)
    return True


def unpublish(article, user, *, now=None, **options):
    """Take `article` back to the drafts, if `user` may publish: readers no longer see it, and it waits again at the
    desk's last stage (approved, ready to publish), whoever acts there deciding. False when it was a draft."""
    _must_publish(user)
    if article.status != Article.Status.PUBLISHED:
        return False
    article.status = DRAFT
    _enter_stage(article, DeskStage.objects.last(), now or timezone.now())
    return True


MOVES = {Article.Status.PUBLISHED: publish, Article.Status.DRAFT: unpublish}


def typed_status(article, user, status_before, *, time_chosen):
    """The form saved `article` with the status typed into it: apply what that move means (`publish` or `unpublish`)
    instead of taking the status alone."""
    typed = article.status
    if typed == status_before:
        return
    article.status = status_before
    MOVES[typed](article, user, time_chosen=time_chosen)


def move_each(articles, user, move, comment):
    """Apply `move` (`publish` or `unpublish`) to each article and save its publishing fields alone (content is never
    written), one revision each with `comment`, skipping any article someone saved after it was read.
    Returns (how many changed, the headlines skipped)."""
    _must_publish(user)
    changed, skipped = 0, []
    now = timezone.now()
    for article in articles:
        if not move(article, user, now=now):
            continue
        article.updated_by = user
        try:
            article.save(update_fields=[*fields.PUBLISHING, *fields.DESK, "updated_by", "updated_at"])
        except EditConflict:
            skipped.append(article.headline)
        else:
            changed += 1
    if reversion.is_active():
        reversion.set_comment(comment)
    return changed, skipped


def _must_publish(user):
    if not can_publish(user):
        raise PermissionDenied("Bạn không có quyền xuất bản hoặc gỡ bài.")


def _must_take_down(user):
    if not can_take_down(user):
        raise PermissionDenied("Bạn không có quyền gỡ bài theo yêu cầu hoặc đưa bài đã gỡ trở lại.")


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Hãy ghi lý do.")
    return reason


# Taking down on order, and back. Each locks the article's row, so of two editors acting at once the second finds
# the first's result and records nothing; the save bumps the article's version, so an editor who had the form open
# is refused their next save (articles/admin/takedown.py says why).


def take_down(article, user, reason, *, show_headline=False):
    """Take `article` down on order: readers get 410 Gone at its URL and every old one, it leaves every list, feed,
    sitemap and search at once, and it stays in the admin, read-only. Returns the Takedown, or None when it was
    already taken down (nothing is recorded twice). Raises Refused for a blank reason or an unpublished article."""
    _must_take_down(user)
    reason = _reason(reason)
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.status == TAKEN_DOWN:
            return None
        if current.status != Article.Status.PUBLISHED:
            raise Refused("Chỉ gỡ theo yêu cầu được bài đã xuất bản; bản nháp thì bạn đọc vốn không thấy.")
        current.status = TAKEN_DOWN
        _save_state(current, user, Act.TAKEDOWN, reason, ["status"])
        return Takedown.objects.create(article=current, taken_down_by=user, reason=reason, show_headline=show_headline)


def reinstate(article, user, reason):
    """Bring a taken-down article back at the same URL, as it was (a take-down time already past is cleared, as
    publishing does). Returns the closed Takedown, or None when it was not taken down."""
    _must_take_down(user)
    reason = _reason(reason)
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.status != TAKEN_DOWN:
            return None
        current.status = Article.Status.PUBLISHED
        now = timezone.now()
        if current.unpublish_at and current.unpublish_at <= now:
            current.unpublish_at = None
        _save_state(current, user, Act.REINSTATE, reason, ["status", "unpublish_at"])
        takedown = Takedown.objects.in_force().filter(article=current).first()
        if takedown is not None:
            takedown.reinstated_at, takedown.reinstated_by, takedown.reinstate_reason = now, user, reason
            takedown.save(update_fields=["reinstated_at", "reinstated_by", "reinstate_reason"])
        return takedown


def delete_taken_down(article, user, reason):
    """Delete a taken-down article (a superuser only), the reason on record. It stays recoverable like any other."""
    if not may_delete_taken_down(user):
        raise PermissionDenied("Chỉ quản trị viên cao nhất mới xoá được bài đã gỡ.")
    reason = _reason(reason)
    with audit.acting(user, Act.DELETE, reason):
        article.delete()


def _save_state(article, user, act, reason, names):
    article.updated_by = user
    with reversion.create_revision(), audit.acting(user, act, reason):
        reversion.set_user(user)
        reversion.set_comment(f"{act.label}: {reason}" if reason else f"{act.label}.")
        article.save(update_fields=[*names, "updated_by", "updated_at"])


# The desk workflow (docs/workflow.md). A draft waits at one stage at a time (`Article.stage`, since
# `Article.stage_since`), where the people of the stage's group act on it, within the stage's scope. Its moves
# (`steps`) go on to the next stage, back to the first (send back, take back) or out to the readers (publish,
# schedule). Each locks the article's row and saves through Article.save(), whose version check refuses a move decided
# on a view of the article older than someone else's move.


class Desk:
    """The desk as one user sees it: the stages in order (each with `acting`: whether the user is in its group), and
    the sections assigned to them. `desk(user)` loads it once per request: one query, and one for the sections when a
    stage where they act is scoped by section.

    Each rule is here twice, in Python for one loaded article and as a filter for the lists (`reaches` / `reach`,
    `acts_on` / `waiting`), both built on the one scope rule (`_in_scope` / `_scope`)."""

    def __init__(self, user):
        self.user = user
        if user.is_superuser:  # acts everywhere: every stage, every article
            acting = Value(True)
        elif user.is_authenticated:
            acting = Exists(user.groups.filter(pk=OuterRef("group_id")))
        else:
            acting = Value(False)
        self.stages = list(DeskStage.objects.select_related("group").annotate(acting=acting))
        self.order = {stage.pk: index for index, stage in enumerate(self.stages)}
        self._sections = None

    @property
    def first(self):
        return self.stages[0] if self.stages else None

    @property
    def acting(self):
        """The stages where the user acts, in order."""
        return [stage for stage in self.stages if stage.acting]

    @property
    def sections(self):
        """Ids of the sections assigned to the user (as a desk head)."""
        if self._sections is None:
            self._sections = frozenset(Section.objects.filter(desk_heads=self.user).values_list("pk", flat=True))
        return self._sections

    def stage_of(self, article):
        index = self.order.get(article.stage_id)
        return None if index is None else self.stages[index]

    def _in_scope(self, stage, article):
        """Whether `article` is one the people of `stage` act on: their own, their sections', or any."""
        if self.user.is_superuser or stage.scope == Scope.ALL:
            return True
        if stage.scope == Scope.OWN:
            return is_own(self.user, article)
        return article.section_id in self.sections

    def _scope(self, stage):
        """`_in_scope` as a filter."""
        if self.user.is_superuser or stage.scope == Scope.ALL:
            return Q()
        if stage.scope == Scope.OWN:
            return own_articles(self.user)
        return Q(section_id__in=self.sections)

    def acts_at(self, stage, article):
        """Whether the user acts on `article` at `stage`."""
        return stage is not None and stage.acting and self._in_scope(stage, article)

    def acts_on(self, article):
        """Whether the user acts on `article` at the stage where it waits now."""
        return self.acts_at(self.stage_of(article), article)

    def waiting(self):
        """`acts_on` as a filter: the drafts waiting for the user."""
        found = Q(pk__in=[])
        for stage in self.acting:
            found |= Q(stage_id=stage.pk) & self._scope(stage)
        return found

    def _reaching(self):
        """The stages where the user acts on more than their own articles (those they always read)."""
        return [stage for stage in self.acting if self.user.is_superuser or stage.scope != Scope.OWN]

    def reaches(self, article):
        """Whether `article` has reached a stage where the user acts (and is in its scope): waiting there, past it, or
        out of the desk (published, scheduled, taken down). What a user reads in the admin beyond their own."""
        here = self.order.get(article.stage_id)
        return any(
            (here is None or here >= self.order[stage.pk]) and self._in_scope(stage, article)
            for stage in self._reaching()
        )

    def reach(self):
        """`reaches` as a filter."""
        found = Q(pk__in=[])
        for stage in self._reaching():
            later = [later.pk for later in self.stages[self.order[stage.pk] :]]
            found |= (Q(stage__isnull=True) | Q(stage_id__in=later)) & self._scope(stage)
        return found


def desk(user):
    """The desk as `user` sees it, loaded once per request (kept on the user object, which the request holds)."""
    found = getattr(user, "_newsroom_desk", None)
    if found is None:
        found = user._newsroom_desk = Desk(user)
    return found


# What each move is called: on its button, in messages and in refusals.
STEP_LABELS = {
    "submit": "Gửi duyệt",
    "forward": "Chuyển tiếp",
    "approve": "Duyệt",
    "send_back": "Trả lại",
    "take_back": "Rút lại để sửa",
    "publish": "Xuất bản",
    "schedule": "Hẹn giờ xuất bản",
}
# What the people told of a move read (notifications and their e-mails).
STEP_NOTICES = {
    "submit": "{actor} gửi bài “{headline}” tới khâu “{to}”.",
    "forward": "{actor} chuyển bài “{headline}” tới khâu “{to}”.",
    "approve": "{actor} đã duyệt bài “{headline}”; bài chờ xuất bản ở khâu “{to}”.",
    "send_back": "{actor} trả lại bài “{headline}”.",
    "take_back": "{actor} đã rút lại bài “{headline}” để sửa.",
    "publish": "{actor} đã xuất bản bài “{headline}”.",
    "schedule": "{actor} đã hẹn giờ xuất bản bài “{headline}” lúc {at}.",
}
_SCOPE_NOTES = {
    Scope.OWN: " (với bài của chính họ)",
    Scope.SECTIONS: " (với bài của chuyên mục được giao)",
    Scope.ALL: "",
}
# The acts that move an article between stages, or into or out of the readers' sight: the article's timeline for those
# who do not read the whole audit log, and what tells who moved it last.
MOVE_ACTS = (
    Act.SUBMIT,
    Act.FORWARD,
    Act.SEND_BACK,
    Act.TAKE_BACK,
    Act.APPROVE,
    Act.PUBLISH,
    Act.SCHEDULE,
    Act.UNPUBLISH,
    Act.TAKEDOWN,
    Act.REINSTATE,
)
TIMELINE_ACTS = (Act.CREATE, *MOVE_ACTS)


class Step(NamedTuple):
    """A move the stage where a draft waits offers: its name (the button's value), the act on record, the stage whose
    people make it, the stage it leaves, and the stage it reaches (None: the readers')."""

    name: str
    act: str
    by: DeskStage
    leaves: DeskStage
    to: DeskStage | None

    @property
    def label(self):
        """The button: "Chuyển tiếp → Chờ duyệt"."""
        label = STEP_LABELS[self.name]
        return f"{label} → {self.to}" if self.to is not None else label


def steps(article, desk):
    """The moves the stage where `article` waits offers, whoever may make them: from the first stage, submit; from a
    later one, on to the next (forward; approve into the last), or from the last publish and schedule; send back to
    the first; and from the second stage, the writer's take-back."""
    here = desk.stage_of(article)
    if article.status != DRAFT or here is None:
        return []
    index, stages = desk.order[here.pk], desk.stages
    first, following = stages[0], stages[index + 1] if index + 1 < len(stages) else None
    if index == 0:
        return [Step("submit", Act.SUBMIT, here, here, following)] if following else []
    if following is None:
        found = [Step("publish", Act.PUBLISH, here, here, None), Step("schedule", Act.SCHEDULE, here, here, None)]
    else:
        name, act = ("approve", Act.APPROVE) if following is stages[-1] else ("forward", Act.FORWARD)
        found = [Step(name, act, here, here, following)]
    found.append(Step("send_back", Act.SEND_BACK, here, here, first))
    if index == 1:
        found.append(Step("take_back", Act.TAKE_BACK, first, here, first))
    return found


def moves_for(user, article):
    """[(step, refusal)] of the moves `user`'s role makes on `article` at its stage, in the form's order; `refusal`
    says why one cannot be made now (None: it can)."""
    found = desk(user)
    return [(step, _refusal(user, step, article)) for step in steps(article, found) if found.acts_at(step.by, article)]


def _refusal(user, step, article):
    if step.to is None and not can_publish(user):
        return "Bạn không có quyền xuất bản."
    if step.name == "take_back" and article.stage_opened_by_id is not None:
        opener = display_name(article.stage_opened_by)
        return f"Không rút lại được nữa: {opener} đã mở bài lúc {when(article.stage_opened_at)}."
    return None


def check_move(article, user, name, *, reason="", seen_stage=None, now=None):
    """The step `name` of `article` by `user`, if it may be made now (`article` holding what was typed: its section, its
    publication time); else Refused, saying why in Vietnamese. `seen_stage`, the stage id the user's page showed, must
    still be the article's."""
    found = desk(user)
    if seen_stage is not None and str(seen_stage) != str(article.stage_id or ""):
        raise Refused(_not_where_seen(article, str(seen_stage), found))
    if name not in STEP_LABELS:
        raise Refused(f"Không có bước “{str(name)[:40]}”; hãy dùng các nút trên trang bài.")
    step = next((step for step in steps(article, found) if step.name == name), None)
    here = found.stage_of(article)
    if step is None:
        where = f"khâu “{here}”" if here else f"trạng thái “{article.get_status_display()}”"
        raise Refused(f"Bài đang ở {where}: không thể “{STEP_LABELS[name]}” từ đó.")
    if not found.acts_at(step.by, article):
        raise Refused(
            f"“{STEP_LABELS[name]}” ở khâu “{here}” là việc của nhóm “{step.by.group}”{_SCOPE_NOTES[step.by.scope]}; "
            "bạn không làm được."
        )
    refusal = _refusal(user, step, article)
    if refusal:
        raise Refused(refusal)
    if name == "send_back" and not (reason or "").strip():
        raise Refused("Hãy ghi lý do trả lại: người viết sẽ đọc lý do này.")
    if step.to is not None and step.to.scope == Scope.SECTIONS and article.section_id is None:
        raise Refused(
            f"Hãy chọn chuyên mục cho bài trước khi “{STEP_LABELS[name]}”: ở khâu “{step.to}” bài do trưởng ban "
            "của chuyên mục nhận."
        )
    if name == "schedule" and (article.published_at is None or article.published_at <= (now or timezone.now())):
        raise Refused("Hãy chọn thời gian xuất bản trong tương lai rồi bấm “Hẹn giờ xuất bản”.")
    return step


def _not_where_seen(article, seen, found):
    if not seen:
        return "Không rõ bạn thấy bài ở khâu nào; hãy mở lại bài rồi làm lại."
    if not seen.isdigit() or int(seen) not in found.order:
        return f"Khâu “{seen[:40]}” không có trong quy trình biên tập."
    return moved_first(article)


def moved_away(user, article, seen_stage):
    """Whether `article` has left the stage `seen_stage` (an id, as a page posts it), where `user` acted on it, and
    `user` may no longer edit it: a form they opened there is refused as moved by someone else, not as forbidden."""
    found = desk(user)
    seen = found.order.get(int(seen_stage)) if str(seen_stage).isdigit() else None
    if seen is None or found.stages[seen].pk == article.stage_id:
        return False
    return found.acts_at(found.stages[seen], article) and not may_edit(user, article)


def last_move(article):
    """The latest move of `article` on record (who, which act, when, why), or None."""
    return AuditEntry.objects.filter(article_id=article.pk, act__in=MOVE_ACTS).first()


def moved_first(article):
    """Why a move decided on an older view of `article` is refused: who moved it since, when, and where it is now."""
    where = f"khâu “{article.stage}”" if article.stage_id else f"trạng thái “{article.get_status_display()}”"
    last = last_move(article)
    if last is None:
        return f"Bài vừa được chuyển sang {where} trong khi bạn xem, nên bước của bạn không được thực hiện."
    return (
        f"Bài vừa được {last.actor_name} “{last.get_act_display()}” lúc {when(last.at, seconds=True)} (bây giờ ở "
        f"{where}), nên bước của bạn không được thực hiện."
    )


class Moved(NamedTuple):
    """A move made: the step, and the people told of it."""

    step: Step
    told: list

    @property
    def message(self):
        where = f"khâu “{self.step.to}”" if self.step.to else "trang cho bạn đọc"
        told = ", ".join(sorted(display_name(person) for person in self.told)) or "không ai (chưa có người ở khâu đó)"
        return f"Đã “{STEP_LABELS[self.step.name]}”: bài chuyển sang {where}. Đã báo cho: {told}."


def move(article, user, name, *, reason="", seen_stage=None, save=None):
    """Make the move `name` of `article` as `user`: stamp it (the stage and since when, or the publication), record it
    (the audit log's act with the stages and the reason) and tell the people it concerns. Returns Moved.

    From the article's form, `article` holds what was typed and `save` is the form's own save: the move is made on it
    while the row is still at the version it was loaded at (else EditConflict: the form is shown again, naming who
    moved it). Without `save`, the move alone is saved onto the row as it is now, and `seen_stage` (the stage the
    user's page showed) must still be its stage. Refused, with nothing written, when the move cannot be made."""
    now = timezone.now()
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if save is None:
            article = current
        elif current.version != article.version:
            raise EditConflict(article)
        else:  # the marks of who opened it are written without a version (note_opened)
            article.stage_opened_by_id, article.stage_opened_at = current.stage_opened_by_id, current.stage_opened_at
        step = check_move(article, user, name, reason=reason, seen_stage=seen_stage, now=now)
        reason = reason.strip() if name == "send_back" else ""
        if step.to is None:
            if name == "publish":
                article.published_at = now
            publish(article, user, now=now, time_chosen=True)
        else:
            _enter_stage(article, step.to, now)
        if save is None:
            _save_state(article, user, step.act, reason, [*fields.PUBLISHING, *fields.DESK])
        else:
            article.updated_by = user
            with audit.acting(user, step.act, reason):
                save()
        concerned = step.leaves if name == "take_back" else step.to or desk(user).first
        notice = STEP_NOTICES[name].format(
            actor=display_name(user), headline=article.headline, to=step.to, at=when(article.published_at)
        )
        told = notifications.notify(
            people_at(concerned, article), actor=user, article=article, message=notice, detail=reason
        )
    return Moved(step, told)


def people_at(stage, article):
    """Who acts on `article` at `stage`, as its duty: the stage's group, within its scope. Superusers, who may act
    anywhere, are on no stage's duty."""
    people = get_user_model().objects.filter(groups=stage.group_id, is_active=True)
    if stage.scope == Scope.SECTIONS:
        people = people.filter(desk_sections=article.section_id)
    people = list(people.distinct())
    return [person for person in people if is_own(person, article)] if stage.scope == Scope.OWN else people


def _enter_stage(article, stage, now):
    article.stage, article.stage_since = stage, now if stage else None
    article.stage_opened_by, article.stage_opened_at = None, None


def _leave_desk(article):
    _enter_stage(article, None, None)


def enter_desk(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of Article: a draft saved without a stage (a new one, whoever writes it: the admin, the importer, a
    recovery; or one made a draft outside the workflow, from the shell or by restoring a revision) starts at the
    desk's first stage."""
    if raw or instance.status != DRAFT or instance.stage_id is not None:
        return
    if update_fields is None or "stage" in update_fields:
        _enter_stage(instance, DeskStage.objects.first(), timezone.now())


def note_opened(article, user):
    """`user` opened `article` (its form or preview): once someone other than its writer has opened a submitted draft
    at its stage, the writer can no longer take it back (the desk may already be working on it)."""
    if article.stage_id is None or article.stage_opened_by_id is not None or is_own(user, article):
        return
    if article.stage_id == desk(user).first.pk:
        return
    unopened = Article.objects.filter(pk=article.pk, stage_id=article.stage_id, stage_opened_by__isnull=True)
    unopened.update(stage_opened_by=user, stage_opened_at=timezone.now())


class Queue(NamedTuple):
    """ "Chờ tôi xử lý": the oldest waiting first (each with its last move), and how many wait at each of the user's
    stages."""

    articles: list
    counts: list


# How many of the waiting articles the start page lists (the counts cover them all).
QUEUE_SIZE = 20


def queue(user, size=QUEUE_SIZE):
    """The drafts waiting for `user` at the stages where they act (a desk head: their sections'; a reporter: their
    own), oldest waiting first, each with its last move (who sent it, and a send-back's reason); None for someone who
    acts at no stage. Two queries, whatever the number of articles."""
    found = desk(user)
    acting = found.acting
    if not acting:
        return None
    waiting = Article.objects.filter(found.waiting())
    moves = AuditEntry.objects.filter(article_id=OuterRef("pk"), act__in=MOVE_ACTS)
    last = {f"last_{name}": Subquery(moves.values(name)[:1]) for name in ("act", "actor_name", "reason", "at")}
    articles = (
        waiting.select_related("stage", "section")
        .only("headline", "status", "stage_since", "stage__name", "section__name")
        .annotate(**last)
        .order_by("stage_since", "id")[:size]
    )
    counts = dict(waiting.order_by().values_list("stage").annotate(Count("pk")))
    return Queue(list(articles), [(stage, counts.get(stage.pk, 0)) for stage in acting])


# Internal notes.


class NoteAdded(NamedTuple):
    """A note added: who was told of it, and the mentions that told nobody (no such person, or one who cannot open the
    article)."""

    note: InternalNote
    told: list
    unknown: list
    cannot_open: list


def add_note(article, user, text):
    """Add a note for the newsroom only to `article` (anyone who may open it in the admin), and tell the colleagues it
    mentions (`@tên`) who may open it too. Refused when the note is blank."""
    if not may_view(user, article):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise Refused("Ghi chú trống: hãy viết nội dung.")
    note = InternalNote.objects.create(article=article, author=user, text=text)
    staff = get_user_model().objects.filter(is_active=True, is_staff=True)
    people, unknown = notifications.mentioned(text, staff)
    allowed = [person for person in people if may_view(person, article)]
    told = notifications.notify(
        allowed,
        actor=user,
        article=article,
        message=f"{display_name(user)} nhắc đến bạn trong ghi chú của bài “{article.headline}”.",
        detail=text,
    )
    cannot = [display_name(person) for person in people if person not in allowed]
    return NoteAdded(note, told, unknown, cannot)


# Corrections and share links.


def may_draft_correction(user, article):
    """Anyone who writes drafts a correction of an article they work with (a reporter: their own)."""
    return user.has_perm("articles.add_correction") and (can_publish(user) or is_own(user, article))


def publish_correction(correction, user):
    """Publish a drafted correction (editors): it shows on its article's page, newest first, and the article's
    "last updated" time follows it. False when it was already published; Refused unless its article is published."""
    _must_publish(user)
    with transaction.atomic(), signals.one_change():
        current = Correction.objects.select_for_update().select_related("article").get(pk=correction.pk)
        if current.published_at is not None:
            return False
        if current.article.status != Article.Status.PUBLISHED:
            raise Refused("Chỉ đăng được cải chính cho bài đang xuất bản.")
        current.published_at, current.published_by = timezone.now(), user
        current.save(update_fields=["published_at", "published_by"])
        Article.objects.filter(pk=current.article_id).update(corrected_at=current.published_at)
        with audit.acting(user):
            audit.record(
                Act.CORRECTION,
                article=current.article,
                changes={"kind": current.get_kind_display(), "text": current.text},
            )
    correction.published_at, correction.published_by = current.published_at, user
    return True


def share(article, user, hours):
    """A link that opens this draft without an account for `hours` (editors only, drafts only)."""
    if not may_share(user, article):
        raise PermissionDenied
    if article.status != Article.Status.DRAFT:
        raise Refused("Chỉ tạo được liên kết xem trước cho bản nháp.")
    link = PreviewLink.objects.create(
        article=article, created_by=user, expires_at=timezone.now() + timedelta(hours=hours)
    )
    with audit.acting(user):
        audit.record(Act.SHARE, article=article, changes={"expires_at": link.expires_at.isoformat()})
    return link


def revoke_share(link, user):
    """Close a share link for good."""
    if not may_share(user, link.article):
        raise PermissionDenied
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    with audit.acting(user):
        audit.record(Act.REVOKE_SHARE, article=link.article)


def record_expiries(now=None):
    """Put on record, as "hệ thống", each article whose take-down time (`unpublish_at`, "gỡ bài lúc") has come: one
    row each, dated that time. Run by `manage.py record_expiries` from cron (docs/corrections.md); running it again,
    or twice at once, records nothing twice. Returns how many were recorded."""
    due = Article.objects.filter(status=Article.Status.PUBLISHED, unpublish_at__lte=now or timezone.now())
    on_record = AuditEntry.objects.filter(act=Act.EXPIRE, article_id=OuterRef("pk"), at=OuterRef("unpublish_at"))
    recorded = 0
    for article in due.exclude(Exists(on_record)).only("headline", "unpublish_at"):
        try:
            with transaction.atomic():
                audit.record(Act.EXPIRE, article=article, at=article.unpublish_at)
        except IntegrityError:  # another run recorded it a moment ago
            continue
        recorded += 1
    return recorded


# What the audit log records of a save or a delete of an article, whoever makes it (receivers connected in
# ArticlesConfig.ready()): one row per act.


def acts_of_save(before, article, declared=None, now=None):
    """[(act, changes)] of a save of `article` whose form fields were `before` (None: a new article).

    The act `declared` by the caller (a takedown, a desk move, a restore…) is the save's one act. Otherwise: "create"
    or "edit" (with the names of the fields changed) and, when the status or its times changed, the move: publish,
    schedule (published for later, or a take-down time set), unpublish, takedown, reinstate. Changes hold field names,
    before → after of the status and its times, and the names of the desk stages it left and reached."""
    after = {name: _value(article, name) for name in fields.FORM}
    stage = _stage_change(before, article)
    if before is not None:
        before = {name: _to_the_second(before[Article._meta.get_field(name).attname]) for name in fields.FORM}
    changed = [name for name in fields.FORM if before is None or before[name] != after[name]]
    moved = {
        name: [_json(before and before[name]), _json(after[name])] for name in fields.PUBLISHING if name in changed
    }
    edited = [name for name in changed if name not in fields.PUBLISHING]
    if declared:
        return [(declared, {"fields": edited, **moved, **stage} if edited else {**moved, **stage})]
    acts = [(Act.CREATE, {})] if before is None else [(Act.EDIT, {"fields": edited})] if edited else []
    move = _move(before and before["status"], after, now or timezone.now()) if moved else None
    if move:
        acts.append((move, {**moved, **stage}))
    return acts


def _stage_change(before, article):
    """{"stage": [name before, name after]} when a save moved `article` to another desk stage (or out of the desk)."""
    if before is None or before["stage_id"] == article.stage_id:
        return {}
    names = dict(DeskStage.objects.filter(pk__in=[before["stage_id"], article.stage_id]).values_list("pk", "name"))
    return {"stage": [names.get(before["stage_id"]), names.get(article.stage_id)]}


def _move(status_before, after, now):
    status = after["status"]
    if status == TAKEN_DOWN:
        return Act.TAKEDOWN if status_before != TAKEN_DOWN else None
    if status_before == TAKEN_DOWN:
        return Act.REINSTATE
    if status == Article.Status.PUBLISHED:
        # Published for later, or the times of a published article changed (a take-down time set, say).
        return Act.SCHEDULE if after["published_at"] > now or status_before == status else Act.PUBLISH
    return Act.UNPUBLISH if status_before == Article.Status.PUBLISHED else None


def _value(article, name):
    value = getattr(article, Article._meta.get_field(name).attname)
    return value.name if isinstance(value, FieldFile) else _to_the_second(value)


def _to_the_second(value):
    # The form shows and sends times to the second: a save that only drops a time's microseconds changed nothing.
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def record_save(sender, instance, raw=False, using=None, **kwargs):
    """post_save of Article: its acts, on record. A fixture's raw rows are no one's act."""
    if raw:
        return
    declared = audit.declared()
    acts = [(act, changes, using, declared) for act, changes in acts_of_save(instance.stored, instance, declared.act)]
    held = getattr(instance, "held_acts", None)
    if held is not None:  # the admin saves the article's links after it: on record with them (`record_held`)
        held.extend(acts)
        return
    for act, changes, using, _ in acts:
        audit.record(act, article=instance, changes=changes, using=using)


def record_held(article, links=()):
    """Put on record the acts of the saves of `article` held since ``article.held_acts = []``, with the names of its
    links the same save changed (`links`: "tags", "contributions", "related_picks") among the fields it edited: in
    its "edit" row, or in one of their own when nothing else of the article was edited. The log is only appended to,
    so a save's row is written once, whole."""
    acts = article.__dict__.pop("held_acts", [])  # none held: its saves are on record already
    if links:
        edit = next((changes for act, changes, *_ in acts if act == Act.EDIT), None)
        if edit is None:
            acts.insert(0, (Act.EDIT, {"fields": list(links)}, article._state.db, audit.declared()))
        else:
            edit["fields"] = [*edit.get("fields", []), *links]
    for act, changes, using, declared in acts:
        with audit.acting(*declared):  # by whom and why, as said when it was saved
            audit.record(act, article=article, changes=changes, using=using)


def record_delete(sender, instance, using=None, **kwargs):
    """post_delete of Article: one row per article deleted, bulk deletes included."""
    audit.record(audit.declared().act or Act.DELETE, article=instance, using=using)


# The front page: who arranges it, and what saving an arrangement means (articles/front.py shows it).


class FrontConflict(Refused):
    """Someone saved the front page after this screen was opened: their arrangement (`current`) is in force, and
    nothing was written."""

    def __init__(self, current):
        who = display_name(current.saved_by) if current and current.saved_by else "một người khác"
        at = when(current.saved_at, seconds=True) if current else ""
        super().__init__(
            f"Trang nhất đã được {who} lưu lúc {at} trong khi bạn đang sửa, nên bản của bạn chưa được lưu — mọi thứ "
            "bạn chọn vẫn còn nguyên bên dưới. Xem lại rồi bấm Lưu lần nữa để thay bản của họ (bản của họ vẫn còn "
            "trong lịch sử)."
        )
        self.current = current


def can_arrange_front(user):
    """The front page is arranged by those who publish (editors); reporters cannot change it."""
    return can_publish(user)


def pickable(now=None):
    """What may be picked for the front page: published articles, scheduled ones included, not expired."""
    now = now or timezone.now()
    not_expired = Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)
    return Article.objects.filter(not_expired, status=Article.Status.PUBLISHED)


def arrange_front(user, based_on, picks, *, breaking=("", None, None), restored_from=None):
    """Save a new arrangement of the front page: `picks` (`Pick`s, the lead first) and `breaking` (text, article id,
    end time), over the arrangement `based_on` the editor's screen showed (0: none). Recorded on the audit log with
    before and after. Returns the new arrangement.

    Refused (nothing written): a user who may not publish (PermissionDenied); more slots than the page has, an article
    twice, an article that does not exist or is not published or scheduled (Refused); a screen opened before someone
    else's save (FrontConflict, naming them)."""
    if not can_arrange_front(user):
        raise PermissionDenied("Bạn không có quyền sửa trang nhất.")
    size = 1 + settings.FRONT_FEATURED
    if len(picks) > size:
        raise Refused(f"Trang nhất có {size} ô (1 tiêu điểm và {size - 1} tin nổi bật); không đặt thêm được.")
    ids = [pick.article for pick in picks if pick.article]
    if len(set(ids)) != len(ids):
        raise Refused("Mỗi bài chỉ được đặt vào một ô của trang nhất.")
    text, breaking_article, breaking_until = breaking
    wanted = {*ids, *filter(None, [breaking_article])}
    missing = wanted - set(pickable().filter(pk__in=wanted).values_list("pk", flat=True))
    if missing:
        raise Refused(
            f"Không chọn được bài số {', '.join(map(str, sorted(missing)))}: bài không còn, hoặc chưa xuất bản, hoặc "
            "đã hết hạn. Trang nhất chỉ nhận bài đã xuất bản hoặc đã hẹn giờ."
        )
    with transaction.atomic():
        current = FrontPage.objects.current()
        if (current.pk if current else 0) != based_on:
            raise FrontConflict(current)
        try:
            with transaction.atomic():
                arrangement = FrontPage.objects.create(
                    based_on=based_on,
                    saved_by=user,
                    picks=FrontPage.stored_picks(picks),
                    breaking_text=text.strip(),
                    breaking_article_id=breaking_article,
                    breaking_until=breaking_until,
                    restored_from=restored_from,
                )
        except IntegrityError:  # another editor's save, from the same screen, landed a moment ago
            raise FrontConflict(FrontPage.objects.current()) from None
        with audit.acting(user):
            audit.record(
                Act.FRONT_RESTORE if restored_from else Act.FRONT_PAGE,
                target="Trang nhất",
                changes=front_changes(current, arrangement),
            )
    return arrangement


def restore_front(user, based_on, earlier):
    """Put the lead and featured stories of the `earlier` arrangement back in one step, as a new arrangement (the
    breaking news stays as it is now). Its picks that can no longer be picked are left out: those slots show the
    newest."""
    current = FrontPage.objects.current()
    still = set(pickable().filter(pk__in=[pick.article for pick in earlier.slots()]).values_list("pk", flat=True))
    picks = [pick if pick.article in still else Pick(None) for pick in earlier.slots()]
    breaking = ("", None, None)
    if current:
        breaking = (current.breaking_text, current.breaking_article_id, current.breaking_until)
    return arrange_front(user, based_on, picks, breaking=breaking, restored_from=earlier.pk)


def front_changes(before, after):
    """What the audit log keeps of a change of the front page: the lead, the featured stories and the breaking news,
    each before → after as people read them, those that changed only."""
    arrangements = [arrangement for arrangement in (before, after) if arrangement]
    ids = {pick.article for arrangement in arrangements for pick in arrangement.slots() if pick.article}
    ids |= {arrangement.breaking_article_id for arrangement in arrangements if arrangement.breaking_article_id}
    headlines = dict(Article.objects.filter(pk__in=ids).values_list("pk", "headline"))

    def pick(p):
        if not p.article:
            return "(bài mới nhất)"
        notes = [f"hiện đến {when(p.until)}"] * bool(p.until) + ["ghim"] * p.pinned
        return f"#{p.article} {headlines.get(p.article, '(đã xoá)')}" + (f" ({', '.join(notes)})" if notes else "")

    def parts(arrangement):
        slots = arrangement.slots() if arrangement else []
        breaking = ""
        if arrangement and arrangement.breaking_text:
            breaking = arrangement.breaking_text
            if linked := arrangement.breaking_article_id:
                breaking += f" → #{linked} {headlines.get(linked, '')}"
            if arrangement.breaking_until:
                breaking += f" (đến {when(arrangement.breaking_until)})"
        return {
            "front_lead": pick(slots[0]) if slots else "",
            "front_featured": "; ".join(pick(p) for p in slots[1:]),
            "front_breaking": breaking,
        }

    old, new = parts(before), parts(after)
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}


FRONT_SECTION_FIELDS = ("on_front", "front_position", "front_count")


def record_section_front(section, before, user):
    """Put on the audit log a change of how `section` shows on the front page (`before`: those fields as they were,
    None for a new section)."""
    if before is None and not section.on_front:
        return
    changes = {
        name: [before and before[name], getattr(section, name)]
        for name in FRONT_SECTION_FIELDS
        if before is None or before[name] != getattr(section, name)
    }
    if changes:
        with audit.acting(user):
            audit.record(Act.FRONT_SECTIONS, target=f"Chuyên mục {section.name}", changes=changes)
