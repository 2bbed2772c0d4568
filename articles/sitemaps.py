"""Sitemaps: every visible article, and the section, author, tag and thread pages that list at least one; a Google News
sitemap of the last 48 hours. Nothing a reader may not see is listed (all start from `Article.objects.published()`)."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import CHANGE_TIMES, Article, Author, Contribution, Section, Tag, Thread, last_change


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", *CHANGE_TIMES)

    def lastmod(self, article):
        return article.modified_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every article to find the newest.
        return Article.objects.published().aggregate(latest=Max(last_change()))["latest"]


class OwnerSitemap(Sitemap):
    """Section, author, tag or thread pages (`model`) that list at least one visible article."""

    model = None

    def items(self):
        return self.model.objects.with_visible_articles().only("slug").order_by("slug")

    def lastmod(self, owner):
        return owner.lastmod


class SectionSitemap(OwnerSitemap):
    model = Section


class AuthorSitemap(OwnerSitemap):
    """The people with a visible article in any role, each once, at their main name's page (a pen name's page is a
    301 to it); lastmod is when the newest change of what their page lists was."""

    def items(self):
        return self.people

    @cached_property
    def people(self):
        # Read once per request: the index asks for the items twice (how many pages, the latest lastmod).
        visible = Article.objects.published()
        person = Coalesce("author__pen_name_of", "author")
        changed = {}
        for rows in (
            visible.values(person=person).annotate(lastmod=Max(last_change())),
            Contribution.objects.filter(article__in=visible)
            .values(person=person)
            .annotate(lastmod=Max(last_change("article__"))),
        ):
            for row in rows.order_by():
                changed[row["person"]] = max(changed.get(row["person"], row["lastmod"]), row["lastmod"])
        people = list(Author.objects.filter(pk__in=changed).only("slug").order_by("slug"))
        for author in people:
            author.lastmod = changed[author.pk]
        return people


class TagSitemap(OwnerSitemap):
    model = Tag


class ThreadSitemap(OwnerSitemap):
    model = Thread


class NewsSitemap(ArticleSitemap):
    """Google News: articles published in the last 48 hours, at most 1,000 (templates/articles/sitemap_news.xml)."""

    limit = 1000

    def items(self):
        since = timezone.now() - timedelta(hours=48)
        return super().items().filter(published_at__gte=since).only("slug", "headline", *CHANGE_TIMES)


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "threads": ThreadSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}
