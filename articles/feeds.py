"""RSS 2.0 and Atom feeds: the 20 newest visible articles of the whole site, or of one section, tag or thread (what
its page lists: `ArticleOwner.listing`).

Every text we print is plain text (the headline, the lead, names), but feed readers take some feed elements for HTML:
RSS says nothing of its texts' type and readers render titles and descriptions as HTML; Atom's titles are typed text
and its summary is written `type="html"` (by Django). Each of those is escaped as HTML where it is read as HTML, so a
lead that reads `<img src=x onerror=…>` stays words in every reader, as it does on our pages.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from articles import queries
from articles.models import Article, Correction, Section, Tag, Thread
from articles.views import Merged, tag_at, to_merged

DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class CreditedRss(Rss201rev2Feed):
    """RSS with every person credited (``Article.credited``): a ``dc:creator`` per writer, as feed readers show an
    item's authors (RSS's own ``author`` is an e-mail address), and a ``dc:contributor`` per other role."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for element, people in (("dc:creator", item["writers"]), ("dc:contributor", item["contributors"])):
            for name, _ in people:
                handler.addQuickElement(element, name)


class CreditedAtom(Atom1Feed):
    """Atom with an ``author`` per writer and a ``contributor`` per other role, each with their page's URL."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for element, people in (("author", item["writers"]), ("contributor", item["contributors"])):
            for name, link in people:
                handler.startElement(element, {})
                handler.addQuickElement("name", name)
                handler.addQuickElement("uri", link)
                handler.endElement(element)


class LatestFeed(Feed):
    """The whole site; `OwnerFeed` passes a section, tag or thread (`owner`) to every method below."""

    feed_type = CreditedRss
    language = "vi"
    # Whether readers take this format's titles for HTML (RSS) or for text (Atom).
    titles_are_html = True

    def as_title(self, text):
        return escape(text) if self.titles_are_html else text

    def title(self, owner=None):
        return self.as_title(
            f"{owner.name} — {settings.SITE_NAME}" if owner else f"{settings.SITE_NAME} — Tin mới nhất"
        )

    def about(self, owner=None):
        # "chuyên mục Kinh tế", "thẻ Cần Thơ", "dòng sự kiện Mùa nước nổi": each kind is named by its model.
        where = f"{owner._meta.verbose_name} {owner.name} trên {settings.SITE_NAME}" if owner else settings.SITE_NAME
        return f"20 bài mới nhất của {where}."

    def description(self, owner=None):  # RSS: read as HTML
        return escape(self.about(owner))

    def subtitle(self, owner=None):  # Atom's description: text
        return self.about(owner)

    def link(self, owner=None):
        return owner.get_absolute_url() if owner else reverse("articles:index")

    def items(self, owner=None):
        articles = Article.objects.published()
        if owner:
            articles = articles.filter(type(owner).listing(owner.pk, owner.many_articles))
        return queries.load_credits_and_tags(list(articles.select_related("section")[:20]))

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django makes item links absolute but passes credits' links and enclosure URLs through as given.
        for item in feed.items:
            for people in ("writers", "contributors"):
                item[people] = [(name, request.build_absolute_uri(link)) for name, link in item[people]]
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(enclosure.url), enclosure.length, enclosure.mime_type)
                for enclosure in item["enclosures"]
            ]
        return feed

    def item_title(self, article):
        return self.as_title(article.headline)

    def item_description(self, article):
        # RSS's description and Atom's summary (type="html") are both read as HTML.
        return escape(article.lead)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_extra_kwargs(self, article):
        # Each person under the name the byline prints, linking to the person's page (Author.person).
        writers, contributors = article.credited
        return {
            people: [(author.name, author.person.get_absolute_url()) for author in credited]
            for people, credited in (("writers", writers), ("contributors", contributors))
        }

    def item_categories(self, article):
        return [article.section.name] if article.section else []

    def item_enclosures(self, article):
        # The largest JPEG rendition, whose byte size was recorded when it was made: no file is opened here.
        photo = article.photo
        return [Enclosure(photo.largest.url, str(photo.largest.size), photo.largest.type)] if photo else []


class AtomFeed:
    feed_type = CreditedAtom
    titles_are_html = False


class LatestAtomFeed(AtomFeed, LatestFeed):
    pass


class OwnerFeed(LatestFeed):
    """The feed of the section, tag or thread (`owner_model`) at the slug; 404 for an unknown one."""

    owner_model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.owner_model.objects.sized(), slug=slug)


class SectionFeed(OwnerFeed):
    owner_model = Section


class SectionAtomFeed(AtomFeed, SectionFeed):
    pass


class TagFeed(OwnerFeed):
    """A tag's feed; a merged tag's old feed URL moves on to the kept tag's, as its page does."""

    owner_model = Tag

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Merged as merged:
            return to_merged(request, merged, reverse(request.resolver_match.view_name, args=[merged.tag.slug]))

    def get_object(self, request, slug):
        return tag_at(slug)


class TagAtomFeed(AtomFeed, TagFeed):
    pass


class ThreadFeed(OwnerFeed):
    owner_model = Thread


class ThreadAtomFeed(AtomFeed, ThreadFeed):
    pass


class CorrectionFeed(Feed):
    """/corrections/feed/: the 20 newest corrections, each linking to its place on its article's page."""

    language = "vi"

    def title(self):
        return f"{settings.SITE_NAME} — Cải chính"

    def description(self):
        return f"Cải chính, đính chính mới nhất của {settings.SITE_NAME}."

    def link(self):
        return reverse("articles:corrections")

    def items(self):
        return Correction.objects.published().select_related("article")[:20]

    def item_title(self, correction):  # RSS: read as HTML, and a headline is plain text
        return escape(f"{correction.get_kind_display()}: {correction.article.headline}")

    def item_description(self, correction):
        return correction.text  # sanitised as a note (articles/sanitize.py): plain text and links

    def item_pubdate(self, correction):
        return correction.published_at
