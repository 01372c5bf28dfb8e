"""Writing to the index: a batch of documents at a time from the pipeline, or everything on
reindex."""

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import BulkIndexError, bulk
from sqlalchemy.orm import Session

from nlp_models.embeddings import EMBEDDING_VERSION
from search_api.index.analysis import AnalysisOptions
from search_api.index.document import IndexDocument, stored_vectors, to_index_document
from search_api.index.elastic import elastic_errors
from search_api.index.lifecycle import (
    BUILD_MARK_INTERVAL,
    MAPPING_VERSION,
    PRODUCTION,
    alias_name,
    create_versioned_index,
    delete_orphans,
    ensure_index,
    live_mapping_version,
    mark_building,
    swap_alias,
)
from vidensbank.celery_app import EMBED_STEP, enqueue
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store.base import utcnow
from vidensbank.store.db import session_scope

log = logging.getLogger(__name__)


def put_documents(client: Elasticsearch, documents: Sequence[IndexDocument]) -> None:
    """Index documents in one bulk request; searches see them after the next refresh (within
    a second). A document the index refuses raises ``BulkIndexError``."""
    if not documents:
        return
    actions = [{"_id": document.id, "_source": document.source()} for document in documents]
    with elastic_errors():
        try:
            # The writes go to the alias, never to an index Elasticsearch would create on the
            # fly under its name.
            bulk(client, actions, index=alias_name(), require_alias=True, refresh=False)
        except BulkIndexError as error:
            if not all(_no_alias(failure) for failure in error.errors):
                raise
            # The first documents of a new installation: the index is made for them.
            ensure_index(client)
            bulk(client, actions, index=alias_name(), require_alias=True, refresh=False)
    take_out_withdrawn(client, [document.id for document in documents])


def _no_alias(failure: dict[str, Any]) -> bool:
    """Whether a bulk item failed because the alias does not exist (yet)."""
    (result,) = failure.values()
    return bool(result.get("error", {}).get("type") == "index_not_found_exception")


def delete_documents(client: Elasticsearch, document_ids: Sequence[str]) -> None:
    """Take documents out of the index; one that is not there is out already."""
    if not document_ids:
        return
    actions = [{"_op_type": "delete", "_id": document_id} for document_id in document_ids]
    with elastic_errors(), contextlib.suppress(NotFoundError):
        bulk(client, actions, index=alias_name(), require_alias=True, ignore_status=404)


def take_out_withdrawn(client: Elasticsearch, document_ids: Collection[str]) -> None:
    """Take out again those of the documents just written that were withdrawn or held back
    while they were written. Read as public before a curator's withdrawal was stored, and sent
    after its delete, a document stayed in search for good while its page answered 410; the
    withdrawal deletes again once it is stored, and this read after the write covers a write
    that comes later still."""
    if not document_ids:
        return
    with session_scope() as session:
        gone = document_store.withdrawn_or_held(session, document_ids=document_ids)
    delete_documents(client, gone)


def update_passages(client: Elasticsearch, document: IndexDocument) -> None:
    """Give an indexed document its embedded passages (the rest of it is already there)."""
    source = document.source()
    with elastic_errors(), contextlib.suppress(NotFoundError):
        client.update(
            index=alias_name(),
            id=document.id,
            doc={"passages": source["passages"], "embedded": source["embedded"]},
        )


def refresh(client: Elasticsearch) -> None:
    """Make everything indexed so far searchable now."""
    with elastic_errors(), contextlib.suppress(NotFoundError):
        client.indices.refresh(index=alias_name())


def index_documents(client: Elasticsearch, document_ids: Collection[str]) -> int:
    """Index these documents from the database into the live index, in bulk, and make them
    searchable; return how many were indexable (the others are left as they are)."""
    ensure_index(client)
    written: list[IndexDocument] = []

    def keeping(documents: Iterable[IndexDocument]) -> Iterator[IndexDocument]:
        for document in documents:
            written.append(document)
            yield document

    with elastic_errors():
        count, _errors = bulk(
            client,
            _actions(alias_name(), keeping(_database_documents(set(document_ids)))),
            chunk_size=get_settings().index_bulk_documents,
        )
    take_out_withdrawn(client, [document.id for document in written])
    refresh(client)
    with session_scope() as session:
        unembedded = settle_embeddings(session, written)
    embed_later(unembedded)
    return count


def settle_embeddings(session: Session, written: Sequence[IndexDocument]) -> list[str]:
    """Record which of the documents just written are searchable by meaning: those written
    with their passages are; the others are not, whatever was recorded before (their text or
    title changed, their vectors are not made yet, or they overwrote the passages an embedding
    had just put in the index). Returns the others, for ``embed_later`` once this commits."""
    document_store.mark_embedded(
        session,
        document_ids=[document.id for document in written if document.passages],
        embedding_version=EMBEDDING_VERSION,
    )
    unembedded = [document.id for document in written if not document.passages]
    document_store.forget_embeddings(session, document_ids=unembedded)
    return unembedded


def embed_later(document_ids: Sequence[str]) -> None:
    """Queue the embed step for these documents (one message: a message per document cost an
    ingest more than its indexing did)."""
    if get_settings().embeddings and document_ids:
        enqueue(EMBED_STEP, list(document_ids))


def _actions(index: str, documents: Iterable[IndexDocument]) -> Iterator[dict[str, Any]]:
    for document in documents:
        yield {"_index": index, "_id": document.id, "_source": document.source()}


def _database_documents(only: Collection[str] | None) -> Iterator[IndexDocument]:
    with session_scope() as session:
        for document_id in list(document_store.iter_indexable_document_ids(session)):
            if only is not None and document_id not in only:
                continue
            document = document_store.get_document(session, document_id=document_id)
            if document is not None:
                vectors = stored_vectors(session, [document])
                group = edition_store.groups_of(session, document_ids=[document_id])
                yield to_index_document(document, vectors, group.get(document_id))
            session.expunge_all()


def build_index(
    client: Elasticsearch,
    options: AnalysisOptions | None = PRODUCTION,
    name: str | None = None,
    only: Collection[str] | None = None,
    documents: Iterable[IndexDocument] | None = None,
) -> tuple[str, int]:
    """A new index with every document from the database (or those of them in ``only``, for
    measurements on a fixed corpus); deleted again if anything fails.

    ``documents`` replaces the database as the source: the scale benchmark's synthetic corpus
    goes in through this same bulk path without a database row per document."""
    new_index = create_versioned_index(client, options, name)
    source = _database_documents(only) if documents is None else documents
    actions = _actions(new_index, _marking(client, new_index, source))
    try:
        with elastic_errors():
            count, _errors = bulk(client, actions, chunk_size=get_settings().index_bulk_documents)
            client.indices.refresh(index=new_index)
    except BaseException:
        # Raised on to the caller, who says what failed: no traceback here as well (the command
        # line printed one above its Danish line).
        log.warning("building %s failed; deleting it", new_index)
        with elastic_errors():
            client.indices.delete(index=new_index, ignore_unavailable=True)
        raise
    return new_index, count


def _marking(
    client: Elasticsearch, index: str, documents: Iterable[IndexDocument]
) -> Iterator[IndexDocument]:
    """The documents, as the build of ``index`` takes them, marking it as being built every
    ``BUILD_MARK_INTERVAL``: a reindex or init in another process leaves it alone."""
    marked = time.monotonic()
    for document in documents:
        if time.monotonic() - marked >= BUILD_MARK_INTERVAL.total_seconds():
            mark_building(client, index)
            marked = time.monotonic()
        yield document


# Before the build began, for a write whose transaction had not committed when the build read
# its document.
CATCH_UP_MARGIN = dt.timedelta(minutes=1)


def reindex(
    client: Elasticsearch, documents: Iterable[IndexDocument] | None = None
) -> tuple[str, int]:
    """Build a new index from the database (or ``documents``, see ``build_index``) and swap
    the alias to it; return its name and size.

    Searches keep using the old index until the swap, which is atomic. What the pipeline and
    curators wrote meanwhile went to the old index, through the alias: the documents written
    since the build began are put right in the new one after the swap.
    """
    started = utcnow() - CATCH_UP_MARGIN
    delete_orphans(client)
    new_index, count = build_index(client, documents=documents)
    old = swap_alias(client, new_index)
    if documents is None:
        _catch_up(client, since=started)
    with elastic_errors():
        for index in old:
            client.indices.delete(index=index, ignore_unavailable=True)
    return new_index, count


def _catch_up(client: Elasticsearch, *, since: dt.datetime) -> None:
    """Index again, or take out, each document written since ``since``: one ingested,
    withdrawn, held or redacted during a rebuild would otherwise be missing from the new index,
    or back in it as the build read it."""
    with session_scope() as session:
        changed = document_store.changed_since(session, since=since)
    delete_documents(client, [document_id for document_id, indexable in changed if not indexable])
    index_documents(client, [document_id for document_id, indexable in changed if indexable])


def ensure_current(client: Elasticsearch) -> tuple[str, int] | None:
    """Build the index from the database when there is none and the database has documents
    for it (an empty one when it has none), or when its mapping is older than the code's; and
    delete what builds that died left behind. Returns the index built and its size, or
    ``None`` when nothing had to be built."""
    version = live_mapping_version(client)
    if version != MAPPING_VERSION and (version is not None or _has_indexable_documents()):
        return reindex(client)
    delete_orphans(client)
    ensure_index(client)
    return None


def _has_indexable_documents() -> bool:
    with session_scope() as session:
        return next(document_store.iter_indexable_document_ids(session), None) is not None
