"""An editor writes in the admin with CKEditor, as a person would, and a reader with no session sees the result."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.article_form import (
    ADD_URL,
    AUTHOR,
    body_editor,
    choose_author,
    field,
    fill_required,
    open_dialog,
    publish,
)
from tests.browser.conftest import image_loaded, log_in
from tests.factories import image_bytes, make_article, make_author

HEADLINE = "Đồng chí Nguyễn Đức Phương nêu cao tinh thần"
SLUG = "dong-chi-nguyen-duc-phuong-neu-cao-tinh-than"
LEAD = "Sáng 27/11, Liên minh HTX thành phố tổ chức hội nghị tổng kết năm."
CAPTION = "Quang cảnh hội nghị."
CREDIT = "Liên minh HTX thành phố cung cấp"


def jpeg(name="hoi-nghi.jpg", size=(800, 500)):
    """A real JPEG made now, offered to a file input as a person's file would be."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": image_bytes("JPEG", size)}


@pytest.fixture
def editor_page(visit, editor):
    """An editor, logged in through the login form, on an empty "add article" form; the byline AUTHOR exists."""
    make_author(AUTHOR)
    session = visit()
    log_in(session.page, editor.username)
    session.page.goto(ADD_URL)
    return session


def open_as_reader(visit, headline):
    """A fresh session with no cookies opens the home page and clicks the headline."""
    reader = visit()
    reader.page.goto("/")
    reader.page.get_by_role("link", name=headline, exact=True).click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(headline)
    return reader


def test_editor_writes_and_publishes_an_article_a_reader_then_sees_first(editor_page, visit):
    """Typed headline gives the right live slug; body, bold, link and photo made in the browser reach the reader."""
    make_article(headline="Bài hôm qua", published_at=timezone.now() - timedelta(days=1))
    page = editor_page.page
    field(page, "Tiêu đề").press_sequentially(HEADLINE)
    expect(field(page, "Đường dẫn")).to_have_value(SLUG)
    field(page, "Sapo").fill(LEAD)

    body = body_editor(page)
    body.click()
    page.keyboard.type("Hội nghị đánh giá kết quả hoạt động của các hợp tác xã. Đây là chữ ")
    page.get_by_role("button", name="Đậm").click()
    page.keyboard.type("quan trọng")
    page.get_by_role("button", name="Đậm").click()
    page.keyboard.type(" của năm.")
    page.keyboard.press("Enter")
    page.keyboard.type("Xem báo cáo đầy đủ tại ")
    link_dialog = open_dialog(page, "Chèn/Sửa liên kết")
    link_dialog.get_by_label("Display Text").fill("trang Liên minh HTX")
    link_dialog.get_by_label("URL").fill("https://example.vn/htx")
    link_dialog.get_by_role("button", name="Đồng ý").click()
    expect(body.locator("p")).to_have_count(2)

    field(page, "Ảnh đại diện").set_input_files(jpeg())
    field(page, "Chú thích ảnh").fill(CAPTION)
    field(page, "Nguồn ảnh").fill(CREDIT)
    field(page, "Mô tả ảnh (alt)").fill("Đại biểu dự hội nghị")
    choose_author(page)
    publish(page)
    editor_page.assert_no_errors()

    reader = visit()
    reader.page.goto("/")
    first_card = reader.page.get_by_role("article").first
    expect(first_card.get_by_role("heading")).to_have_text(HEADLINE)
    first_card.get_by_role("link", name=HEADLINE).click()

    article = reader.page
    expect(article).to_have_url(re.compile(f"/articles/{SLUG}/$"))
    expect(article.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(article.get_by_text(LEAD, exact=True)).to_be_visible()
    figure = article.get_by_role("figure")
    expect(figure.locator("figcaption")).to_have_text(f"{CAPTION} Ảnh: {CREDIT}")
    assert image_loaded(figure.get_by_role("img", name="Đại biểu dự hội nghị"))
    expect(article.locator(".article-body strong")).to_have_text("quan trọng")
    expect(article.get_by_role("link", name="trang Liên minh HTX")).to_have_attribute("href", "https://example.vn/htx")
    reader.assert_no_errors()
    assert reader.dialogs == []


def upload_through_image_dialog(page, file):
    """Image button → "Tải lên" tab → choose the file → "Tải lên máy chủ"; returns the still-open dialog."""
    dialog = open_dialog(page, "Hình ảnh")
    dialog.get_by_role("tab", name="Tải lên").click()
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator("input[type=file]").set_input_files(file)
    dialog.get_by_role("button", name="Tải lên máy chủ").click()
    return dialog


def test_inline_image_uploaded_through_the_image_dialog_reaches_the_reader(editor_page, visit):
    """An image sent to the server from CKEditor's image dialog is in the body the reader gets, and it loads."""
    page = editor_page.page
    fill_required(page, "Ảnh trong bài viết", body="Đoạn có ảnh minh họa bên dưới.")
    body_editor(page).click()
    dialog = upload_through_image_dialog(page, jpeg("minh-hoa.jpg", (320, 200)))
    # On success CKEditor switches back to the first tab with the stored image's URL filled in.
    expect(dialog.get_by_role("textbox", name="URL")).to_have_value(re.compile(r"^/media/uploads/.+\.jpg$"))
    dialog.get_by_role("button", name="Đồng ý").click()
    expect(body_editor(page).locator("img")).to_have_count(1)
    publish(page)
    editor_page.assert_no_errors()
    assert editor_page.dialogs == []

    reader = open_as_reader(visit, "Ảnh trong bài viết")
    inline = reader.page.locator(".article-body img")
    expect(inline).to_have_attribute("src", re.compile(r"^/media/uploads/.+\.jpg$"))
    assert image_loaded(inline)
    reader.assert_no_errors()


def test_non_image_through_the_image_dialog_is_refused_with_a_message(editor_page, settings):
    """A text file named .jpg sent from the image dialog is refused with our Vietnamese reason; nothing is stored."""
    page = editor_page.page
    refused = {"name": "bao-cao.jpg", "mimeType": "image/jpeg", "buffer": b"Bao cao nam 2025, khong phai anh."}
    with page.expect_event("dialog") as alert:
        dialog = upload_through_image_dialog(page, refused)
    assert "Tệp không phải là ảnh hợp lệ" in alert.value.message
    dialog.get_by_role("tab", name="Thông tin của ảnh").click()
    expect(dialog.get_by_role("textbox", name="URL")).to_have_value("")
    assert not (settings.MEDIA_ROOT / "uploads").exists()
    editor_page.assert_no_errors()


HOSTILE = (
    "<p>Đoạn văn bình thường.</p>"
    '<script>window.__xss=1;alert("xss")</script>'
    '<img src=x onerror="window.__xss=2;alert(2)">'
)


def test_hostile_body_pasted_in_source_view_runs_nothing_for_readers(editor_page, visit):
    """Script and onerror pasted in CKEditor's source view reach the server, and readers' browsers run none of it."""
    page = editor_page.page
    fill_required(page, "Bài có mã độc")
    page.get_by_role("button", name="Mã HTML").click()
    page.locator("#cke_id_body textarea.cke_source").fill(HOSTILE)
    # Saved while still in source view, CKEditor sends the text as typed: the server's sanitiser is what is tested.
    with page.expect_request(lambda request: request.method == "POST" and request.url.endswith(ADD_URL)) as sent:
        publish(page)
    assert "<script>" in sent.value.post_data and "onerror" in sent.value.post_data

    # Console errors are not checked here: the harmless leftover <img src="x"> is a 404, as it would be for anyone.
    reader = open_as_reader(visit, "Bài có mã độc")
    expect(reader.page.get_by_text("Đoạn văn bình thường.")).to_be_visible()
    reader.page.wait_for_load_state("load")  # the img's error event, if it had a handler, has fired by now
    assert reader.page.evaluate("typeof window.__xss") == "undefined"
    assert reader.dialogs == []
    assert reader.page.locator(".article-body script, .article-body [onerror]").count() == 0
