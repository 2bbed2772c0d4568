"""The desk workflow in the browser, the whole path: a reporter submits; the desk head sends it back with a reason; the
reporter reads the reason, fixes and resubmits; the desk head forwards; the secretary approves; the editor-in-chief
publishes; a reader finds the article on the site."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from playwright.sync_api import expect

from articles import workflow
from tests.browser.article_form import ADD_URL, AUTHOR, field, fill_required
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.factories import make_author, make_desk_head, make_section, make_staff

HEADLINE = "Nông dân Phong Điền trúng mùa sầu riêng"
REASON = "Thiếu ý kiến của hợp tác xã; bổ sung giá bán."
FIXED_LEAD = "Giá sầu riêng tại vườn 80.000 đồng/kg, theo hợp tác xã Mỹ Khánh."


@pytest.fixture
def desk(db):
    """The roles and the desk's stages, made as their data migrations make them (live-server tests empty every table,
    rows written by migrations included), and one person for each role."""
    for name, function in [
        ("0004_workflow", "create_roles"),
        ("0009_editor_in_chief_and_correction_roles", "create_roles"),
        ("0014_desk_default_stages_and_roles", "create_desk"),
    ]:
        state = MigrationExecutor(connection).loader.project_state(("articles", name))
        getattr(importlib.import_module(f"articles.migrations.{name}"), function)(state.apps, None)
    make_author(AUTHOR)
    economy = make_section("Kinh tế")
    return {
        "reporter": make_staff("lan", workflow.REPORTERS, first_name="Lan"),
        "desk head": make_desk_head("hung", economy, first_name="Hùng"),
        "secretary": make_staff("thu", workflow.SECRETARIES, first_name="Thu"),
        "editor-in-chief": make_staff("hai", workflow.EDITORS_IN_CHIEF, first_name="Hải"),
    }


def signed_in(visit, user):
    session = visit()
    log_in(session.page, user.username)
    return session


def open_from_queue(page):
    """Open the article from "Chờ tôi xử lý" on the start page."""
    page.goto("/admin/")
    page.locator("#start-queue").get_by_role("link", name=HEADLINE).click()
    expect(page.get_by_role("heading", name="Quy trình biên tập")).to_be_visible()


def press(page, button):
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_article_goes_from_the_reporter_through_the_desk_to_the_readers(visit, desk):
    """Each person finds the article waiting in "Chờ tôi xử lý" and moves it with a button on its form; a send-back
    without a reason is refused, with one the reporter reads it on the article and their start page."""
    reporter = signed_in(visit, desk["reporter"])
    page = reporter.page
    page.goto(ADD_URL)
    fill_required(page, HEADLINE)
    field(page, "Chuyên mục").select_option(label="Kinh tế")
    page.get_by_role("button", name="Lưu và tiếp tục chỉnh sửa").click()
    press(page, "Gửi duyệt → Chờ ban biên tập")
    expect(page.locator("#khau")).to_contain_text("Chờ ban biên tập")
    reporter.assert_no_errors()

    head = signed_in(visit, desk["desk head"])
    expect(head.page.locator("#thong-bao")).to_contain_text("Thông báo (1)")
    open_from_queue(head.page)
    head.page.get_by_role("button", name="Trả lại → Nháp").click()
    expect(head.page.locator(".errorlist").filter(has_text="Hãy ghi lý do trả lại")).to_be_visible()
    head.page.get_by_label("Lý do trả lại").fill(REASON)
    head.page.locator("#quy-trinh").screenshot(path=SCREENSHOTS / "desk-moves.png")
    press(head.page, "Trả lại → Nháp")
    head.assert_no_errors()

    page.goto("/admin/")
    expect(page.locator("#start-queue")).to_contain_text(f"Bị Hùng trả lại: {REASON}")
    page.locator("#start-queue").screenshot(path=SCREENSHOTS / "desk-queue.png")
    open_from_queue(page)
    expect(page.locator("#bi-tra-lai")).to_contain_text(REASON)
    field(page, "Sapo").fill(FIXED_LEAD)
    press(page, "Gửi duyệt → Chờ ban biên tập")
    reporter.assert_no_errors()

    open_from_queue(head.page)
    press(head.page, "Chuyển tiếp → Chờ duyệt")
    head.assert_no_errors()

    secretary = signed_in(visit, desk["secretary"])
    open_from_queue(secretary.page)
    press(secretary.page, "Duyệt → Đã duyệt")
    secretary.assert_no_errors()

    chief = signed_in(visit, desk["editor-in-chief"])
    open_from_queue(chief.page)
    expect(chief.page.locator("#nhat-ky")).to_contain_text(REASON)
    press(chief.page, "Xuất bản")
    chief.assert_no_errors()

    reader = visit()
    reader.page.goto("/")
    reader.page.get_by_role("link", name=HEADLINE, exact=True).click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(reader.page.get_by_text(FIXED_LEAD)).to_be_visible()
    reader.assert_no_errors()
