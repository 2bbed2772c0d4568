"""Import articles from the newspaper's plain-text files (the shape of ``tests/data/000_cb3a0ecfc020ae02.txt``).

The format, block by block (blocks are separated by blank lines; a line of only spaces or no-break spaces is blank):

1. the date line ``dd/mm/yyyy - HH:MM``, Asia/Ho_Chi_Minh time (the first non-blank line);
2. the headline — a block of two or more lines is JOINED with a space (hard-wrapped text), and a headline longer
   than the field (255 characters) is refused, since that means the headline or a blank line is missing;
3. the lead paragraph;
4. optionally, right after the lead, the photo line ``Caption. Ảnh: Credit.``: the caption keeps its period, the
   credit loses "Ảnh:" and its final period (templates print "Ảnh: " + credit). A block there that would not fit
   the caption (500) and credit (200) fields is a body paragraph, not a photo line;
5. body paragraphs (at least one), each stored as ``<p>…</p>``, joined by "\\n";
6. the byline: the LAST block before the boilerplate, one line of at most 120 characters, written as the paper prints
   bylines (``formatting.read_byline``): names in capitals, alone (``THANH THY``, ``A, B``: writers) or after role
   labels (``Bài, ảnh: THANH THY``, ``Bài: A – Ảnh: B``). The first writer is the article's author, the rest its
   contributions. Capital lines earlier in the text are ordinary paragraphs;
7. boilerplate at the end (``Chia sẻ bài viết``, lines of spaces or no-break spaces), dropped.

Text is normalised before anything else: byte-order mark dropped, then ``articles.text.clean_text`` (the rule every
text field is saved by: CRLF/CR to LF, NFC, control characters such as Word's manual line break to spaces); a file
holding NUL is refused as not text. Within a block, every run of
whitespace (no-break spaces included) becomes one space. ``source_checksum`` is the SHA-256 of the normalised text,
so the same article saved with CRLF, a BOM or in NFD counts as unchanged.

``source_key`` (the article's identity across imports) is the file name without ``.txt``, in NFC — the same for a
loose file, a file in a folder or a zip member, so moving the archive around never makes twins. File names must
therefore be unique across the archive (the newspaper's carry a hash); two with the same name in one run are refused.

Writes: each file in its own ``transaction.atomic()``, through ``Article.save()`` (sanitiser, slug, revisions).
A file whose text is unchanged is not written at all; a changed one rewrites the fields that come from the text.
``--publish``, ``--section`` and ``--image`` apply to unchanged files too, and only write what actually differs.
Operator messages are Vietnamese.
"""

import contextlib
import enum
import hashlib
import html
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction

from articles.formatting import read_byline, validate_newspaper_date
from articles.images import IMAGE_EXTENSIONS, validate_image
from articles.models import Article, Author, Contribution, Section
from articles.renditions import validate_renderable
from articles.text import clean_text, fold

__all__ = [
    "MAX_FILE_BYTES",
    "ImageData",
    "ImportFileError",
    "Outcome",
    "ParsedArticle",
    "Result",
    "Source",
    "import_all",
    "import_source",
    "match_author",
    "open_sources",
    "parse",
    "read_image",
    "summary",
]

MAX_FILE_BYTES = 1024 * 1024
SOURCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_BYLINE_CHARS = 120
# Compared folded (accents and case ignored), only at the very end of a file.
BOILERPLATE = frozenset({"chia se bai viet", "chia se"})

_FIELD_LIMITS = {
    name: Article._meta.get_field(name).max_length for name in ("headline", "image_caption", "image_credit")
}
_KEY_LIMIT = Article._meta.get_field("source_key").max_length

_DATE_LINE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s*[-–—]?\s*(\d{1,2}):(\d{2})")
# "Ảnh:" with a capital, at the start or after the caption's closing punctuation: "… 50 hình ảnh: …" in a first
# paragraph is not a photo line. Greedy caption: the LAST such "Ảnh:" splits.
_PHOTO_LINE = re.compile(r"(?P<caption>(?:.*[.!?…\"”)])?)\s*(?:Ảnh|ẢNH)\s*:\s*(?P<credit>.*)")
_INVISIBLE = str.maketrans("", "", "\u200b\ufeff")


class ImportFileError(Exception):
    """A file that cannot be imported: ``message`` (Vietnamese) and, when it points at one, the 1-based ``line``."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"dòng {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class ParsedArticle:
    published_at: datetime
    headline: str
    lead: str
    image_caption: str
    image_credit: str
    body: str
    byline: str
    credits: tuple[tuple[str, str], ...]  # (name, role) as the byline reads (formatting.read_byline), in its order
    checksum: str


@dataclass(frozen=True)
class _Block:
    line: int  # 1-based number of the block's first line
    text: str  # the block's lines joined with single spaces
    lines: int  # how many lines the block spans


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _too_large(size):
    return ImportFileError(f"tệp quá lớn ({_megabytes(size)} MB); tối đa 1 MB cho một bài.")


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"không phải văn bản UTF-8 (byte 0x{data[exc.start]:02X} không hợp lệ); hãy lưu lại tệp với mã UTF-8.",
            line,
        ) from exc
    # NUL is the one control character no text file holds (UTF-16 text and binary files are full of it); every other
    # is cleaned as the admin cleans what is pasted (articles/text.py), Word's manual line break included.
    if (nul := text.find("\x00")) >= 0:
        raise ImportFileError(
            "ký tự điều khiển U+0000 (NUL): có lẽ đây không phải tệp văn bản.", text.count("\n", 0, nul) + 1
        )
    return clean_text(text)


def _blocks(lines: list[str], first: int) -> list[_Block]:
    """Group ``lines`` (``lines[0]`` is line number ``first``) into blank-line separated blocks.

    ``str.split()`` treats no-break and other Unicode spaces as whitespace, so a line of only those is blank.
    """
    blocks, current, start = [], [], 0
    for number, line in enumerate([*lines, ""], start=first):
        words = line.split()
        if words:
            start = start if current else number
            current.append(" ".join(words))
        elif current:
            blocks.append(_Block(start, " ".join(current), len(current)))
            current = []
    return blocks


def _parse_date(line: str, number: int) -> datetime:
    shown = " ".join(line.split())
    match = _DATE_LINE.fullmatch(shown)
    if not match:
        raise ImportFileError(
            f"thiếu dòng ngày giờ «dd/mm/yyyy - HH:MM» ở đầu bài (gặp «{shown[:60]}»).",
            number,
        )
    day, month, year, hour, minute = map(int, match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=SOURCE_TZ)
    except ValueError as exc:
        raise ImportFileError(f"ngày giờ không tồn tại: «{shown}».", number) from exc
    try:
        validate_newspaper_date(moment)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages), number) from exc
    return moment


def _credits(block: _Block):
    """The credits the byline ``block`` names, or None when it is not a byline."""
    if block.lines != 1 or len(block.text) > MAX_BYLINE_CHARS:
        return None
    return read_byline(block.text)


def _photo_line(block: _Block):
    """(caption, credit) if ``block`` is a photo line that fits the fields, else None."""
    match = _PHOTO_LINE.fullmatch(block.text)
    if not match:
        return None
    caption = match["caption"].strip()
    credit = match["credit"].strip().removesuffix(".").rstrip()
    if len(caption) > _FIELD_LIMITS["image_caption"] or len(credit) > _FIELD_LIMITS["image_credit"]:
        return None
    return caption, credit


def parse(data: bytes) -> ParsedArticle:
    """Parse one file's bytes; raise ImportFileError (with the line number when there is one) if it is malformed."""
    text = _decode(data)
    lines = [line.translate(_INVISIBLE) for line in text.split("\n")]
    date_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if date_index is None:
        raise ImportFileError("tệp rỗng.")
    published_at = _parse_date(lines[date_index], date_index + 1)
    blocks = _blocks(lines[date_index + 1 :], date_index + 2)

    if not blocks:
        raise ImportFileError("thiếu tiêu đề (sau dòng ngày giờ không còn gì).", date_index + 2)
    headline, *rest = blocks
    if len(headline.text) > _FIELD_LIMITS["headline"]:
        raise ImportFileError(
            f"tiêu đề quá dài ({len(headline.text)} ký tự; tối đa {_FIELD_LIMITS['headline']}): "
            "có thể tệp thiếu tiêu đề, hoặc thiếu dòng trống giữa tiêu đề và sapo.",
            headline.line,
        )
    while rest and fold(rest[-1].text) in BOILERPLATE:
        rest.pop()
    if not rest:
        raise ImportFileError("thiếu sapo, nội dung và dòng tác giả sau tiêu đề.", headline.line + headline.lines)
    *content, byline = rest
    credits = _credits(byline)
    if credits is None:
        raise ImportFileError(
            "không thấy dòng tác giả ở cuối bài (một dòng ngắn, tên viết hoa, ví dụ «THANH THY» hoặc "
            "«Bài, ảnh: THANH THY»).",
            byline.line,
        )
    if not any(role == Contribution.Role.WRITER for _, role in credits):
        raise ImportFileError(
            f"dòng tác giả «{byline.text}» không có người viết bài (cần «Bài: …» hoặc chỉ tên người viết).", byline.line
        )
    if not content:
        raise ImportFileError("thiếu sapo và nội dung: sau tiêu đề là ngay dòng tác giả.", byline.line)
    lead, *paragraphs = content
    caption = credit = ""
    if paragraphs and (photo := _photo_line(paragraphs[0])):
        caption, credit = photo
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise ImportFileError("nội dung bài trống: sau sapo và chú thích ảnh là ngay dòng tác giả.", byline.line)

    return ParsedArticle(
        published_at=published_at,
        headline=headline.text,
        lead=lead.text,
        image_caption=caption,
        image_credit=credit,
        body="\n".join(f"<p>{html.escape(p.text, quote=False)}</p>" for p in paragraphs),
        byline=byline.text,
        credits=tuple(credits),
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


# --- where files come from ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One file to import: ``label`` names it in messages, ``key`` becomes ``Article.source_key``.

    ``read()`` returns its bytes or raises ImportFileError; ``problem`` is set instead when the source could not even
    be listed (missing path, unsafe zip member), and the file then fails with that message.
    """

    label: str
    key: str
    read: Callable[[], bytes]
    problem: str | None = None


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", PurePosixPath(name).stem)


def _failed_source(label, problem):
    return Source(label, "", bytes, problem)


def _read_path(path: Path) -> Callable[[], bytes]:
    def read():
        try:
            with path.open("rb") as file:
                data = file.read(MAX_FILE_BYTES + 1)  # never more than the limit, whatever the file's size
                if len(data) > MAX_FILE_BYTES:
                    raise _too_large(path.stat().st_size)
                return data
        except OSError as exc:
            raise ImportFileError(f"không đọc được tệp ({exc.strerror or exc}).") from exc

    return read


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read():
        if info.file_size > MAX_FILE_BYTES:
            raise _too_large(info.file_size)
        try:
            with archive.open(info) as member:
                data = member.read(MAX_FILE_BYTES + 1)  # the declared size may lie
        except RuntimeError as exc:  # what zipfile raises for a password-protected member
            raise ImportFileError("tệp trong zip có mật khẩu; không đọc được.") from exc
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, zlib.error) as exc:
            raise ImportFileError(f"tệp trong zip bị hỏng hoặc nén theo cách không hỗ trợ ({exc}).") from exc
        if len(data) > MAX_FILE_BYTES:
            raise _too_large(info.file_size)
        return data

    return read


def _hidden(parts: Iterable[str]) -> bool:
    """Editor backups and macOS metadata (``.~lock…``, ``__MACOSX/._x.txt``) are not articles."""
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _unsafe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return "\\" in name or path.is_absolute() or ".." in path.parts or re.match(r"[A-Za-z]:", name) is not None


def _zip_sources(path: Path, stack: contextlib.ExitStack) -> list[Source]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
    except (zipfile.BadZipFile, OSError) as exc:
        return [_failed_source(str(path), f"không phải tệp zip hợp lệ ({exc}).")]
    sources = []
    for info in sorted(archive.infolist(), key=lambda info: info.filename):
        name = info.filename
        if info.is_dir() or not name.lower().endswith(".txt"):
            continue
        label = f"{path}:{name}"
        if _unsafe_member(name):
            sources.append(_failed_source(label, "đường dẫn không an toàn trong tệp zip (tuyệt đối hoặc có «..»)."))
        elif not _hidden(PurePosixPath(name).parts):
            sources.append(Source(label, _key(name), _read_member(archive, info)))
    return sources


def _folder_sources(folder: Path) -> list[Source]:
    files = (
        path
        for path in folder.rglob("*")
        if path.suffix.lower() == ".txt" and path.is_file() and not _hidden(path.relative_to(folder).parts)
    )
    return [Source(str(path), _key(path.name), _read_path(path)) for path in sorted(files)]


@contextlib.contextmanager
def open_sources(paths: Iterable[str | Path]) -> Iterator[list[Source]]:
    """Expand files, folders (every ``*.txt`` inside, recursively, sorted) and ``.zip`` archives into Sources.

    A context manager because zip archives stay open until their members have been read.
    """
    with contextlib.ExitStack() as stack:
        sources = []
        for path in map(Path, paths):
            if path.is_dir():
                sources += _folder_sources(path)
            elif not path.exists():
                sources.append(_failed_source(str(path), "không tìm thấy tệp hoặc thư mục."))
            elif path.suffix.lower() == ".zip":
                sources += _zip_sources(path, stack)
            else:
                sources.append(Source(str(path), _key(path.name), _read_path(path)))
        yield sources


# --- writing -----------------------------------------------------------------------------------------------------


class Outcome(enum.Enum):
    CREATED = "Tạo mới"
    UPDATED = "Cập nhật"
    UNCHANGED = "Không đổi"
    FAILED = "Lỗi"


@dataclass(frozen=True)
class Result:
    source: Source
    outcome: Outcome
    article: Article | None = None
    error: ImportFileError | None = None

    def __str__(self):
        """The operator's line for this file: "Tạo mới: a.txt → #12 «Tiêu đề» (bản nháp)" or "Lỗi: a.txt, dòng 3: …"."""
        label = f"{self.outcome.value}: {self.source.label}"
        if self.error is not None:
            return f"{label}, {self.error}"
        state = "đã xuất bản" if self.article.status == Article.Status.PUBLISHED else "bản nháp"
        number = f"#{self.article.pk} " if self.article.pk else ""
        return f"{label} → {number}«{self.article.headline}» ({state})"


def summary(outcomes: Iterable[Outcome]) -> str:
    """ "2 tạo mới, 0 cập nhật, 1 không đổi, 0 lỗi" for the outcomes of a run."""
    counts = Counter(outcomes)
    return ", ".join(f"{counts[outcome]} {outcome.value.lower()}" for outcome in Outcome)


@dataclass(frozen=True)
class ImageData:
    """A photo already judged by ``validate_image``; ``extension`` comes from its bytes, not its name."""

    data: bytes
    extension: str


def read_image(path: str | Path) -> ImageData:
    """Read and validate a photo for ``--image``; raise ImportFileError with the image rule's Vietnamese message."""
    try:
        with Path(path).open("rb") as file:
            image_format = validate_image(file)
            validate_renderable(file)  # as the article's form does: a photo no page could show is refused
            data = file.read()
    except OSError as exc:
        raise ImportFileError(f"không đọc được ảnh {path} ({exc.strerror or exc}).") from exc
    except ValidationError as exc:
        raise ImportFileError(f"ảnh {path}: {' '.join(exc.messages)}") from exc
    return ImageData(data, IMAGE_EXTENSIONS[image_format])


def _name_key(name: str) -> str:
    return " ".join(fold(name).split())


def match_author(name: str) -> Author:
    """The author whose name equals ``name`` ignoring case, accents and spacing (oldest first), or a new unsaved one.

    Scans every author: newsrooms have tens or hundreds, and the comparison must use ``fold``, which databases lack.
    """
    wanted = _name_key(name)
    for pk, existing in Author.objects.order_by("pk").values_list("pk", "name"):
        if _name_key(existing) == wanted:
            return Author.objects.get(pk=pk)
    return Author(name=name)


def _same_image(field_file, image: ImageData) -> bool:
    if not field_file:
        return False
    try:
        with field_file.open("rb") as stored:
            return stored.read() == image.data
    except OSError:  # the stored file went missing: attaching the photo again repairs it
        return False


def _people(parsed: ParsedArticle):
    """(the author, [(Author, role)] of the contributions) the byline names: its first writer is the article's
    author, every other credit a contribution; one Author per name (saved or not yet), so "Bài, ảnh: X" is X twice."""
    authors = {}
    credits = [(authors.setdefault(name, match_author(name)), role) for name, role in parsed.credits]
    first = next(i for i, (_, role) in enumerate(credits) if role == Contribution.Role.WRITER)
    return credits[first][0], credits[:first] + credits[first + 1 :]


def _changes(article: Article, parsed: ParsedArticle, author: Author, publish: bool, section: Section | None) -> dict:
    """The fields this import would set that differ from ``article`` now (an empty dict: nothing to write)."""
    wanted = {}
    if article.pk is None or article.source_checksum != parsed.checksum:
        wanted.update(
            headline=parsed.headline,
            lead=parsed.lead,
            body=parsed.body,
            image_caption=parsed.image_caption,
            image_credit=parsed.image_credit,
            published_at=parsed.published_at,
            source_checksum=parsed.checksum,
            author=author,
        )
    if publish:
        wanted.update(status=Article.Status.PUBLISHED, published_at=parsed.published_at)
    if section is not None:
        wanted["section"] = section

    def differs(name, value):
        if name in ("author", "section"):
            return value.pk is None or getattr(article, f"{name}_id") != value.pk
        return getattr(article, name) != value

    return {name: value for name, value in wanted.items() if differs(name, value)}


def _save(article: Article, image: ImageData | None, contributions) -> None:
    """Write `article` (and its new authors), its photo, and, unless None, its `contributions` [(Author, role)]
    instead of those it had."""
    stored_before = article.image.name
    try:
        with transaction.atomic():
            for author in [article.author, *(author for author, _ in contributions or ())]:
                if author.pk is None:  # a new name: the same instance each time the byline names it
                    author.save()
            if image is not None:
                # Assigning reads the dimensions with Pillow, so this comes only after validate_image (read_image).
                article.image = File(io.BytesIO(image.data), name=f"anh.{image.extension}")
            article.save()
            if contributions is not None:
                article.contributions.all().delete()
                for position, (author, role) in enumerate(contributions):
                    article.contributions.create(author=author, role=role, position=position)
    except BaseException:
        # The database rolled back; the photo file written during save() would be an orphan.
        if image is not None and article.image.name and article.image.name != stored_before:
            article.image.storage.delete(article.image.name)
        raise


def import_source(
    source: Source,
    *,
    publish: bool = False,
    section: Section | None = None,
    image: ImageData | None = None,
    dry_run: bool = False,
) -> Result:
    """Import one file in its own transaction: created, updated, unchanged, or failed with nothing written."""
    try:
        if source.problem:
            raise ImportFileError(source.problem)
        if not source.key or len(source.key) > _KEY_LIMIT:
            raise ImportFileError(f"tên tệp phải có từ 1 đến {_KEY_LIMIT} ký tự (không kể «.txt»).")
        parsed = parse(source.read())
        article = Article.objects.filter(source_key=source.key).first() or Article(source_key=source.key)
        author, contributions = _people(parsed)
        changes = _changes(article, parsed, author, publish, section)
        new_image = image is not None and not _same_image(article.image, image)
        if article.pk is not None and not changes and not new_image:
            return Result(source, Outcome.UNCHANGED, article)
        outcome = Outcome.UPDATED if article.pk else Outcome.CREATED
        for name, value in changes.items():
            setattr(article, name, value)  # in memory only, until _save (so a dry run can report the headline)
        if not dry_run:
            # The byline's other credits come from the text, as the author does: rewritten when the text changed.
            _save(article, image if new_image else None, contributions if "source_checksum" in changes else None)
        return Result(source, outcome, article)
    except ImportFileError as exc:
        return Result(source, Outcome.FAILED, error=exc)
    except ValidationError as exc:
        return Result(source, Outcome.FAILED, error=ImportFileError(f"bài không hợp lệ: {' '.join(exc.messages)}"))
    except (DatabaseError, OSError) as exc:
        return Result(source, Outcome.FAILED, error=ImportFileError(f"không ghi được vào cơ sở dữ liệu ({exc})."))


def import_all(sources: Iterable[Source], **options) -> Iterator[Result]:
    """``import_source`` for each source in order, refusing a second file with the same name (same source_key)."""
    seen = {}
    for source in sources:
        if source.key and source.key in seen and not source.problem:
            yield Result(
                source,
                Outcome.FAILED,
                error=ImportFileError(f"trùng tên với {seen[source.key]} ở trên; mỗi bài cần một tên tệp riêng."),
            )
            continue
        seen.setdefault(source.key, source.label)
        yield import_source(source, **options)
