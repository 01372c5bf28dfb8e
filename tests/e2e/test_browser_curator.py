"""A curator's journey in Chromium: log in, build a collection of documents on
"underretninger" from the search, order and publish it; an anonymous reader on a phone then
finds it at its address. The pages are checked with axe-core and photographed."""

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    WIDTHS,
    accessibility_violations,
    assert_fits,
    chromium,
    page_at,
    screenshot,
)
from vidensbank.cli import main

EMAIL = "kurator.rejse@eksempel.dk"
PASSWORD = "kurator-rejsens lange kode"
TITLE = "Underretninger i skolen"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def curator(server: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["users", "add", EMAIL, "--role", "curator"]) == 0
    return EMAIL


def log_in(page: Page, server: str) -> None:
    page.goto(f"{server}/log-ind")
    assert accessibility_violations(page) == []
    screenshot(page, "login")
    page.get_by_label("E-mailadresse").fill(EMAIL)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("link", name=EMAIL)).to_be_visible()


def entry_titles(page: Page) -> list[str]:
    return page.locator(".collection-entries > li h2").all_inner_texts()


def test_a_curator_builds_and_publishes_a_collection(
    server: str, curator: str, browser: Browser
) -> None:
    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, server)
        page.goto(f"{server}/samlinger")
        page.get_by_label("Titel").fill(TITLE)
        page.get_by_label("Beskrivelse").fill("Det, en lærer skal vide, før hun underretter.")
        page.get_by_role("button", name="Opret samlingen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        collection_url = page.url

        # Two documents from the search, each put in the collection from its own page.
        page.goto(f"{server}/?q=underretning")
        links = page.locator(".result-title a, h2 a[href^='/dokument/']")
        hrefs = [links.nth(i).get_attribute("href") for i in range(min(2, links.count()))]
        assert len(hrefs) == 2
        for number, href in enumerate(hrefs):
            page.goto(f"{server}{href}")
            if number == 0:
                assert accessibility_violations(page) == []
                screenshot(page, "document-curator")
            page.get_by_label("Læg i samling").select_option(label=TITLE)
            page.get_by_role("button", name="Læg i samlingen").click()
            expect(page.get_by_role("status")).to_contain_text(f"Lagt i samlingen {TITLE}")
            assert page.url.split("?")[0] == f"{server}{href}".split("?")[0]
        page.goto(collection_url)
        first, second = entry_titles(page)

        page.get_by_role("button", name=re.compile("^Flyt ned")).first.click()
        assert entry_titles(page) == [second, first]
        # A note typed in each entry: saving one keeps the other.
        page.get_by_label(f"Note til »{second}«").fill("Start her.")
        page.get_by_label(f"Note til »{first}«").fill("Læs bagefter.")
        page.get_by_role("button", name="Gem noten").first.click()
        expect(page.get_by_label(f"Note til »{first}«")).to_have_value("Læs bagefter.")
        page.get_by_label(re.compile("^Offentliggjort")).check()
        page.get_by_role("button", name="Gem", exact=True).click()
        expect(page.locator(".collection-meta").first).to_contain_text("Offentliggjort")
        assert accessibility_violations(page) == []
        assert_fits(page)
        screenshot(page, "collection-curator")

    with page_at(browser, WIDTHS["phone"]) as reader:
        reader.goto(collection_url)
        expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert entry_titles(reader) == [second, first]
        expect(reader.get_by_text("Start her.")).to_be_visible()
        expect(reader.get_by_text("Læs bagefter.")).to_be_visible()
        assert reader.get_by_role("button", name=re.compile("^Flyt")).count() == 0
        assert accessibility_violations(reader) == []
        assert_fits(reader)
        screenshot(reader, "collection")


def test_the_admin_pages_fit_a_phone(server: str, browser: Browser, curator: str) -> None:
    """The users' table scrolled in its box, but its hidden column label (absolutely placed)
    did not, and the page scrolled sideways at 390 px; the audit trail showed its changes as
    escaped JSON in one long line."""
    admin, password = "admin.rejse@eksempel.dk", "administratorens lange kode"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(password + "\n"))
        assert main(["users", "add", admin, "--role", "admin"]) == 0
    with page_at(browser, WIDTHS["phone"]) as page:
        page.goto(f"{server}/log-ind")
        page.get_by_label("E-mailadresse").fill(admin)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        for path in ("/brugere", "/revision"):
            page.goto(f"{server}{path}")
            assert accessibility_violations(page) == []
            assert_fits(page)
        changes = page.locator(".audit-change dd").all_inner_texts()
        assert changes and not any("\\u00" in text for text in changes)
        screenshot(page, "audit")
