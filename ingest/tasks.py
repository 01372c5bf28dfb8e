"""The first steps: take a file of a run in (fetch, keep the original), and extract a document.

``ingest.fetch_item`` works on a run's item: it stores the original and records the document it
belongs to. ``extract.document`` works on the document alone, from its stored original, so it
can run again for any document (a new extractor version) without a run.
"""

import logging

from ingest.extract.registry import choose_extractor, extract
from ingest.fetch import fetch
from ingest.metadata import resolve_metadata
from ingest.sources import SourceItem
from vidensbank.celery_app import PIPELINE_RETRY, DocumentTask, ItemTask, app, hand_on
from vidensbank.errors import ExtractionError
from vidensbank.identity import document_id as make_document_id
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import BlobStore
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus, Extraction
from vidensbank.store.runs import ItemStatus

log = logging.getLogger(__name__)


@app.task(name="ingest.fetch_item", bind=True, base=ItemTask, **PIPELINE_RETRY)
def fetch_item(self: ItemTask, item_id: int) -> None:
    with session_scope() as session:
        row = run_store.get_item(session, item_id=item_id)
        if row is None or row.status in ItemStatus.FINAL:
            return
        item = SourceItem(
            filename=row.filename,
            location=row.location,
            source_uri=row.source_uri,
            metadata=row.source_metadata or {},
        )
    document_id = make_document_id(item.source_uri)
    try:
        data = fetch(item)
        extractor = choose_extractor(data, item.filename)
    except ExtractionError as error:
        with session_scope() as session:
            run_store.finish_item(
                session,
                item_id=item_id,
                status=ItemStatus.QUARANTINED,
                reason_code=error.code,
                reason=error.message,
            )
        return
    key = BlobStore(get_settings().blob_dir).put(data)

    with session_scope() as session:
        existing = session.get(Document, document_id)
        same_file = (
            existing is not None
            and existing.status != DocumentStatus.PENDING
            and existing.content_hash == key
            and existing.extractor_version == extractor.version
            and existing.source_metadata == item.metadata
        )
        if not same_file:
            document_store.record_file(
                session,
                document_id=document_id,
                source_uri=item.source_uri,
                filename=item.filename,
                title=str(item.metadata.get("title") or item.filename),
                source_metadata=item.metadata,
                content_hash=key,
                size=len(data),
            )
        row = run_store.get_item(session, item_id=item_id)
        if row is not None:
            row.document_id = document_id
        if same_file and existing is not None and existing.status == DocumentStatus.QUARANTINED:
            # The same unreadable file again: the reason it was refused still holds.
            run_store.settle_items(
                session,
                document_id=document_id,
                status=ItemStatus.QUARANTINED,
                reason_code=existing.reason_code,
                reason=existing.reason,
            )
            return
    # The same file already extracted goes straight to enrichment, which knows whether its
    # model and knowledge base have changed since.
    hand_on("enrich.document" if same_file else "extract.document", document_id)


@app.task(name="extract.document", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def extract_document(self: DocumentTask, document_id: str) -> None:
    with session_scope() as session:
        document = session.get(Document, document_id)
        if document is None:
            return
        key, filename, source = document.content_hash, document.filename, document.source_metadata
        was_indexed = document.status == DocumentStatus.INDEXED
    data = BlobStore(get_settings().blob_dir).get(key)
    try:
        extracted = extract(data, filename)
    except ExtractionError as error:
        log.info("quarantined document %s: %s", document_id, error.code)
        with session_scope() as session:
            document_store.quarantine_document(
                session, document_id=document_id, reason_code=error.code, reason=error.message
            )
            document_store.replace_pages(session, document_id=document_id, pages=[])
        if was_indexed:
            # The index step takes a document that can no longer be read out of the index.
            hand_on("index.document", document_id)
        return

    metadata = resolve_metadata(
        source=source, embedded=extracted.metadata, pages=extracted.pages, filename=filename
    )
    with session_scope() as session:
        document_store.record_extraction(
            session,
            document_id=document_id,
            extraction=Extraction(
                title=metadata.title,
                publisher=metadata.publisher,
                kind=metadata.kind,
                published=metadata.published,
                authors=metadata.authors,
                extra=metadata.extra,
                mime_type=extracted.mime_type,
                extractor_version=extracted.extractor_version,
                active_content=extracted.active_content,
            ),
        )
        document_store.replace_pages(
            session,
            document_id=document_id,
            pages=[(page.number, page.text) for page in extracted.pages],
        )
    hand_on("enrich.document", document_id)
