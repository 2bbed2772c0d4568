"""The models, their querysets and the save pipeline: what an article, a section and an author are, the one rule for
what a reader may see (``ArticleQuerySet.published()``), and what every save does whoever makes it; the desk
workflow's stages, internal notes and notifications.

What is elsewhere: the readers' lists and their paging (``lists.py``, ``pagination.py``), the queries compiled once
per process (``queries.py``), the URLs printed many times (``links.py``), the field declaration (``fields.py``),
what a change of state means (``workflow.py``) and what a write makes stale (``signals.py``, ``pagecache/``).
"""

import uuid
from datetime import datetime
from pathlib import PurePosixPath
from typing import NamedTuple

import pgtrigger
from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Func, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles import fields, formatting, images, search, signals
from articles.formatting import validate_newspaper_date
from articles.images import ImageField
from articles.links import slug_url
from articles.renditions import Photo, RecordField, make_renditions, validate_renderable
from articles.sanitize import clean_body, clean_note, html_to_text
from articles.text import clean_text, fold, slugify, unique_slug, validate_slug


class SlugField(models.SlugField):
    """A slug of the one shape articles/text.py makes (a–z, digits, single hyphens): the form accepts nothing else,
    and says so in Vietnamese, rather than Django's slug rule, which also takes capitals and underscores."""

    default_validators = [validate_slug]

    def formfield(self, **kwargs):
        return models.CharField.formfield(self, **kwargs)


def fill_slug(instance, source, held=lambda slug: False):
    """Give `instance` a unique slug made from `source` if it has none. An existing slug never changes by itself,
    unless `held(slug)` says something else answers at that URL (an article's old URL): then it gets -2, -3 …"""
    if instance.slug and not held(instance.slug):
        return
    taken = type(instance).objects.exclude(pk=instance.pk).filter
    max_length = instance._meta.get_field("slug").max_length
    instance.slug = unique_slug(
        instance.slug or source, lambda slug: taken(slug=slug).exists() or held(slug), max_length=max_length
    )


def clean_text_fields(sender, instance, **kwargs):
    """pre_save of every model of the app (ArticlesConfig.ready()): each text field holds text as ``text.clean_text``
    says (no control character, NFC), whoever saves it — the admin, the importer, the shell, ``loaddata`` — so no feed
    or sitemap can be broken by what Word pastes. Article.save() derives its slug and search columns before this runs;
    both treat what it replaces as a space already, and the body's sanitiser cleans the text first."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_text(value))


# When a reader last saw an article change is the latest of these: its last edit, its publication (a scheduled article
# appears without a save), its latest correction. `last_change()` (SQL) and `Article.modified_at` (a loaded row) read
# them; a query that prints the time loads them.
CHANGE_TIMES = ("updated_at", "published_at", "corrected_at")


def last_change(prefix=""):
    """SQL for when a reader last saw an article change (`CHANGE_TIMES`); `Article.modified_at` is the same rule on a
    loaded row."""
    # Coalesced to the publication: SQLite's MAX() of several values is NULL when one is, and a time may be missing.
    return Greatest(*(Coalesce(f"{prefix}{name}", f"{prefix}published_at") for name in CHANGE_TIMES))


class Unindexed(Func):
    """A column as a value no index range may start from: SQLite's unary plus (docs/PERFORMANCE.md, "Deep pages by
    their link"); the column itself elsewhere."""

    template = "%(expressions)s"
    output_field = models.DateTimeField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


class PublicQuerySet(models.QuerySet):
    """Queryset writes of models shown on public pages: those that skip save() and its signals (update, bulk_create,
    bulk_update) still say the content changed (articles/signals.py), and a delete of many rows says it once.

    bulk_create names the rows it made, and update() those it is about to change when the model can tell (`in_place`);
    otherwise, as bulk_update() always, they say that anything may have changed."""

    # Columns no reader sees: an update of these alone changes no page.
    unseen_fields = frozenset()

    def update(self, **kwargs):
        if not kwargs.keys() - self.unseen_fields:
            return super().update(**kwargs)
        named = self.in_place(kwargs)
        rows = super().update(**kwargs)
        if rows:
            signals.changed(self.model, self.db, named)
        return rows

    def in_place(self, values):
        """The rows an update setting `values` is about to change, as `signals.Change`s, when each keeps its place on
        every page; None (anything may change) unless the model says otherwise."""
        return None

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            signals.changed(self.model, self.db, [signals.Change(obj, obj.pk, created=True) for obj in created])
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows and set(fields) - self.unseen_fields:
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

    def sized(self):
        """Each with `many_articles` (``ArticleOwner.listing``) read in the same query, for owners whose lists have no
        index of their own (authors, tags)."""
        nth = self.model.nth_article(OuterRef("pk"))
        return self if nth is None else self.alias(nth=nth).annotate(many_articles=Q(nth__isnull=False))

    def showing_articles(self):
        """Only those with at least one visible article: each looked up in its list's index, where
        `with_visible_articles()` reads every visible article to find when each owner's last changed."""
        field = self.model._meta.get_field("articles").field.name
        return self.filter(Exists(Article.objects.published().filter(**{field: OuterRef("pk")})))


class ArticleOwner(models.Model):
    """An author or a section: named, with a slug made from the name and a page of its visible articles."""

    url_name = None
    # How a list with no index of its own finds an owner's articles (``listing``) depends on how many they are: with
    # many, it walks the lists' index newest first, testing each entry, and stops at the page; with few, that walk
    # would read the whole index, so it reads the owner's own articles and sorts them. Sorting as many as this costs
    # about what a walk to the end of a page of them does (docs/PERFORMANCE.md, "Tag and author pages").
    MANY_ARTICLES = 1000
    many_articles = True  # set per owner by `sized()` where it matters

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

    @classmethod
    def listing(cls, pk, many=True):
        """The articles the page of owner `pk` lists (visible ones: with `Article.objects.published()`), as a filter:
        its `articles`. `pk` may be a prepared query's marker (queries.cards). `many`: whether the owner has many
        articles (`many_articles`), for the owners whose lists have no index of their own."""
        return Q(**{f"{cls._meta.get_field('articles').field.name}_id": pk})

    @classmethod
    def nth_article(cls, pk):
        """An expression: the MANY_ARTICLES-th of owner `pk`'s articles by id (null when it has fewer: `sized()`), read
        along an index and stopping there; None where `listing` does not depend on it. Not `Exists()`, which drops the
        order, and PostgreSQL then gathers every entry of the owner's first."""
        return None

    def clean(self):
        # The form checks a unique name as it will be stored: "Thời\vsự" is saved as "Thời sự", so it must be refused
        # as taken here, not fail as a duplicate in the database after the form said yes.
        super().clean()
        clean_text_fields(type(self), self)


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
    # A person may sign with several pen names: each is an Author, the others pointing at the one the person is known
    # by. A byline names the pen name it was printed under; the person's page lists what they made under any of them.
    pen_name_of = models.ForeignKey(
        "self",
        verbose_name="là bút danh của",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pen_names",
        help_text="Để trống nếu đây là tên chính của người này; chọn tên chính nếu đây là một bút danh khác của họ.",
    )

    url_name = "articles:author"

    class Meta:
        ordering = ["name"]
        verbose_name = "tác giả"
        verbose_name_plural = "tác giả"
        constraints = [
            models.CheckConstraint(
                condition=~Q(pen_name_of=F("pk")),
                name="pen_name_of_another_author",
                violation_error_message="Một bút danh không thể là bút danh của chính nó.",
            ),
        ]

    @property
    def picker_label(self):
        """How the admin's people pickers name it: a pen name says whose it is (read with `pen_name_of`)."""
        return f"{self.name} — bút danh của {self.pen_name_of.name}" if self.pen_name_of_id else self.name

    def clean(self):
        super().clean()
        if self.pen_name_of_id is None:
            return
        if self.pen_name_of_id == self.pk:
            raise ValidationError({"pen_name_of": "Một bút danh không thể là bút danh của chính nó."})
        if self.pen_name_of.pen_name_of_id is not None:
            raise ValidationError(
                {
                    "pen_name_of": f"“{self.pen_name_of}” đã là bút danh của “{self.pen_name_of.pen_name_of}”: hãy "
                    "chọn tên chính."
                }
            )
        if self.pk and self.pen_names.exists():
            raise ValidationError(
                {"pen_name_of": "Tác giả này đang có bút danh khác trỏ về; không thể là bút danh của người khác."}
            )

    @classmethod
    def listing(cls, pk, many=True):
        """Every article the person (`pk`, their main name) made, under any of their pen names, in any role: as its
        author (first writer) or as a contributor."""
        names = cls.names_of(pk)
        contributions = Contribution.objects.filter(author__in=names)
        if not many:  # one set of ids, each looked up, then sorted
            authored = Article.objects.filter(author__in=names).values("pk").order_by()
            return Q(pk__in=authored.union(contributions.values("article_id").order_by(), all=True))
        # Two tests of each entry as the list walks `article_visible_idx` newest first and stops at the page (the
        # index holds the author for this): its author is one of the names, or they contributed to it (looked up in
        # `contribution_author_idx`, rather than every id they contributed to gathered first). For many articles not
        # the set of ids: PostgreSQL then reads every article and SQLite every id of the set, and both sort them all,
        # for each page (docs/PERFORMANCE.md, "Author pages").
        return Q(author__in=names) | Exists(contributions.filter(article=OuterRef("pk")))

    @classmethod
    def nth_article(cls, pk):
        # Those with their main name as first writer; other names and credits seldom outnumber them.
        return Subquery(
            Article.objects.filter(author=pk).order_by("author_id").values("pk")[cls.MANY_ARTICLES - 1 :][:1]
        )

    @staticmethod
    def names_of(pk):
        """The ids of person `pk`'s names: their main name and their pen names."""
        return Author.objects.filter(Q(pk=pk) | Q(pen_name_of=pk)).values("pk")

    @property
    def person(self):
        """The Author the person behind this pen name is known by (itself when it is their main name)."""
        return self.pen_name_of if self.pen_name_of_id else self


class Section(ArticleOwner):
    name = models.CharField("tên chuyên mục", max_length=80, unique=True)
    slug = SlugField("đường dẫn", max_length=100, unique=True, blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0, help_text="Số nhỏ đứng trước trên thanh menu.")
    # Its block on the front page (articles/front.py): whether it has one, where, and how many articles it shows.
    on_front = models.BooleanField("hiện trên trang nhất", default=False)
    front_position = models.PositiveSmallIntegerField(
        "thứ tự trên trang nhất", default=0, help_text="Số nhỏ đứng trước trong các khối chuyên mục ở trang nhất."
    )
    front_count = models.PositiveSmallIntegerField(
        "số bài trên trang nhất",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Khối của chuyên mục ở trang nhất hiện bấy nhiêu bài mới nhất (1 đến 12).",
    )
    # Which desk heads act on this section's articles at a desk stage scoped by section (articles/workflow.py). Never
    # shown to readers.
    desk_heads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="trưởng ban",
        blank=True,
        related_name="desk_sections",
        help_text="Những người nhận và xử lý bài của chuyên mục này ở khâu ban biên tập.",
    )

    url_name = "articles:section"

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"


class Tag(ArticleOwner):
    """A keyword readers follow (`/tags/<slug>/`). No two tags fold to one name: "Cần Thơ" and "can tho" are one."""

    name = models.CharField("tên thẻ", max_length=80)
    slug = SlugField("đường dẫn", max_length=100, unique=True, blank=True)
    # The name as `text.fold` makes it (no accents, lower case, đ → d): what makes two names one tag, and what the
    # admin's autocomplete matches.
    folded = models.CharField(max_length=80, unique=True, editable=False)
    description = models.TextField("mô tả ngắn", max_length=300, blank=True)

    url_name = "articles:tag"

    class Meta:
        ordering = ["name"]
        verbose_name = "thẻ"
        verbose_name_plural = "thẻ"

    def save(self, *args, **kwargs):
        self.folded = fold(clean_text(self.name)).strip()
        super().save(*args, **kwargs)

    @classmethod
    def listing(cls, pk, many=True):
        links = ArticleTag.objects.filter(tag=pk)
        if many:  # each entry of the lists' index, newest first, looked up in the tag's links
            return Exists(links.filter(article=OuterRef("pk")))
        return Q(pk__in=links.values("article_id"))  # the tag's articles, sorted

    @classmethod
    def nth_article(cls, pk):
        links = ArticleTag.objects.filter(tag=pk).order_by("article_id").values("article_id")
        return Subquery(links[cls.MANY_ARTICLES - 1 :][:1])

    def clean(self):
        super().clean()
        folded = fold(self.name).strip()
        if other := Tag.objects.exclude(pk=self.pk).filter(folded=folded).first():
            raise ValidationError({"name": f"Đã có thẻ “{other.name}” (trùng khi bỏ dấu và chữ hoa); hãy dùng thẻ đó."})

    @staticmethod
    def merged_at(slug):
        """The tag that the tag once at `slug` was merged into (its old URL moves there), or None."""
        moved = TagRedirect.objects.select_related("tag").filter(slug=slug).first()
        return moved and moved.tag

    def merge_into(self, kept):
        """Move this tag's articles to `kept` and delete this tag; its URL (and those merged into it before) answers a
        permanent redirect to `kept`'s. An article that had both keeps one link, at the better of the two places.
        Returns how many articles this tag had. One transaction: nothing is half merged."""
        with transaction.atomic():
            moved = self.article_links.count()
            both = kept.article_links.filter(article__in=self.article_links.values("article"))
            for link in both.annotate(
                old=models.Subquery(self.article_links.filter(article=OuterRef("article")).values("position"))
            ):
                if link.old < link.position:
                    link.position = link.old
                    link.save(update_fields=["position"])
            self.article_links.filter(article__in=kept.article_links.values("article")).delete()
            self.article_links.update(tag=kept)
            self.old_slugs.update(tag=kept)
            TagRedirect.objects.update_or_create(slug=self.slug, defaults={"tag": kept})
            kept.old_slugs.filter(slug=kept.slug).delete()  # its own URL, merged away once and now its own again
            self.delete()
        return moved


class TagRedirect(models.Model):
    """The slug of a tag merged into another: its URL answers a permanent redirect to the kept tag's."""

    slug = SlugField("đường dẫn cũ", max_length=100, unique=True)
    tag = models.ForeignKey(Tag, verbose_name="thẻ", on_delete=models.CASCADE, related_name="old_slugs")

    class Meta:
        verbose_name = "đường dẫn cũ của thẻ"
        verbose_name_plural = "đường dẫn cũ của thẻ"

    def __str__(self):
        return f"{self.slug} → {self.tag.slug}"


def refresh_renditions(instance):
    """Make the renditions of `instance`'s photo (an article's or a thread's: `image`, `image_renditions`) unless they
    were made from this very file; True if the record changed."""
    record = instance.image_renditions or {}
    if record.get("source", "") == (instance.image.name or "") and (record.get("files") or not instance.image):
        return False
    if instance.image and not instance.image._committed:
        # What FileField.pre_save would do a moment later: renditions are named after the stored file's name.
        instance.image.save(instance.image.name, instance.image.file, save=False)
    instance.image_renditions = make_renditions(instance.image) if instance.image else {}
    instance.__dict__.pop("photo", None)
    return True


def thread_image_path(thread, filename):
    return f"threads/{timezone.now():%Y/%m}/{PurePosixPath(filename).name}"


class Thread(ArticleOwner):
    """A story followed over weeks (dòng sự kiện): an introduction, an optional photo and pinned lead article, and the
    articles that belong to it (an article belongs to at most one)."""

    name = models.CharField("tiêu đề", max_length=200)
    slug = SlugField("đường dẫn", max_length=220, unique=True, blank=True)
    intro = models.TextField("giới thiệu", blank=True, help_text="Văn bản thuần, in đầu trang dòng sự kiện.")
    image = ImageField(
        "ảnh",
        upload_to=thread_image_path,
        blank=True,
        help_text=images.HELP_TEXT,
        validators=[images.validate_image, validate_renderable],
    )
    image_caption = models.CharField("chú thích ảnh", max_length=500, blank=True)
    image_credit = models.CharField("nguồn ảnh", max_length=200, blank=True)
    image_alt = models.CharField("mô tả ảnh (alt)", max_length=255, blank=True)
    image_renditions = RecordField(default=dict, blank=True, editable=False)
    lead_article = models.ForeignKey(
        "Article",
        verbose_name="bài dẫn (ghim)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Bài ghim ở đầu trang dòng sự kiện; chỉ hiện khi người đọc xem được bài.",
    )

    url_name = "articles:thread"

    class Meta:
        ordering = ["name"]
        verbose_name = "dòng sự kiện"
        verbose_name_plural = "dòng sự kiện"

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None:
            refresh_renditions(self)
        super().save(*args, **kwargs)

    @cached_property
    def photo(self):
        """The photo's renditions, as an article's (articles/renditions.py), or None."""
        return Photo.of(self)


class DeskStage(models.Model):
    """One stage of the desk workflow (khâu): where a draft waits, and whose role acts on it there. Data, not code: an
    administrator renames, reorders, adds stages and changes their role in the admin (migration 0011 makes the
    defaults). The first stage is where the writer drafts, the last where an approved draft waits to be published;
    what each move between them means, and who may make it, is articles/workflow.py's."""

    class Scope(models.TextChoices):
        OWN = "own", "Bài của chính họ (người viết)"
        SECTIONS = "sections", "Bài thuộc chuyên mục được giao cho họ"
        ALL = "all", "Mọi bài"

    name = models.CharField("tên khâu", max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(
        "thứ tự",
        help_text=(
            "Khâu số nhỏ đứng trước. Khâu đầu là nơi người viết soạn bài; khâu cuối là nơi bài đã duyệt chờ xuất bản."
        ),
    )
    group = models.ForeignKey(
        "auth.Group",
        verbose_name="vai trò xử lý",
        on_delete=models.PROTECT,
        related_name="desk_stages",
        help_text="Nhóm người dùng làm việc với bài ở khâu này.",
    )
    scope = models.CharField(
        "phạm vi",
        max_length=10,
        choices=Scope,
        default=Scope.ALL,
        help_text="Bài nào ở khâu này thì người trong nhóm được xử lý.",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "khâu biên tập"
        verbose_name_plural = "các khâu biên tập"

    def __str__(self):
        return self.name


class ArticleQuerySet(PublicQuerySet):
    # The optimistic lock's counter: Article._claim_next_version() bumps it alone, and the save that follows
    # invalidates the page cache anyway. Who opened a submitted draft (workflow.note_opened) is the newsroom's alone.
    # The search columns are read by search alone, which no cache keeps; refilled on their own when an article's tags
    # change (search.refresh_tag_words), after the write that changed them said so.
    unseen_fields = frozenset({"version", "stage_opened_by", "stage_opened_at", "search_headline", "search_text"})
    # An update of more articles than this says that anything may have changed: naming them all would cost a read of
    # every row for a purge of nearly everything.
    named_rows = 200

    def in_place(self, values):
        """An update that moves no article (sets no `fields.PLACEMENT` column: a correction's `corrected_at`, photo
        renditions, a typo fixed by hand) names its rows, read just before it: their own pages are all it changes. Read
        apart from the update, so a row it reaches that was not there a moment before goes unnamed; every write that
        can bring one there (a save, a publication) says so itself."""
        columns = fields.placement_columns()
        if values.keys() & {*fields.PLACEMENT, *columns}:
            return None
        rows = list(self.values("pk", *columns)[: self.named_rows + 1])
        if len(rows) > self.named_rows:
            return None
        return [signals.Change(Article(**row), row["pk"], stored=row) for row in rows]

    @staticmethod
    def _visible(now=None, seek=False):
        """The one rule for what a reader may see: published, published at or before now, and not yet taken down."""
        now = now or timezone.now()
        not_taken_down = Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)
        # A list continuing after an article (`seek`, with `after()`) is bounded by that article's time, which is
        # earlier: with statistics (ANALYZE), SQLite would start its index range at now and walk every newer entry.
        written = LessThanOrEqual(Unindexed("published_at"), now) if seek else Q(published_at__lte=now)
        return Q(status=Article.Status.PUBLISHED) & Q(written) & not_taken_down

    def published(self, now=None, *, seek=False):
        """Articles a reader may see (at `now`, by default now). Every public page, feed, sitemap and search starts
        here. `seek`: the query also continues after an article (`after()`), whose time bounds it (the same rule,
        written for the database to start from the article)."""
        return self.filter(self._visible(now, seek))

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
        """An article as its own page shows it: with its section and thread (its author and credits come with its tags:
        ``queries.load_credits_and_tags``), without the search columns (the size of the body again, and read only by
        the search index)."""
        return self.select_related("section", "thread").defer("search_headline", "search_text")

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
        search text and the bookkeeping columns are most of each row's bytes and conversions. The byline's people come
        with the other credits (``queries.load_credits_and_tags``)."""
        return self.only(*fields.CARD)

    def summaries(self):
        """What the API lists of each article (its summary, ``fields.SUMMARY``), with its section and thread (its
        credits: ``queries.load_credits_and_tags``)."""
        owners = ("section__name", "section__slug", "thread__name", "thread__slug")
        return self.select_related("section", "thread").only(*fields.SUMMARY, *CHANGE_TIMES, "thread", *owners)

    def changed_since(self, moment):
        """Articles a reader saw change at or after `moment`: edited, published or corrected (``last_change()``)."""
        return self.alias(changed=last_change()).filter(changed__gte=moment)

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
        # Gỡ bài on order (articles/workflow.py `take_down`): kept, read-only, 410 Gone for readers. A status, so the
        # one visibility rule and the lists' indexes exclude it with nothing added to the readers' hot path.
        TAKEN_DOWN = "taken_down", "Đã gỡ"

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
        validators=[images.validate_image, validate_renderable],
    )
    image_caption = models.CharField("chú thích ảnh", max_length=500, blank=True)
    image_credit = models.CharField(
        "nguồn ảnh", max_length=200, blank=True, help_text="In sau chữ “Ảnh:”, ví dụ: Liên minh HTX thành phố cung cấp."
    )
    image_alt = models.CharField(
        "mô tả ảnh (alt)", max_length=255, blank=True, help_text="Cho người đọc bằng trình đọc màn hình."
    )
    # What articles/renditions.py made of the photo (file names, sizes, bytes), so pages need no storage call.
    image_renditions = RecordField(default=dict, blank=True, editable=False)
    author = models.ForeignKey(Author, verbose_name="tác giả", on_delete=models.PROTECT, related_name="articles")
    section = models.ForeignKey(
        Section,
        verbose_name="chuyên mục",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    thread = models.ForeignKey(
        Thread,
        verbose_name="dòng sự kiện",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    # In order, the first the primary one (ArticleTag.position).
    tags = models.ManyToManyField(Tag, verbose_name="thẻ", through="ArticleTag", blank=True, related_name="articles")
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
        validators=[validate_newspaper_date],
    )
    unpublish_at = models.DateTimeField(
        "gỡ bài lúc",
        null=True,
        blank=True,
        validators=[validate_newspaper_date],
        help_text="Không bắt buộc. Từ thời điểm này bài tự ẩn khỏi trang như khi bị gỡ.",
    )
    # Set by the importer: which source file made this article, and the checksum of the version it made.
    source_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    # Folded words for search (articles/search.py), refreshed on every save; the database indexes them.
    search_headline = models.TextField(default="", editable=False)
    search_text = models.TextField(default="", editable=False)
    # Minutes to read headline, lead and body (formatting.reading_minutes), refreshed on every save: cards print it
    # without loading the body.
    reading_time = models.PositiveSmallIntegerField("thời gian đọc (phút)", default=1, editable=False)
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
    # When the latest correction was published (workflow.publish_correction): the article's "last updated" follows it,
    # and the article page reads its corrections only when there is one.
    corrected_at = models.DateTimeField("cải chính lúc", null=True, blank=True, editable=False)
    # Where a draft is in the desk workflow (articles/workflow.py moves it; nothing typed in a form sets these): its
    # stage, since when, and who other than its writer first opened it there (after which its writer can no longer
    # take it back). None once published, scheduled or taken down: `status` stays the readers' truth.
    stage = models.ForeignKey(
        DeskStage,
        verbose_name="khâu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="articles",
    )
    stage_since = models.DateTimeField("ở khâu này từ", null=True, blank=True, editable=False)
    stage_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="được mở ở khâu này bởi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    stage_opened_at = models.DateTimeField("được mở ở khâu này lúc", null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    # Set by save(): the form's fields and the stage as the row held them before this save (None for a new article).
    # What the audit log compares (workflow.record_save) and the edge's purge reads (articles/signals.py); never stored.
    stored = None

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        indexes = [
            # The public lists, all articles or one section's, author's or thread's: each index holds every column the
            # visibility rule, the order and the filter read, so paging deep reads index entries only
            # (articles/pagination.py); search reads the first one newest first. It holds the author too: a person's
            # list walks it testing the author and the id (Author.listing).
            models.Index(fields=[*VISIBLE_ORDER, "author"], name="article_visible_idx"),
            models.Index(fields=["section", *VISIBLE_ORDER], name="article_section_visible_idx"),
            models.Index(fields=["author", *VISIBLE_ORDER], name="article_author_visible_idx"),
            models.Index(fields=["thread", *VISIBLE_ORDER], name="article_thread_visible_idx"),
            # The admin's list: every article, drafts too, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # "Chờ tôi xử lý": the drafts at some stages, oldest waiting first; only the drafts in the desk are in it.
            models.Index(
                fields=["stage", "stage_since", "id"], name="article_desk_idx", condition=Q(stage__isnull=False)
            ),
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
        permissions = [
            ("publish_article", "Có thể xuất bản, gỡ về bản nháp, hẹn giờ và khôi phục bài viết"),
            ("take_down_article", "Có thể gỡ bài theo yêu cầu (trả lời 410) và đưa bài đã gỡ trở lại"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Every write path (admin, importer, shell, revision restore) passes here, so no path can skip these;
        # loaddata, which skips save(), gets the derived columns from `fill_derived_after_raw_save`.
        self.body = clean_body(self.body)
        # Another article's old URL is never taken over: its 301 would be lost (the form refuses it, in `clean`).
        fill_slug(self, self.headline, held=lambda slug: self.moved_from(slug) is not None)
        self.fill_text_columns()
        if kwargs.get("update_fields") is None:
            self.refresh_renditions()
        loaded_version = self.version
        try:
            with transaction.atomic():
                self.stored = None if self._state.adding else self._claim_next_version()
                old_slug = self.stored and self.stored["slug"]
                super().save(*args, **kwargs)
                if old_slug and old_slug != self.slug:
                    OldSlug.objects.update_or_create(slug=old_slug, defaults={"article": self})
                    OldSlug.objects.filter(slug=self.slug, article=self).delete()  # its own old URL, taken back
        except BaseException:
            self.version = loaded_version  # the database rolled back; the instance must match it again
            raise

    def get_absolute_url(self):
        return slug_url("articles:detail", self.slug)

    def clean(self):
        super().clean()
        if self.slug and (other := self.moved_from(self.slug)):
            raise ValidationError(
                {
                    "slug": f"Đường dẫn “{self.slug}” là đường dẫn cũ của bài “{other.headline}” (#{other.pk}) và vẫn "
                    "chuyển người đọc tới bài đó; hãy chọn đường dẫn khác."
                }
            )

    def moved_from(self, slug):
        """The other article whose old URL `slug` is (it answers there with a 301), or None."""
        return Article.objects.exclude(pk=self.pk).filter(old_slugs__slug=slug).only("headline").first()

    def refresh_renditions(self):
        return refresh_renditions(self)

    @cached_property
    def photo(self):
        """The photo's renditions (articles/renditions.py), or None: then pages show no figure."""
        return Photo.of(self)

    @cached_property
    def credits(self):
        """Who made the article, in order, as (Author, role): its author as first writer, then its contributions. Pages
        that print many set it for them all with one query (``queries.load_credits_and_tags``)."""
        first = [(self.author, Contribution.Role.WRITER)] if self.author_id else []
        if self.pk is None:  # a new article's preview: no contributions yet
            return first
        return [*first, *((c.author, c.role) for c in self.contributions.select_related("author__pen_name_of"))]

    @property
    def byline(self):
        """The credits as the paper prints them at the end of the article and on cards (``formatting.byline``)."""
        return formatting.printed_byline(tuple((who.pk, who.name, role) for who, role in self.credits))

    def set_tags(self, tags):
        """Give the article `tags` in this order (the first is the primary one). An unsaved tag is created, or found
        when another save made it meanwhile (the same folded name); links already in place are only moved, so a save
        that changes nothing writes nothing."""
        ids = []
        for tag in tags:
            if tag.pk is None:
                tag, _ = Tag.objects.get_or_create(
                    folded=fold(clean_text(tag.name)).strip(), defaults={"name": tag.name}
                )
            ids.append(tag.pk)
        links = {link.tag_id: link for link in self.tag_links.all()}
        if list(links) == ids:
            return
        self.tag_links.exclude(tag__in=ids).delete()
        for position, pk in enumerate(ids):
            link = links.get(pk)
            if link is None:
                ArticleTag.objects.create(article=self, tag_id=pk, position=position)
            elif link.position != position:  # in place: the article's and the tag's pages only (TagLinkQuerySet)
                ArticleTag.objects.filter(pk=link.pk).update(position=position)

    @cached_property
    def ordered_tags(self):
        """Its tags in its order, the primary one first (``queries.load_credits_and_tags`` sets them for the pages)."""
        return list(self.tags.order_by("article_links__position", "article_links__id")) if self.pk else []

    @property
    def credited(self):
        """Its writers and its other contributors, each once (``formatting.credited``): feeds, JSON-LD, Open Graph."""
        return formatting.credited(self.credits)

    @property
    def modified_at(self):
        """When a reader last saw this article change; `last_change()` is the same rule in SQL."""
        return max(filter(None, (getattr(self, name) for name in CHANGE_TIMES)), default=None)

    def fill_text_columns(self):
        """Refresh what is derived from headline, lead, body and the names of its tags (prefetched by whoever refills
        many: `search.refresh_tag_words`): the search columns, the reading time; bulk writers call this as save()
        does."""
        tags = [tag.name for tag in self.tags.all()] if self.pk else []
        self.search_headline, self.search_text = search.index_columns(self.headline, self.lead, self.body, tags)
        self.reading_time = formatting.reading_minutes(f"{self.headline} {self.lead} {html_to_text(self.body)}")

    @classmethod
    def fill_derived_after_raw_save(cls, sender, instance, raw, using, **kwargs):
        """post_save: a row written raw (``loaddata``, which skips save()) gets what save() derives — the search
        columns and the photo's renditions — so a fixture alone gives a complete article."""
        if not raw:
            return
        instance.fill_text_columns()
        instance.refresh_renditions()
        derived = {name: getattr(instance, name) for name in fields.DERIVED}
        cls._default_manager.using(using).filter(pk=instance.pk).update(**derived)

    def _claim_next_version(self):
        """Bump the row's version if it still is ours (one UPDATE, so it holds under concurrent saves); return
        the form's fields and the desk stage as stored before this save (the old slug; what the audit log compares,
        `stored`).
        Raise EditConflict, writing nothing, if someone saved in between."""
        claimed = Article.objects.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
        if not claimed:
            raise EditConflict(self)
        self.version += 1
        columns = [Article._meta.get_field(name).attname for name in fields.FORM]
        return Article.objects.filter(pk=self.pk).values(*columns, "stage_id").get()


class TagLinkQuerySet(PublicQuerySet):
    def in_place(self, values):
        """An update of links that keeps each on its article (a merge moving them to the kept tag, a new order) names
        its rows, read just before it, with the tag each had (`stored`): the articles whose search words to refill
        (search.refresh_tag_words) and the tags' pages to purge (pagecache/edge.py), rather than everything."""
        if values.keys() & {"article", "article_id"}:
            return None
        tag = values.get("tag", values.get("tag_id"))
        tag_id = getattr(tag, "pk", tag)
        if tag is not None and not isinstance(tag_id, int):  # an expression: the tags it sets are unknown
            return None
        return [
            signals.Change(
                ArticleTag(pk=row["pk"], article_id=row["article_id"], tag_id=tag_id or row["tag_id"]),
                row["pk"],
                stored={"tag_id": row["tag_id"]},
            )
            for row in self.values("pk", "article_id", "tag_id")
        ]


class ArticleTag(models.Model):
    """One of an article's tags, at its place in the article's order (the first is the primary one)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, verbose_name="thẻ", on_delete=models.CASCADE, related_name="article_links")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = TagLinkQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "thẻ của bài"
        verbose_name_plural = "thẻ của bài"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "tag"], name="tag_once_per_article", violation_error_message="Thẻ này đã có."
            ),
        ]
        indexes = [models.Index(fields=["tag", "article"], name="articletag_tag_idx")]

    def __str__(self):
        return str(self.tag)


class Contribution(models.Model):
    """One credit of an article beyond its author (who is its first writer): a person, under one of their pen names
    (an Author), and what they did. Printed the paper's way by ``formatting.byline``."""

    class Role(models.TextChoices):
        # In the order a byline prints them: "Bài, ảnh: …", "Bài: … – Ảnh: …".
        WRITER = "writer", "viết bài"
        PHOTO = "photo", "ảnh"
        VIDEO = "video", "video"
        GRAPHICS = "graphics", "đồ họa"
        TRANSLATION = "translation", "dịch"
        PRODUCTION = "production", "thực hiện"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(
        Author, verbose_name="người thực hiện (bút danh)", on_delete=models.PROTECT, related_name="contributions"
    )
    role = models.CharField("vai trò", max_length=12, choices=Role, default=Role.WRITER)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "người cùng thực hiện"
        verbose_name_plural = "người cùng thực hiện"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author", "role"],
                name="one_credit_per_role",
                violation_error_message="Một người chỉ được ghi một lần cho mỗi vai trò.",
            ),
        ]
        indexes = [models.Index(fields=["author", "article"], name="contribution_author_idx")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.author}"

    # Who a row named as it was loaded or last saved (`stored`, as the signals read it: articles/signals.py): a row
    # saved again with another person purges both people's pages, not every page (pagecache/edge.py).
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.stored = {"author_id": self.author_id}

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        row.stored = {"author_id": row.__dict__.get("author_id")}
        return row


class RelatedPick(models.Model):
    """An article an editor chose for another's related box, in order; the box tops itself up (queries.related_to)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_picks")
    related = models.ForeignKey(Article, verbose_name="bài liên quan", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "bài liên quan chọn tay"
        verbose_name_plural = "bài liên quan chọn tay"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "related"],
                name="related_once",
                violation_error_message="Bài này đã có trong danh sách liên quan.",
            ),
            models.CheckConstraint(
                condition=~Q(article=F("related")),
                name="related_not_itself",
                violation_error_message="Một bài không thể liên quan tới chính nó.",
            ),
        ]

    def __str__(self):
        return str(self.related)


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


class TakedownQuerySet(models.QuerySet):
    def in_force(self):
        """Takedowns not (yet) reversed: at most one per article (a constraint says so)."""
        return self.filter(reinstated_at__isnull=True)

    def at_slug(self, slug):
        """The takedown of the taken-down article at `slug`, or of the one that had it: what a reader's link finds. Its
        row in force says whether the 410 page names it; a taken-down article deleted and then recovered has none (it
        went with the deletion): it is still gone, under an unsaved takedown that names nothing. An unknown slug costs
        the two lookups it always did."""
        taken_down = Article.objects.filter(status=Article.Status.TAKEN_DOWN)
        article = taken_down.filter(slug=slug).first() or taken_down.filter(old_slugs__slug=slug).first()
        if article is None:
            return None
        takedown = self.in_force().filter(article=article).first() or self.model()
        takedown.article = article
        return takedown


class Takedown(models.Model):
    """An article taken down on order (gỡ bài, articles/workflow.py `take_down`): who, when, why, and whether the
    410 page still names it; and, once reversed (`reinstate`), who brought it back, when and why."""

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="takedowns")
    taken_down_at = models.DateTimeField("gỡ lúc", default=timezone.now)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người gỡ", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField("lý do gỡ")
    show_headline = models.BooleanField(
        "trang 410 vẫn ghi tiêu đề", default=False, help_text="Để trống: trang báo bài đã gỡ mà không nêu tiêu đề."
    )
    reinstated_at = models.DateTimeField("đưa trở lại lúc", null=True, blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đưa trở lại",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reinstate_reason = models.TextField("lý do đưa trở lại", blank=True)

    objects = TakedownQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_down_at"]
        verbose_name = "lần gỡ bài"
        verbose_name_plural = "các lần gỡ bài"
        constraints = [
            # Two takedowns at once record one: the second finds the first (workflow.take_down locks the row too).
            models.UniqueConstraint(
                fields=["article"], condition=Q(reinstated_at__isnull=True), name="one_takedown_in_force"
            ),
        ]

    def __str__(self):
        return f"Gỡ bài: {self.article}"


class CorrectionQuerySet(PublicQuerySet):
    def published(self):
        """Published corrections of articles readers may see (`ArticleQuerySet.published()`), newest first."""
        visible = Article.objects.published().filter(pk=OuterRef("article_id"))
        return self.filter(published_at__isnull=False).filter(Exists(visible)).order_by("-published_at", "-id")


class Correction(models.Model):
    """A correction (cải chính) of one article: drafted by anyone who writes, published by an editor
    (`workflow.publish_correction`), then never edited: a fix is a new correction that replaces it."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Cải chính"
        RECTIFICATION = "rectification", "Đính chính"
        APOLOGY = "apology", "Xin lỗi và cải chính"

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField("loại", max_length=16, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(
        "nội dung",
        help_text='Văn bản thuần; được phép chèn liên kết dạng <a href="https://…">chữ</a>.',
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="thay cho",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="Cải chính đã đăng mà cải chính này sửa lại (cái cũ vẫn hiện, ghi là đã được thay).",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người viết", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField("đăng lúc", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đăng",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "cải chính"
        verbose_name_plural = "cải chính"
        indexes = [models.Index(fields=["article", "-published_at"], name="correction_article_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"

    def save(self, *args, **kwargs):
        if not self._state.adding and Correction.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise PermissionError("Cải chính đã đăng không được sửa; hãy đăng một cải chính mới thay cho nó.")
        self.text = clean_note(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#cai-chinh-{self.pk}"


class Pick(NamedTuple):
    """One slot of the front page's lead and featured stories: the article picked (None: the slot is left to the
    newest), until when it shows (None: until it is replaced) and whether it keeps its place when a story is put on
    top (`articles.front.put_on_top`)."""

    article: int | None
    until: datetime | None = None
    pinned: bool = False


class FrontPageQuerySet(PublicQuerySet):
    def current(self):
        """The arrangement in force: the one saved last (None before the first save)."""
        return self.order_by("-pk").first()


class FrontPage(models.Model):
    """One arrangement of the front page as an editor saved it (`workflow.arrange_front`): the lead and the featured
    stories in order (`picks`, the lead first), and the breaking-news line. Never changed once saved: the newest is in
    force, the older ones are its history, and restoring one saves a copy of it as the newest.

    `based_on` is the arrangement the editor's screen showed when they saved (0: none yet). It is unique, so of two
    editors saving from the same screen at once only one arrangement can follow it: the other is refused."""

    based_on = models.PositiveBigIntegerField("thay cho", unique=True, editable=False)
    saved_at = models.DateTimeField("lưu lúc", default=timezone.now, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người lưu",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    # [{"article": id or null, "until": ISO time or null, "pinned": bool}], the lead first: `slots()` reads it.
    picks = models.JSONField("các bài chọn", default=list, blank=True)
    breaking_text = models.CharField("tin nóng", max_length=200, blank=True)
    # No database constraint: an arrangement outlives the article it named (the line then shows without a link).
    breaking_article = models.ForeignKey(
        Article,
        verbose_name="bài của tin nóng",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    breaking_until = models.DateTimeField("tin nóng hiện đến", null=True, blank=True)
    restored_from = models.PositiveBigIntegerField("khôi phục từ", null=True, blank=True, editable=False)

    objects = FrontPageQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = "trang nhất"
        verbose_name_plural = "trang nhất"
        # Who may arrange it is workflow.can_arrange_front (the publish permission), not a permission of its own.
        default_permissions = ()

    def __str__(self):
        return f"Trang nhất lưu lúc {timezone.localtime(self.saved_at):%d/%m/%Y - %H:%M}"

    def slots(self):
        """The picks as `Pick`s, the lead first."""
        return [
            Pick(
                pick.get("article"),
                datetime.fromisoformat(pick["until"]) if pick.get("until") else None,
                bool(pick.get("pinned")),
            )
            for pick in self.picks
        ]

    @staticmethod
    def stored_picks(slots):
        """`slots` (`Pick`s) as `picks` stores them."""
        return [
            {"article": pick.article, "until": pick.until.isoformat() if pick.until else None, "pinned": pick.pinned}
            for pick in slots
        ]

    def breaking_shown(self, now):
        """Whether the breaking-news line shows at `now`: it has a text and its end time has not come."""
        return bool(self.breaking_text) and (self.breaking_until is None or now < self.breaking_until)

    def moments(self):
        """The times at which this arrangement changes the page by the clock alone: each pick's "hiện đến", and the
        breaking news' end."""
        return [pick.until for pick in self.slots() if pick.until] + [self.breaking_until] * bool(self.breaking_until)


def next_scheduled_change(after):
    """The first moment after `after` at which a public page changes by the clock alone (None: no such moment): an
    article appears or is taken down (`ArticleQuerySet.next_visibility_change`), a front-page pick's "hiện đến" or the
    breaking news' end time passes. The page cache keeps nothing past it (articles/pagecache/store.py)."""
    current = FrontPage.objects.current()
    moments = [moment for moment in (current.moments() if current else []) if moment > after]
    return min(filter(None, [Article.objects.next_visibility_change(after), *moments]), default=None)


class AuditQuerySet(models.QuerySet):
    """Rows are added, never changed or removed: the queryset refuses it as the model does (purging old rows on
    purpose is `articles.audit.purge`)."""

    def update(self, **kwargs):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được xoá.")


class AuditEntry(models.Model):
    """One act on record (Nhật ký): who, what, on which article, when, why, and what changed. Append-only: the model
    refuses to change or delete a row, and on PostgreSQL so does the database (a trigger; docs/corrections.md says how
    to purge old rows on purpose). Written only by `articles.audit.record`."""

    class Act(models.TextChoices):
        CREATE = "create", "Tạo bài"
        EDIT = "edit", "Sửa bài"
        # The desk's moves between stages (articles/workflow.py `move`).
        SUBMIT = "submit", "Gửi duyệt"
        FORWARD = "forward", "Chuyển tiếp"
        SEND_BACK = "send_back", "Trả lại"
        TAKE_BACK = "take_back", "Rút lại"
        APPROVE = "approve", "Duyệt"
        PUBLISH = "publish", "Xuất bản"
        SCHEDULE = "schedule", "Hẹn giờ"
        UNPUBLISH = "unpublish", "Gỡ về bản nháp"
        EXPIRE = "expire", "Hết hạn theo giờ hẹn gỡ"
        TAKEDOWN = "takedown", "Gỡ bài theo yêu cầu"
        REINSTATE = "reinstate", "Đưa bài đã gỡ trở lại"
        CORRECTION = "correction", "Đăng cải chính"
        RESTORE = "restore", "Khôi phục bản lưu"
        DELETE = "delete", "Xoá bài"
        RECOVER = "recover", "Khôi phục bài đã xoá"
        SHARE = "share", "Tạo liên kết xem trước"
        REVOKE_SHARE = "revoke_share", "Thu hồi liên kết xem trước"
        FRONT_PAGE = "front_page", "Sửa trang nhất"
        FRONT_RESTORE = "front_restore", "Khôi phục trang nhất"
        FRONT_SECTIONS = "front_sections", "Đổi khối chuyên mục ở trang nhất"
        TAG_MERGE = "tag_merge", "Gộp thẻ"

    at = models.DateTimeField("lúc", default=timezone.now)
    act = models.CharField("việc", max_length=16, choices=Act)
    # No database constraint on either: a row outlives the user or article it names, and the database refuses the
    # UPDATE that a SET NULL would make.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người làm",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField("người làm", max_length=150)
    article = models.ForeignKey(
        Article,
        verbose_name="bài viết",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    target = models.CharField("đối tượng", max_length=255, help_text="Tiêu đề bài lúc đó, hoặc tên đối tượng khác.")
    reason = models.TextField("lý do", blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký"
        default_permissions = ("view",)
        # Each filter of the Nhật ký screen, newest first: a page of 1,000,000 rows reads its index entries only.
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_newest_idx"),
            models.Index(fields=["article", "-at", "-id"], name="audit_article_idx"),
            models.Index(fields=["actor", "-at", "-id"], name="audit_actor_idx"),
            models.Index(fields=["act", "-at", "-id"], name="audit_act_idx"),
        ]
        constraints = [
            # The clock's expiries are recorded by a command that may run twice at once (workflow.record_expiries).
            models.UniqueConstraint(fields=["article", "at"], condition=Q(act="expire"), name="one_expiry_on_record"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.get_act_display()}: {self.target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được xoá.")


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


class InternalNote(models.Model):
    """A note on an article for the newsroom only (ghi chú nội bộ), in a thread under its form. A model of its own,
    never a field of Article, so that no revision, export, feed, search index, public page or API response can carry
    it. Mentioning a colleague (`@tên`) notifies them (articles/workflow.py `add_note`)."""

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người viết", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField("ghi chú", max_length=4000)
    created_at = models.DateTimeField("lúc", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "ghi chú nội bộ"
        verbose_name_plural = "ghi chú nội bộ"
        indexes = [models.Index(fields=["article", "created_at", "id"], name="note_article_idx")]

    def __str__(self):
        return f"Ghi chú: {self.article}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a colleague did that concerns one person (an article sent to their stage, sent back to them, a
    mention): shown in the admin until read, and e-mailed once (articles/notifications.py)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhận", on_delete=models.CASCADE, related_name="notifications"
    )
    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người làm", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.CharField("thông báo", max_length=500)
    detail = models.TextField("chi tiết", blank=True, help_text="Lý do trả bài, hoặc ghi chú có nhắc tên.")
    created_at = models.DateTimeField("lúc", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        indexes = [
            # One person's list, newest first; and the header's count of their unread ones.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.message
