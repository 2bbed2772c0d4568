"""Roles in the browser: a reporter's form cannot publish; their draft stays hidden until an editor publishes it."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from playwright.sync_api import expect

from tests.browser.article_form import ADD_URL, AUTHOR, field, fill_required, publish
from tests.browser.conftest import log_in
from tests.factories import make_author

HEADLINE = "Phóng viên gửi bài về hội chợ nông sản"
URL = "/articles/phong-vien-gui-bai-ve-hoi-cho-nong-san/"


@pytest.fixture
def roles():
    """The reporter and editor groups, made as their data migration makes them.

    Live-server tests run in transactions that are undone by emptying every table, which also removes rows that
    migrations wrote; so the groups are put back here, by the migration's own (idempotent) function.
    """
    migration = importlib.import_module("articles.migrations.0004_workflow")
    state = MigrationExecutor(connection).loader.project_state(("articles", "0004_workflow"))
    migration.create_roles(state.apps, None)


@pytest.mark.usefixtures("roles")
def test_reporter_cannot_publish_and_the_draft_waits_for_an_editor(visit, reporter, editor):
    """A reporter's form offers no publishing; the saved draft is 404 for a reader until an editor publishes it."""
    make_author(AUTHOR)
    writer = visit()
    log_in(writer.page, reporter.username)
    writer.page.goto(ADD_URL)
    fill_required(writer.page, HEADLINE)
    expect(field(writer.page, "Trạng thái")).to_have_count(0)
    writer.page.get_by_role("button", name="Lưu lại").click()
    expect(writer.page.locator(".messagelist .success")).to_be_visible()
    writer.assert_no_errors()

    too_early = visit()
    response = too_early.page.goto(URL)
    assert response.status == 404
    expect(too_early.page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")

    chief = visit()
    log_in(chief.page, editor.username)
    chief.page.goto("/admin/articles/article/")
    chief.page.get_by_role("link", name=HEADLINE).click()
    publish(chief.page)
    chief.assert_no_errors()

    reader = visit()
    reader.page.goto("/")
    reader.page.get_by_role("link", name=HEADLINE, exact=True).click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    reader.assert_no_errors()
