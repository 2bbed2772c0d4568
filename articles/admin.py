from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article, Author, Section

admin.site.site_header = "Newsroom — Quản trị"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Tòa soạn"


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "author", "section", "status", "published_at", "is_visible", "thumbnail"]
    list_filter = ["status", "section", "author", "published_at"]
    list_select_related = ["author", "section"]
    search_fields = ["headline", "lead"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["author"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        ("Nội dung", {"fields": ["headline", "slug", "lead", "body"]}),
        ("Ảnh", {"fields": ["image", "image_caption", "image_credit", "image_alt"]}),
        ("Xuất bản", {"fields": ["author", "section", "status", "published_at"]}),
    ]

    class Media:
        # Loaded after admin/js/urlify.js: replaces its slug function with the one that is right for Vietnamese.
        js = ["admin/js/urlify.js", "articles/js/urlify_vi.js"]
        css = {"all": ["articles/css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_visibility()

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

    @admin.action(description="Xuất bản các bài đã chọn", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        drafts = queryset.exclude(status=Article.Status.PUBLISHED)
        # A draft published now is dated now; one already scheduled for the future keeps its time.
        changed = drafts.filter(Q(published_at__isnull=True) | Q(published_at__lte=now)).update(
            status=Article.Status.PUBLISHED, published_at=now, updated_at=now
        )
        changed += drafts.update(status=Article.Status.PUBLISHED, updated_at=now)
        self.message_user(request, f"Đã xuất bản {changed} bài viết.", messages.SUCCESS)

    @admin.action(description="Gỡ các bài đã chọn (chuyển về bản nháp)", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = queryset.filter(status=Article.Status.PUBLISHED).update(
            status=Article.Status.DRAFT, updated_at=timezone.now()
        )
        self.message_user(request, f"Đã gỡ {changed} bài viết về bản nháp.", messages.SUCCESS)
