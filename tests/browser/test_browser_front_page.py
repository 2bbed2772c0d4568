"""The front page in Chromium: an editor reorders the featured stories by dragging (and by keyboard) on "Trang nhất"
and saves, and a reader's front page shows the new order; a breaking-news line disappears at its end time."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Pick
from tests.browser.conftest import axe_violations, log_in
from tests.factories import make_article

SCREEN = "/admin/articles/frontpage/"


@pytest.fixture
def chief_editor(django_user_model):
    """Someone who may publish, hence arrange the front page (a superuser: live-server tests empty the role groups)."""
    return django_user_model.objects.create_superuser("bientap", password="pw", first_name="Hòa")


@pytest.fixture
def stories(settings, chief_editor):
    """Four articles; the front page saved with "Bài A" as the lead, then "Bài B" and "Bài C" as featured."""
    settings.FRONT_FEATURED = 3
    now = timezone.now()
    made = [
        make_article(headline=f"Bài {name}", published_at=now - timedelta(minutes=i)) for i, name in enumerate("ABCD")
    ]
    workflow.arrange_front(chief_editor, 0, [Pick(made[0].pk), Pick(made[1].pk), Pick(made[2].pk)])
    return made


def featured(page):
    return page.locator(".featured-title").all_inner_texts()


def test_an_editor_drags_the_second_featured_story_above_the_first_and_readers_see_it(visit, chief_editor, stories):
    """Drag and drop on "Trang nhất", "Lưu trang nhất": the reader's (cached) front page shows the new order; moving
    back with the keyboard (Alt + ↑ on a slot) works the same."""
    reader = visit()
    reader.page.goto("/")
    assert featured(reader.page)[:2] == ["Bài B", "Bài C"]

    editor = visit()
    log_in(editor.page, chief_editor.username)
    editor.page.goto(SCREEN)
    slots = editor.page.locator("[data-slot]")
    expect(slots.nth(2)).to_contain_text("Bài C")
    slots.nth(2).drag_to(slots.nth(1))
    expect(slots.nth(1)).to_contain_text("Bài C")
    expect(slots.nth(1).locator("[data-slot-label]")).to_have_text("Tin nổi bật 1")
    editor.page.get_by_role("button", name="Lưu trang nhất").click()
    expect(editor.page.get_by_text("Đã lưu trang nhất")).to_be_visible()

    reader.page.reload()
    assert featured(reader.page)[:2] == ["Bài C", "Bài B"]

    editor.page.locator("[data-slot]").nth(2).get_by_role("button", name="Chuyển “Tin nổi bật 2” lên").focus()
    editor.page.keyboard.press("Enter")
    expect(editor.page.locator("[data-slot]").nth(1)).to_contain_text("Bài B")
    down = editor.page.locator("[data-slot]").nth(1).get_by_role("button", name="Chuyển “Tin nổi bật 1” xuống")
    down.press("Alt+ArrowDown")
    expect(editor.page.locator("[data-slot]").nth(2)).to_contain_text("Bài B")
    # Django's breadcrumbs (underlined only on hover) are the admin's own finding on every page.
    assert [v for v in axe_violations(editor.page) if not v.target.startswith(".breadcrumbs")] == []
    reader.assert_no_errors()
    editor.assert_no_errors()


def test_a_breaking_news_line_ending_in_10_seconds_disappears_from_the_readers_page(visit, chief_editor, stories):
    """The line shows, linking its article; reloading after its end time (no one saves anything) it is gone."""
    ends = timezone.now() + timedelta(seconds=10)
    workflow.arrange_front(
        chief_editor,
        workflow.FrontPage.objects.current().pk,
        [Pick(stories[0].pk)],
        breaking=("Triều cường vượt báo động 3", stories[3].pk, ends),
    )
    reader = visit()
    reader.page.goto("/")
    line = reader.page.locator(".breaking")
    expect(line.get_by_role("link", name="Triều cường vượt báo động 3")).to_have_attribute(
        "href", stories[3].get_absolute_url()
    )
    while timezone.now() < ends - timedelta(seconds=1):
        reader.page.reload()
        expect(line).to_be_visible()
        time.sleep(1)
    deadline = ends + timedelta(seconds=5)
    while line.count() and timezone.now() < deadline:
        time.sleep(0.5)
        reader.page.reload()
    expect(line).to_have_count(0)
    assert timezone.now() >= ends
    reader.assert_no_errors()
