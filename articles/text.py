"""Vietnamese text folding, URL slugs, and what text may hold: the one place these rules live.

The admin's live slug preview (articles/static/articles/js/urlify_vi.js) re-implements
``slugify`` in JavaScript and must give the same result; tests/test_text.py runs both
on the same headlines. Change one, change the other.
"""

import re
import unicodedata
from collections.abc import Callable
from itertools import count

from django.core.validators import RegexValidator

__all__ = [
    "FALLBACK_SLUG",
    "NOT_TEXT",
    "SLUG_PATTERN",
    "base_slug",
    "clean_text",
    "fold",
    "is_slug",
    "slugify",
    "unique_slug",
    "validate_slug",
]

FALLBACK_SLUG = "bai-viet"
# Exactly what slugify() and unique_slug() produce: runs of a-z and 0-9 joined by single hyphens.
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SLUG = re.compile(SLUG_PATTERN)


def _mark_ranges(start: int, stop: int) -> str:
    """Regex character-class body listing every non-spacing mark (category Mn) in [start, stop)."""
    marks = [cp for cp in range(start, stop) if unicodedata.category(chr(cp)) == "Mn"]
    ranges: list[list[int]] = []
    for cp in marks:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges
    )


# Marks are stripped with a regex rather than str.translate: for a BMP-only class sre builds a
# constant-time lookup, about twice as fast as translate on Vietnamese text. Astral marks
# (planes 1 and 14; planes 2-3 and 15-16 have none) are rare, so they get a separate pattern
# that only runs when the text has astral characters at all.
_BMP_MARKS = re.compile(f"[{_mark_ranges(0, 0x10000)}]+")
_ASTRAL_MARKS = re.compile(f"[{_mark_ranges(0x10000, 0x20000)}{_mark_ranges(0xE0000, 0xE1000)}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NON_SLUG_RUN = re.compile(r"[^a-z0-9]+")

# Characters that are not text: C0 controls other than tab and newline (a carriage return is first made a newline),
# DEL, C1 controls, lone surrogates, and the noncharacters U+FFFE and U+FFFF. XML 1.0 (feeds, sitemaps) refuses most
# of them, PostgreSQL refuses NUL, UTF-8 cannot encode a surrogate; and Word writes U+000B for a manual line break.
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` as every text field stores it: NFC, line breaks as "\\n", and every character of ``NOT_TEXT`` turned
    into a space (not removed: Word's manual line break between two words must leave them two words).

    Idempotent. Applied on save to every text field of every model of the app (``models.clean_text_fields``), and by
    the importer to a whole file before parsing it.
    """
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return NOT_TEXT.sub(" ", unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Lower-case ``text`` and strip every accent, so "Đức Phương" and "duc phuong" compare equal.

    Rule: compatibility-decompose (NFKD), lower-case, drop all non-spacing marks (Unicode
    category Mn: Vietnamese tones and the breve/circumflex/horn), and map đ to d. NFC and
    NFD input therefore fold identically. Spaces and punctuation are kept (NFKD turns a
    no-break space into a plain one) because search indexing and name matching use this too.
    Non-Latin scripts keep their letters and are returned in NFC.
    """
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", text).lower()
    folded = _BMP_MARKS.sub("", folded)
    if _ASTRAL.search(folded):
        folded = _ASTRAL_MARKS.sub("", folded)
    # đ has no Unicode decomposition, so NFKD leaves it alone. Text converted from legacy
    # Vietnamese encodings (VNI, TCVN3) often has the look-alike Icelandic eth (ð) instead.
    folded = folded.replace("đ", "d").replace("ð", "d")
    if folded.isascii():
        return folded
    # Recompose what survives (e.g. Hangul syllables NFKD split into jamo).
    return unicodedata.normalize("NFC", folded)


def slugify(text: str, max_length: int = 200) -> str:
    """Turn a headline into an ASCII URL slug: "Nêu cao tinh thần" -> "neu-cao-tinh-than".

    Rule: ``fold``, then every run of characters outside [a-z0-9] becomes one hyphen,
    leading/trailing hyphens are stripped, and the result is cut to ``max_length`` without
    leaving a trailing hyphen. Django's own slugify drops đ and would give "uc-phuong" for
    "Đức Phương", so it is not used. May return "" (headline of only punctuation).
    """
    slug = _NON_SLUG_RUN.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-")


def base_slug(text: str, max_length: int = 200) -> str:
    """The slug ``text`` gives, or the fallback ("bai-viet") when it gives none: what an article is called before
    anything else took the name (``unique_slug`` then adds -2, -3 …)."""
    return slugify(text, max_length) or slugify(FALLBACK_SLUG, max_length)


def is_slug(text: str) -> bool:
    """Whether ``text`` is a slug as this module makes them."""
    return _SLUG.fullmatch(text) is not None


# The model fields' validator: an editor may type a slug, but only one of the shape this module makes.
validate_slug = RegexValidator(
    rf"\A{SLUG_PATTERN}\Z",
    "Đường dẫn chỉ gồm chữ thường không dấu (a–z), chữ số và dấu gạch ngang giữa các từ, ví dụ: neu-cao-tinh-than.",
    code="invalid_slug",
)


def unique_slug(base: str, is_taken: Callable[[str], bool], max_length: int = 200) -> str:
    """Return ``base`` if ``is_taken`` says it is free, else base-2, base-3, ... (first free one).

    ``base`` is passed through ``slugify`` (idempotent for a slug, so a headline works too);
    an empty result falls back to "bai-viet" ("article") so every article gets a URL. The base
    is trimmed, never the number, so the candidate always fits ``max_length``. This is
    check-then-use: a unique constraint on the column must still guard concurrent saves.
    """
    stem = base_slug(base, max_length)
    if not stem:
        raise ValueError(f"max_length={max_length} leaves no room for a slug")
    if not is_taken(stem):
        return stem
    for n in count(2):
        suffix = f"-{n}"
        trimmed = stem[: max_length - len(suffix)].rstrip("-")
        if not trimmed:
            raise ValueError(f"max_length={max_length} leaves no room for the suffix {suffix!r}")
        candidate = trimmed + suffix
        if not is_taken(candidate):
            return candidate
    raise AssertionError("unreachable")  # count() never ends; keeps type checkers happy
