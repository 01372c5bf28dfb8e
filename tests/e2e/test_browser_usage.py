"""Usage statistics in a real browser session: Chromium (Debian's, driven by Playwright) opens a
document's page and downloads its original on the running app, and the statistics pages then
show the view and the download, counted once however often the page is opened. Headless
Chromium announces itself ("HeadlessChrome", on the COUNTER robots list) and a robot's requests
are not counted; the server's log has no client address."""

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from tests.e2e.browser import chromium
from tests.helpers import excel_csv_rows

# What a person's Chromium sends; headless Chromium's own user agent is a robot's.
PERSON = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def document_id(server: str) -> str:
    results = httpx.get(f"{server}/api/search", params={"q": "børn", "size": 20}, timeout=30)
    pdfs = [r["id"] for r in results.json()["results"] if r["filename"].endswith(".pdf")]
    assert pdfs, results.text
    return str(pdfs[0])


def figures(server: str, document_id: str) -> tuple[int, int]:
    body = httpx.get(f"{server}/api/usage/documents/{document_id}", timeout=30).json()
    return body["views"], body["downloads"]


def wait_for(server: str, document_id: str, expected: tuple[int, int]) -> None:
    """The count runs just after the response has been sent: give it a moment."""
    deadline = time.monotonic() + 10
    while figures(server, document_id) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert figures(server, document_id) == expected


def test_a_browser_session_is_counted_and_a_robot_is_not(
    browser: Browser, server: str, document_id: str, run_dir: Path
) -> None:
    views, downloads = figures(server, document_id)
    document_url = f"{server}/dokument/{document_id}"

    # Headless Chromium as it comes: a robot by the COUNTER list.
    headless = browser.new_context()
    assert "HeadlessChrome" in headless.new_page().evaluate("navigator.userAgent")
    headless_page = headless.pages[0]
    response = headless_page.goto(document_url)
    assert response is not None and response.status == 200
    headless.close()

    person = browser.new_context(user_agent=PERSON, accept_downloads=True, locale="da-DK")
    page = person.new_page()
    for _ in range(3):
        response = page.goto(document_url)
        assert response is not None and response.status == 200
    with page.expect_download() as download:
        page.locator("a[href$='/original'][download]").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    wait_for(server, document_id, (views + 1, downloads + 1))

    # A robot asking for the page and the file changes nothing.
    for path in (f"/dokument/{document_id}", f"/api/documents/{document_id}/original"):
        answer = httpx.get(f"{server}{path}", headers={"User-Agent": GOOGLEBOT}, timeout=30)
        assert answer.status_code == 200
    time.sleep(0.5)
    assert figures(server, document_id) == (views + 1, downloads + 1)

    # The statistics pages show it.
    page.goto(f"{document_url}")
    page.get_by_role("link", name="Se hvor meget dokumentet er brugt").click()
    assert page.url.endswith(f"/statistik/dokument/{document_id}")
    lead = page.locator(".font-lead").inner_text()
    assert re.match(rf"{views + 1} visning(?:er)? og {downloads + 1} downloads? fra ", lead), lead
    assert page.locator("svg[role=img]").count() == 2
    page.goto(f"{server}/statistik")
    assert page.locator(f"#mest-brugte a[href='/statistik/dokument/{document_id}']").count() == 1
    person.close()
    # Once more after the browser has gone: its later page loads were repeats.
    assert figures(server, document_id) == (views + 1, downloads + 1)

    # The server's log: the requests without the client's address or its browser.
    lines = [
        line
        for line in (run_dir / "api.log").read_text(errors="replace").splitlines()
        if f"/dokument/{document_id}" in line
    ]
    assert any(f"GET /dokument/{document_id} 200 " in line for line in lines), lines
    assert not [line for line in lines if "127.0.0.1" in line or "Chrome" in line]

    # And the JSON twin and the export of the running app.
    report: dict[str, Any] = httpx.get(f"{server}/api/usage", timeout=30).json()
    assert document_id in [d["id"] for d in report["documents"]]
    exported = httpx.get(f"{server}/api/usage.csv", params={"by": "publisher"}, timeout=30)
    assert exported.status_code == 200
    assert excel_csv_rows(exported.content)[0] == ["måned", "udgiver", "visninger", "downloads"]
