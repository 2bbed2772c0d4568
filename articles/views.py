from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from articles import front, most_read, pagecache, queries, search, workflow
from articles.links import fixed_url
from articles.lists import CardList
from articles.models import Article, Author, Correction, Section, Tag, Thread
from articles.pagination import Cursor, LostPlace, UncountedPaginator, without_cursor, written_number
from articles.reading import Gone, Moved, article_for_reader


class FrontPageView(TemplateView):
    """/: the front page (articles/front.py). The chronological list it used to be is /latest/: its page links, old
    and new, answer a permanent redirect to the same page there."""

    template_name = "articles/front_page.html"

    def get(self, request, *args, **kwargs):
        if not request.GET.keys().isdisjoint(pagecache.CACHED_VIEWS["articles:latest"]):
            # In one step to the page's one URL there (`PageAsWritten`), however its number was spelled here.
            latest = fixed_url("articles:latest")
            query = request.META["QUERY_STRING"]
            return HttpResponsePermanentRedirect(PageAsWritten.as_written(request, latest) or f"{latest}?{query}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        page = front.assemble()
        return super().get_context_data(front=page, menu_sections=page.menu, **kwargs)


@csrf_exempt  # sent by the article page's static script, cookie-less; it can only count a view (most_read.py)
@require_POST
@never_cache
def read_beacon(request):
    """/da-doc/: a reader's browser says it shows article `bai` (articles/most_read.py decides whether it counts)."""
    try:
        article_id = int(request.POST.get("bai", ""))
    except ValueError:
        return HttpResponseBadRequest("Mã bài viết không hợp lệ.", content_type="text/plain; charset=utf-8")
    most_read.count_view(request, article_id)
    return HttpResponse(status=204)


class PageAsWritten:
    """A paged list answers another spelling of its page number with a 301 to the one the site writes."""

    def get(self, request, *args, **kwargs):
        if (written := self.as_written(request)) is not None:
            return HttpResponsePermanentRedirect(written)
        return super().get(request, *args, **kwargs)

    @staticmethod
    def as_written(request, path=None):
        """This URL (at `path`, by default the request's) with its page number as the site writes it, when it was
        asked in another spelling (``?page=007``, ``?page=+7``, the number twice, ``?page=1`` for the bare path); None
        otherwise. The page cache stores only the written one (articles/pagecache/policy.py)."""
        values = request.GET.getlist("page")
        written = written_number(values[-1]) if values else None  # the last one is the one Django reads
        if written is None or values == [written]:
            return None
        query = request.GET.copy()
        if written:
            query.setlist("page", [written])
        else:
            del query["page"]
        return (path or request.path) + (f"?{query.urlencode()}" if query else "")


class ArticleListView(PageAsWritten, ListView):
    paginate_by = 20
    # No COUNT(*) per request, and the way to page n reads index entries, not articles (articles/pagination.py).
    paginator_class = UncountedPaginator
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        # Past the first pages, page links name the article they continue from (articles/pagination.py).
        try:
            self.cursor = Cursor.of(request.GET)
        except ValueError:
            return self.by_number(request)
        try:
            return super().get(request, *args, **kwargs)
        except LostPlace:
            return self.by_number(request)

    @staticmethod
    def by_number(request):
        """The link named an article no longer listed, or was mangled: the page by its number alone, as before."""
        return HttpResponseRedirect(request.path + without_cursor(request.GET))

    def get_queryset(self):
        return CardList(cursor=self.cursor)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, queries.load_credits_and_tags(list(object_list), tags=False), is_paginated


class ArticlesOfView(ArticleListView):
    """The visible articles of one section, author, tag or thread (`owner_model`), found by slug; 404 for an unknown
    one."""

    owner_model = None

    def get_queryset(self):
        self.owner = self.owner_at(self.kwargs["slug"])
        return CardList(self.owner, self.cursor)

    def owner_at(self, slug):
        """The owner whose page this is, in one query: what the page shows of it besides its articles comes with it."""
        found = queries.owner_at(self.owner_model, slug)
        if found is None:
            raise Http404(f"Không có {self.owner_model._meta.verbose_name} này.")
        return found

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.owner_model._meta.model_name: self.owner}, **kwargs)


class SectionView(ArticlesOfView):
    owner_model = Section
    template_name = "articles/section_detail.html"


class AuthorView(ArticlesOfView):
    """A person's page: what they made in any role under any of their pen names (`Author.listing`). A pen name's
    URL answers a permanent redirect to the person's page, the one page of their work."""

    owner_model = Author
    template_name = "articles/author_detail.html"

    def get(self, request, *args, **kwargs):
        author = queries.owner_at(Author, kwargs["slug"])
        if author is None:
            raise Http404("Không có tác giả này.")
        if author.person != author:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(author.person.get_absolute_url() + (f"?{query}" if query else ""))
        self.owner = author
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return CardList(self.owner, self.cursor)


class Merged(Exception):
    """The slug asked for is that of a tag merged into `tag`."""

    def __init__(self, tag):
        super().__init__(tag.slug)
        self.tag = tag


def tag_at(slug):
    """The tag at `slug`; Merged when it is the old slug of a tag merged into another; Http404 otherwise. One query
    for a tag's own slug; the old slugs are looked up only when it is no tag's."""
    found = queries.owner_at(Tag, slug)
    if found is not None:
        return found
    kept = Tag.merged_at(slug)
    if kept is None:
        raise Http404("Không có thẻ này.")
    raise Merged(kept)


def to_merged(request, merged, url=None):
    """The permanent redirect from a merged tag's old URL to the kept tag's (`url`, by default its page), the query
    string kept."""
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect((url or merged.tag.get_absolute_url()) + (f"?{query}" if query else ""))


class TagView(ArticlesOfView):
    """/tags/<slug>/: the tag's name, its description and its visible articles; a merged tag's old slug moves on."""

    owner_model = Tag
    template_name = "articles/tag_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Merged as merged:
            return to_merged(request, merged)

    def owner_at(self, slug):
        return tag_at(slug)


class ThreadView(ArticlesOfView):
    """/threads/<slug>/: the thread's introduction and photo, its pinned lead article (when readers may see it), then
    its visible articles. The lead is shown once, at the top of the first page; it keeps its place in the list of the
    later pages (paging stays the list's own), and the first page does not print it twice."""

    owner_model = Thread
    template_name = "articles/thread_detail.html"

    def owner_at(self, slug):
        # The lead, and whether readers may see it (the one visibility rule), in the thread's own query.
        lead_visible = Exists(Article.objects.published().filter(pk=OuterRef("lead_article_id")))
        threads = (
            Thread.objects.select_related("lead_article")
            .defer("lead_article__body", "lead_article__search_headline", "lead_article__search_text")
            .annotate(lead_visible=lead_visible)
        )
        return get_object_or_404(threads, slug=slug)

    def get_context_data(self, **kwargs):
        thread = self.owner
        lead = thread.lead_article if thread.lead_visible else None
        return super().get_context_data(lead=lead, **kwargs)


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_object(self, queryset=None):
        if self.request.user.has_perm("articles.change_article"):
            # Editors open every draft and scheduled article (with a banner), a reporter only their own.
            try:
                return super().get_object(workflow.readable_by(self.request.user).for_reading())
            except Http404:
                pass  # none of theirs at this slug: what a reader gets (an old slug moves on)
        return article_for_reader(self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not getattr(self.object, "is_visible", True)
        context["share_url"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        # Its related box, and its byline (and JSON-LD's and Open Graph's credits) and tags read with it: one query. A
        # preview has the tags, credits and hand-picked related articles typed.
        typed = getattr(self.object, "links_typed", False)
        tags, picks = (self.object.ordered_tags, getattr(self.object, "typed_picks", None)) if typed else (None, None)
        related = queries.related_to(self.object, tags, picks)
        context["tags"] = self.object.ordered_tags
        context["related"], context["thread_previous"], context["thread_next"] = related
        context["corrections"] = queries.corrections_of(self.object)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        else:
            # Crawlers and browsers revalidate with If-Modified-Since: a 304 while the article is unchanged.
            response["Last-Modified"] = http_date(self.object.modified_at.timestamp())
        return response

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Moved as moved:
            # A slug the article had before its URL changed: shared links keep working, but only to what readers see.
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(moved.article.get_absolute_url() + (f"?{query}" if query else ""))
        except Gone as gone:
            # No content; its headline only if the editor who took it down chose so.
            return TemplateResponse(request, "410.html", {"takedown": gone.takedown}, status=410)


class CorrectionListView(PageAsWritten, ListView):
    """/corrections/: every published correction of an article readers may see, newest first."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = 20

    def get_queryset(self):
        return Correction.objects.published().select_related("article")


class SearchView(ArticleListView):
    """/search/?q=…: the list's articles holding every word of q, ranked; an empty q shows a hint."""

    template_name = "articles/search.html"
    # Search knows its (capped) number of results anyway and says it: Django's counting Paginator costs nothing here.
    paginator_class = Paginator

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        return Article.objects.published().cards().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, capped=self.object_list.capped, **kwargs)
