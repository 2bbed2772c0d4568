"""The article list: what each row shows, and its search box, which is the site's own search (accent-, case- and
đ-insensitive whole words from the same index readers use) instead of Django's ``LIKE '%…%'``."""

import re
from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.html import format_html

from articles import search, text
from articles.models import Article, OldSlug

# What an editor pastes into the search box to find one article: its id (up to 18 digits, which always fit the 64-bit
# id column: a longer number would be an error on both databases, not "no match"), or its slug.
_ARTICLE_ID = re.compile(r"[0-9]{1,18}")


def _ids_with_slug(slug):
    """Ids of the article with this slug and of the one that had it (its old URL still leads to it): one query."""
    current = Article.objects.filter(slug=slug).order_by().values_list("pk", flat=True)
    return list(current.union(OldSlug.objects.filter(slug=slug).values_list("article", flat=True)))


class ChangeListMixin:
    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        notice = getattr(request, "article_search_notice", None)
        # Not on a POSTed action: it redirects back to this list, which says it then (once).
        if notice and request.method == "GET":
            self.message_user(request, notice, messages.WARNING)
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """The site's search (articles/search.py) over `queryset`, i.e. every article this user may open here (drafts,
        scheduled and taken-down ones too: never the readers' visibility rule).

        - At most search.MAX_RESULTS matches, the newest (published_at, then id) whatever column the list is sorted
          by: so the default order, newest first, shows exactly the first pages of all matches, and the count and a
          sort by any column stay cheap when a word is in nearly every article. The list's own ordering applies to
          them; a notice (article_search_notice) says when more matched.
        - A number also finds the article with that id, a slug the article with that slug (or that had it), beyond
          the cap; a link to an article (its page, preview or an admin page of it) finds that article alone.
        - An empty query lists everything, as Django's does; one with no letter or digit finds nothing, and says so.
        """
        term = search.clean_query(search_term)
        if not term:
            return queryset, False
        linked = self._ids_linked(term)
        if linked is not None:
            return queryset.filter(search.among_ids(linked, queryset.db)), False
        newest = search.matching(queryset, term).order_by("-published_at", "-id").values_list("pk", flat=True)
        ids = list(newest[: search.MAX_RESULTS + 1])
        if len(ids) > search.MAX_RESULTS:
            request.article_search_notice = (
                f"Có hơn {search.MAX_RESULTS} bài khớp “{term}”; danh sách chỉ gồm {search.MAX_RESULTS} bài mới nhất "
                "trong số đó. Thêm từ hoặc chọn bộ lọc để thu hẹp."
            )
        elif not search.query_words(term):
            request.article_search_notice = f"“{term}” không có chữ hay số nào để tìm."
        # Added to the ids, never OR-ed into the list's filter: PostgreSQL answers `id IN (…) OR slug = …` by
        # reading every row. The filter drops ids not in queryset.
        ids = ids[: search.MAX_RESULTS]
        if text.is_slug(term):
            ids += _ids_with_slug(term)
        if _ARTICLE_ID.fullmatch(term):
            ids.append(int(term))
        return queryset.filter(search.among_ids(ids, queryset.db)), False

    def _ids_linked(self, term):
        """Ids of the article a pasted link points at, or None when `term` is no link to an article."""
        if "/" not in term:
            return None
        try:
            path = urlsplit(term).path
            match = resolve("/" + path.removeprefix(get_script_prefix()).lstrip("/"))
        except (ValueError, Resolver404):
            return None
        if match.view_name == "articles:detail":
            return _ids_with_slug(match.kwargs["slug"])
        if match.view_name == "articles:preview":
            object_id = str(match.kwargs["pk"])
        elif match.view_name.startswith(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_"):
            object_id = match.kwargs.get("object_id", "")
        else:
            return None
        return [int(object_id)] if _ARTICLE_ID.fullmatch(object_id) else []

    @admin.display(boolean=True, description="Bạn đọc thấy", ordering="is_visible")
    def is_visible(self, obj):
        return obj.is_visible

    @admin.display(description="Ảnh")
    def thumbnail(self, obj):
        if not obj.image:
            return ""
        return format_html(
            '<img src="{}" alt="" width="64" height="40" class="article-thumb" loading="lazy">', obj.image.url
        )
