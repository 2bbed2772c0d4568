"""The admin's article form as an editor works it: labelled fields, CKEditor's iframe, toolbar and dialogs."""

from playwright.sync_api import expect

ADD_URL = "/admin/articles/article/add/"
# The byline the tests write under; a test creates it before opening the form.
AUTHOR = "THANH THY"


def field(page, label):
    """A field of the article form by its label (CKEditor's dialogs, also in the page, have labels of their own)."""
    return page.locator("#article_form").get_by_label(label)


def body_editor(page):
    """The editable body inside CKEditor's iframe."""
    return page.frame_locator("#cke_id_body iframe").locator("body")


def open_dialog(page, button):
    """Click a CKEditor toolbar button and return the dialog it opened (closed dialogs stay hidden in the DOM)."""
    page.get_by_role("button", name=button).click()
    dialog = page.locator(".cke_dialog").filter(visible=True)
    expect(dialog).to_have_count(1)
    return dialog


def choose_author(page):
    """The author box is Django's autocomplete (select2): open it, type part of the name, pick the match."""
    page.locator(".field-author").get_by_role("combobox").click()
    page.locator(".select2-search__field").fill(AUTHOR[:5])
    page.get_by_role("option", name=AUTHOR).click()


def fill_required(page, headline, body="Nội dung bài viết."):
    """Fill what the form requires: the headline key by key (the live slug listens to keys), lead, body, byline."""
    field(page, "Tiêu đề").press_sequentially(headline)
    field(page, "Sapo").fill("Sapo của bài.")
    body_editor(page).click()
    page.keyboard.type(body)
    choose_author(page)


def publish(page):
    """Set the status to published and save; the admin confirms with its success message."""
    field(page, "Trạng thái").select_option(label="Đã xuất bản")
    page.get_by_role("button", name="Lưu lại").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
