"""Who may do what to an article, and who has it open right now.

Roles are the groups made by migration 0004: "Phóng viên" (reporter) writes but cannot publish; "Biên tập viên"
(editor) holds every article permission plus ``articles.publish_article``; a superuser has every permission. These
functions are the one place that decides: the admin, the preview views and the autosave endpoint all ask them.

The editing notice ("Đang được sửa bởi …") lives in the cache, one key per article holding who has it open and
when they were last seen. It is advice, never a lock: nothing here stops anyone from saving.
"""

import time

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from articles.models import Article

PUBLISH = "articles.publish_article"
REPORTERS = "Phóng viên"
EDITORS = "Biên tập viên"
# Fields only someone who may publish can set: a reporter sees them read-only, and the server ignores them.
PUBLISHING_FIELDS = ["status", "published_at", "unpublish_at"]

# A browser with the form open says so every minute (articles/js/article_form.js); three silent minutes end the note.
EDITING_SECONDS = 180


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
    return can_publish(user) or is_own(user, article)


def readonly_fields(user):
    return [] if can_publish(user) else PUBLISHING_FIELDS


def may_change(user, article):
    """Editors change every article; a reporter only their own drafts."""
    if not user.has_perm("articles.change_article"):
        return False
    return can_publish(user) or (article.status == Article.Status.DRAFT and is_own(user, article))


def may_delete(user, article):
    """Editors delete any article (it stays recoverable); a reporter only their own drafts."""
    if not user.has_perm("articles.delete_article"):
        return False
    return can_publish(user) or (article.status == Article.Status.DRAFT and is_own(user, article))


def display_name(user):
    return user.get_full_name() or user.get_username()


def _editing_key(article_id):
    return f"articles:editing:{article_id}"


def _fresh(sessions, now):
    return {user_id: seen for user_id, seen in (sessions or {}).items() if now - seen[1] < EDITING_SECONDS}


def mark_editing(article_id, user):
    """Note that `user` has the article open; the note fades after EDITING_SECONDS without another call."""
    key, now = _editing_key(article_id), time.time()
    sessions = _fresh(cache.get(key), now)
    sessions[user.pk] = (display_name(user), now)
    cache.set(key, sessions, EDITING_SECONDS)


def stop_editing(article_id, user):
    key = _editing_key(article_id)
    sessions = _fresh(cache.get(key), time.time())
    if sessions.pop(user.pk, None) is not None:
        cache.set(key, sessions, EDITING_SECONDS)


def others_editing(article_ids, user):
    """{article id: names of the other people who have it open}, in one cache round trip."""
    keys = {_editing_key(article_id): article_id for article_id in article_ids}
    now = time.time()
    found = {}
    for key, sessions in cache.get_many(list(keys)).items():
        names = sorted(name for user_id, (name, _) in _fresh(sessions, now).items() if user_id != user.pk)
        if names:
            found[keys[key]] = names
    return found


def readable_by(user):
    """What `user` may open at an article's public URL: what readers see, plus the drafts and scheduled
    articles they may see in the admin (the page marks those with the draft banner)."""
    articles = Article.objects.with_visibility()
    return articles if can_publish(user) else articles.filter(Q(is_visible=True) | own_articles(user))


def articles_for(user):
    """The articles `user` works with in the admin: all of them for an editor, their own for a reporter."""
    articles = Article.objects.select_related("author", "updated_by")
    return articles if can_publish(user) else articles.filter(own_articles(user))


def start_page(user, size=8):
    """The admin index for `user`, among the articles they work with: drafts waiting for review, what is
    scheduled and when, the latest published, and the articles they edited most recently (from the revision
    history, so an article stays theirs when someone else edits it later)."""
    from reversion.models import Version

    now = timezone.now()
    articles = articles_for(user)
    edits = Version.objects.get_for_model(Article).filter(revision__user=user).order_by("-revision__date_created")
    recent = {}
    for object_id, when in edits.values_list("object_id", "revision__date_created")[: size * 5]:
        recent.setdefault(int(object_id), when)
    edited = articles.in_bulk(list(recent))
    scheduled = articles.filter(status=Article.Status.PUBLISHED, published_at__gt=now).order_by("published_at")
    return {
        "drafts": articles.filter(status=Article.Status.DRAFT).order_by("-updated_at")[:size],
        "scheduled": scheduled[:size],
        "published": articles.published().order_by("-published_at")[:size],
        "my_edits": [(edited[pk], when) for pk, when in recent.items() if pk in edited][:size],
    }
