"""A knowledge-base entity with the documents that mention it."""

from collections import Counter

from nlp_models.curated_kb import current_knowledge_base
from search_api.api.schemas import (
    EntityDocument,
    EntityEdition,
    EntityPage,
    RelatedEntity,
)
from vidensbank.errors import NotFoundError
from vidensbank.store import mentions as mention_store
from vidensbank.store.db import session_scope


def get_entity(kb_id: str) -> EntityPage:
    """A knowledge-base record with the documents that mention it and what it co-occurs with
    (the id of a record merged into another gives that one). Editions of one document are one
    entry, its newest edition, as in a search."""
    record = current_knowledge_base().get(kb_id)
    if record is None:
        raise NotFoundError("Der findes ingen post med det id i vidensbasen.")
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
            parent=record.parent,
            documents=list(documents.values()),
            co_occurring=[
                RelatedEntity(kb_id=k, canonical=c, label=lab, documents=n)
                for k, c, lab, n in mention_store.co_occurring_entities(session, kb_id=record.id)
            ],
            mentions_by_year=dict(sorted(by_year.items())),
        )
