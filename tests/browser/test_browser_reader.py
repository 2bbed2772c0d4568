"""A reader on a phone and on a desktop finds their way around the site by clicking, and every page fits the screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, image_loaded

SCREENS = {"desktop": DESKTOP, "phone": PHONE}


def fits_the_screen(page):
    """Nothing sticks out sideways: no horizontal scrolling, which on a phone is the first thing a reader notices."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def lists(page, heading, headline):
    """The page has the expected heading, links to the article, fits the screen."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name=headline, exact=True)).to_be_visible()
    assert fits_the_screen(page), page.url


@pytest.mark.parametrize("screen", SCREENS)
def test_reader_browses_home_article_byline_section_and_search(visit, htx, screen):
    """Home → article (photo, credit) → byline → author page → section → unaccented search finds the accented article.

    The four screenshots in docs/screenshots/ (shown in README) are taken here, so they always show the current site.
    """
    reader = visit(**SCREENS[screen])
    page = reader.page
    page.goto("/")
    lists(page, "Tin mới nhất", htx.headline)
    page.screenshot(path=SCREENSHOTS / f"list-{screen}.png")

    page.get_by_role("link", name=htx.headline, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(htx.headline)
    figure = page.get_by_role("figure")
    expect(figure).to_contain_text(f"Ảnh: {htx.image_credit}")
    assert image_loaded(figure.get_by_role("img"))
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / f"article-{screen}.png")

    page.locator(".byline").get_by_role("link", name=htx.author.name).click()
    lists(page, f"Bài viết của {htx.author.name}", htx.headline)

    page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name=htx.section.name).click()
    lists(page, htx.section.name, htx.headline)

    search = page.get_by_role("searchbox", name="Tìm kiếm bài viết")
    search.fill("tinh than trach nhiem")
    search.press("Enter")
    lists(page, "Kết quả tìm kiếm cho “tinh than trach nhiem”", htx.headline)
    reader.assert_no_errors()
