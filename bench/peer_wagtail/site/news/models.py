"""The Wagtail peer's pages: a news index (the site's root) and its articles."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page

LIST_RENDITION = "fill-320x180"
ARTICLE_RENDITION = "width-800"


class NewsIndexPage(Page):
    """Its live NewsArticlePage children, newest first, 20 per page, each with its picture."""

    intro = models.TextField(blank=True)

    subpage_types = ["news.NewsArticlePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The pictures and their list renditions in two queries for the page, as a Wagtail developer would write it.
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=LIST_RENDITION)
        articles = (
            NewsArticlePage.objects.live()
            .child_of(self)
            .select_related("image")
            .prefetch_related(Prefetch("image__renditions", queryset=renditions))
            .order_by("-date", "-id")
        )
        context["articles"] = Paginator(articles, 20).get_page(request.GET.get("page"))
        return context


class NewsArticlePage(Page):
    """An article: the page's title is its headline."""

    lead = models.TextField()
    body = RichTextField()
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.CharField("author byline", max_length=200)
    date = models.DateField("published date", db_index=True)

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        FieldPanel("image"),
        FieldPanel("author"),
        FieldPanel("date"),
        FieldPanel("body"),
    ]
