"""Database access: keyword-only functions that take a session. Nothing else writes SQL."""

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from vidensbank.models import (
    Document,
    DocumentStatus,
    Entity,
    IngestItem,
    IngestRun,
    ItemStatus,
    KBRecordRow,
    Page,
)


def create_run(session: Session, *, queue: str, items: Sequence[dict[str, Any]]) -> IngestRun:
    """A new ingest run with one item per file (keys of ``IngestItem``) on ``queue``."""
    run = IngestRun(id=uuid.uuid4().hex, queue=queue)
    run.items = [IngestItem(**item) for item in items]
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, *, run_id: str) -> IngestRun | None:
    return session.scalars(
        select(IngestRun).where(IngestRun.id == run_id).options(selectinload(IngestRun.items))
    ).first()


def list_runs(session: Session, *, limit: int = 50) -> Sequence[IngestRun]:
    return session.scalars(
        select(IngestRun)
        .order_by(IngestRun.created_at.desc())
        .limit(limit)
        .options(selectinload(IngestRun.items))
    ).all()


def unfinished_item_ids(session: Session, *, queue: str) -> list[int]:
    """Items of the runs on ``queue`` that have not reached a final status."""
    return list(
        session.scalars(
            select(IngestItem.id)
            .join(IngestRun)
            .where(IngestRun.queue == queue, IngestItem.status.not_in(ItemStatus.FINAL))
            .order_by(IngestItem.id)
        )
    )


def get_item(session: Session, *, item_id: int) -> IngestItem | None:
    return session.get(IngestItem, item_id)


def finish_item(
    session: Session,
    *,
    item_id: int,
    status: str,
    document_id: str | None = None,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    item = session.get(IngestItem, item_id)
    if item is None:
        return
    item.status = status
    item.document_id = document_id or item.document_id
    item.reason_code = reason_code
    item.reason = reason


def settle_items(
    session: Session,
    *,
    document_id: str,
    status: str,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    """Give every unfinished item that brought in the document its final status: the steps
    run on documents, and a run learns from here what became of its files."""
    session.execute(
        update(IngestItem)
        .where(IngestItem.document_id == document_id, IngestItem.status.not_in(ItemStatus.FINAL))
        .values(status=status, reason_code=reason_code, reason=reason)
    )


def quarantine_document(
    session: Session, *, document_id: str, reason_code: str, reason: str
) -> None:
    """Quarantine a document and every unfinished item that brought it in, with one reason."""
    set_document_status(
        session,
        document_id=document_id,
        status=DocumentStatus.QUARANTINED,
        reason_code=reason_code,
        reason=reason,
    )
    settle_items(
        session,
        document_id=document_id,
        status=ItemStatus.QUARANTINED,
        reason_code=reason_code,
        reason=reason,
    )


def page_counts(session: Session, *, document_ids: Sequence[str]) -> dict[str, int]:
    """How many pages each of these documents has."""
    rows = session.execute(
        select(Page.document_id, func.count())
        .where(Page.document_id.in_(document_ids))
        .group_by(Page.document_id)
    ).all()
    return {str(document_id): int(count) for document_id, count in rows}


def stale_document_ids(session: Session, *, model_version: str, kb_version: str) -> list[str]:
    """Documents whose entities were found with another model or knowledge base."""
    return list(
        session.scalars(
            select(Document.id)
            .where(
                Document.status.in_([DocumentStatus.ENRICHED, DocumentStatus.INDEXED]),
                (Document.model_version.is_distinct_from(model_version))
                | (Document.kb_version.is_distinct_from(kb_version)),
            )
            .order_by(Document.id)
        )
    )


def get_pages(session: Session, *, document_id: str) -> list[tuple[int, str]]:
    return [
        (int(number), str(text))
        for number, text in session.execute(
            select(Page.number, Page.text)
            .where(Page.document_id == document_id)
            .order_by(Page.number)
        )
    ]


def get_document(session: Session, *, document_id: str) -> Document | None:
    return session.scalars(
        select(Document)
        .where(Document.id == document_id)
        .options(selectinload(Document.pages), selectinload(Document.entities))
    ).first()


def upsert_document(session: Session, *, document_id: str, **fields: Any) -> Document:
    """Create the document row or update its fields; its pages and entities stay as they are."""
    document = session.get(Document, document_id)
    if document is None:
        document = Document(id=document_id, **fields)
        session.add(document)
    else:
        for name, value in fields.items():
            setattr(document, name, value)
    session.flush()
    return document


def replace_pages(session: Session, *, document_id: str, pages: Sequence[tuple[int, str]]) -> None:
    # One multi-row INSERT: a long report has hundreds of pages, and ORM objects cost per row.
    session.execute(delete(Page).where(Page.document_id == document_id))
    if pages:
        session.execute(
            insert(Page), [{"document_id": document_id, "number": n, "text": t} for n, t in pages]
        )


def replace_entities(
    session: Session, *, document_id: str, entities: Sequence[dict[str, Any]]
) -> None:
    session.execute(delete(Entity).where(Entity.document_id == document_id))
    if entities:
        session.execute(
            insert(Entity), [{"document_id": document_id, **entity} for entity in entities]
        )


def set_document_status(
    session: Session,
    *,
    document_id: str,
    status: str,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(status=status, reason_code=reason_code, reason=reason)
    )


def mark_enriched(
    session: Session, *, document_id: str, model_version: str, kb_version: str
) -> None:
    """The document's entities are stored, found with this model and knowledge base."""
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(status=DocumentStatus.ENRICHED, model_version=model_version, kb_version=kb_version)
    )


def iter_indexable_document_ids(session: Session) -> Iterator[str]:
    """Ids of every document that belongs in the search index."""
    yield from session.scalars(
        select(Document.id)
        .where(Document.status.in_([DocumentStatus.ENRICHED, DocumentStatus.INDEXED]))
        .order_by(Document.id)
    )


def replace_kb_records(session: Session, *, records: Sequence[dict[str, Any]]) -> int:
    """Make the table hold exactly these records (the YAML files are the source)."""
    session.execute(delete(KBRecordRow))
    session.add_all(KBRecordRow(**record) for record in records)
    session.flush()
    return len(records)


def get_kb_record(session: Session, *, kb_id: str) -> KBRecordRow | None:
    return session.get(KBRecordRow, kb_id)


def documents_mentioning(session: Session, *, kb_id: str) -> Sequence[tuple[Document, Entity]]:
    rows = session.execute(
        select(Document, Entity)
        .join(Entity, Entity.document_id == Document.id)
        .where(Entity.kb_id == kb_id, Document.status == DocumentStatus.INDEXED)
        .order_by(Document.published.desc(), Document.title)
    ).all()
    return [(document, entity) for document, entity in rows]


def co_occurring_entities(
    session: Session, *, kb_id: str, limit: int = 20
) -> Sequence[tuple[str, str, str, int]]:
    """Other linked entities in the documents that mention ``kb_id``, by shared documents."""
    documents = select(Entity.document_id).where(Entity.kb_id == kb_id)
    shared = func.count(func.distinct(Entity.document_id))
    rows = session.execute(
        select(Entity.kb_id, Entity.canonical, Entity.label, shared)
        .where(Entity.document_id.in_(documents), Entity.kb_id.is_not(None), Entity.kb_id != kb_id)
        .group_by(Entity.kb_id, Entity.canonical, Entity.label)
        .order_by(shared.desc(), Entity.canonical)
        .limit(limit)
    ).all()
    return [(str(k), str(c), str(lab), int(n)) for k, c, lab, n in rows]
