"""What every browser test shares: Debian's Chromium driven by Playwright, the two widths the
pages are checked at, axe-core, and screenshots a reviewer can look at.

Screenshots go to ``var/screenshots/`` in the checkout (``VB_SCREENSHOT_DIR`` for another
folder, e.g. a CI artifacts folder), named ``<page type>-<width>.png``.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.helpers import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A desktop and a phone (the width of an iPhone 12-15).
WIDTHS = {"desktop": 1280, "phone": 390}
HEIGHT = 900
SCREENSHOTS = Path(os.environ.get("VB_SCREENSHOT_DIR") or PROJECT_ROOT / "var" / "screenshots")
# axe's impact levels a page may not have.
FORBIDDEN_IMPACTS = ("critical", "serious")


@contextmanager
def chromium() -> Iterator[Browser]:
    """One browser for a test module (one session per module keeps the suite quick)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def page_at(browser: Browser, width: int) -> Iterator[Page]:
    """A fresh page (own cookies) of the given width."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, locale="da-DK")
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Page, page_type: str) -> Path:
    """A full-page screenshot named by page type and the page's width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{page_type}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessibility_violations(page: Page) -> list[str]:
    """axe-core's critical and serious violations on the page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} element(er), fx "
        f"{v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in FORBIDDEN_IMPACTS
    ]


def page_width(page: Page) -> int:
    """How wide the page's content is: wider than the viewport means sideways scrolling."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_fits(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page_width(page) <= width, f"{page.url}: {page_width(page)} px wide at {width} px"


def tab_stops_until(page: Page, selector: str, limit: int = 40) -> int | None:
    """How many presses of Tab from the top of the page reach an element matching ``selector``
    (None if not within ``limit``)."""
    page.locator("body").focus()
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    for stops in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement?.closest({selector!r})"):
            return stops
    return None
