import uuid
from pathlib import PurePosixPath

from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone

from articles.images import ImageField
from articles.sanitize import clean_body
from articles.text import slugify, unique_slug


def fill_slug(instance, source):
    """Give `instance` a unique slug made from `source` if it has none; an existing slug never changes by itself."""
    if not instance.slug:
        taken = type(instance).objects.exclude(pk=instance.pk).filter
        max_length = instance._meta.get_field("slug").max_length
        instance.slug = unique_slug(slugify(source), lambda slug: taken(slug=slug).exists(), max_length=max_length)


class Author(models.Model):
    name = models.CharField("bút danh", max_length=120, help_text="Tên in ở cuối bài, ví dụ: THANH THY.")
    slug = models.SlugField("đường dẫn", max_length=140, unique=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="Tài khoản của phóng viên mang bút danh này (không bắt buộc).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "tác giả"
        verbose_name_plural = "tác giả"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_slug(self, self.name)
        super().save(*args, **kwargs)


class Section(models.Model):
    name = models.CharField("tên chuyên mục", max_length=80, unique=True)
    slug = models.SlugField("đường dẫn", max_length=100, unique=True, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0, help_text="Số nhỏ đứng trước trên thanh menu.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_slug(self, self.name)
        super().save(*args, **kwargs)


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def _visible(now=None):
        """The one rule for what a reader may see: published, and published at or before now."""
        return Q(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def published(self):
        """Articles a reader may see. Every public page, feed, sitemap and search starts here."""
        return self.filter(self._visible())

    def with_visibility(self):
        """Annotate `is_visible` with the same rule, for screens that show drafts beside published articles."""
        return self.annotate(is_visible=ExpressionWrapper(self._visible(), output_field=BooleanField()))


def article_image_path(article, filename):
    """Uploads get a slugged, random name: nothing an uploader types can escape the media root."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    stem = slugify(article.headline, max_length=60) or "anh"
    return f"articles/{timezone.now():%Y/%m}/{stem}-{uuid.uuid4().hex[:10]}{suffix}"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã xuất bản"

    headline = models.CharField("tiêu đề", max_length=255)
    slug = models.SlugField(
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
        width_field="image_width",
        height_field="image_height",
        help_text="JPEG, PNG, WebP hoặc GIF; tối đa 10 MB và 40 megapixel.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_caption = models.CharField("chú thích ảnh", max_length=500, blank=True)
    image_credit = models.CharField(
        "nguồn ảnh", max_length=200, blank=True, help_text="In sau chữ “Ảnh:”, ví dụ: Liên minh HTX thành phố cung cấp."
    )
    image_alt = models.CharField(
        "mô tả ảnh (alt)", max_length=255, blank=True, help_text="Cho người đọc bằng trình đọc màn hình."
    )
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
        help_text="Một thời điểm trong tương lai nghĩa là hẹn giờ xuất bản.",
    )
    # Set by the importer: which source file made this article, and the checksum of the version it made.
    source_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        indexes = [models.Index(fields=["status", "-published_at", "-id"], name="article_visible_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message="Bài đã xuất bản phải có thời gian xuất bản.",
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Every write path (admin, importer, shell, revision restore) passes here, so no path can skip these.
        self.body = clean_body(self.body)
        fill_slug(self, self.headline)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})
