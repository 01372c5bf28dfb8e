"""A knowledge-base entity with the documents that mention it."""

from collections import Counter
from collections.abc import Iterable

from nlp_models.curated_kb import current_knowledge_base
from nlp_models.knowledge_base import KBRecord, KnowledgeBase
from search_api.api.schemas import (
    EntityDocument,
    EntityEdition,
    EntityPage,
    KBReference,
    RelatedEntity,
)
from vidensbank.errors import NotFoundError
from vidensbank.store import mentions as mention_store
from vidensbank.store.db import session_scope


def _reference(record: KBRecord) -> KBReference:
    abbreviation = next((a for a in record.abbreviations if a not in record.name), None)
    return KBReference(kb_id=record.id, name=record.name, abbreviation=abbreviation)


def _records(kb: KnowledgeBase, ids: Iterable[str]) -> list[KBRecord]:
    return [other for other in (kb.get(i) for i in ids) if other is not None]


def _references(kb: KnowledgeBase, record: KBRecord, ids: Iterable[str]) -> list[KBReference]:
    """The records with these ids as the knowledge base has them now (the id of a merged record
    gives the one it became), each once. An id the knowledge base does not know is left out:
    a page can only link to a record that has one."""
    found = {other.id: other for other in _records(kb, ids) if other.id != record.id}
    return [_reference(other) for other in found.values()]


def _successors(kb: KnowledgeBase, record: KBRecord) -> list[KBReference]:
    """The records that name ``record`` among the bodies they succeeded, by name."""
    successors = [
        other
        for other in kb.records.values()
        if record.id in {predecessor.id for predecessor in _records(kb, other.successor_of)}
    ]
    successors.sort(key=lambda other: other.name)
    return _references(kb, record, (other.id for other in successors))


def get_entity(kb_id: str) -> EntityPage:
    """A knowledge-base record with the documents that mention it and what it co-occurs with
    (the id of a record merged into another gives that one). Editions of one document are one
    entry, its newest edition, as in a search."""
    kb = current_knowledge_base()
    record = kb.get(kb_id)
    if record is None:
        raise NotFoundError("Der findes ingen post med det id i vidensbasen.")
    parents = _references(kb, record, [record.parent] if record.parent else [])
    with session_scope() as session:
        documents: dict[str, EntityDocument] = {}
        by_year: Counter[str] = Counter()
        for mention in mention_store.documents_mentioning(session, kb_id=record.id):
            document, entity = mention.document, mention.entity
            listed = documents.get(mention.group)
            if listed is not None:
                listed.editions.append(
                    EntityEdition(
                        id=document.id, publisher=document.publisher, published=document.published
                    )
                )
                continue
            documents[mention.group] = EntityDocument(
                id=document.id,
                title=document.title,
                publisher=document.publisher,
                kind=document.kind,
                published=document.published,
                count=entity.count,
                pages=entity.pages,
            )
            by_year[str(document.published.year) if document.published else "ukendt"] += (
                entity.count
            )
        return EntityPage(
            kb_id=record.id,
            label=record.type,
            name=record.name,
            aliases=list(dict.fromkeys([*record.aliases, *record.abbreviations])),
            former_names=[former.model_dump(by_alias=True) for former in record.former_names],
            description=record.description,
            parent=parents[0] if parents else None,
            successor_of=_references(kb, record, record.successor_of),
            succeeded_by=_successors(kb, record),
            documents=list(documents.values()),
            co_occurring=[
                RelatedEntity(kb_id=k, canonical=c, label=lab, documents=n)
                for k, c, lab, n in mention_store.co_occurring_entities(session, kb_id=record.id)
            ],
            mentions_by_year=dict(sorted(by_year.items())),
        )
