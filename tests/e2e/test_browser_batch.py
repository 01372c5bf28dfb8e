"""Batch search end to end in Debian's Chromium: from the search page to the list form, three
queries pasted, the table shown as it streams, and the CSV downloaded from the results."""

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import WIDTHS, accessibility_violations, chromium, page_at, screenshot

QUERIES = ["inddragelse af børn", "efterværn", "Barnets Lov"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with page_at(browser, WIDTHS["desktop"]) as page:
        yield page


def test_a_list_of_queries_gives_a_table_and_a_csv(page: Page, server: str) -> None:
    page.goto(f"{server}/?q=samtale")
    with page.expect_navigation():
        page.click("text=Kør mange søgninger på én gang")
    page.fill("#soegninger", "\n".join(QUERIES))
    page.fill("#antal", "3")
    with page.expect_navigation():
        page.click("form#liste button[type=submit]:not([formaction])")
    expect(page.locator(".batch-progress")).to_have_text("Færdig: 3 af 3 søgninger")
    queries = page.locator(".batch-table tr.batch-query td:first-of-type")
    expect(queries).to_have_text(QUERIES)
    assert page.locator(".batch-table tbody td a[href^='/dokument/']").count() >= 6
    assert accessibility_violations(page) == []
    screenshot(page, "soegning-liste")
    with page.expect_download() as download:
        page.click("text=Hent som CSV")
    assert download.value.suggested_filename.startswith("soegning-")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(dict.fromkeys(row[1] for row in rows[1:])) == QUERIES
