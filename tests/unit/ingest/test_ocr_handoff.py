"""Extraction hands scanned pages to OCR, and a second reading of the same file (a curator's
correction) keeps what OCR read instead of reading the scan again (real SQLite and blob store)."""

import pytest

from ingest.tasks import Outcome, _after_ocr, _extract_documents
from tests.scans import SCAN_TEXT, render_scan, scan_pdf
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.blobs import BlobStore
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, DocumentStatus, OCRStatus

DOCUMENT = "ocr-overdragelse"


def record_scan(document_id: str, source_uri: str, data: bytes) -> str:
    """A scanned file of a document, kept in the blob store; its key."""
    key = BlobStore(get_settings().blob_dir).put(data)
    filename = source_uri.rsplit("/", 1)[-1]
    with session_scope() as session:
        document_store.record_file(
            session,
            document_id=document_id,
            source_uri=source_uri,
            filename=filename,
            title=filename,
            source_metadata={},
            content_hash=key,
            size=len(data),
        )
    return key


def test_scanned_pages_wait_for_ocr_and_keep_its_reading_when_read_again() -> None:
    migrate()
    data = scan_pdf([render_scan(SCAN_TEXT), render_scan(SCAN_TEXT, angle=-1.0)])
    key = record_scan(DOCUMENT, "file:///test/skannet.pdf", data)
    assert _extract_documents([DOCUMENT])[DOCUMENT] == Outcome.OCR
    with session_scope() as session:
        document = session.get(Document, DOCUMENT)
        assert document is not None and document.status == DocumentStatus.OCR
        assert document_store.pages_awaiting_ocr(session, document_id=DOCUMENT) == [1, 2]
        document_store.record_ocr_page(
            session,
            document_id=DOCUMENT,
            number=1,
            text="Børns inddragelse",
            status=OCRStatus.READ,
            confidence=91.0,
            content_hash=key,
        )
        document_store.record_ocr_page(
            session,
            document_id=DOCUMENT,
            number=2,
            text="",
            status=OCRStatus.TIMED_OUT,
            confidence=None,
            content_hash=key,
        )
        document_store.set_document_status(
            session, document_ids=[DOCUMENT], status=DocumentStatus.INDEXED
        )

    # Read again from the same file: the page OCR read keeps its text; the one that ran out of
    # time is tried again.
    assert _extract_documents([DOCUMENT])[DOCUMENT] == Outcome.OCR
    with session_scope() as session:
        assert document_store.ocr_readings(session, document_ids=[DOCUMENT]) == {
            DOCUMENT: {1: ("Børns inddragelse", 91.0)}
        }
        assert document_store.pages_awaiting_ocr(session, document_id=DOCUMENT) == [2]

    # A new file of the document (the publisher replaced the scan): what OCR read on the old
    # one is forgotten, and a reading of the old file that arrives late is not stored.
    new = scan_pdf([render_scan(SCAN_TEXT, angle=0.5)])
    record_scan(DOCUMENT, "file:///test/skannet.pdf", new)
    with session_scope() as session:
        assert document_store.ocr_readings(session, document_ids=[DOCUMENT]) == {}
    assert _extract_documents([DOCUMENT])[DOCUMENT] == Outcome.OCR
    with session_scope() as session:
        document_store.record_ocr_page(
            session,
            document_id=DOCUMENT,
            number=1,
            text="Læst på den gamle fil",
            status=OCRStatus.READ,
            confidence=88.0,
            content_hash=key,
        )
        assert document_store.pages_awaiting_ocr(session, document_id=DOCUMENT) == [1]


ENGLISH_SCAN = "ocr-engelsk"
ENGLISH_TEXT = (
    "This summary describes how local authorities involve children before a placement, and "
    "what the children themselves told the researchers about meetings with their caseworkers."
)


def test_the_language_of_a_scan_is_told_once_ocr_has_read_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Extraction sees no words on a scan, so it cannot tell the language; OCR's text can."""
    handed_on: list[tuple[str, list[str]]] = []
    # The next step is recorded, not queued: no worker of the session should index this.
    monkeypatch.setattr(
        "ingest.tasks.enqueue", lambda step, ids, **_: handed_on.append((step, list(ids)))
    )
    migrate()
    data = scan_pdf([render_scan(SCAN_TEXT)])
    key = record_scan(ENGLISH_SCAN, "file:///test/scanned-summary.pdf", data)
    assert _extract_documents([ENGLISH_SCAN])[ENGLISH_SCAN] == Outcome.OCR
    with session_scope() as session:
        document_store.record_ocr_page(
            session,
            document_id=ENGLISH_SCAN,
            number=1,
            text=ENGLISH_TEXT,
            status=OCRStatus.READ,
            confidence=90.0,
            content_hash=key,
        )
    _after_ocr(ENGLISH_SCAN)
    with session_scope() as session:
        document = session.get(Document, ENGLISH_SCAN)
        assert document is not None and document.status == DocumentStatus.EXTRACTED
        assert document.extra["language"] == "en"
        assert [page.language for page in document.pages] == ["en"]
    assert handed_on == [("enrich.documents", [ENGLISH_SCAN])]


def test_a_scan_nothing_names_is_titled_by_what_ocr_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan was titled by its file's name ("stempel-indgaaet.pdf") although OCR read its
    heading, or by the stamp on it."""
    monkeypatch.setattr("ingest.tasks.enqueue", lambda step, ids, **_: None)
    migrate()
    document_id = "ocr-titel"
    key = record_scan(document_id, "file:///test/tilsyn-scannet.pdf", scan_pdf([render_scan("x")]))
    assert _extract_documents([document_id])[document_id] == Outcome.OCR
    with session_scope() as session:
        assert session.get_one(Document, document_id).title == "tilsyn-scannet.pdf"
        document_store.record_ocr_page(
            session,
            document_id=document_id,
            number=1,
            text="Tilsynsrapport for opholdsstedet Lærkereden\nTilsynet fandt ...",
            status=OCRStatus.READ,
            confidence=90.0,
            content_hash=key,
        )
    _after_ocr(document_id)
    with session_scope() as session:
        title = session.get_one(Document, document_id).title
    assert title == "Tilsynsrapport for opholdsstedet Lærkereden"
