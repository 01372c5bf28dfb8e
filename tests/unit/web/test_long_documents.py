"""A document with thousands of names and one of hundreds of pages on the real app and SQLite: a
tester's curator page of 2,787 names took 158 s to load in Chromium (a correction form for
every name), and the reader sent all 600 pages of a report whichever page was asked for."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from search_api.api import corrections
from tests.accounts import add, logged_in
from tests.documents import person, store_long_report, store_many_names
from vidensbank.store.db import migrate, session_scope
from web.app import app

NAMES = "many-names"
PEOPLE = 2_700
AMOUNTS = 300
LONG = "long-report"
PAGES = 600
FOUND_ON = 437
PHRASE = "kvantefysiske skovsnegle"


@pytest.fixture(scope="module")
def stored() -> None:
    migrate()
    with session_scope() as session:
        store_many_names(session, NAMES, people=PEOPLE, amounts=AMOUNTS)
        store_long_report(session, LONG, pages=PAGES, phrase=PHRASE, on_page=FOUND_ON)
    add("lange@eksempel.dk")


@pytest.fixture
def curator(stored: None, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # A correction queues the document for the entity step; no worker here takes it.
    monkeypatch.setattr(corrections, "enqueue_stored", lambda *args, **kwargs: None)
    return logged_in("lange@eksempel.dk")


@pytest.fixture
def anyone(stored: None) -> TestClient:
    return TestClient(app)


def _node(parent: HTMLParser | LexborNode, selector: str) -> LexborNode:
    node = parent.css_first(selector)
    assert node is not None, selector
    return node


def _forms(html: HTMLParser) -> list[LexborNode]:
    return html.css("form")


# --- The curator's page of a document with thousands of names ----------------------------

MAX_FORMS = 20
MAX_CURATOR_BYTES = 400_000


def test_the_curators_page_of_thousands_of_names_has_few_forms(curator: TestClient) -> None:
    """Every name had a form of its own: 3,000 names, 3,000 forms, 6,000 lists to choose from
    and 9,000 labels, which Chromium took minutes to lay out."""
    response = curator.get(f"/dokument/{NAMES}")
    assert response.status_code == 200
    html = HTMLParser(response.text)
    assert len(_forms(html)) <= MAX_FORMS
    assert len(html.css("select")) <= 2 * 2  # the metadata form has none; adding a name, one
    assert len(response.content) < MAX_CURATOR_BYTES
    # Every name shown has its way to a correction, and every form its CSRF token.
    shown = html.css(".reader-entity-list > li")
    assert shown and all(item.css_first("a.entity-fix-link") is not None for item in shown)
    assert all(form.css_first("input[name=csrf_token]") for form in _forms(html))
    # No name beyond the first of each kind is lost: the rest are a link away.
    everyone = _node(html, "a[href^='/dokument/many-names/navne?type=PER']")
    assert "2.700" in everyone.text()


def test_the_public_page_lists_a_bounded_number_of_names(anyone: TestClient) -> None:
    page = anyone.get(f"/dokument/{NAMES}")
    html = HTMLParser(page.text)
    assert len(html.css(".reader-entity-list > li")) <= 7 * 50
    assert not html.css("a.entity-fix-link") and not html.css(".reader-entity-list form")


def _fix_link(page: str, name: str) -> str:
    html = HTMLParser(page)
    for item in html.css(".reader-entity-list > li"):
        if _node(item, ".reader-entity-name").text() == name:
            return str(_node(item, "a.entity-fix-link").attributes["href"])
    raise AssertionError(f"{name} is not on the page")


def test_a_name_is_corrected_on_a_form_of_its_own(curator: TestClient) -> None:
    """ "Ret" opens that name's form, and only that one, also for a name far down the list
    (reached from the list of all of a kind), and a refused correction comes back open with
    what was typed."""
    listing = curator.get(f"/dokument/{NAMES}/navne", params={"type": "PER", "side": 14})
    assert listing.status_code == 200
    assert not HTMLParser(listing.text).css(".reader-entity-list form")
    far = person(2_650)
    href = _fix_link(listing.text, far)
    assert href.startswith(f"/dokument/{NAMES}?") and "#ret-per-" in href

    page = curator.get(href)
    html = HTMLParser(page.text)
    opened = html.css("details.entity-fix")
    assert len(opened) == 1 and "open" in opened[0].attributes
    item = opened[0].parent
    assert item is not None and _node(item, ".reader-entity-name").text() == far
    form = _node(opened[0], "form")
    # The fragment the link went to is the form's, and its label names the field.
    assert opened[0].attributes["id"] == urlsplit(href).fragment
    select = _node(form, "select[name=action]")
    assert _node(html, f"label[for='{select.attributes['id']}']").text() == "Hvad er forkert?"
    sent = {
        str(node.attributes["name"]): node.attributes.get("value") or ""
        for node in form.css("input[type=hidden]")
    } | {"action": "link", "new_label": "PER", "kb_id": "per.findes-ikke-xyz"}
    assert sent["entity"] == far.lower()

    refused = curator.post(f"/dokument/{NAMES}/navne", data=sent)
    assert refused.status_code == 400
    shown = HTMLParser(refused.text).css("details.entity-fix[open]")
    assert len(shown) == 1
    assert "per.findes-ikke-xyz" in _node(shown[0], "[role=alert]").text()
    assert _node(shown[0], "input[name=kb_id]").attributes["value"] == "per.findes-ikke-xyz"
    assert "selected" in _node(shown[0], "option[value=link]").attributes
    assert len(refused.content) < MAX_CURATOR_BYTES


def test_the_list_of_all_names_of_a_kind_is_paged(anyone: TestClient) -> None:
    first = HTMLParser(anyone.get(f"/dokument/{NAMES}/navne?type=PER").text)
    names = [node.text() for node in first.css(".reader-entity-name")]
    assert names[0] == person(0) and 0 < len(names) <= 500
    last = anyone.get(f"/dokument/{NAMES}/navne?type=PER&side=999")
    assert last.status_code == 404
    assert anyone.get(f"/dokument/{NAMES}/navne?type=XYZ").status_code == 400
    assert anyone.get("/dokument/findes-ikke/navne?type=PER").status_code == 404
    # Every name is on one of the pages, in the page's order, once.
    seen: list[str] = []
    page = 1
    while True:
        response = anyone.get(f"/dokument/{NAMES}/navne", params={"type": "PER", "side": page})
        if response.status_code == 404:
            break
        seen += [node.text() for node in HTMLParser(response.text).css(".reader-entity-name")]
        page += 1
    assert seen == [person(n) for n in range(PEOPLE)]


# --- The reader of a long report ----------------------------------------------------------

MAX_READER_BYTES = 600_000
MAX_PAGES_SENT = 100


def _pages_sent(html: HTMLParser) -> list[int]:
    return [
        int(str(node.attributes["id"]).removeprefix("side-")) for node in html.css(".reader-page")
    ]


def test_the_reader_sends_a_window_of_a_long_report(anyone: TestClient) -> None:
    """All 600 pages, 2.4 MB, were sent whichever page was asked for."""
    for asked in (1, FOUND_ON, PAGES):
        response = anyone.get(f"/dokument/{LONG}", params={"side": asked})
        html = HTMLParser(response.text)
        sent = _pages_sent(html)
        assert asked in sent and len(sent) <= MAX_PAGES_SENT, asked
        assert sent == list(range(sent[0], sent[-1] + 1))
        assert len(response.content) < MAX_READER_BYTES, asked
        # The contents cover the whole report: every section has its link.
        nav = [str(a.attributes["href"]) for a in html.css(".reader-nav-list a")]
        firsts = [int(parse_qs(urlsplit(href).query)["side"][0]) for href in nav]
        assert firsts[0] == 1 and len(nav) > 3
        assert all(first <= PAGES for first in firsts)


def test_a_search_hit_deep_in_a_long_report_lands_on_its_page_marked(anyone: TestClient) -> None:
    response = anyone.get(f"/dokument/{LONG}", params={"side": FOUND_ON, "q": PHRASE})
    html = HTMLParser(response.text)
    page = _node(html, f"#side-{FOUND_ON}")
    assert [mark.text() for mark in page.css("mark")] == PHRASE.split()
    # Its section is the open one.
    section = page.parent
    while section is not None and section.tag != "details":
        section = section.parent
    assert section is not None and "open" in section.attributes
    assert f"fremhævet på 1 af {PAGES} sider" in re.sub(r"\s+", " ", html.text())
    # Without a page, the reader opens where the words are.
    found = HTMLParser(anyone.get(f"/dokument/{LONG}", params={"q": PHRASE}).text)
    assert FOUND_ON in _pages_sent(found)


def test_the_reader_links_the_sections_before_and_after(anyone: TestClient) -> None:
    html = HTMLParser(anyone.get(f"/dokument/{LONG}", params={"side": FOUND_ON}).text)
    sent = _pages_sent(html)
    before = _node(html, "a.reader-previous")
    after = _node(html, "a.reader-next")
    back = int(parse_qs(urlsplit(str(before.attributes["href"])).query)["side"][0])
    on = int(parse_qs(urlsplit(str(after.attributes["href"])).query)["side"][0])
    assert back < sent[0] and on > sent[-1]
    # Each leads to a window that has the page it names.
    for target in (back, on):
        assert target in _pages_sent(
            HTMLParser(anyone.get(f"/dokument/{LONG}", params={"side": target}).text)
        )
