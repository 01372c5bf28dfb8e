"""The first steps: take a file of a run in (fetch, keep the original), and extract a document.

``ingest.fetch_items`` works on a run's items: it stores each original and records the document
it belongs to. ``extract.documents`` works on documents alone, from their stored originals, so
it can run again for any document (a new extractor version) without a run. A document with
pages that are images of text goes on to ``ocr.documents``, on a queue of its own, and from
there to enrichment like any other.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import pypdfium2 as pdfium
from sqlalchemy.orm import Session

from ingest.crawl import crawl
from ingest.extract.base import ExtractedDocument
from ingest.extract.ocr import PageReading, read_page, remove_stale_temp_files
from ingest.extract.registry import EXTRACTORS, choose_extractor, extract, with_extension
from ingest.fetch import fetch
from ingest.language import declared_language, document_languages
from ingest.metadata import DocumentMetadata, first_line, resolve_metadata
from ingest.sources import SourceItem, is_web_address
from ingest.sources.publishers.registry import PUBLISHERS
from vidensbank.celery_app import (
    CRAWL_TASK,
    OCR_STEP,
    PIPELINE_RETRY,
    PRUNE_ORIGINALS_TASK,
    DocumentTask,
    ItemTask,
    PipelineTask,
    app,
    enqueue,
    hand_on,
    time_limits,
)
from vidensbank.errors import BadRequestError, ExtractionError, ReasonCode
from vidensbank.identity import document_id as make_document_id
from vidensbank.settings import get_settings
from vidensbank.store import corrections as correction_store
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import BLOB_SCHEME, BlobStore, referenced_keys
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus, Extraction, OCRStatus, Page
from vidensbank.store.runs import ItemStatus

log = logging.getLogger(__name__)


@app.task(name="ingest.fetch_items", bind=True, base=ItemTask, **PIPELINE_RETRY)
def fetch_items(self: ItemTask, item_ids: list[int]) -> None:
    fetched = _fetch_items(item_ids)
    hand_on("extract.documents", [document_id for document_id, same in fetched if not same])
    same_files = [document_id for document_id, same in fetched if same]
    # The same file still being read by OCR: its items learn what became of it when OCR is
    # done. Queued again, so a queue the broker lost does not leave them waiting for ever.
    for document_id in _awaiting_ocr(same_files):
        queue_ocr(document_id)
    # The same file already extracted goes straight to enrichment, which knows whether its
    # model and knowledge base have changed since.
    hand_on("enrich.documents", same_files)


def _awaiting_ocr(document_ids: list[str]) -> list[str]:
    with session_scope() as session:
        return [
            document.id
            for document in document_store.get_document_records(session, document_ids=document_ids)
            if document.status == DocumentStatus.OCR
        ]


@dataclass(frozen=True)
class _FetchedFile:
    item_id: int
    item: SourceItem
    filename: str  # the document's
    document_id: str
    key: str  # in the blob store
    size: int
    extractor_version: str


def _fetch_items(item_ids: list[int]) -> list[tuple[str, bool]]:
    """Fetch each item's file and record its document; return each document to go on with and
    whether it is the same file as the one already read. The database is read once for the
    batch before the files are fetched and written once after."""
    with session_scope() as session:
        rows = run_store.get_items(session, item_ids=item_ids)
        waiting = [
            (
                row.id,
                SourceItem(
                    filename=row.filename,
                    location=row.location,
                    source_uri=row.source_uri,
                    metadata=row.source_metadata or {},
                ),
                # A source that knows the document (a crawled publication that moved) says
                # which.
                row.document_id or make_document_id(row.source_uri),
            )
            for row in rows
            if row.status not in ItemStatus.FINAL
        ]
    blobs = BlobStore(get_settings().blob_dir)
    files: list[_FetchedFile] = []
    refused: list[tuple[int, ExtractionError]] = []
    for item_id, item, document_id in waiting:
        try:
            data = fetch(item)
            extractor = choose_extractor(data, item.filename)
        except ExtractionError as error:
            refused.append((item_id, error))
            continue
        filename = (
            with_extension(item.filename, extractor) if _named_by_address(item) else item.filename
        )
        files.append(
            _FetchedFile(
                item_id,
                item,
                filename,
                document_id,
                blobs.put(data),
                len(data),
                extractor.version,
            )
        )
    fetched: list[tuple[str, bool]] = []
    with session_scope() as session:
        for item_id, refusal in refused:
            run_store.finish_item(
                session,
                item_id=item_id,
                status=ItemStatus.QUARANTINED,
                reason_code=refusal.code,
                reason=refusal.message,
            )
        documents = {
            document.id: document
            for document in document_store.get_document_records(
                session, document_ids=[file.document_id for file in files]
            )
        }
        for file in files:
            same_file = _record_file(session, file, documents)
            if same_file is not None:
                fetched.append((file.document_id, same_file))
    return fetched


def _named_by_address(item: SourceItem) -> bool:
    """Whether the item's name is the last part of a web address (a URL given, or a crawled
    file kept in the blob store) rather than a file's own. Such a part names no format
    ("skolevaegring-web", "download"), and the pages name a document's format by the extension
    of its file name, as a download is opened by it."""
    return is_web_address(item.location) or item.location.startswith(BLOB_SCHEME)


def _record_file(
    session: Session, file: _FetchedFile, documents: dict[str, Document]
) -> bool | None:
    """Record the file's document (``documents``: those already stored, kept current) and tie
    the item to it; return whether it is the same file as the one already read, or None when
    nothing more is to be done."""
    existing = documents.get(file.document_id)
    # A source that states nothing of the file (a URL given, a file without a manifest entry)
    # leaves what an earlier source stated (a publisher's listing, a manifest): a crawled page
    # ingested again by its address keeps its publisher's metadata. One that states metadata
    # states it whole, so a field the publisher dropped goes.
    metadata = file.item.metadata or (existing.source_metadata if existing is not None else {})
    # Stopped by a time limit, the same file may go through another time (a quieter machine,
    # a longer limit): only what its bytes decide is decided again by the same bytes.
    too_slow_before = (
        existing is not None
        and existing.status == DocumentStatus.QUARANTINED
        and existing.reason_code == ReasonCode.TOO_SLOW
    )
    same_file = (
        existing is not None
        and not too_slow_before
        and existing.status != DocumentStatus.PENDING
        and existing.content_hash == file.key
        and existing.extractor_version == file.extractor_version
        and existing.source_metadata == metadata
        and existing.source_uri == file.item.source_uri
    )
    if not same_file:
        documents[file.document_id] = document_store.record_file(
            session,
            document_id=file.document_id,
            source_uri=file.item.source_uri,
            filename=file.filename,
            title=str(metadata.get("title") or file.item.filename),
            source_metadata=metadata,
            content_hash=file.key,
            size=file.size,
        )
    run_store.tie_item(session, item_id=file.item_id, document_id=file.document_id)
    if same_file and existing is not None and existing.status == DocumentStatus.QUARANTINED:
        # The same unreadable file again: the reason it was refused still holds.
        run_store.settle_items(
            session,
            document_ids=[file.document_id],
            status=ItemStatus.QUARANTINED,
            reason_code=existing.reason_code,
            reason=existing.reason,
        )
        return None
    return same_file


@app.task(name="extract.documents", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def extract_documents(self: DocumentTask, document_ids: list[str]) -> None:
    outcomes = _extract_documents(document_ids)
    hand_on("enrich.documents", [i for i, o in outcomes.items() if o == Outcome.EXTRACTED])
    for document_id in (i for i, o in outcomes.items() if o == Outcome.OCR):
        queue_ocr(document_id)
    # The index step takes a document that can no longer be read out of the index.
    hand_on("index.documents", [i for i, o in outcomes.items() if o == Outcome.TAKE_OUT])


def reextract(document_ids: Sequence[str] | None = None) -> int:
    """Queue documents to be read again from their stored files: these, or every one read by
    an extractor version no longer current; return how many. The steps after extraction
    follow as for a new file."""
    with session_scope() as session:
        if document_ids is None:
            document_ids = document_store.outdated_extraction_ids(
                session, extractor_versions=[e.version for e in EXTRACTORS]
            )
        else:
            document_ids = [i for i in document_ids if session.get(Document, i) is not None]
        pages = document_store.page_counts(session, document_ids=document_ids)
    for document_id in document_ids:
        enqueue("extract.documents", [document_id], pages=pages.get(document_id, 1))
    return len(document_ids)


class Outcome(Enum):
    """What extraction leaves for the next steps to do with a document."""

    EXTRACTED = "extracted"
    OCR = "ocr"  # some pages are images of text, for the OCR step
    TAKE_OUT = "take out"  # unreadable now: out of the index, should an earlier file be there
    NOTHING = "nothing"


def _extract_documents(document_ids: list[str]) -> dict[str, Outcome]:
    """Read each document from its stored file and record what was read. The database is
    read once for the batch; each document is written as soon as it is read, so that no more
    than one document's text is held at a time (a hostile file's text can be large)."""
    with session_scope() as session:
        documents = {
            document.id: document
            for document in document_store.get_document_records(session, document_ids=document_ids)
        }
        # A curator's corrections are the most trusted source of all.
        corrections = correction_store.metadata_corrections(session, document_ids=list(documents))
        # Read again from the same file (a curator's correction, new publisher metadata, a
        # moved address), its scanned pages keep what OCR read on them, instead of minutes of
        # OCR again; a new file forgot them when it was recorded.
        earlier = document_store.ocr_readings(session, document_ids=list(documents))
    blobs = BlobStore(get_settings().blob_dir)
    outcomes = dict.fromkeys(document_ids, Outcome.NOTHING)
    for document_id, document in documents.items():
        try:
            extracted = extract(blobs.get(document.content_hash), document.filename)
        except ExtractionError as error:
            log.info("quarantined document %s: %s", document_id, error.code)
            with session_scope() as session:
                document_store.quarantine_document(
                    session, document_id=document_id, reason_code=error.code, reason=error.message
                )
                document_store.replace_pages(session, document_id=document_id, pages=[])
            # Out of the index, should an earlier file of it be there: a new file was recorded
            # as pending, so its status no longer tells (a version that could not be read left
            # the last one searchable, while its page answered 404).
            outcomes[document_id] = Outcome.TAKE_OUT
            continue
        metadata = resolve_metadata(
            source={**document.source_metadata, **corrections.get(document_id, {})},
            embedded=extracted.metadata,
            pages=extracted.pages,
            filename=document.filename,
        )
        with session_scope() as session:
            outcomes[document_id] = _record_extraction(
                session,
                document=document,
                extracted=extracted,
                metadata=metadata,
                earlier=earlier.get(document_id, {}),
            )
    return outcomes


def _record_extraction(
    session: Session,
    *,
    document: Document,
    extracted: ExtractedDocument,
    metadata: DocumentMetadata,
    earlier: dict[int, tuple[str, float | None]],
) -> Outcome:
    document_store.record_extraction(
        session,
        document_id=document.id,
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
    scanned = [page.number for page in extracted.pages if page.needs_ocr]
    document_store.replace_pages(
        session,
        document_id=document.id,
        pages=[(page.number, page.text) for page in extracted.pages],
        awaiting_ocr=scanned,
        languages=metadata.page_languages,
        labels=[page.label for page in extracted.pages],
    )
    for number in set(scanned) & set(earlier):
        text, confidence = earlier[number]
        document_store.record_ocr_page(
            session,
            document_id=document.id,
            number=number,
            text=text,
            status=OCRStatus.READ,
            confidence=confidence,
            content_hash=document.content_hash,
        )
    if set(scanned) - set(earlier):
        document_store.set_document_status(
            session, document_ids=[document.id], status=DocumentStatus.OCR
        )
        return Outcome.OCR
    return Outcome.EXTRACTED


def queue_ocr(document_id: str) -> None:
    """Put a document whose scanned pages wait for OCR on the OCR queue, with the time its
    pages need."""
    with session_scope() as session:
        waiting = len(document_store.pages_awaiting_ocr(session, document_id=document_id))
    enqueue(OCR_STEP, [document_id], pages=min(waiting, OCR_PAGES_PER_TASK) or None)


# An OCR task reads at most this many pages, then puts the document back on the queue behind
# the others, so one long scan takes turns with the documents that came after it.
OCR_PAGES_PER_TASK = 10
# The share of its soft time limit an OCR task spends reading; the rest is for storing the
# pages and handing the document on.
_OCR_TIME_SHARE = 0.9


@app.task(name=OCR_STEP, bind=True, base=DocumentTask, **PIPELINE_RETRY)
def ocr_documents(self: DocumentTask, document_ids: list[str]) -> None:
    _, soft = self.request.timelimit or (None, None)
    budget = soft or time_limits(OCR_PAGES_PER_TASK, OCR_STEP)[0]
    deadline = time.monotonic() + budget * _OCR_TIME_SHARE
    remove_stale_temp_files()
    for document_id in document_ids:
        _ocr_document(document_id, deadline)


def _ocr_document(document_id: str, deadline: float) -> None:
    """Read the document's pages waiting for OCR until the task's time is up; then queue the
    rest, or hand the document on when every page is read."""
    settings = get_settings()
    with session_scope() as session:
        document = session.get(Document, document_id)
        if document is None or document.status != DocumentStatus.OCR:
            return
        key = document.content_hash
        waiting = document_store.pages_awaiting_ocr(session, document_id=document_id)
    data = BlobStore(settings.blob_dir).get(key)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        pdf = None
    try:
        for done, number in enumerate(waiting):
            left = deadline - time.monotonic()
            if done and (done >= OCR_PAGES_PER_TASK or left < settings.ocr_page_seconds):
                queue_ocr(document_id)
                return
            with session_scope() as session:
                if number not in document_store.pages_awaiting_ocr(
                    session, document_id=document_id
                ):
                    continue  # read meanwhile by another task on the same document
            reading = _read_page(pdf, number, min(settings.ocr_page_seconds, max(left, 1.0)))
            with session_scope() as session:
                document_store.record_ocr_page(
                    session,
                    document_id=document_id,
                    number=number,
                    text=reading.text,
                    status=reading.status,
                    confidence=reading.confidence,
                    content_hash=key,
                )
    finally:
        if pdf is not None:
            pdf.close()
    _after_ocr(document_id)


def _read_page(pdf: pdfium.PdfDocument | None, number: int, timeout: float) -> PageReading:
    settings = get_settings()
    try:
        if pdf is None:
            raise pdfium.PdfiumError("the file cannot be opened")
        return read_page(
            pdf, number, language=settings.ocr_language, dpi=settings.ocr_dpi, timeout=timeout
        )
    except pdfium.PdfiumError as exc:
        log.info("page %d could not be rendered for OCR: %s", number, exc)
        return PageReading(text="", confidence=None, status=OCRStatus.FAILED)


def _after_ocr(document_id: str) -> None:
    """Every page is read: on to enrichment, or to quarantine when no page had any text."""
    with session_scope() as session:
        document_store.lock_documents(session, document_ids=[document_id])
        document = session.get(Document, document_id)
        if document is None or document.status != DocumentStatus.OCR:
            return
        if document_store.pages_awaiting_ocr(session, document_id=document_id):
            return  # another task is still reading it, and hands it on
        pages = list(document.pages)
        if any(page.text.strip() for page in pages):
            stated = {
                **document.source_metadata,
                **correction_store.metadata_corrections(session, document_ids=[document_id]).get(
                    document_id, {}
                ),
            }
            # Extraction saw no words on the scanned pages: their language is told now, and
            # the title of a scan nothing named one for (it had its file's name).
            if document.title == document.filename and "title" not in stated:
                document.title = first_line([page.text for page in pages]) or document.title
            # A language besides Danish and English was stated, by its source or by the file
            # itself (its declaration is not kept apart): OCR's text cannot tell it.
            language, page_languages = document_languages(
                [page.text for page in pages],
                stated=stated.get("language") or declared_language(document.extra.get("language")),
            )
            document_store.set_languages(
                session,
                document_id=document_id,
                language=language,
                pages={page.number: lang for page, lang in zip(pages, page_languages, strict=True)},
            )
            document_store.set_document_status(
                session, document_ids=[document_id], status=DocumentStatus.EXTRACTED
            )
            step = "enrich.documents"
        else:
            code, reason = _unread(pages)
            document_store.quarantine_document(
                session, document_id=document_id, reason_code=code, reason=reason
            )
            # Out of the index, should an earlier file of it be there.
            step = "index.documents"
    enqueue(step, [document_id], pages=len(pages))


def _unread(pages: list[Page]) -> tuple[ReasonCode, str]:
    """Why a scanned document whose pages all came out of OCR without text is refused."""
    if any(page.ocr == OCRStatus.TIMED_OUT for page in pages):
        seconds = f"{get_settings().ocr_page_seconds:g}"
        return ReasonCode.TOO_SLOW, (
            "PDF-filen indeholder ingen tekst, kun billeder, og tekstgenkendelsen (OCR) nåede "
            f"ikke at læse dem inden for tidsgrænsen på {seconds} sekunder pr. side."
        )
    return ReasonCode.NO_TEXT, (
        "PDF-filen indeholder ingen tekst, kun billeder, og tekstgenkendelsen (OCR) fandt "
        "ingen tekst i dem."
    )


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


# An original nothing refers to is kept a day after it was last stored, or twice a crawl's time
# limit if that is longer: far longer than any task takes from storing a file to recording its
# reference (a crawl records its pages as it goes, within its limit).
ORIGINALS_KEPT_SECONDS = 24 * 3600


@app.task(name=PRUNE_ORIGINALS_TASK)
def prune_originals() -> None:
    """Remove the originals nothing refers to any more: each replaced file (a corrected upload,
    a publisher's revised PDF) left its earlier version in the blob store for good."""
    settings = get_settings()
    store = BlobStore(settings.blob_dir)
    with store.lock(exclusive=True) as held:
        if not held:
            log.info("originals not pruned: a backup is reading the blob store")
            return
        with session_scope() as session:
            referenced = referenced_keys(session.connection())
        removed, freed = store.prune(
            referenced, unstored_for=max(ORIGINALS_KEPT_SECONDS, 2 * settings.crawl_time_limit)
        )
    if removed:
        log.info("removed %d originals nothing refers to (%d bytes)", removed, freed)
