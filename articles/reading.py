"""What a reader asking for an article by its slug gets: the one answer the article page and the API both give.

``article_for_reader(slug)`` returns the visible article at that slug, raises ``Moved`` for a slug the article had
before its URL changed (while the article is visible; the views answer 301 to its current URL), ``Gone`` for an
article taken down on order, at its URL or any it had before (410), and ``Http404`` for anything else: unknown,
draft, scheduled, taken down by its "gỡ bài lúc" time. A new reason for not showing an article is added here, and
both views follow.
"""

from django.http import Http404

from articles import queries
from articles.models import Article, Takedown

NOT_VISIBLE = "Không có bài viết này, hoặc bài chưa được xuất bản."


class Moved(Exception):
    """The slug is one `article` had before: answer with its current URL."""

    def __init__(self, article):
        super().__init__(article.slug)
        self.article = article


class Gone(Exception):
    """The slug is (or was) the URL of an article taken down on order: `takedown` says whether its headline may be
    named. Like a 404, never stored by the page cache (a 200 only is): a reinstated article is back at once."""

    def __init__(self, takedown):
        super().__init__(takedown.article.slug)
        self.takedown = takedown


def article_for_reader(slug):
    """The visible article at `slug` as its own page shows it (`for_reading()`); `Moved` for an old slug of a visible
    article; `Gone` for a taken-down one; `Http404` otherwise, saying nothing about whether a hidden article exists."""
    article = queries.visible_by_slug(slug)
    if article is not None:
        return article
    moved = Article.objects.published().filter(old_slugs__slug=slug).first()
    if moved is not None:
        raise Moved(moved)
    takedown = Takedown.objects.at_slug(slug)
    if takedown is not None:
        raise Gone(takedown)
    raise Http404(NOT_VISIBLE)
