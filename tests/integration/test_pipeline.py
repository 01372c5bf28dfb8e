"""The whole pipeline through the real queue, worker, database and Elasticsearch."""

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select

from nlp_models.personal_data import SCREENING_VERSION
from sample_corpus.sources import load_documents
from tests.accounts import add, logged_in
from tests.faults import index_quiet, wait_for
from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import own_stack
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import content_hash
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document
from vidensbank.store.runs import IngestItem
from web.app import app

BROKEN = {
    "krypteret-rapport.pdf": ("encrypted", "adgangskode"),
    "afkortet-rapport.pdf": ("truncated", "afkortet"),
    "tom-fil.pdf": ("empty", "tom"),
    "zip-forklaedt.pdf": ("wrong_type", "ZIP"),
    "ødelagt-side.html": ("no_text", "brødtekst"),
}
# Among the broken files, but no longer: images of text only, read by the OCR step.
SCANNED = "kun-billeder.pdf"


@pytest.fixture(scope="module")
def report(corpus_report: dict[str, Any]) -> dict[str, Any]:
    return corpus_report


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(app)


def good_files(corpus: Path) -> set[str]:
    return set(json.loads((corpus / "manifest.json").read_text(encoding="utf-8")))


def test_report_follows_the_contract(report: dict[str, Any], corpus: Path) -> None:
    assert set(report) == {"run_id", "documents"}
    for document in report["documents"]:
        assert set(document) == {"filename", "source_uri", "status", "id", "reason_code", "reason"}
        assert document["status"] in {"indexed", "unchanged", "quarantined"}
    by_name = {d["filename"]: d for d in report["documents"]}
    assert good_files(corpus) | set(BROKEN) | {SCANNED} == set(by_name)
    for name in good_files(corpus) | {SCANNED}:
        assert by_name[name]["status"] == "indexed", by_name[name]
        assert by_name[name]["reason"] is None
        assert by_name[name]["id"]
    for name in BROKEN:
        assert by_name[name]["status"] == "quarantined"


def test_the_sample_corpus_holds_nothing_back(report: dict[str, Any]) -> None:
    """The personal data guard screened every document, and none of the published reports'
    pseudonymised cases held one back."""
    ids = [d["id"] for d in report["documents"] if d["status"] == "indexed"]
    with session_scope() as session:
        documents = session.scalars(select(Document).where(Document.id.in_(ids))).all()
        assert documents and all(d.screening_version == SCREENING_VERSION for d in documents)
        assert [d.id for d in documents if d.held_at is not None] == []
        assert personal_store.documents_to_review(session) == []


def test_a_harvest_gives_every_public_document(
    report: dict[str, Any], api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OAI-PMH over the ingested sample corpus, page after page: every document read is a
    record with its Dublin Core, and no quarantined file is there."""
    monkeypatch.setenv("VB_OAI_PAGE_SIZE", "7")
    get_settings.cache_clear()
    try:
        namespaces = {"o": "http://www.openarchives.org/OAI/2.0/"}
        records: dict[str, etree._Element] = {}
        arguments = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        pages = 0
        while True:
            root = etree.fromstring(api.get("/oai", params=arguments).content)
            pages += 1
            for record in root.iterfind(".//o:record", namespaces):
                identifier = record.findtext("o:header/o:identifier", namespaces=namespaces)
                records[identifier.rsplit(":", 1)[1]] = record
            token = root.findtext(".//o:resumptionToken", namespaces=namespaces)
            if not token:
                break
            arguments = {"verb": "ListRecords", "resumptionToken": token}
    finally:
        get_settings.cache_clear()
    indexed = {d["id"] for d in report["documents"] if d["status"] == "indexed"}
    quarantined = {d["id"] for d in report["documents"] if d["status"] == "quarantined"}
    assert indexed <= set(records) and not quarantined & set(records)
    assert pages > len(indexed) // 7
    for document_id in indexed:
        title = records[document_id].findtext(
            ".//{http://purl.org/dc/elements/1.1/}title", namespaces=namespaces
        )
        assert title, document_id


def test_the_scanned_file_is_read_by_ocr(report: dict[str, Any]) -> None:
    item = next(d for d in report["documents"] if d["filename"] == SCANNED)
    with session_scope() as session:
        document = document_store.get_document(session, document_id=item["id"])
        assert document is not None
        pages = [(page.ocr, page.ocr_confidence) for page in document.pages]
        text = " ".join(page.text for page in document.pages)
    assert len(pages) == 2
    assert all(ocr == "read" and confidence and confidence > 80 for ocr, confidence in pages)
    assert "Anbragte børns skolegang" in text


@pytest.mark.parametrize("filename", sorted(BROKEN))
def test_broken_file_is_quarantined_with_its_reason(report: dict[str, Any], filename: str) -> None:
    code, words = BROKEN[filename]
    with session_scope() as session:
        run = run_store.get_run(session, run_id=report["run_id"])
        assert run is not None
        item: IngestItem = next(i for i in run.items if i.filename == filename)
        assert item.reason_code == code
        assert item.reason is not None and words.lower() in item.reason.lower()


def test_quarantined_original_is_kept(
    report: dict[str, Any], corpus: Path, api: TestClient
) -> None:
    item = next(d for d in report["documents"] if d["filename"] == "krypteret-rapport.pdf")
    # Never screened for personal data (it could not be read): curators only.
    assert api.get(f"/api/documents/{item['id']}/original").status_code == 404
    add("kurator.karantaene@eksempel.dk")
    response = logged_in("kurator.karantaene@eksempel.dk").get(
        f"/api/documents/{item['id']}/original"
    )
    assert response.status_code == 200
    assert response.content == (corpus / "broken" / "krypteret-rapport.pdf").read_bytes()


def test_second_ingest_reports_unchanged(report: dict[str, Any], corpus: Path) -> None:
    again = ingest(corpus)
    by_name = {d["filename"]: d for d in again["documents"]}
    for name in good_files(corpus) | {SCANNED}:
        assert by_name[name]["status"] == "unchanged"
        assert by_name[name]["id"] == next(
            d["id"] for d in report["documents"] if d["filename"] == name
        )
    for name in BROKEN:
        assert by_name[name]["status"] == "quarantined"


def test_search_finds_danish_results_with_page_hits(
    report: dict[str, Any], api: TestClient
) -> None:
    response = api.get("/api/search", params={"q": "inddragelse"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 5
    first = body["results"][0]
    assert set(first) == {
        "id",
        "title",
        "publisher",
        "kind",
        "published",
        "filename",
        "source_uri",
        # Its language (ISO 639-1), for marking an English title as English.
        "language",
        # The ages a tool is for, as it says them (None for other documents).
        "target_age",
        "score",
        "hits",
        # The result's other editions: none in the sample corpus, but the fault tests of the
        # same session ingest copies of it, which are editions of their originals.
        "editions",
    }
    assert all(edition["id"] != first["id"] for edition in first["editions"])
    with_hits = [r for r in body["results"] if r["hits"]]
    assert with_hits
    assert all(isinstance(h["page"], int) for h in with_hits[0]["hits"])
    assert "<mark>" in with_hits[0]["hits"][0]["highlight"]
    assert {"publisher", "kind", "year"} <= set(body["facets"])


def test_reports_carry_the_isbn_printed_on_their_title_page(
    report: dict[str, Any], api: TestClient
) -> None:
    """The manifest gives no ISBN: each comes from the text of the PDF's first pages."""
    printed = {
        spec.filename: spec.data["isbn"]
        for spec in load_documents()
        if spec.fmt == "pdf" and spec.data.get("isbn")
    }
    found = {
        d["filename"]: api.get(f"/api/documents/{d['id']}").json().get("isbn")
        for d in report["documents"]
        if d["filename"] in printed and d["status"] == "indexed"
    }
    assert len(found) >= 10
    assert found == {filename: printed[filename] for filename in found}


def test_a_page_of_search_results_downloads_as_references(
    report: dict[str, Any], api: TestClient
) -> None:
    params: dict[str, str | int] = {"q": "anbringelse", "size": 20}
    # Both requests while nothing is written: a document linked as an edition between them
    # moved the 20th place (the session's worker links the fault tests' corpus copies).
    assert wait_for(index_quiet, timeout=120)
    results = api.get("/api/search", params=params).json()["results"]
    ris = api.get("/api/search/cite", params={**params, "format": "ris"})
    assert ris.status_code == 200
    assert ris.headers["content-disposition"] == 'attachment; filename="soegning.ris"'
    titles = [line[6:] for line in ris.text.splitlines() if line.startswith("TI  - ")]
    # The same documents; their order may shift between the two requests while the fault
    # tests' corpus copies are still being linked as editions by the session's worker.
    expected = [" ".join(r["title"].split()) for r in results]
    assert sorted(titles) == sorted(expected) and len(titles) > 5


def test_filters_narrow_results(report: dict[str, Any], api: TestClient) -> None:
    everything = api.get("/api/search", params={"q": "børn"}).json()
    vive = api.get("/api/search", params={"q": "børn", "publisher": "VIVE"}).json()
    assert 0 < vive["total"] < everything["total"]
    assert {r["publisher"] for r in vive["results"]} == {"VIVE"}
    tools = api.get("/api/search", params={"kind": "værktøj", "size": 100}).json()
    assert tools["total"] > 0 and {r["kind"] for r in tools["results"]} == {"værktøj"}


def test_document_api_has_pages_and_entities(
    report: dict[str, Any], corpus: Path, api: TestClient
) -> None:
    pdfs = [
        d
        for d in report["documents"]
        if d["filename"].endswith(".pdf") and d["status"] == "indexed"
    ]
    document = max(
        (api.get(f"/api/documents/{d['id']}").json() for d in pdfs), key=lambda d: len(d["pages"])
    )
    assert len(document["pages"]) > 2
    assert [p["number"] for p in document["pages"]] == list(range(1, len(document["pages"]) + 1))
    assert document["entities"], "a report with no entities at all"
    for entity in document["entities"]:
        assert set(entity) == {"text", "label", "canonical", "kb_id", "count", "pages", "forms"}
        # Every way the document writes it (spaces and line breaks as one space), its first
        # form among them, each once.
        forms = entity["forms"]
        assert " ".join(entity["text"].split()) in forms and len(set(forms)) == len(forms)
    original = api.get(f"/api/documents/{document['id']}/original")
    assert original.headers["content-type"] == "application/pdf"
    assert content_hash(original.content) == content_hash(
        (corpus / document["filename"]).read_bytes()
    )


def test_entity_page_lists_the_documents_that_mention_it(
    report: dict[str, Any], api: TestClient
) -> None:
    document_ids = [d["id"] for d in report["documents"] if d["status"] == "indexed"]
    linked = [
        (document_id, entity)
        for document_id in document_ids
        for entity in api.get(f"/api/documents/{document_id}").json()["entities"]
        if entity["kb_id"]
    ]
    assert linked, "no entity in the corpus was linked to the knowledge base"
    document_id, entity = linked[0]
    page = api.get(f"/api/entities/{entity['kb_id']}").json()
    assert page["name"] == entity["canonical"]
    # Listed itself, or (an older edition of a report) beside the newest edition.
    listed = {d["id"] for d in page["documents"]}
    listed |= {e["id"] for d in page["documents"] for e in d["editions"]}
    assert document_id in listed
    assert sum(page["mentions_by_year"].values()) >= entity["count"]
    html = api.get(f"/entitet/{entity['kb_id']}")
    assert html.status_code == 200 and f"/dokument/{document_id}" in html.text
    missing = api.get("/api/entities/org.findes-ikke")
    assert missing.status_code == 404 and "vidensbasen" in missing.json()["error"]


def test_web_pages_render_the_same_data(report: dict[str, Any], api: TestClient) -> None:
    page = api.get("/", params={"q": "inddragelse"})
    assert page.status_code == 200
    assert 'lang="da"' in page.text and "resultat" in page.text
    first = api.get("/api/search", params={"q": "inddragelse"}).json()["results"][0]
    assert f"/dokument/{first['id']}" in page.text

    document = api.get(f"/dokument/{first['id']}")
    assert document.status_code == 200 and "Side 1" in document.text

    runs = api.get("/indlaesninger")
    assert runs.status_code == 200
    assert "krypteret-rapport.pdf" in runs.text and "adgangskode" in runs.text
    assert api.get(f"/api/runs/{report['run_id']}").json()["run_id"] == report["run_id"]


def test_text_from_documents_is_escaped(stack: None, tmp_path: Path, run_dir: Path) -> None:
    hostile = tmp_path / "fjendtlig.html"
    hostile.write_text(
        "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt; om inddragelse</title></head>"
        "<body><main><p>Inddragelse &lt;img src=x onerror=alert(2)&gt; af børn i "
        "Skjoldhøj.</p></main></body></html>",
        encoding="utf-8",
    )
    with own_stack("escape", run_dir) as own:
        worker = start_worker("escape", run_dir / "escape-worker.log", concurrency=1, env=own.env)
        try:
            result = ingest(hostile, env=own.env)
        finally:
            stop_worker(worker)
        document_id = result["documents"][0]["id"]
        assert result["documents"][0]["status"] == "indexed"
        with own.serve(run_dir / "escape-api.log") as url, httpx.Client(base_url=url) as api:
            page = api.get("/", params={"q": "Skjoldhøj"}).text
            assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
            assert "<img src=x" not in page
            document = api.get(f"/dokument/{document_id}").text
            assert "<img src=x" not in document and "&lt;img src=x" in document


def test_bad_requests_get_danish_4xx(report: dict[str, Any], api: TestClient) -> None:
    cases = [
        ("/api/documents/findes-ikke", 404, "findes ikke"),
        ("/api/runs/findes-ikke", 404, "findes ikke"),
        ("/api/search?size=10000", 400, "højst være 100"),
        ("/api/search?page=abc", 400, "helt tal"),
        ("/api/search?year=tyve", 400, "helt tal"),
        ("/api/search?sort=tilfældig", 400, "sortering"),
        ("/api/search?page=500&size=100", 400, "højst vises 10.000 resultater"),
        ("/api/ukendt", 404, "ingen side"),
    ]
    for url, status, words in cases:
        response = api.get(url)
        assert response.status_code == status, url
        assert response.json()["status"] == status
        assert words.lower() in response.json()["error"].lower(), (url, response.json())
    huge = api.get("/api/search", params={"q": "a" * 20_000})
    assert huge.status_code == 413 and "for lang" in huge.json()["error"]
    page = api.get("/dokument/findes-ikke")
    assert page.status_code == 404 and "Dokumentet findes ikke." in page.text


def test_reindex_swaps_alias_while_searches_keep_working(
    report: dict[str, Any], api: TestClient
) -> None:
    from search_api.index.elastic import get_client
    from search_api.index.lifecycle import indices_behind_alias
    from vidensbank.cli import main as cli_main

    before = api.get("/api/search", params={"q": "inddragelse"}).json()["total"]
    old = indices_behind_alias(get_client())
    answers: list[tuple[int, int]] = []
    done = threading.Event()

    def search_until_done() -> None:
        while not done.is_set() and len(answers) < 2000:
            response = api.get("/api/search", params={"q": "inddragelse"})
            answers.append((response.status_code, response.json().get("total", -1)))

    searcher = threading.Thread(target=search_until_done)
    searcher.start()
    try:
        for _ in range(3):
            assert cli_main(["reindex"]) == 0
    finally:
        done.set()
        searcher.join(timeout=60)
    new = indices_behind_alias(get_client())
    assert len(new) == 1 and new != old
    assert not get_client().indices.exists(index=old[0])
    assert len(answers) >= 5
    assert set(answers) == {(200, before)}, "a search failed or saw a partial index"
