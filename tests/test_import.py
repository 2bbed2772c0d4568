"""The plain-text importer (articles/importer.py), its command import_articles, and the demo content (load_demo)."""

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from datetime import UTC
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.importer import MAX_FILE_BYTES, ImportFileError, match_author, open_sources, parse, read_image
from articles.models import Article, Author, Section
from articles.sanitize import clean_body
from tests.factories import blank_png, image_bytes, make_author

SEED = Path(__file__).resolve().parent / "data" / "000_cb3a0ecfc020ae02.txt"
SEED_KEY = "000_cb3a0ecfc020ae02"
SEED_TEXT = SEED.read_text(encoding="utf-8")
NBSP = "\u00a0"

# --- helpers ----------------------------------------------------------------------------------------------------------


def replace_block(text, old, new):
    """The seed text with one exact block (or line) replaced; fails loudly if the seed no longer has it."""
    assert old in text
    return text.replace(old, new, 1)


def article_file(headline="Bài thử nghiệm nhập", byline="THANH THY", date="03/03/2024 - 08:00", lead=None, body=None):
    """A small well-formed file in the newspaper's format."""
    lead = lead or f"Sapo của bài {headline.lower()}."
    body = body or ["Đoạn thứ nhất của nội dung.", "Đoạn thứ hai của nội dung."]
    return "\n\n".join([date, headline, lead, *body, byline, "Chia sẻ bài viết"]) + "\n"


def write(folder, name, content):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def run(*args):
    """Run import_articles; return its output (raises CommandError like the CLI exits non-zero)."""
    out = io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out)
    return out.getvalue()


def run_failing(*args):
    """Run import_articles expecting a non-zero exit; return (output, final error message)."""
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", *map(str, args), stdout=out)
    return out.getvalue(), str(excinfo.value)


def writes(queries):
    return [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.IGNORECASE)]


def bomb_png(width=20000, height=20000):
    """A PNG header announcing 400 megapixels: refused from the header, before any pixel is decoded."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"x") + chunk(b"IEND", b"")


@pytest.fixture
def htx(db):
    call_command("loaddata", "htx", verbosity=0)
    return Article.objects.select_related("author").get(pk=1)


# --- the parser -------------------------------------------------------------------------------------------------------


def assert_same_as_htx(article, htx):
    assert article.headline == htx.headline
    assert article.lead == htx.lead
    assert article.image_caption == htx.image_caption
    assert article.image_credit == htx.image_credit
    assert article.body == htx.body
    assert article.published_at == htx.published_at


def test_seed_parses_to_the_htx_fixture_field_by_field(htx):
    """The parser turns the seed into exactly the HTX fixture: headline, lead, caption, credit, body, byline, time."""
    parsed = parse(SEED.read_bytes())
    assert_same_as_htx(parsed, htx)
    assert parsed.byline == htx.author.name
    assert parsed.image_credit == "Liên minh HTX thành phố cung cấp"  # no "Ảnh:", no final period
    assert parsed.image_caption.endswith("hội chợ.")  # the caption keeps its period
    assert not parsed.headline.endswith((" ", NBSP))
    assert clean_body(parsed.body) == parsed.body


def test_importing_the_seed_into_an_empty_database_gives_the_htx_article(db):
    """The command stores what the parser read: the imported seed equals the htx fixture's article."""
    from django.core import serializers

    fixture = Path(__file__).resolve().parents[1] / "articles" / "fixtures" / "htx.json"
    objects = {o.object._meta.model_name: o.object for o in serializers.deserialize("json", fixture.read_text())}
    output = run(SEED)
    imported = Article.objects.select_related("author").get(source_key=SEED_KEY)
    assert_same_as_htx(imported, objects["article"])
    assert (imported.source_key, imported.source_checksum) == (
        objects["article"].source_key,
        objects["article"].source_checksum,
    )
    assert imported.author.name == objects["author"].name
    assert f"Tạo mới: {SEED}" in output


def test_importing_the_seed_over_the_htx_fixture_changes_nothing(htx):
    """The fixture records the seed as its source, so importing the seed again makes no twin."""
    output = run(SEED)
    assert "Không đổi" in output
    assert list(Article.objects.values_list("pk", flat=True)) == [1]
    assert Author.objects.count() == 1


VARIANTS = {
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "bom": lambda text: "\ufeff" + text,
    "nfd": lambda text: unicodedata.normalize("NFD", text),
    "extra blank lines": lambda text: "\n\n" + text.replace("\n\n", "\n\n \n\n" + NBSP + "\n\n") + "\n\n\n",
    "stray no-break spaces": lambda text: text.replace("Theo đồng chí", f"Theo{NBSP}đồng chí{NBSP}{NBSP}").replace(
        "THANH THY", f"{NBSP}THANH THY{NBSP}"
    ),
    "trailing boilerplate": lambda text: text + f"\n\n{NBSP} {NBSP}\n\nChia sẻ bài viết\n\n   \n",
    "old mac line ends": lambda text: text.replace("\n", "\r"),
}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_real_world_variants_of_the_seed_parse_to_the_same_article(variant, htx):
    """CRLF, BOM, NFD, extra blank lines, no-break spaces and boilerplate change nothing that is stored (NFC)."""
    parsed = parse(variant(SEED_TEXT).encode())
    assert_same_as_htx(parsed, htx)
    assert parsed.byline == "THANH THY"
    assert unicodedata.is_normalized("NFC", parsed.body + parsed.lead + parsed.headline)


@pytest.mark.parametrize("variant", ["crlf", "bom", "nfd"])
def test_encoding_variants_have_the_seed_checksum(variant):
    """The checksum is taken after normalising, so re-saving a file with CRLF, a BOM or in NFD is not a change."""
    assert parse(VARIANTS[variant](SEED_TEXT).encode()).checksum == parse(SEED.read_bytes()).checksum


def test_file_without_photo_line_has_no_caption_or_credit(htx):
    """The photo line is optional: without it, caption and credit are empty and the body is unchanged."""
    photo = "Liên minh HTX thành phố hỗ trợ các HTX tham gia hội chợ. Ảnh: Liên minh HTX thành phố cung cấp.\n\n"
    parsed = parse(replace_block(SEED_TEXT, photo, "").encode())
    assert (parsed.image_caption, parsed.image_credit) == ("", "")
    assert parsed.body == htx.body
    assert parsed.lead == htx.lead


def test_two_line_headline_is_joined_with_a_space():
    """A headline wrapped over two lines is one headline; the next block is still the lead."""
    text = replace_block(SEED_TEXT, f"Nêu cao tinh thần trách nhiệm{NBSP}\n", "Nêu cao tinh thần\ntrách nhiệm\n")
    parsed = parse(text.encode())
    assert parsed.headline == "Nêu cao tinh thần trách nhiệm"
    assert parsed.lead.startswith("Chi bộ Liên minh")


def test_paragraph_text_is_escaped_and_survives_the_sanitiser():
    """Text that looks like HTML is shown as text, and the stored body is what the sanitiser would keep."""
    parsed = parse(article_file(body=['Giá <b>tăng</b> 5% & "giảm" sau đó.', "Đoạn hai."]).encode())
    assert parsed.body == '<p>Giá &lt;b&gt;tăng&lt;/b&gt; 5% &amp; "giảm" sau đó.</p>\n<p>Đoạn hai.</p>'
    assert clean_body(parsed.body) == parsed.body


def test_capital_line_inside_the_body_is_a_paragraph_and_only_the_last_is_the_byline():
    """A short line in capitals is the byline only at the end; earlier (a subheading) it is body text."""
    parsed = parse(article_file(body=["Đoạn một.", "KẾT QUẢ NỔI BẬT", "Đoạn ba."], byline="HOÀNG LAN").encode())
    assert parsed.byline == "HOÀNG LAN"
    assert "<p>KẾT QUẢ NỔI BẬT</p>" in parsed.body


def test_lowercase_image_word_in_the_first_paragraph_is_not_a_photo_line():
    """Only "Ảnh:" starting a sentence marks a photo line; "50 hình ảnh: …" in the text is a paragraph."""
    first = "Triển lãm gồm 50 hình ảnh: chân dung, phong cảnh và đời sống."
    parsed = parse(article_file(body=[first, "Đoạn hai."]).encode())
    assert parsed.image_caption == ""
    assert parsed.body.startswith(f"<p>{first}</p>")


def test_photo_line_without_caption_keeps_the_credit():
    """A photo line of only "Ảnh: TTXVN" is a credit without caption."""
    parsed = parse(article_file(body=["Ảnh: TTXVN", "Đoạn một."]).encode())
    assert (parsed.image_caption, parsed.image_credit) == ("", "TTXVN")


def test_date_line_is_vietnam_time():
    """ "17/02/2020 - 09:44" is 02:44 UTC."""
    assert parse(SEED.read_bytes()).published_at.astimezone(UTC).strftime("%H:%M") == "02:44"


def test_control_characters_pasted_from_word_are_cleaned_as_the_admin_cleans_them():
    """A file with Word's manual line break (U+000B) or a form feed imports, those characters read as spaces (the
    rule of articles/text.py that every save applies); only NUL, which no text file holds, refuses a file."""
    parsed = parse(article_file(headline="Cần Thơ\x0bđẩy mạnh", body=["Đoạn\x0cmột.", "Đoạn hai."]).encode())
    assert parsed.headline == "Cần Thơ đẩy mạnh"
    assert parsed.body.startswith("<p>Đoạn một.</p>")


# --- malformed files --------------------------------------------------------------------------------------------------

BYLINE_LINE = SEED_TEXT.split("\n").index("THANH THY") + 1
MALFORMED = {
    "no date line": (SEED_TEXT.split("\n", 2)[2].encode(), 1, "thiếu dòng ngày giờ"),
    "impossible date": (SEED_TEXT.replace("17/02/2020", "31/02/2020").encode(), 1, "ngày giờ không tồn tại"),
    "impossible time": (SEED_TEXT.replace("09:44", "24:10").encode(), 1, "ngày giờ không tồn tại"),
    "date before 1900": (
        SEED_TEXT.replace("17/02/2020 - 09:44", "01/01/0001 - 00:00").encode(),
        1,
        "Ngày 01/01/0001 nằm ngoài khoảng báo có thể đăng: từ năm 1900 đến năm 2100.",
    ),
    "date after 2100": (SEED_TEXT.replace("17/02/2020", "31/12/9999").encode(), 1, "Ngày 31/12/9999 nằm ngoài"),
    "no headline": (b"17/02/2020 - 09:44\n\n \n", 2, "thiếu tiêu đề"),
    "headline missing before the lead": (
        replace_block(SEED_TEXT, f"Nêu cao tinh thần trách nhiệm{NBSP}\n\n", "").encode(),
        3,
        "tiêu đề quá dài",
    ),
    "empty body": (
        article_file(body=["Lời chú thích. Ảnh: TTXVN."]).encode(),
        9,
        "nội dung bài trống",
    ),
    "nothing after the headline": (b"03/03/2024 - 08:00\n\nTieu de\n\nChia se bai viet\n", 4, "thiếu sapo"),
    "no byline": (article_file(byline="Thanh Thy viết").encode(), 11, "không thấy dòng tác giả"),
    "not utf-8": (
        SEED_TEXT.encode().replace("Theo đồng".encode(), b"Theo \xf0\x28ng", 1),
        9,
        "không phải văn bản UTF-8",
    ),
    "utf-16": (SEED_TEXT.encode("utf-16"), 1, "không phải văn bản UTF-8"),
    "binary": (b"17/02/2020 - 09:44\n\nABC\x00\x01", 3, "ký tự điều khiển"),
    "empty file": (b"", None, "tệp rỗng"),
    "only blank lines": (f"\r\n{NBSP}\r\n  \r\n".encode(), None, "tệp rỗng"),
    "over 1 MB": (SEED_TEXT.encode() + b"x" * MAX_FILE_BYTES, None, "tệp quá lớn"),
}


@pytest.mark.parametrize(("data", "line", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_is_refused_with_its_line_and_reason(data, line, message):
    """The parser names what is wrong and on which line (none for whole-file problems)."""
    with pytest.raises(ImportFileError) as excinfo:
        parse(data)
    assert message in excinfo.value.message
    assert excinfo.value.line == line


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "line", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_fails_the_command_naming_file_and_line_and_writes_nothing(tmp_path, data, line, message):
    """The operator sees file, line and reason; the command exits non-zero; no article and no author is written."""
    path = write(tmp_path, "bai-loi.txt", data)
    output, error = run_failing(path)
    where = f"{path}, dòng {line}: " if line else f"{path}, "
    assert f"Lỗi: {where}{message}" in output
    assert "0 tạo mới, 0 cập nhật, 0 không đổi, 1 lỗi" in error
    assert not Article.objects.exists()
    assert not Author.objects.exists()


def test_file_over_one_megabyte_is_refused_before_being_read_whole(tmp_path, monkeypatch):
    """A huge file is judged on its first 1 MB + 1 byte; the rest is never read."""
    path = write(tmp_path, "lon.txt", b"x" * (5 * MAX_FILE_BYTES))
    read_sizes = []
    real_open = Path.open

    class Spy(io.BufferedReader):
        def read(self, size=-1):
            read_sizes.append(size)
            return super().read(size)

    monkeypatch.setattr(Path, "open", lambda self, mode="r", **kw: Spy(real_open(self, mode, buffering=0, **kw)))
    with open_sources([path]) as [source], pytest.raises(ImportFileError, match="5,0 MB"):
        source.read()
    assert read_sizes == [MAX_FILE_BYTES + 1]


# --- idempotency and updates ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_same_file_again_writes_nothing(tmp_path):
    """Second import: "Không đổi", no INSERT/UPDATE at all, updated_at untouched."""
    path = write(tmp_path, "bai.txt", SEED_TEXT)
    run(path)
    before = Article.objects.get()
    with CaptureQueriesContext(connection) as queries:
        output = run(path)
    assert f"Không đổi: {path} → #{before.pk}" in output
    assert "0 tạo mới, 0 cập nhật, 1 không đổi, 0 lỗi" in output
    assert writes(queries.captured_queries) == []
    assert Article.objects.get().updated_at == before.updated_at


@pytest.mark.django_db
def test_same_article_resaved_with_crlf_and_bom_is_unchanged(tmp_path):
    """Re-saving the file on Windows (CRLF, BOM) is not an edit."""
    path = write(tmp_path, "bai.txt", SEED_TEXT)
    run(path)
    write(tmp_path, "bai.txt", "\ufeff" + SEED_TEXT.replace("\n", "\r\n"))
    assert "1 không đổi" in run(path)


@pytest.mark.django_db
def test_changed_file_updates_the_same_article(tmp_path):
    """A corrected file updates the article it made before (same pk, same URL), never a twin."""
    path = write(tmp_path, "bai.txt", SEED_TEXT)
    run(path)
    first = Article.objects.get()
    write(tmp_path, "bai.txt", SEED_TEXT.replace("Nêu cao tinh thần trách nhiệm", "Nêu cao trách nhiệm", 1))
    output = run(path)
    article = Article.objects.get()
    assert f"Cập nhật: {path} → #{first.pk} «Nêu cao trách nhiệm»" in output
    assert (article.pk, article.slug) == (first.pk, first.slug)
    assert article.headline == "Nêu cao trách nhiệm"
    assert article.source_checksum != first.source_checksum
    assert article.updated_at > first.updated_at


@pytest.mark.django_db
def test_update_goes_through_article_save(tmp_path, monkeypatch):
    """Updates are written by Article.save() (so sanitising and revisions apply), not by a queryset update."""
    path = write(tmp_path, "bai.txt", article_file())
    run(path)
    saved = []
    real_save = Article.save
    monkeypatch.setattr(Article, "save", lambda self, *a, **kw: saved.append(self.pk) or real_save(self, *a, **kw))
    write(tmp_path, "bai.txt", article_file(lead="Sapo đã sửa."))
    run(path)
    assert saved == [Article.objects.get().pk]
    assert Article.objects.get().lead == "Sapo đã sửa."


@pytest.mark.django_db
def test_editors_changes_survive_reimport_of_unchanged_file(tmp_path):
    """Re-importing an unchanged file does not undo what an editor changed in the admin."""
    path = write(tmp_path, "bai.txt", article_file())
    run(path)
    Article.objects.update(headline="Tiêu đề biên tập viên sửa")
    run(path)
    assert Article.objects.get().headline == "Tiêu đề biên tập viên sửa"


# --- batches ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_batch_with_one_bad_file_imports_the_others_and_exits_non_zero(tmp_path):
    """One malformed file fails alone: the others are imported, nothing of it is, and the exit code says so."""
    write(tmp_path, "a.txt", article_file("Bài A"))
    write(tmp_path, "b.txt", article_file("Bài B", date="30/02/2024 - 08:00"))
    write(tmp_path, "c.txt", article_file("Bài C"))
    output, error = run_failing(tmp_path)
    assert sorted(Article.objects.values_list("source_key", flat=True)) == ["a", "c"]
    assert f"Lỗi: {tmp_path / 'b.txt'}, dòng 1: ngày giờ không tồn tại" in output
    assert "2 tạo mới, 0 cập nhật, 0 không đổi, 1 lỗi" in error


@pytest.mark.django_db
def test_failure_while_writing_leaves_neither_article_nor_new_author(tmp_path, monkeypatch):
    """Each file is one transaction: if saving the article fails, the author created for it is rolled back too."""
    write(tmp_path, "a.txt", article_file("Bài A", byline="TÁC GIẢ MỘT"))
    write(tmp_path, "b.txt", article_file("Bài hỏng", byline="TÁC GIẢ HAI"))
    real_save = Article.save

    def failing_save(self, *args, **kwargs):
        if self.headline == "Bài hỏng":
            from django.db import IntegrityError

            raise IntegrityError("giả lập lỗi cơ sở dữ liệu")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", failing_save)
    output, _ = run_failing(tmp_path)
    assert list(Author.objects.values_list("name", flat=True)) == ["TÁC GIẢ MỘT"]
    assert list(Article.objects.values_list("headline", flat=True)) == ["Bài A"]
    assert f"Lỗi: {tmp_path / 'b.txt'}, không ghi được vào cơ sở dữ liệu" in output


@pytest.mark.django_db
def test_folder_is_imported_recursively_in_name_order_skipping_hidden_files(tmp_path):
    """Every *.txt in the folder and its subfolders, sorted; other files and hidden editor files are ignored."""
    write(tmp_path, "2020/b.txt", article_file("Bài B"))
    write(tmp_path, "2019/a.TXT", article_file("Bài A"))
    write(tmp_path, "ghi-chu.md", "không phải bài")
    write(tmp_path, ".~lock.a.txt", b"\xff\xfe")
    output = run(tmp_path)
    assert output.index("Bài A") < output.index("Bài B")
    assert "2 tạo mới, 0 cập nhật, 0 không đổi, 0 lỗi" in output


@pytest.mark.django_db
def test_two_files_with_the_same_name_in_one_run_are_not_merged(tmp_path):
    """The file name is the article's identity: a second file with the same name in one run is refused."""
    write(tmp_path, "x/bai.txt", article_file("Bài một"))
    write(tmp_path, "y/bai.txt", article_file("Bài hai"))
    output, _ = run_failing(tmp_path / "x", tmp_path / "y")
    assert Article.objects.get().headline == "Bài một"
    assert f"Lỗi: {tmp_path / 'y' / 'bai.txt'}, trùng tên với {tmp_path / 'x' / 'bai.txt'}" in output


@pytest.mark.django_db
def test_missing_path_is_reported_and_the_rest_imported(tmp_path):
    """A mistyped path is one failure, not a crash."""
    good = write(tmp_path, "a.txt", article_file())
    output, _ = run_failing(good, tmp_path / "khong-co.txt")
    assert f"Lỗi: {tmp_path / 'khong-co.txt'}, không tìm thấy tệp hoặc thư mục." in output
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_more_than_five_files_show_progress_on_every_line(tmp_path):
    """With more than a handful of files each line carries [k/N]."""
    for n in range(6):
        write(tmp_path, f"{n}.txt", article_file(f"Bài số {n}"))
    lines = run(tmp_path).splitlines()
    assert [line.split("]")[0] for line in lines[:6]] == [f"[{k}/6" for k in range(1, 7)]


@pytest.mark.django_db
def test_few_files_have_no_progress_counter(tmp_path):
    """A single file gets a plain line."""
    assert run(write(tmp_path, "a.txt", article_file())).startswith("Tạo mới: ")


# --- dry run ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_reports_but_writes_nothing(tmp_path):
    """--dry-run says what would happen, and the database is untouched (no INSERT/UPDATE, no author)."""
    write(tmp_path, "a.txt", article_file("Bài mới", byline="NGƯỜI MỚI"))
    with CaptureQueriesContext(connection) as queries:
        output = run(tmp_path, "--dry-run", "--publish")
    assert "Chạy thử (--dry-run)" in output
    assert "Tạo mới: " in output and "«Bài mới» (đã xuất bản)" in output
    assert "Kết quả (chạy thử): 1 tạo mới" in output
    assert writes(queries.captured_queries) == []
    assert not Article.objects.exists() and not Author.objects.exists()


@pytest.mark.django_db
def test_dry_run_of_a_changed_file_leaves_the_article_as_it_was(tmp_path):
    """--dry-run on an edited file reports "Cập nhật" and changes nothing."""
    path = write(tmp_path, "a.txt", article_file())
    run(path)
    before = list(Article.objects.values())
    write(tmp_path, "a.txt", article_file(lead="Sapo mới."))
    assert "Cập nhật: " in run(path, "--dry-run")
    assert list(Article.objects.values()) == before


@pytest.mark.django_db
def test_dry_run_with_malformed_file_still_fails(tmp_path):
    """--dry-run checks files: a malformed one fails with its message and a non-zero exit."""
    output, _ = run_failing(write(tmp_path, "a.txt", b""), "--dry-run")
    assert "tệp rỗng" in output


# --- zip archives -----------------------------------------------------------------------------------------------------


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.django_db
def test_zip_archive_members_are_imported_in_name_order(tmp_path):
    """A .zip is read like a folder: *.txt members, sorted, keyed by file name; macOS metadata is skipped."""
    archive = make_zip(
        tmp_path / "luu-tru.zip",
        {
            "2020/b.txt": article_file("Bài B"),
            "2019/a.txt": article_file("Bài A"),
            "__MACOSX/2019/._a.txt": b"\x00\x05\x16\x07",
            "anh.jpg": image_bytes(),
        },
    )
    output = run(archive)
    assert output.index(f"{archive}:2019/a.txt") < output.index(f"{archive}:2020/b.txt")
    assert sorted(Article.objects.values_list("source_key", flat=True)) == ["a", "b"]
    assert "2 tạo mới, 0 cập nhật, 0 không đổi, 0 lỗi" in output


@pytest.mark.django_db
def test_zip_and_loose_file_of_the_same_article_are_one_article(tmp_path):
    """The key is the file name, so the same file imported loose and from a zip is unchanged, not a twin."""
    loose = write(tmp_path, f"{SEED_KEY}.txt", SEED_TEXT)
    run(loose)
    archive = make_zip(tmp_path / "a.zip", {f"nam-2020/{SEED_KEY}.txt": SEED_TEXT})
    assert "1 không đổi" in run(archive)
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_zip_path_tricks_and_oversized_members_are_refused_alone(tmp_path):
    """Members with ../ or absolute paths and members over 1 MB fail with a message; the good one imports."""
    archive = make_zip(
        tmp_path / "a.zip",
        {
            "../../etc/evil.txt": article_file("Bài độc"),
            "/tuyet-doi.txt": article_file("Bài tuyệt đối"),
            "lon.txt": "x" * (MAX_FILE_BYTES + 1),
            "tot.txt": article_file("Bài tốt"),
        },
    )
    output, error = run_failing(archive)
    assert list(Article.objects.values_list("headline", flat=True)) == ["Bài tốt"]
    assert f"Lỗi: {archive}:../../etc/evil.txt, đường dẫn không an toàn" in output
    assert f"Lỗi: {archive}:/tuyet-doi.txt, đường dẫn không an toàn" in output
    assert f"Lỗi: {archive}:lon.txt, tệp quá lớn" in output
    assert "1 tạo mới, 0 cập nhật, 0 không đổi, 3 lỗi" in error


@pytest.mark.django_db
def test_oversized_zip_member_is_refused_from_its_declared_size(tmp_path, monkeypatch):
    """A member whose header says > 1 MB is refused without being decompressed at all."""
    archive = make_zip(tmp_path / "a.zip", {"lon.txt": "x" * (3 * MAX_FILE_BYTES)})
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **kw: pytest.fail("member was opened"))
    output, _ = run_failing(archive)
    assert "tệp quá lớn (3,0 MB)" in output


@pytest.mark.django_db
def test_file_that_is_not_a_zip_is_reported(tmp_path):
    """A broken .zip is one failure with a message."""
    output, _ = run_failing(write(tmp_path, "hong.zip", b"PK not really"))
    assert "không phải tệp zip hợp lệ" in output


# --- options ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_is_a_draft_by_default_and_publish_publishes_at_the_date_line(tmp_path):
    """Without --publish the article is a draft no reader sees; --publish makes it visible, dated by its date line."""
    path = write(tmp_path, "a.txt", SEED_TEXT)
    assert "(bản nháp)" in run(path)
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()

    assert "Cập nhật: " in run(path, "--publish")
    article = Article.objects.published().get()
    assert timezone.localtime(article.published_at).strftime("%d/%m/%Y - %H:%M") == "17/02/2020 - 09:44"
    assert "1 không đổi" in run(path, "--publish")


@pytest.mark.django_db
def test_reimport_without_publish_does_not_unpublish(tmp_path):
    """A published article stays published when its corrected file is imported again without --publish."""
    path = write(tmp_path, "a.txt", article_file())
    run(path, "--publish")
    write(tmp_path, "a.txt", article_file(lead="Sapo đã sửa."))
    run(path)
    assert Article.objects.published().get().lead == "Sapo đã sửa."


@pytest.mark.django_db
def test_section_option_files_the_article(tmp_path):
    """--section SLUG puts the article in that section."""
    section = Section.objects.create(name="Kinh tế")
    run(write(tmp_path, "a.txt", article_file()), "--section", "kinh-te")
    assert Article.objects.get().section == section


@pytest.mark.django_db
def test_unknown_section_is_refused_before_anything_is_written(tmp_path):
    """A mistyped --section stops the command with the known slugs listed, and nothing is imported."""
    Section.objects.create(name="Kinh tế")
    with pytest.raises(CommandError, match="Không có chuyên mục «kinh-tee» \\(hiện có: kinh-te\\)"):
        run(write(tmp_path, "a.txt", article_file()), "--section", "kinh-tee")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_image_option_attaches_a_validated_photo_under_a_generated_name(tmp_path, settings):
    """--image stores the photo through the image field: generated name, extension from its bytes, dimensions."""
    photo = write(tmp_path, "ANH GOC.png", image_bytes("JPEG", size=(640, 400)))
    run(write(tmp_path, "a.txt", SEED_TEXT), "--image", photo)
    article = Article.objects.get()
    assert re.fullmatch(r"articles/\d{4}/\d{2}/neu-cao-tinh-than-trach-nhiem-[0-9a-f]{10}\.jpg", article.image.name)
    assert (article.photo.width, article.photo.height) == (640, 400)
    assert (Path(settings.MEDIA_ROOT) / article.image.name).read_bytes() == photo.read_bytes()


@pytest.mark.django_db
def test_same_image_again_is_unchanged_and_stores_no_second_file(tmp_path, settings):
    """Re-running with the same --image writes nothing: no update, no extra file in media."""
    photo = write(tmp_path, "anh.jpg", image_bytes())
    path = write(tmp_path, "a.txt", article_file())
    run(path, "--image", photo)
    stored = Article.objects.get().image.name
    assert "1 không đổi" in run(path, "--image", photo)
    assert Article.objects.get().image.name == stored
    assert [p.name for p in (Path(settings.MEDIA_ROOT) / "articles").rglob("*.*")] == [Path(stored).name]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bomb_png(), "Ảnh quá lớn"),
        (b"<html>not an image</html>", "Tệp không phải là ảnh hợp lệ"),
        (b"", "Tệp ảnh rỗng"),
    ],
    ids=["decompression bomb", "not an image", "empty"],
)
def test_bad_image_is_refused_with_the_image_rule_message_and_nothing_written(tmp_path, settings, data, message):
    """--image runs the upload rule first: a bomb, a fake or an empty file stops the command, nothing is written."""
    photo = write(tmp_path, "anh.jpg", data)
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, "a.txt", article_file()), "--image", photo)
    assert not Article.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.django_db
def test_failed_save_leaves_no_orphan_photo(tmp_path, settings, monkeypatch):
    """If the database refuses the article, the photo already written to storage is removed again."""
    from django.db import IntegrityError

    real_save = Article.save

    def save_then_fail(self, *args, **kwargs):
        real_save(self, *args, **kwargs)  # the photo reaches storage here
        raise IntegrityError("giả lập lỗi sau khi lưu ảnh")

    monkeypatch.setattr(Article, "save", save_then_fail)
    run_failing(write(tmp_path, "a.txt", article_file()), "--image", write(tmp_path, "anh.jpg", image_bytes()))
    assert not Article.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "articles").rglob("*.*"))


@pytest.mark.django_db
def test_image_with_several_files_is_refused(tmp_path):
    """--image belongs to one article, so it needs exactly one input file."""
    write(tmp_path, "a.txt", article_file("A"))
    write(tmp_path, "b.txt", article_file("B"))
    photo = write(tmp_path / "anh", "anh.jpg", image_bytes())
    with pytest.raises(CommandError, match="--image chỉ dùng khi nhập đúng một tệp \\(ở đây có 2 tệp\\)"):
        run(tmp_path, "--image", photo)
    assert not Article.objects.exists()


# --- authors ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_byline_matches_existing_author_ignoring_case_accents_and_normal_form(tmp_path):
    """ "Thanh Thy" (made in the admin), "THANH THY" and an NFD "THANH THY" file are one author."""
    author = make_author("Thanh Thy")
    write(tmp_path, "a.txt", article_file("Bài A"))
    write(tmp_path, "b.txt", unicodedata.normalize("NFD", article_file("Bài B", byline="THANH  THỸ")))
    write(tmp_path, "c.txt", article_file("Bài C", byline="ĐỨC PHƯƠNG"))
    run(tmp_path)
    assert set(Article.objects.values_list("author", flat=True)) == {
        author.pk,
        Author.objects.get(name="ĐỨC PHƯƠNG").pk,
    }
    assert Author.objects.count() == 2
    assert Article.objects.filter(author=author).count() == 2


@pytest.mark.django_db
def test_queries_per_file_do_not_grow_with_the_number_of_authors(tmp_path):
    """Matching the byline costs the same number of queries with 3 authors as with 60."""

    def queries_for_one_file(name, existing_authors):
        for n in range(existing_authors):
            make_author(f"{name} {n}")
        with CaptureQueriesContext(connection) as queries:
            run(write(tmp_path, f"{name}.txt", article_file(name, byline=f"{name.upper()} 0")))
        return len(queries)

    assert queries_for_one_file("Bài ít", 3) == queries_for_one_file("Bài nhiều", 60)


@pytest.mark.django_db
def test_match_author_is_accent_and_case_insensitive_and_builds_a_new_one_otherwise():
    """match_author finds by folded name; an unknown name gives an unsaved Author with the byline as written."""
    author = make_author("THANH THY")
    nfd = unicodedata.normalize("NFD", "Thành Thý")
    assert match_author("thanh thy") == match_author(nfd) == author
    stranger = match_author("NGUYỄN VĂN A")
    assert stranger.pk is None and stranger.name == "NGUYỄN VĂN A"


# --- demo content -----------------------------------------------------------------------------------------------------


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_loads_after_htx_which_stays_article_one(htx):
    """make run's order: HTX is article 1; the demo adds sections and published articles marked as samples."""
    output = load_demo()
    assert "Nội dung mẫu: 8 tạo mới, 0 cập nhật, 0 không đổi, 0 lỗi." in output
    assert Article.objects.order_by("pk").first() == htx
    demo = Article.objects.exclude(pk=htx.pk)
    assert demo.count() == 8 == Article.objects.published().exclude(pk=htx.pk).count()
    assert all(article.headline.startswith("Bài mẫu: ") for article in demo)
    assert all("đều là hư cấu" in article.body for article in demo)
    assert not demo.filter(author=htx.author).exists()  # no sample is signed with a real byline
    assert set(Section.objects.exclude(pk=1).values_list("slug", flat=True)) == {
        "thoi-su",
        "kinh-te",
        "van-hoa",
        "the-thao",
    }
    assert demo.exclude(section=None).count() == 8
    assert demo.exclude(image="").count() == 4


def test_loading_demo_twice_changes_nothing(htx):
    """The second load_demo reports every article unchanged and writes nothing."""
    load_demo()
    before = [list(model.objects.order_by("pk").values()) for model in (Article, Author, Section)]
    with CaptureQueriesContext(connection) as queries:
        output = load_demo()
    assert "0 tạo mới, 0 cập nhật, 8 không đổi, 0 lỗi" in output
    assert writes(queries.captured_queries) == []
    assert [list(model.objects.order_by("pk").values()) for model in (Article, Author, Section)] == before


def test_image_rule_is_the_forms_for_the_importers_photo(tmp_path, monkeypatch):
    """--image is judged as the article form judges a photo: too elongated, or no rendition can be made, is refused
    with the same Vietnamese message."""
    from imagekit import ImageSpec

    strip = write(tmp_path, "dai.png", blank_png(2000, 100))
    with pytest.raises(ImportFileError, match="Ảnh quá dài hoặc quá hẹp"):
        read_image(strip)

    def refuse(spec):
        raise OSError("encoder error")

    monkeypatch.setattr(ImageSpec, "generate", refuse)
    with pytest.raises(ImportFileError, match="Không tạo được các cỡ ảnh"):
        read_image(write(tmp_path, "anh.jpg", image_bytes()))
