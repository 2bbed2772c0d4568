"""Who may do what to an article, and what a change of its state means: the one place that decides.

Roles are the groups made by migration 0004: ``REPORTERS`` ("Phóng viên") write but cannot publish; ``EDITORS``
("Biên tập viên") hold every article permission plus ``articles.publish_article``; a superuser has every permission.
The admin (forms, bulk actions, autosave, previews, share links, history) and every later caller ask these functions;
none re-states a rule.

Publishing and unpublishing (``publish``, ``unpublish``) are the same for the form, the bulk actions and any other
caller: who may, which timestamps change, and (``move_each``) what the revision history records.
"""

import reversion
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from articles import fields
from articles.models import Article, EditConflict

PUBLISH = "articles.publish_article"
REPORTERS = "Phóng viên"
EDITORS = "Biên tập viên"


def can_publish(user):
    """Publishing, unpublishing, scheduling, taking down, restoring the publishing fields: editors only."""
    return user.has_perm(PUBLISH)


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
    if not user.has_perm("articles.change_article"):
        return False
    return can_publish(user) or (article.status == Article.Status.DRAFT and is_own(user, article))


def may_delete(user, article):
    """Editors delete any article (it stays recoverable); a reporter only their own drafts."""
    if not user.has_perm("articles.delete_article"):
        return False
    return can_publish(user) or (article.status == Article.Status.DRAFT and is_own(user, article))


def may_share(user, article):
    """Share links (a draft readable without an account) are made and revoked by editors only."""
    return can_publish(user) and may_view(user, article)


def readonly_fields(user):
    """The fields `user` sees but cannot set: the publishing ones for a reporter (the server ignores them too)."""
    return [] if can_publish(user) else list(fields.PUBLISHING)


def readable_by(user):
    """What `user` may open at an article's public URL: what readers see, plus the drafts and scheduled
    articles they may see in the admin (the page marks those with the draft banner)."""
    articles = Article.objects.with_visibility()
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
    if article.status == Article.Status.PUBLISHED:
        return False
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
    if article.status == Article.Status.DRAFT:
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
