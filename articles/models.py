"""The models, their querysets and the save pipeline: what an article, a section and an author are, the one rule for
what a reader may see (``ArticleQuerySet.published()``), and what every save does whoever makes it.

What is elsewhere: the readers' lists and their paging (``lists.py``, ``pagination.py``), the queries compiled once
per process (``queries.py``), the URLs printed many times (``links.py``), the field declaration (``fields.py``),
what a change of state means (``workflow.py``) and what a write makes stale (``signals.py``, ``pagecache/``).
"""

import uuid
from pathlib import PurePosixPath

from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles import fields, images, search, signals
from articles.images import ImageField
from articles.links import slug_url
from articles.renditions import Photo, make_renditions
from articles.sanitize import clean_body
from articles.text import slugify, unique_slug, validate_slug


class SlugField(models.SlugField):
    """A slug of the one shape articles/text.py makes (a–z, digits, single hyphens): the form accepts nothing else,
    and says so in Vietnamese, rather than Django's slug rule, which also takes capitals and underscores."""

    default_validators = [validate_slug]

    def formfield(self, **kwargs):
        return models.CharField.formfield(self, **kwargs)


def fill_slug(instance, source):
    """Give `instance` a unique slug made from `source` if it has none; an existing slug never changes by itself."""
    if not instance.slug:
        taken = type(instance).objects.exclude(pk=instance.pk).filter
        max_length = instance._meta.get_field("slug").max_length
        instance.slug = unique_slug(source, lambda slug: taken(slug=slug).exists(), max_length=max_length)


def last_change(prefix=""):
    """SQL for when a reader last saw an article change: its last edit, or its publication if that came later
    (a scheduled article appears without a save). `Article.modified_at` is the same rule on a loaded row."""
    return Greatest(f"{prefix}updated_at", f"{prefix}published_at")


class PublicQuerySet(models.QuerySet):
    """Queryset writes of models shown on public pages: those that skip save() and its signals (update, bulk_create,
    bulk_update) still say the content changed (articles/signals.py), and a delete of many rows says it once.

    bulk_create names the rows it made; update() and bulk_update() cannot say what the rows held before, so they say
    that anything may have changed."""

    # Columns no reader sees: an update of these alone changes no page.
    unseen_fields = frozenset()

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows and kwargs.keys() - self.unseen_fields:
            signals.changed(self.model, self.db)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            signals.changed(self.model, self.db, [signals.Change(obj, obj.pk, created=True) for obj in created])
        return created

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        if rows:
            signals.changed(self.model, self.db)
        return rows

    def delete(self):
        with signals.one_change():
            return super().delete()


class ArticleOwnerQuerySet(PublicQuerySet):
    """Authors and sections: the things that have a page listing their articles."""

    def with_visible_articles(self):
        """Only those with at least one visible article, annotated with `lastmod`, when one last changed."""
        return self.filter(articles__in=Article.objects.published()).annotate(lastmod=Max(last_change("articles__")))


class ArticleOwner(models.Model):
    """An author or a section: named, with a slug made from the name and a page of its visible articles."""

    url_name = None

    objects = ArticleOwnerQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url(self.url_name, self.slug)


class Author(ArticleOwner):
    name = models.CharField("bút danh", max_length=120, help_text="Tên in ở cuối bài, ví dụ: THANH THY.")
    slug = SlugField("đường dẫn", max_length=140, unique=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="Tài khoản của phóng viên mang bút danh này (không bắt buộc).",
    )

    url_name = "articles:author"

    class Meta:
        ordering = ["name"]
        verbose_name = "tác giả"
        verbose_name_plural = "tác giả"


class Section(ArticleOwner):
    name = models.CharField("tên chuyên mục", max_length=80, unique=True)
    slug = SlugField("đường dẫn", max_length=100, unique=True, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0, help_text="Số nhỏ đứng trước trên thanh menu.")

    url_name = "articles:section"

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"


class ArticleQuerySet(PublicQuerySet):
    # The optimistic lock's counter: Article._claim_next_version() bumps it alone, and the save that follows
    # invalidates the page cache anyway.
    unseen_fields = frozenset({"version"})

    @staticmethod
    def _visible(now=None):
        """The one rule for what a reader may see: published, published at or before now, and not yet taken down."""
        now = now or timezone.now()
        not_taken_down = Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)
        return Q(status=Article.Status.PUBLISHED, published_at__lte=now) & not_taken_down

    def published(self, now=None):
        """Articles a reader may see (at `now`, by default now). Every public page, feed, sitemap and search starts
        here."""
        return self.filter(self._visible(now))

    def next_visibility_change(self, after):
        """The first moment after `after` at which `published()` changes by the clock alone: a scheduled article
        appears or one is taken down (None: no such moment). The page cache keeps nothing past it."""
        due = self.filter(status=Article.Status.PUBLISHED)
        moments = [
            due.filter(**{f"{field}__gt": after}).order_by(field).values_list(field, flat=True).first()
            for field in ("published_at", "unpublish_at")
        ]
        return min(filter(None, moments), default=None)

    def with_visibility(self):
        """Annotate `is_visible` with the same rule, for screens that show drafts beside published articles."""
        return self.annotate(is_visible=ExpressionWrapper(self._visible(), output_field=BooleanField()))

    def for_reading(self):
        """An article as its own page shows it: with its author and section, without the search columns (the size of
        the body again, and read only by the search index)."""
        return self.select_related("author", "section").defer("search_headline", "search_text")

    def after(self, published_at, pk):
        """The articles after the one published at `published_at` with id `pk` in the lists' order (newest first):
        older, or as old with a smaller id."""
        # published_at <= that is implied; said, it lets the database start its index range at the article.
        older = Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
        return self.filter(older, published_at__lte=published_at)

    def back_from(self, published_at, pk):
        """That article and the ones before it in the lists' order, that one first (so: oldest first)."""
        newer = Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gte=pk)
        return self.filter(newer, published_at__gte=published_at).order_by("published_at", "id")

    def cards(self):
        """What a list prints of each article (its card) and nothing more: a list loads 20 rows, and the body, the
        search text and the bookkeeping columns are most of each row's bytes and conversions."""
        return self.select_related("author").only(*fields.CARD, "author__name", "author__slug")

    def search(self, query):
        """Articles holding every word of `query` (accents, case and đ ignored), headline matches first, then newest.

        Returns a `search.SearchResults` sequence for Paginator, not a queryset: filter and select_related first."""
        return search.search(self, query)


def article_image_path(article, filename):
    """Uploads get a slugged, random name: nothing an uploader types can escape the media root."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    stem = slugify(article.headline, max_length=60) or "anh"
    return f"articles/{timezone.now():%Y/%m}/{stem}-{uuid.uuid4().hex[:10]}{suffix}"


class EditConflict(Exception):
    """Article.save() found the row saved by someone else since this instance was loaded; nothing was written."""

    def __init__(self, article):
        super().__init__(f"Article {article.pk} changed since version {article.version} was loaded.")
        self.article = article


# The columns of `ArticleQuerySet._visible()` and of the lists' order, as the indexes of the public lists hold them.
VISIBLE_ORDER = ["status", "-published_at", "-id", "unpublish_at"]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã xuất bản"

    headline = models.CharField("tiêu đề", max_length=255)
    slug = SlugField(
        "đường dẫn",
        max_length=200,
        unique=True,
        blank=True,
        help_text="Để trống để tạo tự động từ tiêu đề. Bài đã xuất bản giữ nguyên đường dẫn khi sửa tiêu đề.",
    )
    lead = models.TextField("sapo", help_text="Đoạn mở đầu in đậm dưới tiêu đề; văn bản thuần, không định dạng.")
    body = RichTextUploadingField("nội dung")
    image = ImageField(
        "ảnh đại diện",
        upload_to=article_image_path,
        blank=True,
        help_text=images.HELP_TEXT,
    )
    image_caption = models.CharField("chú thích ảnh", max_length=500, blank=True)
    image_credit = models.CharField(
        "nguồn ảnh", max_length=200, blank=True, help_text="In sau chữ “Ảnh:”, ví dụ: Liên minh HTX thành phố cung cấp."
    )
    image_alt = models.CharField(
        "mô tả ảnh (alt)", max_length=255, blank=True, help_text="Cho người đọc bằng trình đọc màn hình."
    )
    # What articles/renditions.py made of the photo (file names, sizes, bytes), so pages need no storage call.
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    author = models.ForeignKey(Author, verbose_name="tác giả", on_delete=models.PROTECT, related_name="articles")
    section = models.ForeignKey(
        Section,
        verbose_name="chuyên mục",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    status = models.CharField("trạng thái", max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "thời gian xuất bản",
        null=True,
        blank=True,
        default=timezone.now,
        help_text=(
            "Một thời điểm trong tương lai nghĩa là hẹn giờ xuất bản. Xuất bản một bản nháp mà không sửa ô này "
            "thì bài mang thời điểm lúc lưu."
        ),
    )
    unpublish_at = models.DateTimeField(
        "gỡ bài lúc",
        null=True,
        blank=True,
        help_text="Không bắt buộc. Từ thời điểm này bài tự ẩn khỏi trang như khi bị gỡ.",
    )
    # Set by the importer: which source file made this article, and the checksum of the version it made.
    source_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    # Folded words for search (articles/search.py), refreshed on every save; the database indexes them.
    search_headline = models.TextField(default="", editable=False)
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sửa cuối",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    # Optimistic lock: save() writes only if the row still has the version this instance was loaded with.
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        indexes = [
            # The public lists, all articles or one section's or one author's: each index holds every column the
            # visibility rule, the order and the filter read, so paging deep reads index entries only
            # (articles/pagination.py); search reads the first one newest first.
            models.Index(fields=VISIBLE_ORDER, name="article_visible_idx"),
            models.Index(fields=["section", *VISIBLE_ORDER], name="article_section_visible_idx"),
            models.Index(fields=["author", *VISIBLE_ORDER], name="article_author_visible_idx"),
            # The admin's list: every article, drafts too, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message="Bài đã xuất bản phải có thời gian xuất bản.",
            ),
            models.CheckConstraint(
                condition=Q(unpublish_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(unpublish_at__gt=F("published_at")),
                name="unpublish_after_publish",
                violation_error_message="Thời điểm gỡ bài phải sau thời gian xuất bản.",
            ),
        ]
        permissions = [("publish_article", "Có thể xuất bản, gỡ, hẹn giờ và khôi phục bài viết")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Every write path (admin, importer, shell, revision restore) passes here, so no path can skip these;
        # loaddata, which skips save(), gets the derived columns from `fill_derived_after_raw_save`.
        self.body = clean_body(self.body)
        fill_slug(self, self.headline)
        self.fill_search_columns()
        if kwargs.get("update_fields") is None:
            self.refresh_renditions()
        loaded_version = self.version
        try:
            with transaction.atomic():
                # What the row held, for what the write changes (articles/signals.py, post_save): its old slug and
                # where readers found it (fields.PLACEMENT).
                self.stored_before_save = None if self._state.adding else self._claim_next_version()
                super().save(*args, **kwargs)
                old_slug = self.stored_before_save and self.stored_before_save["slug"]
                if old_slug and old_slug != self.slug:
                    OldSlug.objects.update_or_create(slug=old_slug, defaults={"article": self})
                    OldSlug.objects.filter(slug=self.slug).delete()
        except BaseException:
            self.version = loaded_version  # the database rolled back; the instance must match it again
            raise

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    def refresh_renditions(self):
        """Make the photo's renditions unless they were made from this very file; True if the record changed."""
        record = self.image_renditions or {}
        if record.get("source", "") == (self.image.name or "") and (record.get("files") or not self.image):
            return False
        if self.image and not self.image._committed:
            # What FileField.pre_save would do a moment later: renditions are named after the stored file's name.
            self.image.save(self.image.name, self.image.file, save=False)
        self.image_renditions = make_renditions(self.image) if self.image else {}
        self.__dict__.pop("photo", None)
        return True

    @cached_property
    def photo(self):
        """The photo's renditions (articles/renditions.py), or None: then pages show no figure."""
        return Photo.of(self)

    @property
    def modified_at(self):
        """When a reader last saw this article change; `last_change()` is the same rule in SQL."""
        return max(filter(None, (self.updated_at, self.published_at)), default=None)

    def fill_search_columns(self):
        """Refresh the search columns from headline, lead and body; bulk writers call this as save() does."""
        self.search_headline, self.search_text = search.index_columns(self.headline, self.lead, self.body)

    @classmethod
    def fill_derived_after_raw_save(cls, sender, instance, raw, using, **kwargs):
        """post_save: a row written raw (``loaddata``, which skips save()) gets what save() derives — the search
        columns and the photo's renditions — so a fixture alone gives a complete article."""
        if not raw:
            return
        instance.fill_search_columns()
        instance.refresh_renditions()
        derived = {name: getattr(instance, name) for name in fields.DERIVED}
        cls._default_manager.using(using).filter(pk=instance.pk).update(**derived)

    def _claim_next_version(self):
        """Bump the row's version if it still is ours (one UPDATE, so it holds under concurrent saves); return
        the slug and placement (fields.PLACEMENT) stored before this save. Raise EditConflict, writing nothing, if
        someone saved in between."""
        claimed = Article.objects.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
        if not claimed:
            raise EditConflict(self)
        self.version += 1
        return Article.objects.filter(pk=self.pk).values("slug", *fields.placement_columns()).get()


class OldSlug(models.Model):
    """A slug an article had before: its old URL answers 301 to the current one while the article is visible."""

    slug = SlugField("đường dẫn cũ", max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta:
        verbose_name = "đường dẫn cũ"
        verbose_name_plural = "đường dẫn cũ"

    def __str__(self):
        return self.slug


class Autosave(models.Model):
    """What a user typed in an article's form (article None: a new one), kept apart until they save the article."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, related_name="autosaves")
    data = models.JSONField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], condition=Q(article__isnull=False), name="one_autosave_per_article"
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(article__isnull=True), name="one_autosave_per_new"),
        ]

    def __str__(self):
        return f"{self.user} — {self.article or 'bài mới'}"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open: not revoked, not expired, and the article still a draft."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), article__status=Article.Status.DRAFT)


class PreviewLink(models.Model):
    """A signed link that lets someone without an account read one draft until it expires or is revoked."""

    SALT = "articles.PreviewLink"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Liên kết xem trước: {self.article}"

    def get_absolute_url(self):
        return reverse("articles:shared_preview", kwargs={"token": signing.Signer(salt=self.SALT).sign(str(self.pk))})

    @classmethod
    def pk_from_token(cls, token):
        """The link id a token was signed for, or None for anything forged or mangled."""
        try:
            return int(signing.Signer(salt=cls.SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None


class PendingPurge(models.Model):
    """A purge of the edge cache (Varnish) that did not get through: retried until it does, by any app process
    (articles/pagecache/purges.py). Kept in the database, so that no worker's restart loses one."""

    target = models.CharField(max_length=300)
    keys = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    retry_at = models.DateTimeField(db_index=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "lệnh xoá bộ nhớ đệm chờ gửi lại"
        verbose_name_plural = "lệnh xoá bộ nhớ đệm chờ gửi lại"

    def __str__(self):
        return f"{self.target}: {self.keys}"
