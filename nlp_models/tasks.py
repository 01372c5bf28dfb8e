"""The enrich step: find the entities of every page of a document and store them.

It runs on a document, whichever way it came: a new file, the same file again (when nothing
changed since, the run's items are told so), or ``vidensbank reenrich`` after the model or the
knowledge base changed.
"""

import gc
from collections.abc import Sequence
from typing import Any

from celery.signals import worker_init

from nlp_models.corrections import apply_corrections
from nlp_models.curated_kb import current_kb_version
from nlp_models.editions import SIGNATURE_VERSION, link_documents, load_minhash
from nlp_models.entities import current_finder, get_finder, pipeline_version
from nlp_models.mentions import summarize
from nlp_models.personal_data import (
    SCREENING_VERSION,
    redact_pages,
    redacted_keys,
    screen_document,
)
from vidensbank.celery_app import (
    PIPELINE_RETRY,
    DocumentTask,
    app,
    enqueue,
    hand_on,
    only_embeds,
)
from vidensbank.settings import get_settings
from vidensbank.store import corrections as correction_store
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store import runs as run_store
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus, EntityRow
from vidensbank.store.runs import ItemStatus

# The statuses the entity step runs for: read, and not waiting for OCR or quarantined.
ENRICHABLE = frozenset({DocumentStatus.EXTRACTED, DocumentStatus.ENRICHED, DocumentStatus.INDEXED})


@worker_init.connect
def _load_models(sender: Any, **_kwargs: object) -> None:
    """Load the model (and the editions' MinHash library) in the worker's main process, before
    it forks its children: they share it, and no task's time limit pays for loading it. The
    embedding worker never finds entities, and does without (300 MB less)."""
    if only_embeds(sender):
        return
    get_finder(get_settings().kb_dir)
    load_minhash()
    # The model and knowledge base live as long as the worker: the garbage collector need not
    # walk their objects again at every full collection (a few tenths of a second a run), and
    # the children keep sharing their pages instead of copying those the collector touches.
    gc.freeze()


def current_versions() -> tuple[str, str]:
    """The model and knowledge-base versions a document enriched now would carry (the
    curators' knowledge-base edits as they are this moment)."""
    return pipeline_version(), current_kb_version(max_age=0)


@app.task(name="enrich.documents", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def enrich_documents(self: DocumentTask, document_ids: list[str]) -> None:
    model, kb = current_versions()
    pages: dict[str, list[tuple[int, str]]] = {}
    titles: dict[str, str] = {}
    redactions: dict[str, set[str]] = {}
    # The database is read once for the batch, and written once after the entity pipeline.
    with session_scope() as session:
        documents = {
            document.id: document
            for document in document_store.get_document_records(session, document_ids=document_ids)
        }
        keys = redacted_keys(session, document_ids=list(documents))
        stored = document_store.pages_of(session, document_ids=list(documents))
        english = document_store.english_pages_of(session, document_ids=list(documents))
        for document_id in document_ids:
            document = documents.get(document_id)
            if document is None or document.status not in ENRICHABLE:
                continue
            if document.withdrawn_at is not None:
                # Taken down by a curator: the file was read again, but stays out.
                run_store.settle_items(
                    session, document_ids=[document_id], status=ItemStatus.WITHDRAWN
                )
                continue
            if (
                document.status == DocumentStatus.INDEXED
                and document.model_version == model
                and document.kb_version == kb
                and document.screening_version == SCREENING_VERSION
            ):
                run_store.settle_items(
                    session, document_ids=[document_id], status=ItemStatus.UNCHANGED
                )
                continue
            # A curator's redactions first: nothing after this step sees the redacted words.
            redactions[document_id] = keys[document_id]
            pages[document_id] = redact_pages(
                session,
                document_id=document_id,
                pages=stored.get(document_id, []),
                keys=redactions[document_id],
            )
            titles[document_id] = document.title
    finder = current_finder()
    found = finder.find_in_documents(
        list(pages.values()), [english.get(document_id, set()) for document_id in pages]
    )
    done: list[str] = []
    with session_scope() as session:
        document_store.lock_documents(session, document_ids=list(pages))
        keys = redacted_keys(session, document_ids=list(pages))
        corrected = set(correction_store.corrected_document_ids(session, among=list(pages)))
        statuses = {
            document.id: document.status
            for document in document_store.get_document_records(session, document_ids=list(pages))
        }
        now = document_store.pages_of(session, document_ids=list(pages))
        for document_id, mentions in zip(pages, found, strict=True):
            if keys[document_id] != redactions[document_id]:
                # A curator redacted something since the pages were read: read them again.
                enqueue("enrich.documents", [document_id])
                continue
            if (
                statuses.get(document_id)
                not in (
                    DocumentStatus.EXTRACTED,
                    DocumentStatus.ENRICHED,
                    DocumentStatus.INDEXED,
                )
                or now.get(document_id, []) != pages[document_id]
            ):
                # Read again meanwhile (new text, which its own enrich step will screen) or
                # quarantined: what was found here is of text that is no longer there.
                continue
            done.append(document_id)
            if document_id in corrected:
                corrections = correction_store.entity_corrections(session, document_id=document_id)
                mentions, lost = apply_corrections(
                    mentions, dict(pages[document_id]), corrections, finder.kb
                )
                correction_store.mark_for_review(session, document_id=document_id, lost=lost)
            document_store.replace_entities(
                session,
                document_id=document_id,
                entities=[EntityRow(**summary.model_dump()) for summary in summarize(mentions)],
            )
            document_store.mark_enriched(
                session, document_id=document_id, model_version=model, kb_version=kb
            )
            screen_document(
                session,
                document_id=document_id,
                title=titles[document_id],
                pages=pages[document_id],
                mentions=mentions,
            )
    hand_on("editions.documents", done)


@app.task(name="editions.documents", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def link_editions(self: DocumentTask, document_ids: list[str]) -> None:
    """Find each document's editions again; the documents whose edition group changed are
    indexed with it, the others that moved with them too."""
    with session_scope() as session:
        statuses = {
            document.id: document.status
            for document in document_store.get_document_records(session, document_ids=document_ids)
        }
        linkable = [
            document_id
            for document_id in document_ids
            if statuses.get(document_id) in (DocumentStatus.ENRICHED, DocumentStatus.INDEXED)
        ]
        pages = document_store.pages_of(session, document_ids=linkable)
    # One transaction for the batch that starts by writing: on SQLite it then sees every
    # document linked before it (one that read first could not write after another did).
    with session_scope() as session:
        changed = link_documents(
            session,
            documents={
                document_id: [text for _number, text in pages.get(document_id, [])]
                for document_id in linkable
            },
        )
    hand_on("index.documents", list(dict.fromkeys([*document_ids, *changed])))


def link_pending(document_ids: Sequence[str] | None = None, *, everything: bool = False) -> int:
    """Queue documents for linking to their editions: these, every readable one, or every one
    not yet linked by the current rules; return how many."""
    with session_scope() as session:
        if everything:
            document_ids = list(document_store.iter_indexable_document_ids(session))
        elif document_ids is None:
            document_ids = edition_store.unsigned_document_ids(session, version=SIGNATURE_VERSION)
        else:
            document_ids = [i for i in document_ids if session.get(Document, i) is not None]
    for document_id in document_ids:
        enqueue("editions.documents", [document_id])
    return len(document_ids)


def reenrich(document_ids: Sequence[str] | None = None) -> int:
    """Queue documents for enrichment again: these (marked stale, so the step does not skip
    them, and ``--stale`` finds them if the queue loses the task), or every stale one; return
    how many."""
    model, kb = current_versions()
    with session_scope() as session:
        if document_ids is None:
            document_ids = document_store.stale_document_ids(
                session, model_version=model, kb_version=kb, screening_version=SCREENING_VERSION
            )
        else:
            # Named, it runs again whatever made it: the step skips a document made by the
            # current versions (a message delivered twice), so "reenrich ID" did nothing. Only
            # one the step runs for: a quarantined document marked so also left OAI-PMH's
            # deleted records (``vidensbank.store.harvest``) while nothing ran.
            runnable = [
                document
                for document in document_store.get_document_records(
                    session, document_ids=document_ids
                )
                if document.status in ENRICHABLE and document.withdrawn_at is None
            ]
            for document in runnable:
                document.model_version = None
            found = {document.id for document in runnable}
            document_ids = [i for i in document_ids if i in found]
        pages = document_store.page_counts(session, document_ids=document_ids)
    for document_id in document_ids:
        enqueue("enrich.documents", [document_id], pages=pages.get(document_id, 1))
    return len(document_ids)
