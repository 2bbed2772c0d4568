"""The editors' start page (the admin's index): what needs the signed-in user, above the usual list of models."""

from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Takedown


def start_page(user, size=8):
    """What waits for `user` at the desk ("Chờ tôi xử lý", `workflow.queue`), and among the articles they work with:
    drafts, what is scheduled and when, the latest published, those taken down on order (with the reason), and the
    articles they edited most recently (from the revision history, so an article stays theirs when someone else edits
    it later)."""
    now = timezone.now()
    articles = Article.objects.filter(workflow.works_on(user)).select_related("author", "updated_by")
    edits = Version.objects.get_for_model(Article).filter(revision__user=user).order_by("-revision__date_created")
    recent = {}
    for object_id, when in edits.values_list("object_id", "revision__date_created")[: size * 5]:
        recent.setdefault(int(object_id), when)
    edited = articles.in_bulk(list(recent))
    scheduled = articles.filter(status=Article.Status.PUBLISHED, published_at__gt=now).order_by("published_at")
    return {
        "queue": workflow.queue(user),
        "drafts": articles.filter(status=Article.Status.DRAFT).order_by("-updated_at")[:size],
        "scheduled": scheduled[:size],
        "published": articles.published().order_by("-published_at")[:size],
        "taken_down": Takedown.objects.in_force()
        .filter(article__in=articles.values("pk"))
        .select_related("article", "taken_down_by")[:size],
        "my_edits": [(edited[pk], when) for pk, when in recent.items() if pk in edited][:size],
    }
