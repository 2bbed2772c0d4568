from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from articles.models import Article


class ArticleListView(ListView):
    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().select_related("author")


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        if self.request.user.has_perm("articles.change_article"):
            # Staff who may edit articles can open drafts and scheduled ones (with a banner); nobody else can.
            return Article.objects.with_visibility().select_related("author")
        return Article.objects.published().select_related("author")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not getattr(self.object, "is_visible", True)
        context["share_url"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response
