"""A reader on a phone and on a desktop finds their way around the site by clicking, and every page fits the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import most_read
from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, image_loaded
from tests.factories import make_article, make_section

SCREENS = {"desktop": DESKTOP, "phone": PHONE}


def fits_the_screen(page):
    """Nothing sticks out sideways: no horizontal scrolling, which on a phone is the first thing a reader notices."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def lists(page, heading, headline):
    """The page has the expected heading, links to the article, fits the screen."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name=headline, exact=True)).to_be_visible()
    assert fits_the_screen(page), page.url


@pytest.fixture
def front_page(htx, settings):
    """The HTX article and a dozen invented ones (with its photo) in two sections on the front page, some of them read,
    so the front page has every zone: lead, featured stories, "Tin mới nhất", section blocks and "Đọc nhiều"."""
    settings.FRONT_LATEST = 4
    htx.section.on_front, htx.section.front_count = True, 2
    htx.section.save()
    economy = make_section("Kinh tế", position=2, on_front=True, front_position=1, front_count=2)
    now = timezone.now()
    for i, topic in enumerate(TOPICS):
        make_article(
            headline=f"Bài mẫu: {topic}",
            lead="Bài mẫu cho ảnh chụp màn hình, không phải tin thật.",
            section=economy if i % 2 else htx.section,
            author=htx.author,
            published_at=now - timedelta(hours=i + 1),
        )
    Article.objects.exclude(pk=htx.pk).update(image=htx.image.name, image_renditions=htx.image_renditions)
    store = most_read.store()
    for views, article in enumerate(Article.objects.order_by("published_at")[:6]):
        for _ in range(views + 1):
            store.add(most_read.current_hour(), article.pk)
    return htx


TOPICS = [
    "Cần Thơ khởi công cầu nối hai quận",
    "Nông dân trúng mùa lúa Thu Đông",
    "Chợ nổi Cái Răng đón khách đầu năm",
    "Hợp tác xã đưa trái cây lên sàn thương mại",
    "Thành phố chỉnh trang bờ kè sông Hậu",
    "Trường học mới đón học sinh vùng ven",
    "Doanh nghiệp trẻ mở xưởng chế biến gạo",
    "Lễ hội bánh dân gian Nam Bộ",
    "Bệnh viện thêm khoa điều trị nhi",
    "Đường tỉnh mở rộng trước mùa mưa",
    "Người trẻ về quê làm du lịch",
    "Giá gạo xuất khẩu tăng nhẹ",
    "Phà Cần Thơ chạy thêm chuyến dịp lễ",
    "Học sinh giỏi quốc gia được khen thưởng",
    "Khu công nghiệp thu hút vốn đầu tư mới",
    "Vườn cây ăn trái vào mùa thu hoạch",
    "Thư viện thành phố mở cửa buổi tối",
    "Giải bóng đá thiếu niên khai mạc",
]


@pytest.mark.parametrize("screen", SCREENS)
def test_reader_browses_home_article_byline_section_and_search(visit, front_page, screen):
    """Front page → the full list → article (photo, credit) → byline → author page → section → unaccented search finds
    the accented article.

    The six screenshots in docs/screenshots/ (shown in README) are taken here, so they always show the current site.
    """
    htx = front_page
    reader = visit(**SCREENS[screen])
    page = reader.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsroom — Trang nhất")
    expect(page.locator(".lead-title")).to_have_text(f"Bài mẫu: {TOPICS[0]}")
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / f"front-{screen}.png", full_page=True)

    page.get_by_role("link", name="Xem tất cả tin mới nhất").click()
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
