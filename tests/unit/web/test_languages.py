"""The language of a document and of its pages, in the document's JSON and on its page (on the
real app and a real SQLite database)."""

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.query import search
from search_api.query.filters import FILTERS_BY_NAME
from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from web.app import app
from web.templating import language_name

ENGLISH = "sprog-engelsk"
OLD = "sprog-gammel"
SUMMARY = "This report follows children placed in kinship care over three years."


@pytest.fixture(scope="module", autouse=True)
def documents() -> None:
    migrate()
    with session_scope() as session:
        store_document(
            session,
            ENGLISH,
            title="Children placed with relatives",
            extra={"language": "en"},
            pages=["Forord på dansk om børn i netværkspleje.", SUMMARY],
        )
        document_store.replace_pages(
            session,
            document_id=ENGLISH,
            pages=[(1, "Forord på dansk om børn i netværkspleje."), (2, SUMMARY)],
            languages=["da", "en"],
        )
        # Stored before languages were detected: no language on its pages, none in extra.
        store_document(session, OLD, title="Anbragte børns skolegang", pages=["Side om skole."])


def test_the_json_gives_the_document_and_each_page_its_language() -> None:
    with TestClient(app) as client:
        english = client.get(f"/api/documents/{ENGLISH}").json()
        old = client.get(f"/api/documents/{OLD}").json()
    assert english["language"] == "en"
    assert [(p["number"], p["language"]) for p in english["pages"]] == [(1, "da"), (2, "en")]
    # A page without a language of its own has its document's; a document without one is Danish.
    assert old["language"] == "da"
    assert [p["language"] for p in old["pages"]] == ["da"]


def test_the_page_names_the_language_and_marks_each_page_with_its_own() -> None:
    with TestClient(app) as client:
        page = HTMLParser(client.get(f"/dokument/{ENGLISH}").text)
    terms = [dt.text() for dt in page.css(".reader-metadata dt")]
    values = [dd.text() for dd in page.css(".reader-metadata dd")]
    assert values[terms.index("Sprog")] == "Engelsk"
    texts = page.css(".reader-text")
    assert [node.attributes.get("lang") for node in texts] == ["da", "en"]
    assert SUMMARY in texts[1].text()
    # A screen reader reads the English title in English (the page around it is Danish).
    title = page.css_first("h1")
    assert title is not None and title.attributes.get("lang") == "en"


def test_pages_replaced_without_languages_keep_theirs() -> None:
    """A redaction changes a page's words, not its language."""
    with session_scope() as session:
        document_store.replace_pages(
            session, document_id=ENGLISH, pages=[(1, "Forord [skjult]."), (2, SUMMARY)]
        )
    with TestClient(app) as client:
        pages = client.get(f"/api/documents/{ENGLISH}").json()["pages"]
    assert [(p["text"], p["language"]) for p in pages] == [
        ("Forord [skjult].", "da"),
        (SUMMARY, "en"),
    ]


def test_a_stated_norwegian_is_named_in_danish() -> None:
    """A manifest's "nb" was shown as "Nb" on the document page and in the language facet."""
    assert language_name("nb") == "Norsk (bokmål)"
    assert search.show_value(FILTERS_BY_NAME["language"], "nb") == "Norsk (bokmål)"
