"""Languages on the real index: the English chain of the plugin on the node, English documents of
the sample corpus detected, found by other inflections of their words and counted by the
language facet."""

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from web.app import app

SUMMARY = "vive-2023-kinship-care-english-summary"
GUIDE = "bv-x-conversation-guide-your-rights-in-care"


@pytest.fixture(scope="module")
def api(corpus_report: dict[str, Any]) -> TestClient:
    return TestClient(app)


def stems(analyzer: str, text: str) -> list[str]:
    tokens = get_client().indices.analyze(index=alias_name(), analyzer=analyzer, text=text)
    return [token["token"] for token in tokens["tokens"]]


def by_slug(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Results by the slug of their file. Other tests of the session ingest copies of the
    corpus named "6-<slug>"; a copy and its original are one edition group, listed once by
    either of them."""
    return {re.sub(r"^\d+-", "", Path(r["filename"]).stem): r for r in results}


def english_ids(api: TestClient) -> dict[str, str]:
    """The ids of the documents the language filter gives as English, by their slugs."""
    results = api.get("/api/search", params={"language": "en", "size": 10}).json()["results"]
    return {slug: result["id"] for slug, result in by_slug(results).items()}


def test_the_english_chain_stems_english_words(api: TestClient) -> None:
    assert stems("en", "placements children's reporting reported the studies") == [
        "placement",
        "children",
        "report",
        "report",
        "study",
    ]
    # The Danish chain leaves them apart: that is what the English one is for.
    assert stems("da_search", "reporting reported") == ["reporting", "reported"]


def test_a_footnote_marker_in_superscript_is_no_part_of_its_word(api: TestClient) -> None:
    """The extractors write footnote markers in superscript digits ("børn²"), so that the word
    is the word the search looks for; as plain digits glued to it ("børn2") it was not."""
    for analyzer in ("da_index", "en"):
        assert stems(analyzer, "børn² sagen.³ myndigheder¹²") == stems(
            analyzer, "børn sagen. myndigheder"
        )


def test_english_documents_are_detected_and_their_pages_too(api: TestClient) -> None:
    ids = english_ids(api)
    assert set(ids) == {SUMMARY, GUIDE}
    summary = api.get(f"/api/documents/{ids[SUMMARY]}").json()
    assert summary["language"] == "en"
    # The cover mixes the English title with the publisher's Danish: either will do. The
    # table of contents is too short to tell and takes the document's language.
    languages = [p["language"] for p in summary["pages"]]
    assert languages[0] in ("da", "en") and languages[1:] == ["en"] * 5
    page = api.get(f"/dokument/{ids[SUMMARY]}").text
    assert "<dt>Sprog</dt><dd>Engelsk</dd>" in page


def test_an_english_document_is_found_by_another_inflection_of_its_words(
    api: TestClient,
) -> None:
    pages = api.get(f"/api/documents/{english_ids(api)[SUMMARY]}").json()["pages"]
    text = " ".join(page["text"] for page in pages)
    # The word searched is not in the text; other forms of it are, which the English chain
    # stems alike (the Danish one does not).
    assert "interviewing" not in text.lower()
    assert "interviews" in text and "interviewed" in text
    results = by_slug(api.get("/api/search", params={"q": "interviewing"}).json()["results"])
    assert SUMMARY in results
    [hit] = [h for h in results[SUMMARY]["hits"] if "<mark>" in h["highlight"]][:1]
    assert "<mark>interview" in hit["highlight"]
    # An English question finds it among the Danish reports its glossary words find.
    question = api.get("/api/search", params={"q": "kinship carers reporting"}).json()
    assert next(iter(by_slug(question["results"]))) == SUMMARY


def test_an_english_document_comes_first_for_its_own_title(api: TestClient) -> None:
    """An English document's English fields score on the statistics of the few English
    documents, so the Danish documents the query's translation found ranked above it, and
    meaning placed it among them: the guide was 8th for its own title."""
    for query in (
        "Conversation guide: Your rights when you live in care",
        "your rights when you live in care",
    ):
        results = api.get("/api/search", params={"q": query}).json()["results"]
        assert next(iter(by_slug(results))) == GUIDE, query


def test_the_language_facet_counts_the_languages(api: TestClient) -> None:
    body = api.get("/api/search").json()
    facet = {v["value"]: (v["label"], v["count"]) for v in body["facets"]["language"]}
    assert facet["en"] == ("Engelsk", 2)
    assert facet["da"] == ("Dansk", body["total"] - 2)
    page = api.get("/", params={"language": "en"}).text
    assert "Sprog" in page and "Engelsk" in page
