"""An editor gives an article tags, a photographer and a story thread in the admin, as a person would; a reader then
follows the tag and the thread from article to article."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.article_form import ADD_URL, AUTHOR, field, fill_required, publish
from tests.browser.conftest import log_in
from tests.factories import make_article, make_author, make_tag, make_thread

HEADLINE = "Nước lên nhanh ở vùng trũng Cần Thơ"
PHOTOGRAPHER = "HOÀNG ANH"
THREAD = "Mùa nước nổi 2026"


@pytest.fixture
def newsroom(transactional_db):
    """The byline and the photographer exist, the tag "Cần Thơ" too, and the thread with yesterday's article in it."""
    author = make_author(AUTHOR)
    make_author(PHOTOGRAPHER)
    make_tag("Cần Thơ")
    thread = make_thread(THREAD)
    return make_article(
        headline="Đỉnh lũ đầu nguồn về sớm",
        author=author,
        thread=thread,
        published_at=timezone.now() - timedelta(days=1),
    )


def pick(page, box, text, option):
    """Open the select2 `box`, type `text`, pick `option` (Django's autocomplete)."""
    box.click()
    page.locator(".select2-search__field").fill(text)
    page.get_by_role("option", name=option).click()


def test_an_editor_tags_credits_and_threads_an_article_and_a_reader_follows_them(visit, editor, newsroom):
    session = visit()
    page = session.page
    log_in(page, editor.username)
    page.goto(ADD_URL)
    fill_required(page, HEADLINE)

    # Two tags: "can th" typed without accents offers the existing "Cần Thơ"; "Mùa lũ" is new.
    tags = field(page, "Thẻ")
    tags.press_sequentially("can th")
    expect(page.get_by_role("option", name="Cần Thơ")).to_be_visible()
    tags.press("ArrowDown")
    tags.press("Enter")
    expect(tags).to_have_value("Cần Thơ, ")  # ready for the next name
    tags.press_sequentially("Mùa lũ")

    pick(page, page.get_by_role("combobox", name="Dòng sự kiện"), "nuoc noi", THREAD)
    page.get_by_role("button", name="Thêm một Người cùng thực hiện").click()
    pick(page, page.get_by_role("combobox", name="Người thực hiện (bút danh)"), "hoang", PHOTOGRAPHER)
    page.locator("#id_contributions-0-role").select_option(label="ảnh")
    publish(page)
    session.assert_no_errors()

    reader = visit()
    page = reader.page
    page.goto("/")
    page.get_by_role("link", name=HEADLINE, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(page.locator(".byline")).to_have_text(f"Bài: {AUTHOR} – Ảnh: {PHOTOGRAPHER}")
    expect(page.locator(".article-thread")).to_contain_text(THREAD)
    expect(page.locator(".article-tags a")).to_have_text(["Cần Thơ", "Mùa lũ"])

    # The tag's page lists it; the thread's earlier article leads to it by its "next" link.
    page.locator(".article-tags").get_by_role("link", name="Cần Thơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cần Thơ")
    page.get_by_role("link", name=HEADLINE, exact=True).click()
    page.locator(".article-thread").get_by_role("link", name=THREAD).click()
    page.get_by_role("link", name="Đỉnh lũ đầu nguồn về sớm", exact=True).first.click()
    page.locator(".thread-next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    reader.assert_no_errors()
