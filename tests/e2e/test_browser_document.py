"""The document reader in Chromium, at a desktop's and a phone's width.

A long PDF report and an HTML tool page of the sample corpus are opened as a search result
opens them (with the query, ``?q=``). Each is checked with axe-core (no critical or serious
violation), for sideways scrolling, and photographed for a reviewer; the report's height at
each width is measured and printed at the end of the run. Then a reader's ways around: the
search words are marked, the way back leads to the search, the page navigation and a link
with the fragment alone (``#side-N``) reach their page even when its section is closed, and the
names link to their entity pages.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
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
from tests.quality import report as report_figures

REPORT_QUERY = "inddragelse"
TOOL_QUERY = "underretning"
# Before issue 11, an 11-page report's page was 19,222 px tall at 390 px (10,184 at 1280 px).
HEIGHT_BEFORE = {1280: 10_184, 390: 19_222}
# The reader of a long report must be far shorter: under half of that on a phone.
PHONE_HEIGHT_LIMIT = 8_000
HEIGHTS: dict[str, int] = {}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def api(server: str, path: str, **params: Any) -> Any:
    response = httpx.get(f"{server}{path}", params=params, timeout=30)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="module")
def long_report(server: str) -> dict[str, Any]:
    """The longest PDF report among the first results for the report query."""
    results = api(server, "/api/search", q=REPORT_QUERY, kind="rapport", size=20)["results"]
    reports = [
        api(server, f"/api/documents/{r['id']}") for r in results if r["filename"].endswith(".pdf")
    ]
    longest: dict[str, Any] = max(reports, key=lambda d: len(d["pages"]))
    assert len(longest["pages"]) >= 10, [len(d["pages"]) for d in reports]
    return longest


@pytest.fixture(scope="module")
def tool_page(server: str) -> dict[str, Any]:
    """An HTML tool page with its publisher's address."""
    results = api(server, "/api/search", q=TOOL_QUERY, kind="værktøj", size=20)["results"]
    tool = next(r for r in results if r["filename"].endswith(".html") and r["source_uri"])
    document: dict[str, Any] = api(server, f"/api/documents/{tool['id']}")
    return document


def open_reader(page: Page, server: str, document: dict[str, Any], query: str) -> None:
    response = page.goto(f"{server}/dokument/{document['id']}?q={query}")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text(document["title"])


def danish(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def check_page(page: Page, page_type: str) -> Path:
    violations = accessibility_violations(page)
    assert not violations, "\n".join(violations)
    assert_fits(page)
    return screenshot(page, page_type)


def assert_marked(page: Page, stem: str) -> None:
    """The first mark holds the stem: at its start ("inddraget") or as a compound's later
    part ("børneinddragelse"), as the search finds it."""
    mark = page.locator(".reader-text mark").first
    expect(mark).to_be_visible()
    assert stem in mark.inner_text().lower(), mark.inner_text()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_long_report_reads_well(
    browser: Browser, server: str, long_report: dict[str, Any], width: int
) -> None:
    with page_at(browser, width) as page:
        open_reader(page, server, long_report, REPORT_QUERY)
        check_page(page, "dokument-rapport")
        height = int(page.evaluate("document.documentElement.scrollHeight"))
        HEIGHTS[f"rapport, {len(long_report['pages'])} sider, {width} px"] = height
        report_figures(
            "Dokumentlæseren: sidens højde",
            [f"{name}: {danish(px)} px" for name, px in HEIGHTS.items()]
            + [f"før issue 11, {w} px: {danish(px)} px" for w, px in HEIGHT_BEFORE.items()],
        )
        if width == WIDTHS["phone"]:
            assert height < PHONE_HEIGHT_LIMIT, height
        # The reader marks every form of the word's stem ("inddraget", "inddragelsen") and the
        # compounds it ends ("børneinddragelse").
        assert_marked(page, "inddrag")
        # Title, metadata and actions come before the text; the original opens safely.
        header = page.locator(".reader-header")
        expect(header.locator(".reader-metadata")).to_contain_text(long_report["publisher"])
        expect(header.get_by_role("link", name="Åbn PDF'en")).to_have_attribute(
            "href", f"/api/documents/{long_report['id']}/original"
        )
        header_box, text_box = header.bounding_box(), page.locator(".reader-main").bounding_box()
        assert header_box and text_box and header_box["y"] < text_box["y"]
        # Dates and amounts are folded away.
        dates = page.locator("details.reader-group-folded")
        if dates.count():
            expect(dates.first).not_to_have_attribute("open", "")
        assert "file:" not in page.content()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_html_tool_page_reads_well(
    browser: Browser, server: str, tool_page: dict[str, Any], width: int
) -> None:
    with page_at(browser, width) as page:
        open_reader(page, server, tool_page, TOOL_QUERY)
        check_page(page, "dokument-html")
        assert_marked(page, "underretning")
        # The publisher's page comes first; the saved copy is only a download.
        publisher = page.get_by_role("link", name="Se siden hos udgiveren")
        expect(publisher).to_have_attribute("href", tool_page["source_uri"])
        saved = page.get_by_role("link", name="Hent den gemte kopi")
        expect(saved).to_have_attribute("href", f"/api/documents/{tool_page['id']}/original")
        expect(saved).to_have_attribute("download", "")
        assert "file:" not in page.content()


def test_back_link_leads_to_the_search(
    browser: Browser, server: str, long_report: dict[str, Any]
) -> None:
    with page_at(browser, WIDTHS["phone"]) as page:
        open_reader(page, server, long_report, REPORT_QUERY)
        page.get_by_role("link", name="Tilbage til søgningen").click()
        page.wait_for_load_state()
        address = urlsplit(page.url)
        assert address.path == "/" and parse_qs(address.query) == {"q": [REPORT_QUERY]}
        expect(page.locator(f"a[href^='/dokument/{long_report['id']}']").first).to_be_visible()


def test_back_from_a_result_keeps_the_searchs_order_and_filters(
    browser: Browser, server: str
) -> None:
    """It went to a search of the words alone: a case worker's filters and order were lost."""
    search = {"q": [REPORT_QUERY], "kind": ["rapport"], "sort": ["newest"]}
    with page_at(browser, WIDTHS["phone"]) as page:
        page.goto(f"{server}/?{urlencode(search, doseq=True)}")
        with page.expect_navigation():
            page.locator(".result-title a").first.click()
        page.get_by_role("link", name="Tilbage til søgningen").click()
        page.wait_for_load_state()
        assert parse_qs(urlsplit(page.url).query) == search


def test_page_navigation_opens_a_closed_section_at_its_page(
    browser: Browser, server: str, long_report: dict[str, Any]
) -> None:
    last = long_report["pages"][-1]["number"]
    with page_at(browser, WIDTHS["phone"]) as page:
        open_reader(page, server, long_report, REPORT_QUERY)
        target = page.locator(f"#side-{last}")
        expect(target).to_be_hidden()
        page.locator(f".reader-nav a[href$='#side-{last}']").click()
        page.wait_for_url(f"**#side-{last}")
        expect(target).to_be_visible()
        expect(target).to_be_in_viewport()
        # The search words stay marked on the way.
        assert parse_qs(urlsplit(page.url).query)["q"] == [REPORT_QUERY]


def test_a_search_hit_link_opens_its_page(
    browser: Browser, server: str, long_report: dict[str, Any]
) -> None:
    """A link with the fragment alone (/dokument/{id}?q=…#side-N, as other sites or old links
    give it; the search page also asks for the page): the browser opens the closed section the
    fragment points into."""
    last = long_report["pages"][-1]["number"]
    with page_at(browser, WIDTHS["desktop"]) as page:
        page.goto(f"{server}/dokument/{long_report['id']}?q={REPORT_QUERY}#side-{last}")
        target = page.locator(f"#side-{last}")
        expect(target).to_be_visible()
        expect(target).to_be_in_viewport()


def test_names_link_to_their_entity_pages_and_their_pages(
    browser: Browser, server: str, long_report: dict[str, Any]
) -> None:
    with page_at(browser, WIDTHS["desktop"]) as page:
        open_reader(page, server, long_report, REPORT_QUERY)
        entry = page.locator(".reader-entity-list li:has(.reader-entity-name a)").last
        page_link = entry.locator(".reader-entity-where a").last
        number = str(page_link.get_attribute("href")).rsplit("#side-", 1)[1]
        page_link.click()
        page.wait_for_url(f"**#side-{number}")
        expect(page.locator(f"#side-{number}")).to_be_in_viewport()
        name = page.locator(".reader-entity-list li .reader-entity-name a").last
        with page.expect_navigation() as navigation:
            name.click()
        response = navigation.value
        assert response is not None and response.status == 200
        assert urlsplit(page.url).path.startswith("/entitet/")
        expect(page.locator("h1")).to_be_visible()


def test_pages_reflow_at_320_px_and_show_their_state_in_forced_colours(
    browser: Browser, server: str, long_report: dict[str, Any]
) -> None:
    """At 320 px (WCAG 1.4.10) the about page's code example and the batch search's file field
    made the page scroll sideways; in a light forced-colours theme a ticked filter looked
    unticked (its tick is a white image on a background the theme drops), and the reader's
    pages with search words differed from the others by that background alone."""
    with page_at(browser, 320) as page:
        for path in ["/om", "/soegning/liste", f"/dokument/{long_report['id']}?q={REPORT_QUERY}"]:
            page.goto(f"{server}{path}")
            assert_fits(page)
        page.emulate_media(forced_colors="active", color_scheme="light")
        page.goto(f"{server}/?q={REPORT_QUERY}&kind=rapport")
        tick = page.evaluate(
            "getComputedStyle(document.querySelector('.form-checkbox:checked + label'),"
            " '::before').content"
        )
        assert tick == '"✓"'
        page.goto(f"{server}/dokument/{long_report['id']}?q={REPORT_QUERY}")
        marked = page.locator(".reader-nav-list a.has-hits").first
        assert marked.evaluate("a => getComputedStyle(a).borderBottomWidth") == "4px"
