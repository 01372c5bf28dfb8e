"""What OCR's reading does to a page waiting for it, on a real SQLite database."""

from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, OCRStatus


def test_a_page_ocr_reads_nothing_on_keeps_the_words_of_its_text_layer() -> None:
    """A cover's title or a scan's stamp, kept while the page waited for OCR, was replaced by
    nothing when OCR read nothing."""
    migrate()
    with session_scope() as session:
        store_document(session, "ocr-ingenting", title="Forside", pages=["x"])
        document_store.replace_pages(
            session,
            document_id="ocr-ingenting",
            pages=[(1, "Samvær under anbringelse"), (2, "Modtaget 12.03.2024")],
            awaiting_ocr=[1, 2],
        )
        content_hash = session.get_one(Document, "ocr-ingenting").content_hash
    with session_scope() as session:
        for number, text in [(1, ""), (2, "Barnet blev anbragt i 2023. Modtaget 12.03.2024")]:
            document_store.record_ocr_page(
                session,
                document_id="ocr-ingenting",
                number=number,
                text=text,
                status=OCRStatus.READ,
                confidence=None if not text else 91.0,
                content_hash=content_hash,
            )
    with session_scope() as session:
        pages = document_store.get_pages(session, document_id="ocr-ingenting")
    assert [text for _, text in pages] == [
        "Samvær under anbringelse",
        "Barnet blev anbragt i 2023. Modtaget 12.03.2024",
    ]
