"""Previews: the article as readers will see it, before they can.

``ArticlePreviewView`` is "Xem trước" on the admin form: GET shows the saved article, POST (the form's button)
shows what is typed, saving nothing. ``SharedPreviewView`` opens a draft through a signed, expiring, revocable
``PreviewLink`` for someone without an account. Both render the public template (via ``ArticleDetailView``) with
the not-yet-public banner, ``noindex`` and no caching anywhere.
"""

from django.contrib import admin
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView

from articles import fields, workflow
from articles.models import Article, Contribution, PreviewLink, RelatedPick
from articles.sanitize import clean_body
from articles.text import base_slug
from articles.views import ArticleDetailView


class PreviewPage(ArticleDetailView):
    """The public article page for an object found by id or token (never by slug), never cached or indexed."""

    def get(self, request, *args, **kwargs):
        return DetailView.get(self, request, *args, **kwargs)  # no old-slug redirects: previews are not found by slug

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)  # private, no-store: the draft stays out of every shared cache
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def hidden(self, article):
        article.is_visible = False  # the page says "not public yet" even when the saved article is live
        return article


class ArticlePreviewView(LoginRequiredMixin, PreviewPage):
    http_method_names = ["get", "post"]

    def get_object(self, queryset=None):
        user = self.request.user
        if "pk" in self.kwargs:
            article = get_object_or_404(Article.objects.select_related("author", "section"), pk=self.kwargs["pk"])
            if not workflow.may_preview(user, article):
                raise PermissionDenied
            workflow.note_opened(article, user)
        elif workflow.may_edit(user, None):
            article = Article()
        else:
            raise PermissionDenied
        if self.request.method == "POST":
            self.take_typed(article)
        return self.hidden(article)

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def take_typed(self, article):
        """Put what the form holds onto the unsaved article; fields that do not validate keep their saved value."""
        # The admin's own form for this user: the same widgets (a date and a time per moment), the same read-only
        # fields (a reporter's publishing fields are not taken).
        form_class = admin.site.get_model_admin(Article).get_form(
            self.request, article if article.pk else None, change=article.pk is not None, fields=fields.previewed()
        )
        form = form_class(self.request.POST, instance=article)
        form.is_valid()  # fills the instance with every valid field; errors belong to the real save, not here
        article.body = clean_body(article.body)  # marked safe in the template: sanitised exactly as save() does
        article.slug = article.slug or base_slug(article.headline)
        self.take_typed_links(article, form)

    def take_typed_links(self, article, form):
        """The tags, contributors and hand-picked related articles as typed, when they are valid: the byline, the tags
        and the related box shown are the form's."""
        model_admin = admin.site.get_model_admin(Article)
        if "tags" in form.cleaned_data and form.add_prefix("tags") in self.request.POST:
            article.ordered_tags = form.cleaned_data["tags"]
        obj = article if article.pk else None
        # Only the inlines posted (LinkedMixin.get_formsets_with_inlines): for the others what is saved stands.
        for formset_class, inline in model_admin.get_formsets_with_inlines(self.request, obj):
            prefix = formset_class.get_default_prefix()
            formset = formset_class(**model_admin.get_formset_kwargs(self.request, article, inline, prefix))
            if not formset.is_valid():
                continue
            if formset_class.model is Contribution:
                writer = [(article.author, Contribution.Role.WRITER)] if article.author_id else []
                article.credits = [*writer, *((row.author, row.role) for row in formset.in_order())]
            elif formset_class.model is RelatedPick:
                article.typed_picks = [row.related_id for row in formset.in_order()]
        article.links_typed = True  # not read again from the database by the page (ArticleDetailView)


class SharedPreviewView(PreviewPage):
    """/xem-truoc/chia-se/<token>/: a draft for someone without an account, while its link is active."""

    def get_object(self, queryset=None):
        links = PreviewLink.objects.active().select_related("article__author", "article__section")
        link = links.filter(pk=PreviewLink.pk_from_token(self.kwargs["token"])).first()
        if link is None:
            raise Http404("Liên kết xem trước đã hết hạn, bị thu hồi, hoặc bài đã xuất bản.")
        return self.hidden(link.article)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Referrer-Policy"] = "no-referrer"  # links in the body must not leak the token to other sites
        return response
