"""Vietnamese folding and slugs (articles/text.py) and the admin's JavaScript twin (urlify_vi.js)."""

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from articles.text import FALLBACK_SLUG, fold, is_slug, slugify, unique_slug

URLIFY_JS = Path(__file__).resolve().parent.parent / "articles" / "static" / "articles" / "js" / "urlify_vi.js"

# Each Vietnamese vowel row: the base letter, then grave, acute, hook above, tilde, dot below.
VOWEL_ROWS = {
    "a": "aàáảãạ",
    "ă": "ăằắẳẵặ",
    "â": "âầấẩẫậ",
    "e": "eèéẻẽẹ",
    "ê": "êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ",
    "ô": "ôồốổỗộ",
    "ơ": "ơờớởỡợ",
    "u": "uùúủũụ",
    "ư": "ưừứửữự",
    "y": "yỳýỷỹỵ",
}
BASE_LETTER = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u"}
VIETNAMESE_LETTERS = [
    (letter, BASE_LETTER.get(row, row)) for row, letters in VOWEL_ROWS.items() for letter in letters
] + [("đ", "d")]
ALL_CASES = VIETNAMESE_LETTERS + [(letter.upper(), base) for letter, base in VIETNAMESE_LETTERS]


def test_letter_table_covers_every_vowel_tone_and_d():
    """The table has 12 vowels x 6 forms plus đ, in both cases, all distinct precomposed letters."""
    letters = [letter for letter, _ in ALL_CASES]
    assert len(letters) == 2 * (12 * 6 + 1)
    assert len(set(letters)) == len(letters)
    assert all(len(letter) == 1 for letter in letters)


@pytest.mark.parametrize(("letter", "base"), ALL_CASES)
def test_every_vietnamese_letter_folds_to_its_base_latin_letter(letter, base):
    """Each toned/modified vowel and đ, upper or lower case, folds to its lower-case base letter."""
    assert fold(letter) == base


@pytest.mark.parametrize(("letter", "base"), ALL_CASES)
def test_decomposed_letters_fold_like_precomposed_ones(letter, base):
    """NFD input (base letter + combining marks) folds exactly like NFC input."""
    assert fold(unicodedata.normalize("NFD", letter)) == base


def test_fold_keeps_spaces_and_punctuation():
    """Folding only strips accents and lower-cases; spacing and punctuation survive for search."""
    assert fold("Ông Nguyễn Đức Phương, Bí thư!") == "ong nguyen duc phuong, bi thu!"


def test_fold_turns_no_break_space_into_plain_space():
    """NFKD compatibility folding maps U+00A0 to an ordinary space."""
    assert fold("thần\u00a0trách") == "than trach"


def test_fold_strips_marks_from_other_latin_letters():
    """Non-Vietnamese accented letters lose their combining marks too."""
    assert fold("Crème Brûlée Ñandú Åse") == "creme brulee nandu ase"


def test_fold_of_ascii_is_plain_lower_case():
    """ASCII text is just lower-cased."""
    assert fold("Hello, World 2025") == "hello, world 2025"


def test_fold_leaves_non_latin_letters_in_nfc():
    """Scripts without a Latin base keep their letters, recomposed to NFC."""
    assert fold("한국어") == "한국어"


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Nêu cao tinh thần trách nhiệm", "neu-cao-tinh-than-trach-nhiem"),
        ("Đức Phương", "duc-phuong"),
        ("Ông Nguyễn Đức Phương, Bí thư Chi bộ!", "ong-nguyen-duc-phuong-bi-thu-chi-bo"),
    ],
)
def test_slugify_vietnamese_headlines(headline, slug):
    """Vietnamese headlines become ASCII, hyphen-separated slugs, of the one shape the admin accepts."""
    assert slugify(headline) == slug
    assert is_slug(slug)


def test_seed_headline_with_trailing_no_break_space():
    """The seed headline's trailing U+00A0 leaves no trailing hyphen."""
    assert slugify("Nêu cao tinh thần trách nhiệm\u00a0") == "neu-cao-tinh-than-trach-nhiem"


def test_nfc_and_nfd_headlines_give_the_same_slug():
    """The same headline typed as NFC or pasted as NFD produces one slug."""
    headline = "Người dân Thủ Đức đón Tết Nguyên Đán ở phường Trường Thọ"
    nfc, nfd = unicodedata.normalize("NFC", headline), unicodedata.normalize("NFD", headline)
    assert nfc != nfd
    assert slugify(nfc) == slugify(nfd) == "nguoi-dan-thu-duc-don-tet-nguyen-dan-o-phuong-truong-tho"


def test_slugify_drops_punctuation_and_collapses_runs():
    """Runs of punctuation and spaces become a single hyphen; edges are trimmed."""
    assert slugify("  «Hà Nội» – “mùa thu” … 2025?! ") == "ha-noi-mua-thu-2025"


@pytest.mark.parametrize("d", ["đ", "Đ"])
def test_d_with_stroke_becomes_d(d):
    """đ and Đ map to d (Django's slugify would drop them)."""
    assert slugify(f"{d}ường {d}i") == "duong-di"


def test_slugify_truncates_without_trailing_hyphen():
    """Cutting at max_length never leaves a hyphen at the end."""
    assert slugify("Nêu cao tinh thần", max_length=8) == "neu-cao"
    assert slugify("Nêu cao tinh thần", max_length=9) == "neu-cao-t"
    assert len(slugify("Việt Nam " * 100)) <= 200


def test_slugify_of_only_punctuation_is_empty():
    """A headline with no letters or digits has no slug of its own."""
    assert slugify("!!! ??? — …") == ""


def test_unique_slug_returns_base_when_free():
    """A free slug is used as is."""
    assert unique_slug("neu-cao", lambda slug: False) == "neu-cao"


def test_unique_slug_numbers_clashes_from_two():
    """Taken slugs get -2, then -3, ..."""
    taken = {"neu-cao", "neu-cao-2"}
    assert unique_slug("neu-cao", taken.__contains__) == "neu-cao-3"
    assert unique_slug("neu-cao", {"neu-cao"}.__contains__) == "neu-cao-2"


def test_unique_slug_trims_base_to_fit_suffix():
    """The numbered slug stays within max_length by trimming the base, not the number."""
    taken = {"abcde-fghij"}
    result = unique_slug("abcde-fghij", taken.__contains__, max_length=11)
    assert result == "abcde-fgh-2"
    assert len(result) <= 11


def test_unique_slug_trim_never_leaves_double_hyphen():
    """Trimming that lands on a hyphen drops it before the suffix."""
    assert unique_slug("abcde-fghij", {"abcde-fg"}.__contains__, max_length=8) == "abcde-2"


def test_unique_slug_empty_base_falls_back():
    """A punctuation-only headline gets the fallback slug, numbered if taken."""
    assert unique_slug(slugify("!!!"), lambda slug: False) == FALLBACK_SLUG == "bai-viet"
    assert unique_slug("", {"bai-viet"}.__contains__) == "bai-viet-2"


def test_unique_slug_accepts_a_headline():
    """The base is slugified again, so passing a raw headline is safe."""
    assert unique_slug("Đức Phương", lambda slug: False) == "duc-phuong"


# (headline, num_chars) pairs for the JavaScript comparison; None means the default.
JS_CASES = [
    ("Nêu cao tinh thần trách nhiệm\u00a0", None),
    ("Đức Phương", None),
    ("Ông Nguyễn Đức Phương, Bí thư Chi bộ!", None),
    ("ĐẢNG BỘ PHƯỜNG TRƯỜNG THỌ TỔNG KẾT NĂM 2024", None),
    (unicodedata.normalize("NFD", "Người dân Thủ Đức đón Tết Nguyên Đán"), None),
    (unicodedata.normalize("NFD", "Khánh thành cầu Phú Mỹ mở rộng"), 20),
    ("Giá xăng dầu tăng 1.200 đồng/lít từ 15h chiều nay", None),
    ("“Mùa thu Hà Nội” – ký ức của người ở lại…", None),
    ("«Sài Gòn» & (Chợ Lớn): 300 năm [lịch sử]", None),
    ("Bão số 3 (Yagi): thiệt hại ước tính 40.000 tỷ đồng", 30),
    ("COVID-19: TP.HCM ghi nhận 0 ca mới", None),
    ("  --Khoảng trắng   và gạch ngang--  ", None),
    ("Tiếng Việt có 6 thanh: ngang, huyền, sắc, hỏi, ngã, nặng", None),
    ("Ăn ở Ưu Ơn Ân Ê Ô Ờ Ừ Ỷ Ỹ Ỵ", None),
    ("ăằắẳẵặ âầấẩẫậ êềếểễệ ôồốổỗộ ơờớởỡợ ưừứửữự", None),
    ("ĂẰẮẲẴẶ ÂẦẤẨẪẬ ÊỀẾỂỄỆ ÔỒỐỔỖỘ ƠỜỚỞỠỢ ƯỪỨỬỮỰ Đ", None),
    ("Lãnh đạo Ðảng bộ (eth look-alike)", None),
    ("Crème brûlée à la Sài Gòn", None),
    ("Ｆｕｌｌｗｉｄｔｈ ＶＩＥＴ ２０２５", None),
    ("!!! ??? — …", None),
    ("", None),
    ("Hà Nội", 0),
    ("Quốc hội thông qua Luật Đất đai sửa đổi với 432/477 đại biểu tán thành " * 5, None),
    ("Quốc hội thông qua Luật Đất đai sửa đổi với 432/477 đại biểu tán thành", 50),
    ("Nêu cao tinh thần trách nhiệm", 8),
    ("Nêu cao tinh thần trách nhiệm", 9),
    ("Hội nghị Ban Chấp hành Trung ương lần thứ 10, khóa XIII", 42),
    ("tab\tnewline\nand\u2003em space\u00a0nbsp", None),
    ("Thành phố Hồ Chí Minh: 50 năm thống nhất đất nước (1975–2025)", 64),
    (unicodedata.normalize("NFD", "Ông Nguyễn Đức Phương, Bí thư Chi bộ!") + "\u00a0", 25),
]

_NODE_SCRIPT = """
const urlify = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([text, n]) => ({
  slug: n === null ? urlify.slugify(text) : urlify.slugify(text, n),
  urlify: urlify.URLify(text, n === null ? undefined : String(n), false),
  fold: urlify.fold(text),
}));
process.stdout.write(JSON.stringify(out));
"""


def _node() -> str:
    node = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if node:
        return node
    message = "node is not installed; it is needed to check urlify_vi.js against articles.text.slugify"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_js_urlify_matches_python_slugify():
    """urlify_vi.js gives exactly Python's slugify (and fold) for every sample headline."""
    node = _node()
    result = subprocess.run(
        [node, "-e", _NODE_SCRIPT, str(URLIFY_JS)],
        input=json.dumps(JS_CASES),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    js = json.loads(result.stdout)
    assert len(js) == len(JS_CASES)
    mismatches = []
    for (text, num_chars), got in zip(JS_CASES, js, strict=True):
        expected = slugify(text) if num_chars is None else slugify(text, num_chars)
        if not (got["slug"] == got["urlify"] == expected and got["fold"] == fold(text)):
            mismatches.append((text, num_chars, expected, fold(text), got))
    assert not mismatches, "\n".join(map(repr, mismatches))
