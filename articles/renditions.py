"""Photo renditions: the one home of the sizes, formats and metadata rules for article photos.

A reader gets renditions, not the photo as it was uploaded. When an article's photo is saved (``Article.save()``, and
``loaddata``'s raw saves through ``Article.fill_derived_after_raw_save``), or by ``manage.py renditions --all`` after a
change of sizes, ``make_renditions()`` runs django-imagekit's pipeline over it: turned upright by its EXIF
orientation, resized to each of ``WIDTHS`` (never enlarged), and encoded as WebP and as JPEG, with no metadata at all
(no GPS position, no camera data). Where renditions are missing or out of date anyway (a row written by SQL, a file
restored later), ``Photo.of`` shows the original rather than no photo, and logs a warning.

What was made — file names, real pixel sizes, byte counts — is recorded on the article (``Article.image_renditions``).
Pages, feeds and metadata read ``Photo`` from that record: every ``<img>``, ``srcset``, ``og:image`` and feed
enclosure is built from the row already loaded, with no storage call and no query per photo.
"""

import functools
import io
import json
import logging
from pathlib import PurePosixPath
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.json import KeyTransform
from imagekit import ImageSpec
from markupsafe import Markup, escape
from PIL import ExifTags, Image, ImageOps
from pilkit.processors import ResizeToFit

from articles.images import CONTENT_TYPES

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280)
# Content type -> (Pillow format, encoder options). The first is offered first (<source>); the last is the fallback
# every browser, feed reader and social network understands.
FORMATS = {
    "image/webp": ("WEBP", {"quality": 78, "method": 6}),
    "image/jpeg": ("JPEG", {"quality": 80, "optimize": True, "progressive": True}),
}
FALLBACK_TYPE = "image/jpeg"
# The width the plain <img src> gets, for the rare client that ignores srcset.
FALLBACK_WIDTH = 640


class DecodeAtLeast:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when even that is at least `width` on both sides (whichever side
    becomes the width once upright): a 12-megapixel photo is then never fully decoded for a 320-pixel copy."""

    def __init__(self, width):
        self.width = width

    def process(self, image):
        image.draft(None, (self.width, self.width))
        return image


class Upright:
    """Turn the image by its EXIF orientation (Pillow's own table covers every format that carries EXIF)."""

    def process(self, image):
        return ImageOps.exif_transpose(image)


class Rendition(ImageSpec):
    """One width in one format. imagekit names the file after the source and a hash of these settings."""

    def __init__(self, source, width, content_type):
        super().__init__(source)
        self.processors = [DecodeAtLeast(width), Upright(), ResizeToFit(width=width, upscale=False)]
        self.format, self.options = FORMATS[content_type]


def make_renditions(image):
    """Make and store every rendition of a stored photo; return the record to keep on its article.

    The record is ``{"source": name, "files": [...]}``; ``files`` is empty when the photo is missing or unreadable,
    and pages then show no figure. This never raises for a bad file: a broken photo must not stop an article saving.
    """
    record = {"source": image.name, "files": []}
    try:
        # Largest first: its real width tells which smaller widths are worth making (no upscaled twins).
        largest = _make(image, WIDTHS[-1])
        smaller = [width for width in WIDTHS[:-1] if width < largest[0]["width"]]
        record["files"] = largest + [made for width in smaller for made in _make(image, width)]
    except Exception:  # a missing file, a damaged header or a truncated stream: Pillow and storages raise many kinds
        logger.warning("Cannot make renditions of %r", image.name, exc_info=True)
    return record


def validate_renderable(image):
    """Refuse, in Vietnamese, a new photo whose renditions cannot be made: the article's second validator, after
    ``images.validate_image``, so the form says so and keeps what was typed, where an article saved with it would
    show no photo anywhere. The smallest width is made in every format, in memory (a JPEG decodes at 1/8 scale for
    it). A stored photo is not tried again: it was tried when it came in."""
    if getattr(image, "_committed", False):
        return
    try:
        for content_type in FORMATS:
            Rendition(image, WIDTHS[0], content_type).generate()
    except Exception as exc:  # Pillow and its encoders raise many kinds
        raise ValidationError(
            "Không tạo được các cỡ ảnh để đăng trên trang từ ảnh này. Vui lòng lưu lại ảnh dưới dạng JPEG hoặc PNG "
            "thông thường (ví dụ mở bằng trình xem ảnh rồi lưu thành tệp mới) và tải lên lại.",
            code="unrenderable",
        ) from exc
    finally:
        image.seek(0)


def _make(image, width):
    made = []
    for content_type in FORMATS:
        spec = Rendition(image, width, content_type)
        data = spec.generate().read()
        with Image.open(io.BytesIO(data)) as result:
            result_width, result_height = result.size
        # Same source and settings give the same name; replace any older file so the record matches the bytes.
        image.storage.delete(spec.cachefile_name)
        name = image.storage.save(spec.cachefile_name, ContentFile(data))
        made.append(
            {"name": name, "type": content_type, "width": result_width, "height": result_height, "size": len(data)}
        )
    return made


class RenditionFile(NamedTuple):
    """One stored rendition: a named tuple, immutable at half a frozen dataclass's cost (a list page makes 160)."""

    url: str
    type: str
    width: int
    height: int
    size: int


class RecordField(models.JSONField):
    """Where `make_renditions()`'s record is stored (``image_renditions``). Each different record is parsed once per
    process: a list loads 20 with its cards on every request, and parsing them cost more than the rest of reading the
    rows. The dict read is shared by every row holding the same record: replace it, never change it in place.

    On PostgreSQL the column is ``json``, not JSONField's ``jsonb``: the record is written whole and read whole, never
    searched, and PostgreSQL prints a ``jsonb`` value anew on every read, much of a list's server time
    (docs/PERFORMANCE.md); ``json`` is the text as written. psycopg reads it as text too
    (articles/postgres.py), and it is parsed here as on the other databases."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and not isinstance(expression, KeyTransform):
            try:
                return _parsed_record(value)
            except json.JSONDecodeError:  # as JSONField does
                return value
        return super().from_db_value(value, expression, connection)


@functools.lru_cache(maxsize=1024)
def _parsed_record(text):
    return json.loads(text)


class Photo:
    """An article photo's renditions as pages, feeds and metadata use them (``Article.photo``)."""

    def __init__(self, files):
        by_width = sorted(files, key=lambda file: file.width)
        # Every file, narrowest first (the API lists them all).
        self.files = tuple(by_width)
        # The renditions' JPEGs; or, when the renditions are missing (Photo.of), the one file there is: the original.
        fallbacks = [file for file in by_width if file.type == FALLBACK_TYPE] or by_width
        # <source> elements for the better formats: (content type, srcset).
        self.sources = [
            (content_type, _srcset(file for file in by_width if file.type == content_type))
            for content_type in FORMATS
            if content_type != FALLBACK_TYPE and any(file.type == content_type for file in by_width)
        ]
        self.srcset = _srcset(fallbacks)
        self.fallback = next((file for file in fallbacks if file.width >= FALLBACK_WIDTH), fallbacks[-1])
        # The largest JPEG: what Open Graph, JSON-LD and feed enclosures point at; it sets the aspect ratio too.
        self.largest = fallbacks[-1]
        self._pictures = {}  # (sizes, eager) -> the <picture> without alt text (picture())

    @classmethod
    def of(cls, article):
        """The photo of `article`, or None when it has none. When its renditions are missing or out of date (a row
        written without save(), a failed rendition), the original is shown instead, with a warning in the log."""
        record = article.image_renditions or {}
        # The stored name, read past the field's descriptor where the row is loaded: the descriptor would make a
        # FieldFile that points back at the article, a reference cycle only the garbage collector frees (20 on every
        # list page, docs/PERFORMANCE.md).
        try:
            image = vars(article)["image"]
        except KeyError:  # deferred: the descriptor loads it
            image = article.image
        name = getattr(image, "name", image)
        if not name:
            return None
        if record.get("source") != name or not record.get("files"):
            return _original(name, article.pk)
        # Keyed by everything the record says, so a re-made record is a new key: never a stale photo.
        return _photo(tuple((f["name"], f["type"], f["width"], f["height"], f["size"]) for f in record["files"]))

    def picture(self, sizes, alt="", eager=False):
        """The photo as <picture>: WebP then JPEG at every width, the browser picking by `sizes`. Lazy-loaded unless
        `eager`, for the one image likely to be the page's largest paint. Built here rather than in a template: a list
        prints 20, and this is most of its markup."""
        if alt:  # an article page's own photo, described by its article: printed once a page, and not kept
            return self._picture(sizes, alt, eager)
        # Cards and related lists print the same few <picture>s on every request: each is built once (``_photo``).
        key = (sizes, eager)
        if (markup := self._pictures.get(key)) is None:
            markup = self._pictures[key] = self._picture(sizes, alt, eager)
        return markup

    def _picture(self, sizes, alt, eager):
        # f-strings with escape() rather than Markup.format(): the same escaping, and string.Formatter is pure Python.
        sizes = escape(sizes)
        sources = "".join(
            f'<source type="{content_type}" srcset="{escape(srcset)}" sizes="{sizes}">\n  '
            for content_type, srcset in self.sources
        )
        loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
        return Markup(
            f'<picture>\n  {sources}<img src="{escape(self.fallback.url)}" srcset="{escape(self.srcset)}" '
            f'sizes="{sizes}" alt="{escape(alt)}" width="{self.width}" height="{self.height}" {loading} '
            'decoding="async">\n</picture>'
        )

    @property
    def width(self):
        return self.largest.width

    @property
    def height(self):
        return self.largest.height


# A rendition's URL depends on its name and the storage settings alone (local disk, or the bucket's unsigned URLs:
# settings.py), so each is built once per process: storage.url() costs ~10 µs, and a list page prints 160 of them.
# Article.image keeps its files in the default storage. Keyed on the name alone: hashing the default_storage proxy
# for the key cost more than the lookup.
@functools.lru_cache(maxsize=4096)
def file_url(name):
    return default_storage.url(name)


# A Photo (and the <picture> markup it keeps) depends only on its files and the URLs above, so one is made per
# process for each record a page shows, not per card per request: building it was 15% of a list page. A record that
# changes (a new photo, re-made renditions) has a different key; the old entry just ages out.
@functools.lru_cache(maxsize=1024)
def _photo(files):
    files = [RenditionFile(file_url(name), *rest) for name, *rest in files]
    return Photo(files) if any(file.type == FALLBACK_TYPE for file in files) else None


# EXIF orientations that turn a photo a quarter: its width and height swap when shown upright.
TURNED = {5, 6, 7, 8}


# Once per process and file: the original is opened to read its size, which no page should do per request.
@functools.lru_cache(maxsize=256)
def _original(name, article_id):
    """The stored original as a Photo of one file, for an article whose renditions are missing; None (no figure) when
    it cannot be read either."""
    logger.warning("Article %s: no renditions of its photo %r; showing the original", article_id, name)
    content_type = CONTENT_TYPES.get(PurePosixPath(name).suffix.lower().lstrip("."))
    try:
        with default_storage.open(name, "rb") as file, Image.open(file) as image:
            width, height = image.size
            if image.getexif().get(ExifTags.Base.Orientation) in TURNED:  # browsers show it turned upright
                width, height = height, width
        size = default_storage.size(name)
    except Exception:  # missing or unreadable: storages and Pillow raise many kinds
        logger.warning("Article %s: its photo %r cannot be read either; no figure", article_id, name, exc_info=True)
        return None
    if content_type is None:
        return None
    return Photo([RenditionFile(file_url(name), content_type, width, height, size)])


def forget_file_urls(setting, **kwargs):
    """setting_changed (connected in ArticlesConfig.ready())."""
    if setting in ("MEDIA_URL", "MEDIA_ROOT", "STORAGES"):
        file_url.cache_clear()
        _photo.cache_clear()
        _original.cache_clear()


def _srcset(files):
    return ", ".join(f"{file.url} {file.width}w" for file in files)
