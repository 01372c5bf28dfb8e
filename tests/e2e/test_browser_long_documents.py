"""Long documents in Chromium, served by ``vidensbank serve`` from the test session's database
(no search engine needed): a curator's page of a document with thousands of names loads in
seconds (it took 158 s with a correction form for every name) and opens one name's form from
its link; the reader of a 600-page report sends a window of sections, and a link to a page by
its anchor alone (as a citation gives it) reaches that page with the search words marked.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.accounts import PASSWORD, add
from tests.documents import person, store_long_report, store_many_names
from tests.e2e.browser import (
    WIDTHS,
    accessibility_violations,
    assert_fits,
    chromium,
    page_at,
    screenshot,
)
from tests.fixtures import serving
from vidensbank.store.db import migrate, session_scope

NAMES = "e2e-mange-navne"
LONG = "e2e-lang-rapport"
EMAIL = "lange.dokumenter@eksempel.dk"
PHRASE = "kvantefysiske skovsnegle"
FOUND_ON = 437
# The public page of 2,787 names loaded in 0.6 s; the curator's must be near it.
LOAD_SECONDS = 10.0


@pytest.fixture(scope="module")
def server(run_dir: Path) -> Iterator[str]:
    migrate()
    with session_scope() as session:
        store_many_names(session, NAMES, people=2_700, amounts=300)
        store_long_report(session, LONG, pages=600, phrase=PHRASE, on_page=FOUND_ON)
    add(EMAIL)
    with serving(os.environ.copy(), run_dir / "long-documents-api.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def log_in(page: Page, server: str) -> None:
    page.goto(f"{server}/log-ind")
    page.get_by_label("E-mailadresse").fill(EMAIL)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("link", name=EMAIL)).to_be_visible()


def test_a_curator_corrects_a_name_of_thousands(browser: Browser, server: str) -> None:
    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, server)
        started = time.monotonic()
        page.goto(f"{server}/dokument/{NAMES}", wait_until="load")
        assert time.monotonic() - started < LOAD_SECONDS
        people = page.locator("section[aria-labelledby=navne-per]")
        expect(people.get_by_role("link", name="Se alle 2.700 personer")).to_be_visible()
        assert accessibility_violations(page) == []
        screenshot(page, "document-curator-many-names")

        # The second person's form, and no other.
        second = person(1)
        people.get_by_role("link", name=f"Ret {second}", exact=True).click()
        page.wait_for_url("**ret=PER*")
        form = page.locator("details.entity-fix[open]")
        expect(form).to_have_count(1)
        expect(form.get_by_label("Hvad er forkert?")).to_be_visible()
        expect(form).to_be_in_viewport()
        assert page.locator("select[name=action]").count() == 1
        assert accessibility_violations(page) == []
        screenshot(page, "document-curator-name-form")

        # A name far down the list, from the list of them all.
        page.goto(f"{server}/dokument/{NAMES}/navne?type=PER&side=14")
        assert accessibility_violations(page) == []
        screenshot(page, "document-names-list")
        far = person(2_650)
        page.get_by_role("link", name=f"Ret {far}", exact=True).click()
        form = page.locator("details.entity-fix[open]")
        expect(form.locator("input[name=entity]")).to_have_value(far.lower())
        expect(form).to_be_in_viewport()

    with page_at(browser, WIDTHS["phone"]) as phone:
        log_in(phone, server)
        phone.goto(f"{server}/dokument/{NAMES}/navne?type=PER&side=2")
        assert_fits(phone)


def test_the_reader_of_a_long_report_reaches_a_page_by_its_anchor(
    browser: Browser, server: str
) -> None:
    with page_at(browser, WIDTHS["desktop"]) as page:
        # The anchor alone, as a citation links a page: the server sends the report's beginning,
        # the script asks for the window that holds the page.
        page.goto(f"{server}/dokument/{LONG}#side-{FOUND_ON}")
        page.wait_for_url(f"**/dokument/{LONG}?side={FOUND_ON}#side-{FOUND_ON}")
        expect(page.locator(f"#side-{FOUND_ON}")).to_be_in_viewport()
        # A search result's link: the page of the hit, the words marked.
        page.goto(f"{server}/dokument/{LONG}?side={FOUND_ON}&q={PHRASE}#side-{FOUND_ON}")
        target = page.locator(f"#side-{FOUND_ON}")
        expect(target).to_be_in_viewport()
        expect(target.locator("mark")).to_have_text(PHRASE.split())
        expect(page.get_by_text("fremhævet på 1 af 600 sider")).to_be_visible()
        assert page.locator(".reader-page").count() <= 100
        assert accessibility_violations(page) == []

        # On to the sections after the window, the words still marked.
        first_sent = page.locator(".reader-page").first.get_attribute("id")
        page.locator("a.reader-next").click()
        page.wait_for_load_state()
        assert parse_qs(urlsplit(page.url).query)["q"] == [PHRASE]
        assert page.locator(".reader-page").first.get_attribute("id") != first_sent
        expect(page.locator("a.reader-previous")).to_be_visible()
        screenshot(page, "reader-long-window")

    with page_at(browser, WIDTHS["phone"]) as phone:
        phone.goto(f"{server}/dokument/{LONG}?side=600#side-600")
        expect(phone.locator("#side-600")).to_be_in_viewport()
        assert_fits(phone)
        screenshot(phone, "reader-long-window")
