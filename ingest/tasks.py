"""The first steps: take a file of a run in (fetch, keep the original), and extract a document.

``ingest.fetch_items`` works on a run's items: it stores each original and records the document
it belongs to. ``extract.documents`` works on documents alone, from their stored originals, so
it can run again for any document (a new extractor version) without a run.
"""

import logging
from enum import Enum

from ingest.crawl import crawl
from ingest.extract.registry import choose_extractor, extract
from ingest.fetch import fetch
from ingest.metadata import resolve_metadata
from ingest.sources import SourceItem
from ingest.sources.publishers.registry import PUBLISHERS
from vidensbank.celery_app import (
    CRAWL_TASK,
    PIPELINE_RETRY,
    DocumentTask,
    ItemTask,
    PipelineTask,
    app,
    hand_on,
)
from vidensbank.errors import BadRequestError, ExtractionError
from vidensbank.identity import document_id as make_document_id
from vidensbank.settings import get_settings
from vidensbank.store import corrections as correction_store
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import BlobStore
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus, Extraction
from vidensbank.store.runs import ItemStatus

log = logging.getLogger(__name__)


@app.task(name="ingest.fetch_items", bind=True, base=ItemTask, **PIPELINE_RETRY)
def fetch_items(self: ItemTask, item_ids: list[int]) -> None:
    new_files: list[str] = []
    same_files: list[str] = []
    for item_id in item_ids:
        fetched = _fetch_item(item_id)
        if fetched is not None:
            document_id, same_file = fetched
            (same_files if same_file else new_files).append(document_id)
    hand_on("extract.documents", new_files)
    # The same file already extracted goes straight to enrichment, which knows whether its
    # model and knowledge base have changed since.
    hand_on("enrich.documents", same_files)


def _fetch_item(item_id: int) -> tuple[str, bool] | None:
    """Fetch an item's file and record its document; return the document and whether it is
    the same file as the one already read, or None when nothing more is to be done."""
    with session_scope() as session:
        row = run_store.get_item(session, item_id=item_id)
        if row is None or row.status in ItemStatus.FINAL:
            return None
        item = SourceItem(
            filename=row.filename,
            location=row.location,
            source_uri=row.source_uri,
            metadata=row.source_metadata or {},
        )
        # A source that knows the document (a crawled publication that moved) says which.
        document_id = row.document_id or make_document_id(item.source_uri)
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
        return None
    key = BlobStore(get_settings().blob_dir).put(data)

    with session_scope() as session:
        existing = session.get(Document, document_id)
        same_file = (
            existing is not None
            and existing.status != DocumentStatus.PENDING
            and existing.content_hash == key
            and existing.extractor_version == extractor.version
            and existing.source_metadata == item.metadata
            and existing.source_uri == item.source_uri
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
            return None
    return document_id, same_file


@app.task(name="extract.documents", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def extract_documents(self: DocumentTask, document_ids: list[str]) -> None:
    outcomes = {document_id: _extract_document(document_id) for document_id in document_ids}
    hand_on("enrich.documents", [i for i, o in outcomes.items() if o == Outcome.EXTRACTED])
    # The index step takes a document that can no longer be read out of the index.
    hand_on("index.documents", [i for i, o in outcomes.items() if o == Outcome.TAKE_OUT])


class Outcome(Enum):
    """What extraction leaves for the next steps to do with a document."""

    EXTRACTED = "extracted"
    TAKE_OUT = "take out"  # unreadable now, but still in the index
    NOTHING = "nothing"


def _extract_document(document_id: str) -> Outcome:
    with session_scope() as session:
        document = session.get(Document, document_id)
        if document is None:
            return Outcome.NOTHING
        key, filename = document.content_hash, document.filename
        # A curator's corrections are the most trusted source of all.
        source = {
            **document.source_metadata,
            **correction_store.metadata_corrections(session, document_id=document_id),
        }
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
        return Outcome.TAKE_OUT if was_indexed else Outcome.NOTHING

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
    return Outcome.EXTRACTED


# Acknowledged when taken, not when done: a crawl may outlast the broker's visibility timeout
# and must not be handed to a second worker meanwhile (see ``celery_app.crawl_schedule``).
@app.task(name=CRAWL_TASK, bind=True, base=PipelineTask, acks_late=False, **PIPELINE_RETRY)
def crawl_source(self: PipelineTask, source: str, base_url: str | None = None) -> None:
    publisher = PUBLISHERS.get(source)
    if publisher is None:
        log.error("no publisher %r to crawl (VB_CRAWL_SCHEDULE names it)", source)
        return
    try:
        result = crawl(publisher, base_url=base_url)
    except BadRequestError as error:
        log.info("crawl of %s not started: %s", source, error.message)
        return
    log.info("crawl of %s: run %s, %s", source, result.run_id, result.figures.as_dict())
