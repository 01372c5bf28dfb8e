"""Documents stored straight in the database, as the pipeline would leave them, for tests of the
app that need no search engine."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.documents import Extraction
from vidensbank.store.runs import ItemStatus, NewItem


def store_document(
    session: Session,
    document_id: str,
    *,
    title: str,
    publisher: str | None = "Socialstyrelsen",
    kind: str | None = "rapport",
    published: dt.date | None = None,
    authors: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
    mime_type: str = "application/pdf",
    pages: Sequence[str] = (),
    source_uri: str | None = None,
    content_hash: str = "0" * 64,
    screened: bool = True,
) -> None:
    """A document read (its pages numbered from 1) and, when ``screened``, screened for
    personal data with nothing found: public, unless the test takes it down or holds it."""
    document_store.record_file(
        session,
        document_id=document_id,
        source_uri=source_uri or f"file:///test/{document_id}.pdf",
        filename=f"{document_id}.pdf",
        title=title,
        source_metadata={},
        content_hash=content_hash,
        size=1,
    )
    document_store.record_extraction(
        session,
        document_id=document_id,
        extraction=Extraction(
            title=title,
            publisher=publisher,
            kind=kind,
            published=published,
            authors=list(authors),
            extra=extra or {},
            mime_type=mime_type,
            extractor_version="test",
            active_content=False,
        ),
    )
    if pages:
        document_store.replace_pages(
            session, document_id=document_id, pages=list(enumerate(pages, start=1))
        )
    if screened:
        personal_store.record_screening(
            session, document_id=document_id, findings=[], version="test"
        )


def run_item(filename: str, document_id: str, status: ItemStatus) -> NewItem:
    """A run's item for a local file that became the document ``document_id``."""
    return NewItem(
        filename=filename,
        location="blob:" + "0" * 64,
        source_uri=f"file:///test/{filename}",
        source_metadata={},
        status=status,
        document_id=document_id,
    )
