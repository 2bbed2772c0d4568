"""Taking down on order in the browser: the editor-in-chief gives a reason, a reader's open tab gets 410 on reload
(an accessible page), and Nhật ký lists the act."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from playwright.sync_api import expect

from articles import workflow
from tests.browser.conftest import axe_violations, log_in
from tests.factories import make_article, make_staff

HEADLINE = "Bài phải gỡ theo yêu cầu của cơ quan quản lý"
REASON = "Công văn số 12/STTTT yêu cầu gỡ bài."


@pytest.fixture
def chief(db):
    """An editor-in-chief, in the group the data migration makes (put back here: live-server tests empty every table,
    rows written by migrations included)."""
    name = "0009_editor_in_chief_and_correction_roles"
    migration = importlib.import_module(f"articles.migrations.{name}")
    migration.create_roles(MigrationExecutor(connection).loader.project_state(("articles", name)).apps, None)
    return make_staff("tongbientap", workflow.EDITORS_IN_CHIEF, first_name="Hùng")


def test_an_editor_in_chief_takes_an_article_down_and_a_reader_gets_410_on_reload(visit, chief):
    """The reason is asked (a blank one refused on the same page); the reader's tab reloads to the 410 page; the
    audit screen lists the takedown with the reason."""
    article = make_article(headline=HEADLINE, body="<p>Nội dung không còn được đăng.</p>")
    reader = visit()
    reader.page.goto(article.get_absolute_url())
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(HEADLINE)

    editor = visit()
    log_in(editor.page, chief.username)
    editor.page.goto(f"/admin/articles/article/{article.pk}/change/")
    editor.page.get_by_role("link", name="Gỡ bài theo yêu cầu…").click()
    editor.page.get_by_label("Lý do").fill("   ")
    editor.page.get_by_role("button", name="Gỡ bài theo yêu cầu").click()
    expect(editor.page.get_by_text("Hãy ghi lý do")).to_be_visible()
    editor.page.get_by_label("Lý do").fill(REASON)
    editor.page.get_by_role("button", name="Gỡ bài theo yêu cầu").click()
    expect(editor.page.locator(".taken-down")).to_contain_text(REASON)
    editor.assert_no_errors()

    response = reader.page.reload()
    assert response.status == 410
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Bài viết đã bị gỡ")
    expect(reader.page.get_by_text("Nội dung không còn được đăng.")).to_have_count(0)
    assert not axe_violations(reader.page), "the 410 page has serious accessibility violations"

    editor.page.goto("/admin/articles/auditentry/")
    row = editor.page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("Gỡ bài theo yêu cầu")
    expect(row).to_contain_text(HEADLINE)
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text("Hùng")
    editor.assert_no_errors()
