"""Who may do what to an article, and what a change of its state means: the one place that decides.

Roles are groups made by migrations: ``REPORTERS`` ("Phóng viên") write but cannot publish; ``EDITORS``
("Biên tập viên") hold every article permission plus ``articles.publish_article``; ``EDITORS_IN_CHIEF`` ("Tổng biên
tập") also ``articles.take_down_article``; a superuser has every permission. The admin (forms, bulk actions,
autosave, previews, share links, history, takedowns, corrections) and every later caller ask these functions; none
re-states a rule.

Publishing and unpublishing (``publish``, ``unpublish``) are the same for the form, the bulk actions and any other
caller: who may, which timestamps change, and (``move_each``) what the revision history records. Taking down on order
and reinstating (``take_down``, ``reinstate``), publishing a correction (``publish_correction``) and share links
(``share``, ``revoke_share``) are here too. What the audit log records of each is decided here as well
(``acts_of_save``, and the receivers ``record_save``, ``record_delete``); ``articles/audit.py`` writes the rows.
"""

from datetime import datetime, timedelta

import reversion
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from articles import audit, fields, signals
from articles.models import Article, AuditEntry, Correction, EditConflict, PreviewLink, Takedown

PUBLISH = "articles.publish_article"
TAKE_DOWN = "articles.take_down_article"
REPORTERS = "Phóng viên"
EDITORS = "Biên tập viên"
EDITORS_IN_CHIEF = "Tổng biên tập"
Act = audit.Act
TAKEN_DOWN = Article.Status.TAKEN_DOWN


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
    """A reporter's own articles: created by them, or carrying the byline linked to their account."""
    return Q(created_by=user) | Q(author__user=user)


def is_own(user, article):
    return article.created_by_id == user.pk or article.author.user_id == user.pk


def may_view(user, article):
    """Editors see every article in the admin (and its previews and history); a reporter only their own."""
    return user.has_perm("articles.view_article") and (can_publish(user) or is_own(user, article))


def may_edit(user, article):
    """Whether `user` may change `article` (None: write a new one): the form, autosave, the editing notice, restoring
    a revision. Editors change every article; a reporter only their own drafts."""
    if article is None:
        return user.has_perm("articles.add_article")
    if not user.has_perm("articles.change_article") or article.status == TAKEN_DOWN:
        return False  # a taken-down article is kept as it was, for inspection: nobody edits it
    return can_publish(user) or (article.status == Article.Status.DRAFT and is_own(user, article))


def may_delete(user, article):
    """Editors delete any article (it stays recoverable); a reporter only their own drafts. A taken-down article
    never through the ordinary delete: only `delete_taken_down`, with a reason."""
    if not user.has_perm("articles.delete_article") or article.status == TAKEN_DOWN:
        return False
    return can_publish(user) or (article.status == Article.Status.DRAFT and is_own(user, article))


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
    return articles if can_publish(user) else articles.filter(Q(is_visible=True) | own_articles(user))


def works_on(user):
    """The articles `user` works with in the admin, as a filter: all of them for an editor, their own for a reporter."""
    return Q() if can_publish(user) else own_articles(user)


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
    return True


def unpublish(article, user, **options):
    """Take `article` back to the drafts, if `user` may publish: readers no longer see it. False when it was a draft."""
    _must_publish(user)
    if article.status != Article.Status.PUBLISHED:
        return False
    article.status = Article.Status.DRAFT
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
            article.save(update_fields=[*fields.PUBLISHING, "updated_by", "updated_at"])
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
        reversion.set_comment(f"{act.label}: {reason}")
        article.save(update_fields=[*names, "updated_by", "updated_at"])


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

    The act `declared` by the caller (a takedown, a restore…) is the save's one act. Otherwise: "create" or "edit"
    (with the names of the fields changed) and, when the status or its times changed, the move: publish, schedule
    (published for later, or a take-down time set), unpublish, takedown, reinstate. Changes hold field names, and
    before → after of the status and its times."""
    after = {name: _value(article, name) for name in fields.FORM}
    if before is not None:
        before = {name: _to_the_second(before[Article._meta.get_field(name).attname]) for name in fields.FORM}
    changed = [name for name in fields.FORM if before is None or before[name] != after[name]]
    moved = {
        name: [_json(before and before[name]), _json(after[name])] for name in fields.PUBLISHING if name in changed
    }
    edited = [name for name in changed if name not in fields.PUBLISHING]
    if declared:
        return [(declared, {"fields": edited, **moved} if edited else moved)]
    acts = [(Act.CREATE, {})] if before is None else [(Act.EDIT, {"fields": edited})] if edited else []
    move = _move(before and before["status"], after, now or timezone.now()) if moved else None
    if move:
        acts.append((move, moved))
    return acts


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
    for act, changes in acts_of_save(instance.stored, instance, audit.declared().act):
        audit.record(act, article=instance, changes=changes, using=using)


def record_delete(sender, instance, using=None, **kwargs):
    """post_delete of Article: one row per article deleted, bulk deletes included."""
    audit.record(audit.declared().act or Act.DELETE, article=instance, using=using)
