"""The API's views: thin, one per endpoint. Every article comes from ``Article.objects.published()`` (an article by its
slug from ``articles/reading.py``, as the article page gets it); what each response holds is ``serializers.py``, the
query parameters ``filters.py``."""

from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import queries as site_queries
from articles import search
from articles.api import errors, filters, pagination, queries, serializers
from articles.api.errors import NOT_FOUND, Error, Missing
from articles.links import fixed_url, slug_url
from articles.models import Article, Author, Contribution, Section, Tag, Thread
from articles.reading import Gone, Moved, article_for_reader

REFUSED = {
    400: OpenApiResponse(Error, description="Tham số không hợp lệ."),
    429: OpenApiResponse(Error, description="Quá nhiều yêu cầu: thử lại sau Retry-After giây."),
}
MISSING = {404: OpenApiResponse(Error, description="Không có, hoặc chưa xuất bản.")}


class ApiView(APIView):
    """What every endpoint shares: its query parameters checked (`parameters`, a serializer of filters.py), after the
    rate limit; and `Vary: Origin`, since CorsMiddleware answers each origin differently (docs/API.md, "CORS")."""

    parameters = filters.NoParameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # After the rate limit; and only for a method the view answers, so a POST gets its 405 whatever it sends.
        method = request.method.lower()
        if method in self.http_method_names and hasattr(self, method):
            self.params = filters.read(self.parameters, request.query_params)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Origin",))
        return response

    def link(self, **changes):
        """This request's absolute URL with `changes` made to its query string, written the one way the page cache
        stores (parameters in name order: articles/pagecache/policy.py `canonical`), so an app following `next`
        links reads cached pages."""
        query = self.request.GET.copy()
        for name, value in changes.items():
            query[name] = value
        ordered = urlencode(sorted((name, value) for name in query for value in query.getlist(name)))
        return self.request.build_absolute_uri(self.request.path) + (f"?{ordered}" if ordered else "")


class Index(ApiView):
    @extend_schema(
        operation_id="index",
        summary="Các địa chỉ của API",
        description="Địa chỉ tuyệt đối của từng phần của API.",
        responses={200: OpenApiResponse(dict), **REFUSED},
    )
    def get(self, request):
        names = (
            "article-list",
            "section-list",
            "author-list",
            "tag-list",
            "thread-list",
            "front",
            "search",
            "schema",
            "docs",
        )
        return Response({name: request.build_absolute_uri(fixed_url(f"api:{name}")) for name in names})


class ArticleList(ApiView):
    parameters = filters.ArticleFilters

    @extend_schema(
        operation_id="articles_list",
        summary="Bài đã xuất bản, mới nhất trước",
        description=(
            "Theo trang, mới nhất trước; `next` là trang sau (null ở trang cuối). Đồng bộ: gửi `updated_since` là lúc "
            "đồng bộ lần trước, đọc hết các trang."
        ),
        parameters=[filters.ArticleFilters],
        responses={200: serializers.ArticlePage, **REFUSED},
    )
    def get(self, request):
        links = serializers.Links.of(request)
        narrowed_by = filters.narrowing(self.params)
        found, after = queries.page(
            narrowed_by, self.params.get("cursor"), self.params["page_size"], filters.few(self.params)
        )
        return Response(
            {
                "next": self.link(cursor=after.token()) if after else None,
                "results": [serializers.ArticleSummary.shape(article, links) for article in found],
            }
        )


class ArticleDetail(ApiView):
    @extend_schema(
        operation_id="articles_detail",
        summary="Một bài, trọn vẹn",
        description=(
            "Bài chưa xuất bản hoặc không có: 404. Bài đã bị gỡ: 410. Đường dẫn cũ của bài: 301 tới địa chỉ hiện tại."
        ),
        responses={
            200: serializers.ArticleDetail,
            301: OpenApiResponse(description="Đường dẫn cũ của bài: Location là địa chỉ hiện tại."),
            **MISSING,
            410: OpenApiResponse(errors.TakenDown, description="Bài đã bị tòa soạn gỡ xuống."),
            **REFUSED,
        },
    )
    def get(self, request, slug):
        try:
            article = article_for_reader(slug)
        except Moved as moved:
            return HttpResponsePermanentRedirect(slug_url("api:article-detail", moved.article.slug))
        except Gone as gone:
            return Response(errors.TakenDown.shape(gone.takedown), status=410)
        site_queries.load_credits_and_tags([article])
        response = Response(serializers.ArticleDetail.shape(article, serializers.Links.of(request)))
        response["Last-Modified"] = http_date(article.modified_at.timestamp())
        return response


def every_section():
    """Every section, in the menu's order: the site's menu shows them all."""
    return Section.objects.only("name", "slug")


def bylined_authors():
    """The people (by their main name) credited on at least one article readers see, in any role and under any of
    their pen names (what their page lists: `Author.listing`); a credit only on drafts is not shown. Each is looked
    up in its list's index."""
    visible = Article.objects.published()
    person = OuterRef("pk")
    credited = (
        Exists(visible.filter(author=person))
        | Exists(visible.filter(author__pen_name_of=person))
        | Exists(Contribution.objects.filter(author=person, article__in=visible))
        | Exists(Contribution.objects.filter(author__pen_name_of=person, article__in=visible))
    )
    return Author.objects.filter(credited, pen_name_of=None).only("name", "slug").order_by("name", "pk")


def shown_tags():
    """The tags of at least one article readers see, by name."""
    return Tag.objects.showing_articles().only("name", "slug", "description").order_by("name", "pk")


def shown_threads():
    """The threads of at least one article readers see, by title."""
    return Thread.objects.showing_articles().order_by("name", "pk")


class OwnerList(ApiView):
    """Sections, authors, tags or threads (`owners`, a function giving the queryset), all in one response, each as
    `shape` writes it: a few dozen sections, a few hundred bylines or tags."""

    owners = None
    shape = serializers.Owner
    prepare = None

    @extend_schema(description="Tất cả trong một lần trả lời.", responses={200: serializers.OwnerList, **REFUSED})
    def get(self, request):
        links = serializers.Links.of(request)
        found = list(self.owners())
        return Response({"results": [self.shape.shape(owner, links) for owner in self.prepared(found)]})

    def prepared(self, owners):
        """`owners` with what `shape` reads besides their rows (`prepare`: read for them all at once)."""
        return self.prepare(owners) if self.prepare else owners


class OwnerDetail(ApiView):
    """One of `owners` by its slug; 404 with `missing` for any other slug."""

    owners = None
    missing = None
    shape = serializers.Owner
    prepare = None
    prepared = OwnerList.prepared

    @extend_schema(description="Theo đường dẫn (slug).", responses={200: serializers.Owner, **MISSING, **REFUSED})
    def get(self, request, slug):
        owner = self.owners().filter(slug=slug).first()
        if owner is None:
            return self.elsewhere(slug)
        return Response(self.shape.shape(self.prepared([owner])[0], serializers.Links.of(request)))

    def elsewhere(self, slug):
        """The answer for a slug none of `owners` has: 404."""
        raise Missing(self.missing)


@extend_schema_view(get=extend_schema(operation_id="sections_list", summary="Các chuyên mục, theo thứ tự của menu"))
class SectionList(OwnerList):
    owners = staticmethod(every_section)


@extend_schema_view(get=extend_schema(operation_id="sections_detail", summary="Một chuyên mục"))
class SectionDetail(OwnerDetail):
    owners = staticmethod(every_section)
    missing = "Không có chuyên mục này."


@extend_schema_view(get=extend_schema(operation_id="authors_list", summary="Các tác giả có bài đã xuất bản, theo tên"))
class AuthorList(OwnerList):
    owners = staticmethod(bylined_authors)


@extend_schema_view(
    get=extend_schema(
        operation_id="authors_detail",
        summary="Một tác giả",
        description="Một bút danh khác của người này: 301 tới tên chính của họ.",
        responses={
            200: serializers.Owner,
            301: OpenApiResponse(description="Bút danh: Location là địa chỉ của tên chính của người này."),
            **MISSING,
            **REFUSED,
        },
    )
)
class AuthorDetail(OwnerDetail):
    owners = staticmethod(bylined_authors)
    missing = "Không có tác giả này, hoặc tác giả chưa có bài xuất bản."

    def elsewhere(self, slug):
        pen_name = Author.objects.filter(slug=slug, pen_name_of__isnull=False).select_related("pen_name_of").first()
        if pen_name is None:
            return super().elsewhere(slug)
        return HttpResponsePermanentRedirect(slug_url("api:author-detail", pen_name.person.slug))


@extend_schema_view(
    get=extend_schema(
        operation_id="tags_list",
        summary="Các thẻ có bài đã xuất bản, theo tên",
        responses={200: serializers.TagList, **REFUSED},
    )
)
class TagList(OwnerList):
    owners = staticmethod(shown_tags)
    shape = serializers.TagOut


@extend_schema_view(
    get=extend_schema(
        operation_id="tags_detail",
        summary="Một thẻ",
        description="Đường dẫn cũ của một thẻ đã gộp vào thẻ khác: 301 tới thẻ được giữ.",
        responses={
            200: serializers.TagOut,
            301: OpenApiResponse(description="Thẻ đã được gộp: Location là địa chỉ của thẻ được giữ."),
            **MISSING,
            **REFUSED,
        },
    )
)
class TagDetail(OwnerDetail):
    owners = staticmethod(shown_tags)
    shape = serializers.TagOut
    missing = "Không có thẻ này, hoặc thẻ chưa có bài xuất bản."

    def elsewhere(self, slug):
        kept = Tag.merged_at(slug)
        if kept is None:
            return super().elsewhere(slug)
        return HttpResponsePermanentRedirect(slug_url("api:tag-detail", kept.slug))


@extend_schema_view(
    get=extend_schema(
        operation_id="threads_list",
        summary="Các dòng sự kiện có bài đã xuất bản, theo tiêu đề",
        responses={200: serializers.ThreadList, **REFUSED},
    )
)
class ThreadList(OwnerList):
    owners = staticmethod(shown_threads)
    shape = serializers.ThreadOut
    prepare = staticmethod(queries.with_visible_leads)


@extend_schema_view(
    get=extend_schema(
        operation_id="threads_detail",
        summary="Một dòng sự kiện",
        responses={200: serializers.ThreadOut, **MISSING, **REFUSED},
    )
)
class ThreadDetail(OwnerDetail):
    owners = staticmethod(shown_threads)
    shape = serializers.ThreadOut
    prepare = staticmethod(queries.with_visible_leads)
    missing = "Không có dòng sự kiện này, hoặc dòng sự kiện chưa có bài xuất bản."


class Front(ApiView):
    @extend_schema(
        operation_id="front",
        summary="Trang nhất, từng vùng từ trên xuống",
        description=(
            "Như trang nhất của báo: tin nóng (khi còn hiệu lực), tin chính, tin nổi bật, tin mới nhất, từng chuyên "
            "mục, đọc nhiều; mỗi bài một lần. Vùng không có bài thì không có trong danh sách."
        ),
        responses={200: serializers.FrontOut, **REFUSED},
    )
    def get(self, request):
        links = serializers.Links.of(request)
        return Response({"zones": [serializers.Zone.shape(zone, links) for zone in queries.front_zones()]})


class Search(ApiView):
    parameters = filters.SearchQuery

    @extend_schema(
        operation_id="search",
        summary="Tìm bài, như ô tìm kiếm của trang",
        description="Bài có mọi từ của `q`, bài có từ ở tiêu đề trước, rồi mới nhất trước; tối đa 1.000 bài.",
        parameters=[filters.SearchQuery],
        responses={200: serializers.SearchPage, **REFUSED},
    )
    def get(self, request):
        query = search.clean_query(self.params["q"])
        results = Article.objects.published().summaries().search(query)
        links = serializers.Links.of(request)
        number, size = self.params["page"], pagination.PAGE_SIZE
        found = site_queries.load_credits_and_tags(list(results[(number - 1) * size : number * size]))
        return Response(
            {
                "query": query,
                "count": results.count(),
                "capped": results.capped,
                "next": self.link(page=number + 1) if number * size < results.count() else None,
                "results": [serializers.ArticleSummary.shape(article, links) for article in found],
            }
        )


class Nowhere(ApiView):
    """Any other path under the API: a JSON 404 (not the site's HTML page), whatever the method."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # counted, like every request
        raise Missing(NOT_FOUND)


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema, as JSON only (one representation: no Vary: Accept, so the page cache keeps it)."""

    renderer_classes = [OpenApiJsonRenderer]


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI from this site's static files; its start-up script is a second request to this view (`?script`),
    never an inline script, so the page works under the site's Content-Security-Policy and is cached like a page."""

    url_name = "api:schema"
    template_name = "api/docs.html"
    title = "Newsroom API"
