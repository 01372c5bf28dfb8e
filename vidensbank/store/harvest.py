"""What harvesters (OAI-PMH) and search engines (the sitemap) are given of the documents.

A harvester sees every public document, and as deleted every document taken out of view: one
a curator withdrew, one held back for personal data, one whose new file could not be read after
an earlier one was (it may have harvested each before; a deleted record carries no metadata),
also while its text is read again. A document whose text waits to be screened, and was never
taken out of view, is not there until it is screened, and a file never read is not there.

A record's time of change is ``updated_at``: it moves with every write to the document's row
(every pipeline step, a correction, a withdrawal) and with every change to the published
collections it is in (``touch_documents``), so a harvester asking what changed since its last
visit never misses a change; it may fetch a record again that did not change for it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from vidensbank.store.base import utcnow
from vidensbank.store.collections import Collection, CollectionEntry
from vidensbank.store.documents import Document, DocumentStatus, Entity, is_public


def _harvestable() -> ColumnElement[bool]:
    """Public, or taken out of view (a deleted record). A quarantined document counts only
    when it was enriched before (it was public, with an earlier file): a file that could never
    be read was never anyone's record."""
    return or_(
        Document.screening_version.is_not(None),
        Document.withdrawn_at.is_not(None),
        Document.held_at.is_not(None),
        and_(Document.status == DocumentStatus.QUARANTINED, Document.model_version.is_not(None)),
    )


def is_deleted(document: Document) -> bool:
    """Whether a harvestable document is a deleted record."""
    return not document.public


@dataclass(frozen=True)
class Selection:
    """Which documents a harvest asks for; every condition given must hold."""

    since: dt.datetime | None = None
    """Changed at or after this moment."""
    before: dt.datetime | None = None
    """Changed before this moment."""
    publishers: Sequence[str] | None = None
    """Of one of these publishers."""
    collection_ids: Sequence[str] | None = None
    """In one of these collections, when it is published."""


def _selected(selection: Selection) -> Select[Document]:
    query = select(Document).where(_harvestable())
    if selection.since is not None:
        query = query.where(Document.updated_at >= selection.since)
    if selection.before is not None:
        query = query.where(Document.updated_at < selection.before)
    if selection.publishers is not None:
        query = query.where(Document.publisher.in_(selection.publishers))
    if selection.collection_ids is not None:
        query = query.where(
            Document.id.in_(
                select(CollectionEntry.document_id)
                .join(Collection, Collection.id == CollectionEntry.collection_id)
                .where(
                    Collection.published.is_(True),
                    Collection.id.in_(selection.collection_ids),
                )
            )
        )
    return query


def harvest_page(
    session: Session,
    *,
    selection: Selection,
    after: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[Document]:
    """The selected documents in the order of their last change (then of their id), the first
    ``limit`` after the (change, id) a previous page ended with. A document that changes during
    a harvest moves to its end, so paging this way never skips one."""
    query = _selected(selection)
    if after is not None:
        changed, document_id = after
        query = query.where(
            or_(
                Document.updated_at > changed,
                and_(Document.updated_at == changed, Document.id > document_id),
            )
        )
    return list(session.scalars(query.order_by(Document.updated_at, Document.id).limit(limit)))


def harvest_count(session: Session, *, selection: Selection) -> int:
    return int(
        session.scalar(select(func.count()).select_from(_selected(selection).subquery())) or 0
    )


def harvest_document(session: Session, *, document_id: str) -> Document | None:
    """The document, if a harvester may know of it (public or withdrawn)."""
    return session.scalar(select(Document).where(Document.id == document_id, _harvestable()))


def earliest_change(session: Session) -> dt.datetime | None:
    return session.scalar(select(func.min(Document.updated_at)).where(_harvestable()))


def harvest_publishers(session: Session) -> list[str]:
    """The publishers of the documents a harvester may know of."""
    return list(
        session.scalars(
            select(Document.publisher)
            .where(_harvestable(), Document.publisher.is_not(None), Document.publisher != "")
            .distinct()
            .order_by(Document.publisher)
        )
    )


def published_collection_ids(
    session: Session, *, document_ids: Sequence[str]
) -> dict[str, list[str]]:
    """The published collections each of these documents is in."""
    rows = session.execute(
        select(CollectionEntry.document_id, CollectionEntry.collection_id)
        .join(Collection, Collection.id == CollectionEntry.collection_id)
        .where(Collection.published.is_(True), CollectionEntry.document_id.in_(document_ids))
        .order_by(CollectionEntry.collection_id)
    )
    found: dict[str, list[str]] = {}
    for document_id, collection_id in rows:
        found.setdefault(str(document_id), []).append(str(collection_id))
    return found


def top_linked_entities(
    session: Session, *, document_ids: Sequence[str], labels: Sequence[str], per_document: int
) -> dict[str, list[str]]:
    """The canonical names of each document's most mentioned knowledge-base records of these
    labels, most mentioned first."""
    rows = session.execute(
        select(Entity.document_id, Entity.canonical)
        .where(
            Entity.document_id.in_(document_ids),
            Entity.kb_id.is_not(None),
            Entity.label.in_(labels),
        )
        .order_by(Entity.document_id, Entity.count.desc(), Entity.canonical)
    )
    found: dict[str, list[str]] = {}
    for document_id, canonical in rows:
        names = found.setdefault(str(document_id), [])
        if len(names) < per_document and canonical not in names:
            names.append(str(canonical))
    return found


def public_document_changes(session: Session) -> list[tuple[str, dt.datetime]]:
    """Every public document's id and last change, for the sitemap."""
    return [
        (str(document_id), changed)
        for document_id, changed in session.execute(
            select(Document.id, Document.updated_at).where(is_public()).order_by(Document.id)
        )
    ]


def touch_documents(session: Session, *, document_ids: Sequence[str]) -> None:
    """These documents' records changed for harvesters (the published collections they are in
    did), though their rows did not."""
    if document_ids:
        session.execute(
            update(Document).where(Document.id.in_(document_ids)).values(updated_at=utcnow())
        )
