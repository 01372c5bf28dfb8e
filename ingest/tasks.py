"""The first steps: take a file of a run in (fetch, keep the original), and extract a document.

``ingest.fetch_items`` works on a run's items: it stores each original and records the document
it belongs to. ``extract.documents`` works on documents alone, from their stored originals, so
it can run again for any document (a new extractor version) without a run. A document with
pages that are images of text goes on to ``ocr.documents``, on a queue of its own, and from
there to enrichment like any other.
"""

import logging
import time
from enum import Enum

import pypdfium2 as pdfium

from ingest.crawl import crawl
from ingest.extract.ocr import PageReading, read_page
from ingest.extract.registry import choose_extractor, extract
from ingest.fetch import fetch
from ingest.language import document_languages
from ingest.metadata import resolve_metadata
from ingest.sources import SourceItem
from ingest.sources.publishers.registry import PUBLISHERS
from vidensbank.celery_app import (
    CRAWL_TASK,
    OCR_STEP,
    PIPELINE_RETRY,
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
from vidensbank.store.blobs import BlobStore
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus, Extraction, OCRStatus, Page
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
    for document_id in (i for i, o in outcomes.items() if o == Outcome.OCR):
        queue_ocr(document_id)
    # The index step takes a document that can no longer be read out of the index.
    hand_on("index.documents", [i for i, o in outcomes.items() if o == Outcome.TAKE_OUT])


class Outcome(Enum):
    """What extraction leaves for the next steps to do with a document."""

    EXTRACTED = "extracted"
    OCR = "ocr"  # some pages are images of text, for the OCR step
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
        # Read again from the same file (a curator's correction, new publisher metadata, a
        # moved address), its scanned pages keep what OCR read on them, instead of minutes of
        # OCR again; a new file forgot them when it was recorded.
        earlier = document_store.ocr_readings(session, document_id=document_id)
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
        scanned = [page.number for page in extracted.pages if page.needs_ocr]
        document_store.replace_pages(
            session,
            document_id=document_id,
            pages=[(page.number, page.text) for page in extracted.pages],
            awaiting_ocr=scanned,
            languages=metadata.page_languages,
        )
        for number in set(scanned) & set(earlier):
            text, confidence = earlier[number]
            document_store.record_ocr_page(
                session,
                document_id=document_id,
                number=number,
                text=text,
                status=OCRStatus.READ,
                confidence=confidence,
                content_hash=key,
            )
        if document_store.pages_awaiting_ocr(session, document_id=document_id):
            document_store.set_document_status(
                session, document_id=document_id, status=DocumentStatus.OCR
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
        document_store.lock_document(session, document_id=document_id)
        document = session.get(Document, document_id)
        if document is None or document.status != DocumentStatus.OCR:
            return
        if document_store.pages_awaiting_ocr(session, document_id=document_id):
            return  # another task is still reading it, and hands it on
        pages = list(document.pages)
        if any(page.text.strip() for page in pages):
            # Extraction saw no words on the scanned pages: their language is told now.
            stated = {
                **document.source_metadata,
                **correction_store.metadata_corrections(session, document_id=document_id),
            }.get("language")
            language, page_languages = document_languages(
                [page.text for page in pages], stated=stated
            )
            document_store.set_languages(
                session,
                document_id=document_id,
                language=language,
                pages={page.number: lang for page, lang in zip(pages, page_languages, strict=True)},
            )
            document_store.set_document_status(
                session, document_id=document_id, status=DocumentStatus.EXTRACTED
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
