import copy
import re
from datetime import timedelta
from urllib.parse import urlsplit

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, get_script_prefix, path, resolve, reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import revisions, search, workflow
from articles.forms import ArticleAdminForm, AutosaveForm, ShareLinkForm
from articles.models import Article, Author, Autosave, EditConflict, OldSlug, PreviewLink, Section
from articles.pagination import IdsFirstPaginator

admin.site.site_header = "Newsroom — Quản trị"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Tòa soạn"
admin.site.index_template = "admin/newsroom_index.html"  # the editors' start page above the models


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    class Media:
        js = ["admin/js/urlify.js", "articles/js/urlify_vi.js"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}

    class Media:
        js = ["admin/js/urlify.js", "articles/js/urlify_vi.js"]


# What an editor pastes into the list's search box to find one article: its id (up to 18 digits, which always fit
# the 64-bit id column: a longer number would be an error on both databases, not "no match"), or its slug.
_ARTICLE_ID = re.compile(r"[0-9]{1,18}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _ids_with_slug(slug):
    """Ids of the article with this slug and of the one that had it (its old URL still leads to it): one query."""
    current = Article.objects.filter(slug=slug).order_by().values_list("pk", flat=True)
    return list(current.union(OldSlug.objects.filter(slug=slug).values_list("article", flat=True)))


def _id_among(ids, using):
    """The articles whose id is one of `ids` (up to search.MAX_RESULTS of them and a few named ones)."""
    if connections[using].vendor == "postgresql":
        # Given as a list, PostgreSQL costs the page's rows query (`id IN (these) AND id IN (the page's 100)`, from
        # IdsFirstPaginator) as 1,000 × 100 index probes and reads the whole table instead: +45 ms at 100,000
        # articles. Given as rows, it looks the page's ids up in the primary key.
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(pk__in=ids)


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "author",
        "section",
        "status",
        "published_at",
        "is_visible",
        "thumbnail",
        "created_by",
        "updated_by",
        "editing_now",
    ]
    list_filter = ["status", "section", "author", "published_at"]
    list_select_related = ["author", "section", "created_by", "updated_by"]
    # Only shows the search box: get_search_results (below) searches, with the site's search instead of Django's.
    search_fields = ["headline", "lead"]
    search_help_text = (
        "Tìm bài có đủ các từ trong tiêu đề, sapo hoặc nội dung, không phân biệt dấu, chữ hoa, đ/d; "
        "hoặc dán số ID, đường dẫn (slug) hay link của bài."
    )
    ordering = ["-published_at", "-id"]
    # At 100,000 articles (docs/PERFORMANCE.md, "Admin at 100k"): no date_hierarchy, whose year links cost a scan
    # of every row (440 ms on SQLite) on every visit, while the published_at filter above costs nothing; no second
    # COUNT(*) of the whole table beside the filtered one; and pages reached through their ids in
    # article_newest_idx, so the last page is as quick as the first (it was 1 s).
    show_full_result_count = False
    paginator = IdsFirstPaginator
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["author"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        ("Nội dung", {"fields": ["headline", "slug", "lead", "body"]}),
        ("Ảnh", {"fields": ["image", "image_caption", "image_credit", "image_alt"]}),
        ("Xuất bản", {"fields": ["author", "section", "status", "published_at", "unpublish_at"]}),
    ]
    audit_fieldset = ("Lưu vết", {"fields": [("created_by", "created_at"), ("updated_by", "updated_at")]})
    audit_fields = ["created_by", "created_at", "updated_by", "updated_at"]
    history_latest_first = True
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"
    recover_list_template = "admin/articles/article/recover_list.html"
    delete_confirmation_template = "admin/articles/article/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/articles/article/delete_selected_confirmation.html"

    class Media:
        # Loaded after admin/js/urlify.js: replaces its slug function with the one that is right for Vietnamese.
        js = ["admin/js/urlify.js", "articles/js/urlify_vi.js", "articles/js/article_form.js"]
        css = {"all": ["articles/css/admin.css", "articles/css/workflow.css"]}

    # Roles: what the admin shows a reporter is also all the server accepts from one.

    def get_queryset(self, request):
        articles = super().get_queryset(request).with_visibility()
        if workflow.can_publish(request.user):
            return articles
        return articles.filter(workflow.own_articles(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return workflow.may_delete(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [*self.audit_fields, *workflow.readonly_fields(request.user)]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        if not self.has_change_permission(request, obj):
            return [*self.fieldsets, self.audit_fieldset]
        (title, options), *rest = self.fieldsets
        # The hidden version the form was opened at: the server refuses a save over a newer one (optimistic lock).
        content = (title, {**options, "fields": [*options["fields"], "opened_version"]})
        return [content, *rest, self.audit_fieldset]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        autosave = self._autosave_to_restore(request, obj)
        return type(form.__name__, (form,), {"restored": autosave.data}) if autosave else form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add or self.has_change_permission(request, obj):
            context.update(self._autosave_context(request, obj))
        if obj is not None:
            context.update(self._editing_context(request, obj))
        if obj is not None and workflow.can_publish(request.user):
            links = obj.preview_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
            context["share_links"] = [(link, request.build_absolute_uri(link.get_absolute_url())) for link in links]
            context["share_form"] = ShareLinkForm()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between this form's version check and its UPDATE (which rolled back). Run the view
            # again: the check now sees their version and re-shows the form, with what was typed, and the message.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        Autosave.objects.filter(user=request.user, article=obj if change else None).delete()
        workflow.stop_editing(obj.pk, request.user)

    # The list.

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        editing = workflow.others_editing([article.pk for article in changelist.result_list], request.user)
        for article in changelist.result_list:
            article.editing_by = editing.get(article.pk, [])
        notice = getattr(request, "article_search_notice", None)
        # Not on a POSTed action: it redirects back to this list, which says it then (once).
        if notice and request.method == "GET":
            self.message_user(request, notice, messages.WARNING)
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """The site's search (articles/search.py) instead of Django's `LIKE '%…%'` on headline and lead, which read
        every row (0.6–0.7 s at 100,000 articles) and matched accents only exactly: the same accent-, case- and
        đ-insensitive whole words as readers get, from the same index, over `queryset`, i.e. every article this user
        may open here (drafts, scheduled and taken-down ones too: never the readers' visibility rule).

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
            return queryset.filter(_id_among(linked, queryset.db)), False
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
        # reading every row (the list's count took 63 ms instead of 5 at 100,000). The filter drops ids not in queryset.
        ids = ids[: search.MAX_RESULTS]
        if _SLUG.fullmatch(term):
            ids += _ids_with_slug(term)
        if _ARTICLE_ID.fullmatch(term):
            ids.append(int(term))
        return queryset.filter(_id_among(ids, queryset.db)), False

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

    @admin.display(description="Đang sửa")
    def editing_now(self, obj):
        names = getattr(obj, "editing_by", None)
        if not names:
            return ""
        return format_html('<span class="editing-now">Đang được sửa bởi {}</span>', ", ".join(names))

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

    @admin.action(description="Xuất bản các bài đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        now = timezone.now()

        def publish(article):
            if article.status == Article.Status.PUBLISHED:
                return False
            article.status = Article.Status.PUBLISHED
            # A draft published now is dated now; one already scheduled for the future keeps its time.
            if article.published_at is None or article.published_at <= now:
                article.published_at = now
            if article.unpublish_at and article.unpublish_at <= now:
                article.unpublish_at = None  # publishing again what was taken down means readers should see it
            return True

        changed = self._change_each(request, queryset, publish, "Xuất bản hàng loạt.")
        self.message_user(request, f"Đã xuất bản {changed} bài viết.", messages.SUCCESS)

    @admin.action(description="Gỡ các bài đã chọn (chuyển về bản nháp)", permissions=["publish"])
    def unpublish(self, request, queryset):
        def unpublish(article):
            if article.status == Article.Status.DRAFT:
                return False
            article.status = Article.Status.DRAFT
            return True

        changed = self._change_each(request, queryset, unpublish, "Gỡ hàng loạt về bản nháp.")
        self.message_user(request, f"Đã gỡ {changed} bài viết về bản nháp.", messages.SUCCESS)

    def _change_each(self, request, queryset, change, comment):
        """Save each article's status fields alone (one revision each, content never written), skipping any
        article someone saved after this request read it. Returns how many changed."""
        changed, skipped = 0, []
        for article in queryset:
            if not change(article):
                continue
            article.updated_by = request.user
            try:
                article.save(update_fields=["status", "published_at", "unpublish_at", "updated_by", "updated_at"])
            except EditConflict:
                skipped.append(article.headline)
            else:
                changed += 1
        reversion.set_comment(comment)
        if skipped:
            names = "; ".join(skipped)
            self.message_user(
                request, f"Không đổi {len(skipped)} bài vừa được người khác lưu: {names}.", messages.WARNING
            )
        return changed

    # History, comparison, restore, recovery (django-reversion stores the revisions).

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision against the current article, with a button to restore it (POST)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(article.pk), pk=version_id)
        may_restore = self.has_change_permission(request, article)
        if request.method == "POST":
            if not may_restore:
                raise PermissionDenied
            try:
                revisions.restore(article, version, request.user)
            except EditConflict:
                self.message_user(request, "Bài vừa được người khác lưu; hãy xem lại rồi khôi phục.", messages.ERROR)
                return redirect(request.path)
            self.message_user(request, "Đã khôi phục bản đã chọn; lần khôi phục này cũng được lưu vào lịch sử.")
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"So sánh với bản lưu lúc {revisions.when(version.revision.date_created)}",
            "opts": self.opts,
            "original": article,
            "version": version,
            "changes": revisions.changes(revisions.article_at(version), article),
            "may_restore": may_restore,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Confirm, then bring a deleted article back with its history."""
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(Article).select_related("revision__user"), pk=version_id
        )
        if request.method == "POST":
            try:
                article = revisions.recover(version, request.user)
            except revisions.RestoreError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:articles_article_recoverlist")
            self.message_user(
                request,
                f"Đã khôi phục bài “{article}” cùng lịch sử của nó (đang là: {article.get_status_display().lower()}).",
            )
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Khôi phục bài “{version.object_repr}”",
            "opts": self.opts,
            "version": version,
            "article": revisions.article_at(version),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/recover_confirm.html", context)

    # The workflow's own admin URLs: autosave, the editing heartbeat, share links.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tu-luu/", view(self.autosave_view), name="articles_article_autosave_new"),
            path("tu-luu/bo/", view(self.discard_autosave_view), name="articles_article_discard_autosave_new"),
            path("<path:object_id>/tu-luu/", view(self.autosave_view), name="articles_article_autosave"),
            path(
                "<path:object_id>/tu-luu/bo/",
                view(self.discard_autosave_view),
                name="articles_article_discard_autosave",
            ),
            path("<path:object_id>/dang-sua/", view(self.heartbeat_view), name="articles_article_heartbeat"),
            path("<path:object_id>/chia-se/", view(self.share_view), name="articles_article_share"),
            path(
                "<path:object_id>/chia-se/<int:link_id>/thu-hoi/",
                view(self.revoke_share_view),
                name="articles_article_revoke_share",
            ),
            *super().get_urls(),
        ]

    # Share links: a draft readable without an account, until the link expires, is revoked or the article is out.

    def _editor_article(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        return article

    @staticmethod
    def _back_to_links(article):
        return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "#lien-ket-xem-truoc")

    @method_decorator(require_POST)
    def share_view(self, request, object_id):
        article = self._editor_article(request, object_id)
        form = ShareLinkForm(request.POST)
        if article.status != Article.Status.DRAFT:
            self.message_user(request, "Chỉ tạo được liên kết xem trước cho bản nháp.", messages.ERROR)
        elif not form.is_valid():
            self.message_user(request, "Hãy chọn thời hạn cho liên kết trong danh sách.", messages.ERROR)
        else:
            expires_at = timezone.now() + timedelta(hours=form.cleaned_data["hours"])
            link = PreviewLink.objects.create(article=article, created_by=request.user, expires_at=expires_at)
            self.message_user(
                request, f"Đã tạo liên kết xem trước: {request.build_absolute_uri(link.get_absolute_url())}"
            )
        return self._back_to_links(article)

    @method_decorator(require_POST)
    def revoke_share_view(self, request, object_id, link_id):
        article = self._editor_article(request, object_id)
        link = get_object_or_404(article.preview_links, pk=link_id)
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        self.message_user(request, "Đã thu hồi liên kết xem trước; nó không còn mở được nữa.")
        return self._back_to_links(article)

    # Autosave: what is typed goes to the user's Autosave every few seconds (articles/js/article_form.js), never
    # to the article; reopening the form offers it back with the difference, and a successful save clears it.

    RESTORE_PARAMETER = ("tu-luu", "khoi-phuc")

    def _editable_article(self, request, object_id):
        """The article this user is editing (None: a new one), if they may; 404 or 403 otherwise."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _form_url(self, article):
        if article is None:
            return reverse("admin:articles_article_add")
        return reverse("admin:articles_article_change", args=[article.pk])

    def _autosave_to_restore(self, request, obj):
        name, value = self.RESTORE_PARAMETER
        if request.method != "GET" or request.GET.get(name) != value:
            return None
        return Autosave.objects.filter(user=request.user, article=obj).first()

    def _autosave_context(self, request, obj):
        if obj is None:
            urls = {"autosave_url": reverse("admin:articles_article_autosave_new")}
            discard = reverse("admin:articles_article_discard_autosave_new")
        else:
            urls = {"autosave_url": reverse("admin:articles_article_autosave", args=[obj.pk])}
            discard = reverse("admin:articles_article_discard_autosave", args=[obj.pk])
        autosave = Autosave.objects.filter(user=request.user, article=obj).first()
        if autosave is None:
            return urls
        if self._autosave_to_restore(request, obj):
            return {**urls, "autosave_restored": autosave}
        saved = obj or Article()
        typed = copy.copy(saved)
        for name, value in autosave.data.items():
            setattr(typed, name, value)
        changes = revisions.changes(saved, typed)
        if not changes:
            autosave.delete()  # the same as what is saved: nothing to offer
            return urls
        name, value = self.RESTORE_PARAMETER
        return {
            **urls,
            "autosave": autosave,
            "autosave_changes": changes,
            "autosave_older": obj is not None and autosave.saved_at < obj.updated_at,
            "autosave_restore_url": f"{self._form_url(obj)}?{name}={value}",
            "autosave_discard_url": discard,
        }

    @method_decorator(require_POST)
    def autosave_view(self, request, object_id=None):
        article = self._editable_article(request, object_id)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            return JsonResponse({"error": f"Chưa tự lưu được — {problems}"}, status=400)
        autosave, _ = Autosave.objects.update_or_create(
            user=request.user, article=article, defaults={"data": form.cleaned_data}
        )
        return JsonResponse({"saved_at": formats.time_format(timezone.localtime(autosave.saved_at), "H:i:s")})

    @method_decorator(require_POST)
    def discard_autosave_view(self, request, object_id=None):
        article = self._editable_article(request, object_id)
        Autosave.objects.filter(user=request.user, article=article).delete()
        self.message_user(request, "Đã bỏ bản tự lưu.")
        return redirect(self._form_url(article))

    # "Đang được sửa bởi …": advice in the list and on the form, refreshed while the form is open, never a lock.

    def _editing_context(self, request, article):
        editable = self.has_change_permission(request, article)
        if editable:
            workflow.mark_editing(article.pk, request.user)
        context = {"editing_others": workflow.others_editing([article.pk], request.user).get(article.pk, [])}
        if editable:
            context["heartbeat_url"] = reverse("admin:articles_article_heartbeat", args=[article.pk])
        return context

    @method_decorator(require_POST)
    def heartbeat_view(self, request, object_id):
        article = self._editable_article(request, object_id)
        workflow.mark_editing(article.pk, request.user)
        return JsonResponse({"others": workflow.others_editing([article.pk], request.user).get(article.pk, [])})
