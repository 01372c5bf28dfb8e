"""Pages read by OCR say so, with Tesseract's confidence, on the document page and in its JSON
twin (on the real app and a real SQLite database)."""

import pytest
from fastapi.testclient import TestClient

from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import OCRStatus
from web.app import app

DOCUMENT = "ocr-skannet-rapport"
TEXT_PAGE = "Forord. Rapporten er skrevet i 1998 og skannet i 2024."
READ_PAGE = "Børnene fortæller om deres møder med kommunen."
DOUBTFUL_PAGE = "Bilag med svært læselig håndskrift."


@pytest.fixture(scope="module", autouse=True)
def document() -> None:
    migrate()
    with session_scope() as session:
        store_document(session, DOCUMENT, title="Skannet rapport om børns møder med kommunen")
        document_store.replace_pages(
            session,
            document_id=DOCUMENT,
            pages=[(1, TEXT_PAGE), (2, ""), (3, ""), (4, "")],
            awaiting_ocr=[2, 3, 4],
        )
        assert document_store.pages_awaiting_ocr(session, document_id=DOCUMENT) == [2, 3, 4]
        stored = document_store.get_document(session, document_id=DOCUMENT)
        assert stored is not None
        key = stored.content_hash
        for number, text, status, confidence in [
            (2, READ_PAGE, OCRStatus.READ, 93.4),
            (3, DOUBTFUL_PAGE, OCRStatus.READ, 41.0),
            (4, "", OCRStatus.TIMED_OUT, None),
        ]:
            document_store.record_ocr_page(
                session,
                document_id=DOCUMENT,
                number=number,
                text=text,
                status=status,
                confidence=confidence,
                content_hash=key,
            )
        assert document_store.pages_awaiting_ocr(session, document_id=DOCUMENT) == []


def test_the_json_carries_how_each_page_was_read() -> None:
    pages = TestClient(app).get(f"/api/documents/{DOCUMENT}").json()["pages"]
    assert pages[0] == {
        "number": 1,
        "text": TEXT_PAGE,
        "ocr": None,
        "language": "da",
        "label": None,
    }
    assert pages[1]["text"] == READ_PAGE
    assert pages[1]["ocr"] == {
        "status": "read",
        "confidence": 93.4,
        "low_confidence": False,
        "note": "Teksten er læst med tekstgenkendelse (OCR); sikkerhed 93 %.",
    }
    assert pages[2]["ocr"]["low_confidence"] is True
    assert pages[3]["ocr"]["status"] == "timed_out" and pages[3]["ocr"]["confidence"] is None


def test_the_document_page_shows_the_note_on_ocr_pages_only() -> None:
    html = TestClient(app).get(f"/dokument/{DOCUMENT}").text
    assert html.count('class="reader-ocr') == 3
    assert "Teksten er læst med tekstgenkendelse (OCR); sikkerhed 93 %." in html
    assert "sikkerhed 41 %. Sikkerheden er lav" in html
    assert "nåede ikke at læse den inden for tidsgrænsen" in html
    assert html.count("reader-ocr-doubtful") == 2
    assert "3 sider læst med OCR, heraf 2 med lav sikkerhed eller uden tekst" in html


def test_a_redaction_keeps_how_the_page_was_read() -> None:
    with session_scope() as session:
        document_store.update_page_texts(
            session, document_id=DOCUMENT, pages=[(2, READ_PAGE.replace("kommunen", "[skjult]"))]
        )
    page = TestClient(app).get(f"/api/documents/{DOCUMENT}").json()["pages"][1]
    assert "[skjult]" in page["text"] and page["ocr"]["confidence"] == 93.4
