"""The first step of the pipeline: fetch a file, keep the original, extract its pages."""

import logging

from ingest.extract.registry import choose_extractor, extract
from ingest.fetch import fetch
from ingest.metadata import resolve_metadata
from ingest.sources import SourceItem
from vidensbank import repository
from vidensbank.blobstore import BlobStore
from vidensbank.celery_app import PIPELINE_RETRY, PipelineTask, app, enqueue
from vidensbank.db import session_scope
from vidensbank.errors import ExtractionError
from vidensbank.identity import document_id as make_document_id
from vidensbank.models import Document, DocumentStatus, ItemStatus
from vidensbank.settings import get_settings

log = logging.getLogger(__name__)


def _quarantine(
    item_id: int,
    document_id: str,
    item: SourceItem,
    key: str | None,
    size: int,
    error: ExtractionError,
) -> None:
    """Record why a file cannot be read; the original stays in the blob store."""
    with session_scope() as session:
        was_indexed = False
        if key is not None:
            previous = session.get(Document, document_id)
            was_indexed = previous is not None and previous.status == DocumentStatus.INDEXED
            repository.upsert_document(
                session,
                document_id=document_id,
                source_uri=item.source_uri,
                filename=item.filename,
                title=str(item.metadata.get("title") or item.filename),
                content_hash=key,
                size=size,
                status=DocumentStatus.QUARANTINED,
                reason_code=error.code,
                reason=error.message,
            )
            repository.replace_pages(session, document_id=document_id, pages=[])
        repository.finish_item(
            session,
            item_id=item_id,
            status=ItemStatus.QUARANTINED,
            document_id=document_id if key is not None else None,
            reason_code=error.code,
            reason=error.message,
        )
    if was_indexed:
        # The index step removes a document that can no longer be read from the index.
        enqueue("index.document", item_id)


@app.task(name="ingest.process_item", bind=True, base=PipelineTask, **PIPELINE_RETRY)
def process_item(self: PipelineTask, item_id: int) -> None:
    with session_scope() as session:
        row = repository.get_item(session, item_id=item_id)
        if row is None or row.status in ItemStatus.FINAL:
            return
        item = SourceItem(
            filename=row.filename,
            location=row.location,
            source_uri=row.source_uri,
            metadata=row.source_metadata or {},
        )
    document_id = make_document_id(item.source_uri)
    store = BlobStore(get_settings().blob_dir)

    try:
        data = fetch(item)
    except ExtractionError as error:
        _quarantine(item_id, document_id, item, None, 0, error)
        return
    key = store.put(data)

    try:
        extractor = choose_extractor(data, item.filename)
        with session_scope() as session:
            existing = session.get(Document, document_id)
            if (
                existing is not None
                and existing.status == DocumentStatus.INDEXED
                and existing.content_hash == key
                and existing.extractor_version == extractor.version
            ):
                repository.finish_item(
                    session, item_id=item_id, status=ItemStatus.UNCHANGED, document_id=document_id
                )
                return
        extracted = extract(data, item.filename)
    except ExtractionError as error:
        log.info("quarantined item %s: %s", item_id, error.code)
        _quarantine(item_id, document_id, item, key, len(data), error)
        return

    metadata = resolve_metadata(
        source=item.metadata,
        embedded=extracted.metadata,
        pages=extracted.pages,
        filename=item.filename,
    )
    with session_scope() as session:
        repository.upsert_document(
            session,
            document_id=document_id,
            source_uri=item.source_uri,
            filename=item.filename,
            title=metadata.title,
            publisher=metadata.publisher,
            kind=metadata.kind,
            published=metadata.published,
            authors=metadata.authors,
            extra=metadata.extra,
            mime_type=extracted.mime_type,
            size=len(data),
            content_hash=key,
            status=DocumentStatus.EXTRACTED,
            reason_code=None,
            reason=None,
            extractor_version=extracted.extractor_version,
            active_content=extracted.active_content,
        )
        repository.replace_pages(
            session,
            document_id=document_id,
            pages=[(page.number, page.text) for page in extracted.pages],
        )
        row = repository.get_item(session, item_id=item_id)
        if row is not None:
            row.document_id = document_id
    enqueue("enrich.entities", item_id, pages=len(extracted.pages))
