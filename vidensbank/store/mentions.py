"""The public documents that mention a knowledge-base record, one entry per edition group: two
editions of one report are one document to a reader, as they are one result in a search."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vidensbank.store.documents import Document, DocumentStatus, Entity, is_public
from vidensbank.store.editions import EditionMember

# A document alone has no group row: it is its own group.
_GROUP = func.coalesce(EditionMember.group_id, Document.id)


@dataclass(frozen=True)
class Mention:
    """A document that mentions the record, with the record's entity in it."""

    document: Document
    entity: Entity
    group: str


def documents_mentioning(session: Session, *, kb_id: str) -> Sequence[Mention]:
    """Newest publication first, so the first mention of each group is its newest edition."""
    rows = session.execute(
        select(Document, Entity, _GROUP)
        .join(Entity, Entity.document_id == Document.id)
        .outerjoin(EditionMember, EditionMember.document_id == Document.id)
        .where(
            Entity.kb_id == kb_id,
            Document.status == DocumentStatus.INDEXED,
            is_public(),
        )
        .order_by(Document.published.desc().nulls_last(), Document.title, Document.id)
    ).all()
    return [Mention(document, entity, str(group)) for document, entity, group in rows]


def document_ids_mentioning(session: Session, *, kb_ids: Sequence[str]) -> list[str]:
    """Every document with an entity linked to one of these records, public or not."""
    query = select(Entity.document_id).where(Entity.kb_id.in_(kb_ids)).distinct()
    return list(session.scalars(query))


def co_occurring_entities(
    session: Session, *, kb_id: str, limit: int = 20
) -> Sequence[tuple[str, str, str, int]]:
    """Other linked entities in the documents that mention ``kb_id``, by the number of edition
    groups they share with it."""
    documents = (
        select(Entity.document_id)
        .join(Document, Document.id == Entity.document_id)
        .where(Entity.kb_id == kb_id, Document.status == DocumentStatus.INDEXED, is_public())
    )
    shared = func.count(func.distinct(_GROUP))
    rows = session.execute(
        select(Entity.kb_id, Entity.canonical, Entity.label, shared)
        .join(Document, Document.id == Entity.document_id)
        .outerjoin(EditionMember, EditionMember.document_id == Document.id)
        .where(Entity.document_id.in_(documents), Entity.kb_id.is_not(None), Entity.kb_id != kb_id)
        .group_by(Entity.kb_id, Entity.canonical, Entity.label)
        .order_by(shared.desc(), Entity.canonical)
        .limit(limit)
    ).all()
    return [(str(k), str(c), str(lab), int(n)) for k, c, lab, n in rows]
