"""End-to-end tests in Debian's Chromium (Playwright + pytest-playwright) against pytest-django's live server.

Every test in this folder is marked ``browser`` (``-m "not browser"`` skips them locally; CI never does).
``scripts/ensure_browser.sh`` installs what they need: /usr/bin/chromium (apt) and axe-core (npm ci). Nothing here
downloads a browser. One Chromium serves the whole session; each test opens its own contexts, so no cookie, storage
or listener leaks from one test to the next. On a failure, a screenshot and the HTML of every open page are saved
under test-artifacts/ and their paths printed in the report.
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page, expect

from articles.models import Article

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls while one runs unless told
# the calls are safe, which they are here: the test thread does nothing concurrently with them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium's own connections (updates, sync, QUIC probes) are refused on
# this machine and slow every launch. Chromium will not start as root (as CI runs) with its sandbox on.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def pytest_itemcollected(item):
    """Mark every test in this folder (a conftest's collection hooks see only its folder's tests)."""
    item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last.

    They use the live server, so each ends by emptying every table, rows written by data migrations (the roles)
    included. pytest-django runs such tests after the others for that reason, but pytest then regroups the tests
    that share pytest-playwright's session-scoped browser parameter, which can move them before the others.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_browser.sh (make test does).", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened by path (page.goto("/")) on pytest-django's live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every context is in Vietnamese, on Vietnam's clock, as the newsroom's editors and readers are."""
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


# Chromium asks every site for /favicon.ico by itself when a page names no icon (the admin's pages don't); that is
# the browser's probe, not a request any page made, so its 404 is not held against the page.
BROWSER_OWN_REQUESTS = re.compile(r"^https?://[^/]+/favicon\.ico$")


@dataclass
class Visit:
    """One person's browser session (a fresh context: no cookies) and what it reported along the way."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.context.on("console", self._console)
        self.context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))
        self.context.on("dialog", self._dialog)

    def _console(self, message):
        url = message.location.get("url", "")
        if message.type == "error" and not BROWSER_OWN_REQUESTS.match(url):
            self.errors.append(f"{message.text} ({url})")

    def assert_no_errors(self):
        """No console error or uncaught exception on any page of this session (a CSP refusal is a console error)."""
        __tracebackhide__ = True
        assert not self.errors, "the browser reported:\n" + "\n".join(self.errors)

    def _dialog(self, dialog):
        # Accept, as a person clicking OK would; without a handler Playwright dismisses dialogs unseen.
        self.dialogs.append(dialog.message)
        dialog.accept()


@pytest.fixture
def visit(new_context, live_server):
    """Open a fresh browser session: ``visit()`` on a desktop, ``visit(**PHONE)`` on a phone."""

    def _visit(**context_args):
        context = new_context(**{**DESKTOP, **context_args})
        return Visit(context, context.new_page())

    return _visit


@pytest.fixture
def htx(settings):
    """The newspaper's first article (the HTX fixture) with its placeholder photo in this test's media folder."""
    shutil.copytree(ROOT / "media" / "fixtures", Path(settings.MEDIA_ROOT) / "fixtures")
    call_command("loaddata", "htx", verbosity=0)
    return Article.objects.get(slug="neu-cao-tinh-than-trach-nhiem")


def image_loaded(image, timeout_ms=10_000):
    """Whether the browser fetched and decoded the image (a broken one has naturalWidth 0).

    Waits for the image to finish (load or error) rather than asking at once: the heading can be on screen while a
    large rendition (a phone's 2x screen picks one) is still arriving from the live server. Scrolled into view first,
    since a lazy image off screen is never fetched.
    """
    image.scroll_into_view_if_needed()
    return image.evaluate(
        """(img, timeout) => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
            img.addEventListener("load", () => resolve(img.naturalWidth > 0), {once: true});
            img.addEventListener("error", () => resolve(false), {once: true});
            setTimeout(() => resolve(false), timeout);
        })""",
        timeout_ms,
    )


def log_in(page, username, password="pw"):
    """Log in through the admin's login form, as an editor does."""
    page.goto("/admin/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Thoát")).to_be_visible()


@dataclass(frozen=True)
class Violation:
    """One element failing one axe-core rule."""

    rule: str
    impact: str
    help: str
    target: str

    def __str__(self):
        return f"{self.impact} {self.rule} ({self.help}): {self.target}"


def axe_violations(page, impacts=("serious", "critical")):
    """axe-core's violations on the current page at the given impacts, one per failing element.

    Injected with page.evaluate, not add_script_tag: an injected <script> is inline script, which a
    Content-Security-Policy blocks (and reports as a console error), while evaluate runs outside the page's CSP.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: run scripts/ensure_browser.sh (npm ci).", pytrace=False)
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (impacts) => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.filter((v) => impacts.includes(v.impact)).flatMap((v) => v.nodes.map((n) => ({
                rule: v.id, impact: v.impact, help: v.help, target: n.target.flat().join(" "),
            })));
        }""",
        list(impacts),
    )
    return [Violation(**violation) for violation in found]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a test (or a fixture driving its pages) fails, keep a screenshot and the HTML of each open page."""
    report = yield
    browser = item.funcargs.get("browser")
    if report.when in ("setup", "call") and report.failed and browser is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid).strip("-")
        saved = []
        pages = [page for context in browser.contexts for page in context.pages if not page.is_closed()]
        for number, page in enumerate(pages, 1):
            base = ARTIFACTS / f"{stem}-{number}"
            try:
                page.screenshot(path=f"{base}.png", full_page=True)
                Path(f"{base}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # a crashed page must not hide the test's own failure
                saved.append(f"{page.url}: could not save ({error})")
                continue
            saved.append(f"{page.url}\n  {base}.png\n  {base}.html")
        if saved:
            report.sections.append(("browser artifacts", "\n".join(saved)))
    return report
