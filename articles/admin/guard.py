"""The one way the article admin's own views (autosave, presence, share links, revisions) find the article they act
on and check that the user may."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404


def article_for(model_admin, request, object_id, may):
    """The article `object_id` (None: a new one) if `may(user, article)` (a rule of articles/workflow.py).

    404 when there is no such article among those this user may open in the admin (a reporter's queryset holds only
    their own), 403 when they may open it but not do this."""
    article = None
    if object_id is not None:
        article = model_admin.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("Không có bài viết này.")
    if not may(request.user, article):
        raise PermissionDenied
    return article
