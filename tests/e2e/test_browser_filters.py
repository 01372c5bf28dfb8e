"""A search with every filter set keeps every filter when a new query is sent from the form.

Chromium (Debian's, driven by Playwright) opens a search of the sample corpus with one value of
each filter in the table, types a new query into the form and submits it. The new search must
carry every filter in its address, list each as active, and still find the document they
describe; removing one filter from the list keeps all the others.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page

from search_api.query.filters import FILTERS
from tests.e2e.browser import WIDTHS, chromium, page_at

# A tool of the sample corpus: Børns Vilkår's "Samtaleguide: Tal med barnet om underretningen"
# (2021, for children of 6-17 years and, among others, teachers). The entity is read from the
# index, so the search is one the corpus answers.
FILTERS_BUT_ENTITY: dict[str, list[str]] = {
    "publisher": ["Børns Vilkår"],
    "kind": ["værktøj"],
    "language": ["da"],
    "year": ["2021"],
    "year_from": ["2020"],
    "year_to": ["2022"],
    "target_age": ["10"],
    "professional": ["lærer"],
}
TITLE = "Samtaleguide: Tal med barnet om underretningen"


@pytest.fixture(scope="module")
def every_filter(server: str) -> dict[str, list[str]]:
    """One value of each filter, all of them true of one document in the index."""
    answer = httpx.get(f"{server}/api/search", params=FILTERS_BUT_ENTITY, timeout=30).json()
    assert TITLE in [r["title"] for r in answer["results"]], answer
    entity = answer["facets"]["entity"][0]["value"]
    chosen = {**FILTERS_BUT_ENTITY, "entity": [entity]}
    assert set(chosen) == {f.name for f in FILTERS}
    return chosen


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with page_at(browser, WIDTHS["desktop"]) as page:
        yield page


def filters_in(url: str) -> dict[str, list[str]]:
    query = parse_qs(urlsplit(url).query)
    return {f.name: query[f.name] for f in FILTERS if f.name in query}


def listed_filters(page: Page) -> dict[str, list[str]]:
    listed: dict[str, list[str]] = {}
    items = page.locator(".active-filters li")
    for i in range(items.count()):
        item = items.nth(i)
        name, value = item.get_attribute("data-filter"), item.get_attribute("data-value")
        assert name and value, item.inner_html()
        listed.setdefault(name, []).append(value)
    return listed


def search_again(page: Page, query: str) -> None:
    page.fill("#q", query)
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")


def test_a_new_query_from_the_form_keeps_every_filter(
    page: Page, server: str, every_filter: dict[str, Any], run_dir: Path
) -> None:
    response = page.goto(f"{server}/?{urlencode({'q': 'samtale', **every_filter}, doseq=True)}")
    assert response is not None and response.status == 200
    assert listed_filters(page) == every_filter

    search_again(page, "underretning")

    assert parse_qs(urlsplit(page.url).query)["q"] == ["underretning"]
    assert filters_in(page.url) == every_filter
    assert listed_filters(page) == every_filter
    assert "Målgruppe: 10 år" in page.locator(".active-filters").inner_text()
    assert "Sprog: Dansk" in page.locator(".active-filters").inner_text()
    assert TITLE in page.locator(".result h3").all_inner_texts()
    screenshots = run_dir / "screenshots"
    screenshots.mkdir(exist_ok=True)
    page.screenshot(path=str(screenshots / "soegning-alle-filtre.png"), full_page=True)


def test_removing_one_filter_keeps_the_others_through_the_next_search(
    page: Page, server: str, every_filter: dict[str, Any]
) -> None:
    page.goto(f"{server}/?{urlencode({'q': 'samtale', **every_filter}, doseq=True)}")
    with page.expect_navigation():
        page.click(".active-filters li[data-filter=target_age] a")
    rest = {name: values for name, values in every_filter.items() if name != "target_age"}
    assert filters_in(page.url) == rest

    search_again(page, "barnet")

    assert filters_in(page.url) == rest
    assert listed_filters(page) == rest
