"""What a reader asking for an article by its slug gets: the one answer the article page and the API both give.

``article_for_reader(slug)`` returns the visible article at that slug, raises ``Moved`` for a slug the article had
before its URL changed (while the article is visible; the views answer 301 to its current URL) and ``Http404`` for
anything else: unknown, draft, scheduled, taken down by its time. A new reason for not showing an article (a
takedown with its 410) is added here, and both views follow.
"""

from django.http import Http404

from articles import queries
from articles.models import Article

NOT_VISIBLE = "Không có bài viết này, hoặc bài chưa được xuất bản."


class Moved(Exception):
    """The slug is one `article` had before: answer with its current URL."""

    def __init__(self, article):
        super().__init__(article.slug)
        self.article = article


def article_for_reader(slug):
    """The visible article at `slug` as its own page shows it (`for_reading()`); `Moved` for an old slug of a visible
    article; `Http404` otherwise, saying nothing about whether a hidden article exists."""
    article = queries.visible_by_slug(slug)
    if article is not None:
        return article
    moved = Article.objects.published().filter(old_slugs__slug=slug).first()
    if moved is None:
        raise Http404(NOT_VISIBLE)
    raise Moved(moved)
