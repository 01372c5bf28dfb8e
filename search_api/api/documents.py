"""A document and its original, as the API and the pages show them."""

from sqlalchemy.orm import Session

from search_api.api.schemas import DocumentPublic, EntityPublic, PageText
from vidensbank.errors import NotFoundError
from vidensbank.identity import public_source_uri
from vidensbank.store import documents as document_store
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document


def _document_or_404(session: Session, document_id: str) -> Document:
    document = document_store.get_document(session, document_id=document_id)
    if document is None:
        raise NotFoundError("Dokumentet findes ikke.")
    return document


def get_document(document_id: str) -> DocumentPublic:
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        return DocumentPublic(
            id=document.id,
            title=document.title,
            publisher=document.publisher,
            kind=document.kind,
            published=document.published,
            filename=document.filename,
            source_uri=public_source_uri(document.source_uri),
            opens_in_browser=_opens_in_browser(document),
            authors=document.authors or [],
            status=document.status,
            pages=[PageText(number=p.number, text=p.text) for p in document.pages],
            entities=[
                EntityPublic.model_validate(entity, from_attributes=True)
                for entity in document.entities
            ],
        )


# Only a file that was read as a PDF without scripts or actions opens in the browser; anything
# else is downloaded, so nothing inside an original runs, on the app's origin or in a viewer.
INLINE_TYPES = frozenset({"application/pdf"})


def _opens_in_browser(document: Document) -> bool:
    return document.mime_type in INLINE_TYPES and not document.active_content


def get_original(document_id: str) -> tuple[str, str, str, bool]:
    """The content hash, MIME type and file name of a document's original, and whether it may
    open in the browser."""
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        return (
            document.content_hash,
            document.mime_type or "application/octet-stream",
            document.filename,
            _opens_in_browser(document),
        )
