"""The one place an uploaded image is judged (the single home of the image rules).

``validate_image(file)`` is used as the validator on ``Article.image``, by the CKEditor upload view
(``articles/upload.py``) and by the importer. It trusts the bytes, never the file name or the declared content type:
a file is accepted only if it is one of ``IMAGE_TYPES`` (JPEG, PNG, WebP, GIF) that Pillow can fully decode, at most
``MAX_IMAGE_BYTES`` on disk, at most ``MAX_IMAGE_PIXELS`` in size and at most ``MAX_ASPECT_RATIO`` times longer than
wide or wider than tall (both checked from the header, before any pixel is decoded).

The decode cost is bounded by those: Pillow holds at most 4 bytes a pixel, so decoding takes at most 160 MB; no side
is longer than 20,000 pixels (40 MP at 10:1); and every rendition fits every format's limits (WebP's 16,383 pixels: the
tallest rendition is 10 × its width of at most 1,280). A photo whose renditions still cannot be made is refused by the
article's second validator, ``renditions.validate_renderable``.
"""

import contextlib
import io
import re
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# The longer side at most this many times the shorter: a 1 × 40,000,000 strip is within the pixels, but no page can
# show it and no format can hold its renditions.
MAX_ASPECT_RATIO = 10

# The image types accepted, the one list of them: Pillow's format name -> (the name people know it by, the extension
# it is stored under, its content type). /media/ serves these content types and nothing else (newsroom/views.py).
IMAGE_TYPES = {
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "PNG": ("PNG", "png", "image/png"),
    "WEBP": ("WebP", "webp", "image/webp"),
    "GIF": ("GIF", "gif", "image/gif"),
}
# Only these decoders are ever tried, whatever the file claims to be.
PILLOW_FORMATS = tuple(IMAGE_TYPES)
# Pillow format name -> file extension to store the image under. MPO is how Pillow reports JPEGs from cameras and
# phones that embed a second picture (Multi-Picture Object); it is still a JPEG.
IMAGE_EXTENSIONS = {name: extension for name, (_, extension, _) in IMAGE_TYPES.items()} | {"MPO": "jpg"}
# File extension -> content type, for serving stored files ("jpeg": files named before names were made here).
CONTENT_TYPES = {extension: content_type for _, extension, content_type in IMAGE_TYPES.values()} | {
    "jpeg": "image/jpeg"
}

MAX_MEGABYTES = MAX_IMAGE_BYTES // (1024 * 1024)
MAX_MEGAPIXELS = MAX_IMAGE_PIXELS // 1_000_000
_NAMES = [name for name, _, _ in IMAGE_TYPES.values()]
ACCEPTED = f"{', '.join(_NAMES[:-1])} hoặc {_NAMES[-1]}"
# The photo field's help text: what an editor may upload.
HELP_TEXT = (
    f"{ACCEPTED}; tối đa {MAX_MEGABYTES} MB và {MAX_MEGAPIXELS} megapixel; "
    f"cạnh dài không quá {MAX_ASPECT_RATIO} lần cạnh ngắn."
)

MESSAGES = {
    "empty": "Tệp ảnh rỗng (0 byte). Vui lòng chọn lại ảnh.",
    "file_too_large": "Ảnh quá nặng (%(size)s MB). Dung lượng tối đa là %(max)s MB.",
    "too_many_pixels": (
        "Ảnh quá lớn (%(width)s × %(height)s điểm ảnh, khoảng %(megapixels)s megapixel). "
        "Kích thước tối đa là %(max)s megapixel; vui lòng thu nhỏ ảnh trước khi tải lên."
    ),
    "too_elongated": (
        "Ảnh quá dài hoặc quá hẹp (%(width)s × %(height)s điểm ảnh). Cạnh dài chỉ được gấp tối đa %(max)s lần cạnh "
        "ngắn; vui lòng cắt ảnh trước khi tải lên."
    ),
    "svg": f"Không nhận ảnh SVG vì có thể chứa mã độc. Vui lòng dùng ảnh {ACCEPTED}.",
    "invalid_image": f"Tệp không phải là ảnh hợp lệ (tên tệp không quyết định định dạng). Chỉ nhận ảnh {ACCEPTED}.",
    "corrupt_image": "Tệp ảnh bị hỏng hoặc không đầy đủ (có thể tải lên bị gián đoạn). Vui lòng tải lại ảnh gốc.",
    "unreadable": "Không đọc được tệp ảnh. Vui lòng tải lại.",
}
# Used (with code "too_many_pixels") when Pillow refuses a decompression bomb before we learn its dimensions.
TOO_MANY_PIXELS_BOMB = (
    "Ảnh quá lớn (khoảng %(megapixels)s megapixel) và có thể là tệp độc hại. "
    "Kích thước tối đa là %(max)s megapixel; vui lòng thu nhỏ ảnh trước khi tải lên."
)

_SVG_SNIFF = re.compile(rb"<svg[\s>/]", re.IGNORECASE)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def _error(code, message=None, **params):
    return ValidationError(message or MESSAGES[code], code=code, params=params)


def _too_large(size):
    return _error("file_too_large", size=f"{size / (1024 * 1024):.1f}".replace(".", ","), max=MAX_MEGABYTES)


def _read_limited(file):
    """Return the bytes of ``file`` (refusing empty or oversized files before reading them)."""
    size = getattr(file, "size", None)
    if not isinstance(size, int):
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size == 0:
        raise _error("empty")
    if size > MAX_IMAGE_BYTES:
        raise _too_large(size)
    file.seek(0)
    data = file.read(MAX_IMAGE_BYTES + 1)  # never trust the declared size alone
    if not data:
        raise _error("empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_large(len(data))
    return data


def _check_bytes(data):
    """Judge the bytes of an image; return its Pillow format name."""
    try:
        # Image.open reads only the header. Pillow's own bomb check (error above ~179 MP) runs inside it.
        image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        match = _BOMB_PIXELS.search(str(exc))
        megapixels = f"{int(match.group(1)) / 1_000_000:.0f}" if match else f"> {MAX_MEGAPIXELS}"
        raise _error("too_many_pixels", TOO_MANY_PIXELS_BOMB, megapixels=megapixels, max=MAX_MEGAPIXELS) from exc
    except UnidentifiedImageError as exc:
        head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x00")
        if head.startswith(b"<") and _SVG_SNIFF.search(data[:65536]):
            raise _error("svg") from exc
        raise _error("invalid_image") from exc
    except Exception as exc:  # a damaged header can make a plugin raise almost anything
        raise _error("corrupt_image") from exc

    with image:
        width, height = image.size
        image_format = image.format
        if width * height > MAX_IMAGE_PIXELS:
            raise _error(
                "too_many_pixels",
                width=width,
                height=height,
                megapixels=f"{width * height / 1_000_000:.0f}",
                max=MAX_MEGAPIXELS,
            )
        if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
            raise _error("too_elongated", width=width, height=height, max=MAX_ASPECT_RATIO)
        if image_format not in IMAGE_EXTENSIONS:
            raise _error("invalid_image")
        try:
            image.verify()
        except Exception as exc:
            raise _error("corrupt_image") from exc

    # verify() leaves the image unusable and does not decode pixels: reopen and decode everything, which is what
    # catches a truncated JPEG.
    try:
        with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS) as image:
            if image.format in ("JPEG", "MPO"):
                # Decode at 1/8 scale: the whole compressed stream is still read, in a fraction of the memory.
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Exception as exc:
        raise _error("corrupt_image") from exc
    return image_format


def validate_image(file):
    """Raise ValidationError unless ``file`` is a fully decodable JPEG/PNG/WebP/GIF within the size limits.

    ``file`` may be a Django UploadedFile, a FieldFile or any binary file object; afterwards it is at position 0
    (a FieldFile that had to be opened for the check is closed again). Error codes: empty, file_too_large,
    too_many_pixels, too_elongated, svg, invalid_image, corrupt_image, unreadable.

    Returns the Pillow format name ("JPEG", "MPO", "PNG", "WEBP" or "GIF"); ``IMAGE_EXTENSIONS`` maps it to the
    extension to store the file under. Django ignores the return value when this runs as a field validator.

    A FieldFile that is already stored (committed) is not re-read and None is returned: it was checked when it came
    in, and re-decoding it on every save of its article would be slow and would block edits if the file went missing.
    """
    if isinstance(file, FieldFile) and file._committed:
        return None
    opened_here = False
    try:
        try:
            if getattr(file, "closed", False) and hasattr(file, "open"):
                file.open("rb")
                opened_here = True
            data = _read_limited(file)
        except (OSError, ValueError) as exc:
            raise _error("unreadable") from exc
        return _check_bytes(data)
    finally:
        if opened_here:
            file.close()
        else:
            with contextlib.suppress(OSError, ValueError):
                file.seek(0)


class ImageFormField(forms.ImageField):
    """Django's ImageField with our rule checked first, so editors get our precise Vietnamese message."""

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image(data)
        return super().to_python(data)


class ImageFieldFile(models.fields.files.ImageFieldFile):
    """Every path that stores a photo (admin, importer, shell, renditions) passes here: the bytes are judged
    first, and the stored name takes the extension of the format they really are, never the uploader's."""

    def save(self, name, content, save=True):
        image_format = validate_image(content)
        super().save(f"{PurePosixPath(name).stem}.{IMAGE_EXTENSIONS[image_format]}", content, save)


class ImageField(models.ImageField):
    """The model field for article photos: our validator on every save path, our form field in every form."""

    attr_class = ImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_image])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageFormField, **kwargs})
