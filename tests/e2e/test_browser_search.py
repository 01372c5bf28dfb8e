"""The look and the search journey in Debian's Chromium, at a desktop's and a phone's width.

Every page type of the search side (home, a search with filters set, the about page, an error
page) has no critical or serious axe-core violation, is no wider than the screen, and is
photographed for a reviewer (``var/screenshots/<type>-<width>.png``). From the top of a results
page the keyboard reaches the first result in five Tab stops (through the skip link to the
results). Two journeys run end to end at both widths: a case worker's (a question in plain
words, one professional group, open a result) and a researcher's (a query, a range of years,
two publishers, the next page).
"""

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    WIDTHS,
    accessibility_violations,
    assert_fits,
    chromium,
    page_at,
    screenshot,
    tab_stops_until,
)

# A search as the sample corpus answers it, with filters of three kinds set.
FILTERED = {
    "q": "samtale",
    "publisher": ["Børns Vilkår"],
    "professional": ["lærer"],
    "year_from": ["2015"],
}
PAGE_TYPES = {
    "forside": ("/", 200),
    "soegning": ("/?" + urlencode(FILTERED, doseq=True), 200),
    "om": ("/om", 200),
    "fejl": ("/findes-ikke", 404),
    # A long compound quoted in the results' heading made a phone's page scroll sideways.
    "langt-ord": ("/?" + urlencode({"q": "netværksplejefamiliekonsulenterne"}), 200),
}
CASE_WORKER_QUERY = "samtale med barn om underretning"
RESEARCHER_QUERY = "inddragelse af børn"
FIRST_YEAR, LAST_YEAR = 2015, 2024
PUBLISHERS = ["VIVE", "Socialstyrelsen"]
MAX_TAB_STOPS = 5
PHONE = WIDTHS["phone"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(params=list(WIDTHS.values()), ids=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    with page_at(browser, request.param) as page:
        yield page


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def open_filters(page: Page) -> None:
    """On a phone the filters wait behind "Filtrér"; on a desktop they are open already."""
    toggle = page.locator("summary.filter-toggle")
    if toggle.is_visible():
        assert page.locator(".filter-body").is_hidden()
        toggle.click()
    assert page.locator(".filter-body").is_visible()


def show_results(page: Page) -> None:
    """ "Vis resultater" above the filters (it stands below them too)."""
    with page.expect_navigation():
        page.get_by_role("button", name="Vis resultater").first.click()


def search_for(page: Page, server: str, query: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Søg i forskning, værktøjer og publikationer").fill(query)
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert query_of(page)["q"] == [query]


def total(page: Page) -> int:
    match = re.match(r"([\d.]+) resultat", page.locator("#antal").inner_text().strip())
    assert match, page.locator("#antal").inner_text()
    return int(match.group(1).replace(".", ""))


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_each_page_type_is_accessible_fits_the_screen_and_is_photographed(
    page: Page, server: str, page_type: str
) -> None:
    path, status = PAGE_TYPES[page_type]
    response = page.goto(server + path)
    assert response is not None and response.status == status
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "da"
    # The design system's stylesheet is served from the app itself.
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
    assert f"{server}/static/dkfds/css/dkfds.min.css" in [s.split("?")[0] for s in sheets]
    assert page.evaluate(
        "document.fonts.ready.then(fonts => [...fonts].some("
        "f => f.family.includes('IBM Plex Sans') && f.status === 'loaded'))"
    )
    assert_fits(page)
    assert accessibility_violations(page) == []
    assert screenshot(page, page_type).stat().st_size > 0


def test_the_main_menu_speaks_to_people_and_the_api_is_in_the_footer(
    page: Page, server: str
) -> None:
    page.goto(server + "/")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    assert menu.is_visible()
    assert [" ".join(t.split()) for t in menu.get_by_role("link").all_inner_texts()] == [
        "Søg",
        "Samlinger",
        "Indlæsninger",
        "Om Vidensbank",
        "Log ind",
    ]
    footer = page.locator("footer")
    assert footer.get_by_role("link", name="API-dokumentation").get_attribute("href") == "/docs"
    assert footer.get_by_role("link", name="Samme data som JSON").is_visible()


def test_the_first_result_is_within_five_tab_stops_and_focus_shows(page: Page, server: str) -> None:
    page.goto(server + "/?" + urlencode(FILTERED, doseq=True))
    stops = tab_stops_until(page, "a.skipnav[href='#resultater']")
    assert stops is not None
    skip = page.locator("a.skipnav[href='#resultater']")
    assert skip.inner_text() == "Gå til søgeresultaterne"
    # The focused skip link slides onto the screen.
    expect(skip).to_be_in_viewport(ratio=1)
    page.keyboard.press("Enter")
    while stops < MAX_TAB_STOPS:
        page.keyboard.press("Tab")
        stops += 1
        if page.evaluate("!!document.activeElement?.closest('.result')"):
            break
    assert page.evaluate("document.activeElement?.closest('.result h3') !== null"), stops
    assert stops <= MAX_TAB_STOPS
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline


def test_a_case_workers_journey(page: Page, server: str) -> None:
    search_for(page, server, CASE_WORKER_QUERY)
    assert total(page) > 0
    if page.viewport_size and page.viewport_size["width"] == PHONE:
        # Results first: the first result is on the first screen.
        box = page.locator(".result").first.bounding_box()
        assert box is not None and box["y"] < page.viewport_size["height"]

    open_filters(page)
    professionals = page.locator("fieldset[data-filter=professional]")
    labels = professionals.locator("label").all_text_contents()
    names = [re.sub(r"\s*\(\d+\)$", "", label.strip()) for label in labels]
    assert len({name.casefold() for name in names}) == len(names), names
    assert all(name[:1].isupper() for name in names), names
    first = professionals.locator("input[type=checkbox]").first
    value = first.get_attribute("value")
    count = int(re.findall(r"\((\d+)\)", labels[0])[-1])
    first.check()
    show_results(page)

    assert query_of(page)["professional"] == [value]
    assert query_of(page)["q"] == [CASE_WORKER_QUERY]
    assert total(page) == count
    assert page.locator(".active-filters li[data-filter=professional]").count() == 1
    assert_fits(page)

    link = page.locator(".result h3 a").first
    title = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path.startswith("/dokument/")
    assert query_of(page)["q"] == [CASE_WORKER_QUERY]
    assert page.locator("h1").inner_text() == title


def test_a_researchers_journey(page: Page, server: str) -> None:
    search_for(page, server, RESEARCHER_QUERY)
    open_filters(page)
    page.get_by_label("Fra år").fill(str(FIRST_YEAR))
    page.get_by_label("Til år").fill(str(LAST_YEAR))
    publishers = page.locator("fieldset[data-filter=publisher]")
    for publisher in PUBLISHERS:
        publishers.locator(f"input[value='{publisher}']").check()
    show_results(page)

    # The default order, sent by the form, is left out of the page links.
    query = {name: values for name, values in query_of(page).items() if name != "sort"}
    assert query["q"] == [RESEARCHER_QUERY]
    assert query["year_from"] == [str(FIRST_YEAR)] and query["year_to"] == [str(LAST_YEAR)]
    assert sorted(query["publisher"]) == sorted(PUBLISHERS)
    chips = page.locator(".active-filters li")
    assert sorted(chips.evaluate_all("items => items.map(i => i.dataset.filter)")) == sorted(
        ["publisher", "publisher", "year_from", "year_to"]
    )
    first_page = check_results(page)
    # The other publishers stay listed, so more can be added.
    assert publishers.locator("input[type=checkbox]").count() > len(PUBLISHERS)

    with page.expect_navigation():
        page.get_by_role("link", name="Næste side").click()
    assert query_of(page)["page"] == ["2"]
    assert {k: v for k, v in query_of(page).items() if k not in ("page", "sort")} == query
    assert page.locator(".pagination [aria-current=page]").inner_text().strip().endswith("2")
    assert not set(check_results(page)) & set(first_page)
    assert_fits(page)


def check_results(page: Page) -> list[str]:
    """Every result on the page is from a chosen publisher and within the years; the titles."""
    metas = page.locator(".result-meta").all_inner_texts()
    assert metas
    for meta in metas:
        assert meta.split(" · ")[0] in PUBLISHERS, meta
        year = int(meta.strip().rsplit(" ", 1)[-1])
        assert FIRST_YEAR <= year <= LAST_YEAR, meta
    return page.locator(".result h3").all_inner_texts()


def test_years_are_newest_first_and_names_link_to_their_pages(
    browser: Browser, server: str
) -> None:
    with page_at(browser, WIDTHS["desktop"]) as page:
        page.goto(server + "/?q=barnets+lov")
        years = page.locator("fieldset[data-filter=year] input[type=checkbox]")
        values = [int(v) for v in years.evaluate_all("boxes => boxes.map(b => b.value)")]
        assert values == sorted(values, reverse=True) and len(values) > 1
        link = page.locator("fieldset[data-filter=entity] a.entity-link").first
        href = link.get_attribute("href") or ""
        assert href.startswith("/entitet/")
        response = page.goto(server + href)
        assert response is not None and response.status == 200


def test_a_page_after_the_last_says_so(browser: Browser, server: str) -> None:
    with page_at(browser, PHONE) as page:
        page.goto(server + "/?q=samtale&page=99")
        text = page.locator("main").inner_text()
        assert "Side 99 findes ikke" in text
        assert "Side 99 af" not in text and "Ingen dokumenter matcher" not in text
        with page.expect_navigation():
            page.locator(".beyond-last-page a").click()
        assert page.locator(".result").count() > 0
        assert_fits(page)


def test_the_home_page_does_not_claim_an_order_it_does_not_show(
    browser: Browser, server: str
) -> None:
    with page_at(browser, WIDTHS["desktop"]) as page:
        page.goto(server + "/")
        assert "nyeste først" in page.locator("#antal").inner_text()
        assert page.locator("select[name=sort]").count() == 0
        page.goto(server + "/?q=samtale")
        assert "nyeste først" not in page.locator("#antal").inner_text()
        assert page.locator("select[name=sort] option:checked").inner_text() == "Mest relevante"


def test_suggestions_still_come_while_typing(browser: Browser, server: str) -> None:
    """autocomplete.js fills the input's list of suggestions (the page works without it)."""
    with page_at(browser, WIDTHS["desktop"]) as page:
        page.goto(server + "/")
        page.locator("#q").press_sequentially("Samtale", delay=30)
        expect(page.locator("#forslag option").first).to_be_attached()
        # Cut back below two letters, the suggestions for the longer text go (they stayed).
        page.locator("#q").fill("S")
        page.locator("#q").dispatch_event("input")
        expect(page.locator("#forslag option")).to_have_count(0)
