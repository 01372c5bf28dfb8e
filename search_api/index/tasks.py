"""The index step: put an enriched document into Elasticsearch, or take a quarantined one out;
and the embed step after it, which makes an indexed document searchable by meaning.

Documents are indexed without waiting for a refresh: a run becomes searchable once, when it
is done (``vidensbank ingest --wait`` refreshes the index then), or within a second anyway.
Embedding is about fifty times slower than the entity pipeline, so it has a queue and (in
``scripts/run.sh``) a worker of its own, which lowers its CPU priority to the lowest: a document
is found by its words at once and by its meaning a little later, and however many documents
wait to be embedded, a new file never waits behind them.
"""

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from celery.signals import worker_init
from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session

from nlp_models.embeddings import EMBEDDING_VERSION, embed_passages, passages_of
from search_api.index import indexer
from search_api.index.document import (
    IndexDocument,
    document_passages,
    stored_vectors,
    to_index_document,
)
from search_api.index.elastic import get_client
from vidensbank.celery_app import (
    EMBED_STEP,
    PIPELINE_RETRY,
    PRUNE_VECTORS_TASK,
    DocumentTask,
    PipelineTask,
    app,
    enqueue,
    only_embeds,
)
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store import runs as run_store
from vidensbank.store.base import utcnow
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus
from vidensbank.store.runs import ItemStatus
from vidensbank.store.vectors import delete_vectors, get_vectors, put_vectors, vector_keys

log = logging.getLogger(__name__)


@app.task(name="index.documents", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def index_documents(self: DocumentTask, document_ids: list[str]) -> None:
    with session_scope() as session:
        groups = edition_store.groups_of(session, document_ids=document_ids)
        bodies, taken_out, held = _index_bodies(session, document_ids, groups)

    client = get_client()
    indexer.delete_documents(client, taken_out + held)
    indexer.put_documents(client, bodies)
    indexed = [body.id for body in bodies]
    with session_scope() as session:
        _send_moved_editions_again(session, client, indexed, groups)
        run_store.settle_items(session, document_ids=held, status=ItemStatus.HELD)
        document_store.set_document_status(
            session, document_ids=indexed, status=DocumentStatus.INDEXED
        )
        run_store.settle_items(session, document_ids=indexed, status=ItemStatus.INDEXED)
        # A document whose every passage's vector was already made (the same text before, or
        # a copy) is searchable by meaning already.
        unembedded = indexer.settle_embeddings(session, bodies)
    indexer.embed_later(unembedded)


def _index_bodies(
    session: Session, document_ids: list[str], groups: dict[str, str]
) -> tuple[list[IndexDocument], list[str], list[str]]:
    """The index bodies of those of the documents that belong in search, with these edition
    groups; and the ids of those to take out of it (quarantined or withdrawn) and of those
    held back."""
    indexable: list[Document] = []
    taken_out: list[str] = []
    held: list[str] = []
    for document in document_store.get_documents(session, document_ids=document_ids):
        if document.status == DocumentStatus.QUARANTINED or document.withdrawn_at is not None:
            taken_out.append(document.id)
        elif document.held_at is not None:
            # Personal data a curator must look at first: out of search until released.
            held.append(document.id)
        elif document.status in (DocumentStatus.ENRICHED, DocumentStatus.INDEXED):
            indexable.append(document)
    vectors = stored_vectors(session, indexable)
    bodies = [to_index_document(d, vectors, groups.get(d.id)) for d in indexable]
    return bodies, taken_out, held


def _send_moved_editions_again(
    session: Session, client: Elasticsearch, indexed: list[str], sent: dict[str, str]
) -> None:
    """Another worker may have linked an edition to these documents after their groups were
    read here, and indexed them with it before this bulk arrived with the groups as they were:
    the group was then undone in the index ("3 udgaver" listed as three results). Read after
    the bulk, a group that moved is sent again; a bulk that comes after this one read later."""
    now = edition_store.groups_of(session, document_ids=indexed)
    moved = [
        document_id for document_id in indexed if now.get(document_id) != sent.get(document_id)
    ]
    if not moved:
        return
    # Not one withdrawn, held back or read again meanwhile: its own step has it now.
    bodies, _taken_out, _held = _index_bodies(session, moved, now)
    indexer.put_documents(client, bodies)


@worker_init.connect
def _lowest_priority(sender: Any, **_kwargs: object) -> None:
    """The embedding worker takes only the CPU time nothing else wants, so searches, ingest and
    indexing go on at their own speed however many documents wait to be embedded. Its main
    process lowers its priority before it forks its children, who inherit it. The nice value
    alone is not enough: with the kernel's autogroups (Debian's default) each session is a group
    that shares the CPU evenly with the others, so a worker in a session of its own (as a
    detached or containerised one is) took as much as the pipeline's whatever its nice value;
    the group's priority is lowered too, where the kernel has autogroups."""
    if not only_embeds(sender):
        return
    os.nice(19)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text("19")


# Not a DocumentTask: a document that fails to embed (out of time, say) is still searchable
# by its words and keeps its status; ``vidensbank embed`` queues it again.
@app.task(name=EMBED_STEP, bind=True, base=PipelineTask, **PIPELINE_RETRY)
def embed_documents(self: PipelineTask, document_ids: list[str]) -> None:
    for document_id in document_ids:
        _embed_document(document_id)


def _embed_document(document_id: str) -> None:
    with session_scope() as session:
        document = document_store.get_document(session, document_id=document_id)
        # Not skipped when recorded as embedded: an index step that read the document before
        # its vectors were stored may have written it without its passages after this step
        # put them in, and queued it again. With its vectors stored that costs one update.
        if (
            document is None
            or document.status != DocumentStatus.INDEXED
            or document.withdrawn_at is not None
            or document.held_at is not None
        ):
            return
        passages = document_passages(document)
        known = get_vectors(session, [p.key for p in passages])
    missing = [p for p in passages if p.key not in known]
    vectors = embed_passages([p.text for p in missing])
    with session_scope() as session:
        put_vectors(session, {p.key: v for p, v in zip(missing, vectors, strict=True)})
    with session_scope() as session:
        # Read again: the document may have changed while its passages were embedded.
        document = document_store.get_document(session, document_id=document_id)
        if document is None or document.status != DocumentStatus.INDEXED:
            return
        body = to_index_document(document, stored_vectors(session, [document]))
        if not body.passages and document_passages(document):
            return  # New text came meanwhile; its own index step queues its embedding.
    if body.passages:
        indexer.update_passages(get_client(), body)
    with session_scope() as session:
        document_store.mark_embedded(
            session, document_ids=[document_id], embedding_version=EMBEDDING_VERSION
        )


def embed_pending(document_ids: Sequence[str] | None = None) -> int:
    """Queue for embedding these documents, or every indexed one not yet embedded with the
    current model; return how many."""
    with session_scope() as session:
        if document_ids is None:
            document_ids = document_store.unembedded_document_ids(
                session, embedding_version=EMBEDDING_VERSION
            )
    for document_id in document_ids:
        enqueue(EMBED_STEP, [document_id])
    return len(document_ids)


def pending_embeddings() -> int:
    """How many indexed documents are not yet searchable by meaning."""
    with session_scope() as session:
        return len(
            document_store.unembedded_document_ids(session, embedding_version=EMBEDDING_VERSION)
        )


# Documents written from this long before the scan began are read again after it: a worker's
# clock and the database's may differ by a little.
CLOCK_SLACK = dt.timedelta(minutes=5)
# Documents read at a time: every page of a few long reports (passages are taken from the
# first pages, but which they are depends on their words).
SCAN_DOCUMENTS = 20


@app.task(name=PRUNE_VECTORS_TASK)
def prune_vectors() -> None:
    """Remove the passage vectors no document's text has any more: vectors are shared by their
    text's hash, so a changed text (a corrected title, a new version of a file, an extractor
    that reads pages anew) left its old ones for good (43 of 693 after three title corrections).

    Only vectors stored before the scan are removed, and the documents written during it are
    read again: a passage embedded or taken into use meanwhile stays. One taken into use in
    the moments between that second reading and the removal (a title corrected back to what
    it was, exactly then) goes; the document keeps its passages in the index, and its next
    index step, finding its vectors missing, has it embedded again."""
    started = utcnow()
    with session_scope() as session:
        stored = vector_keys(session)
        titles = document_store.titles_of(session)
    unused = stored - _passage_keys(titles)
    with session_scope() as session:
        written = document_store.titles_of(session, updated_since=started - CLOCK_SLACK)
    unused -= _passage_keys(written)
    with session_scope() as session:
        delete_vectors(session, unused)
    if unused:
        log.info("removed %d passage vectors no document has any more", len(unused))


def _passage_keys(titles: Mapping[str, str]) -> set[str]:
    """The keys of the passages of these documents (by id, with their titles), read
    ``SCAN_DOCUMENTS`` documents at a time."""
    ids = sorted(titles)
    keys: set[str] = set()
    for start in range(0, len(ids), SCAN_DOCUMENTS):
        with session_scope() as session:
            pages = document_store.pages_of(
                session, document_ids=ids[start : start + SCAN_DOCUMENTS]
            )
        for document_id, document_pages in pages.items():
            keys.update(p.key for p in passages_of(titles[document_id], document_pages))
    return keys
