"""A knowledge-base entity with the documents that mention it."""

from collections import Counter

from search_api.api.schemas import (
    EntityDocument,
    EntityPage,
    RelatedEntity,
)
from vidensbank.errors import NotFoundError
from vidensbank.store import documents as document_store
from vidensbank.store import knowledge_base as kb_store
from vidensbank.store.db import session_scope


def get_entity(kb_id: str) -> EntityPage:
    """A knowledge-base record with the documents that mention it and what it co-occurs with."""
    with session_scope() as session:
        record = kb_store.get_kb_record(session, kb_id=kb_id)
        if record is None:
            raise NotFoundError("Der findes ingen post med det id i vidensbasen.")
        mentions = document_store.documents_mentioning(session, kb_id=kb_id)
        by_year: Counter[str] = Counter()
        for document, entity in mentions:
            by_year[str(document.published.year) if document.published else "ukendt"] += (
                entity.count
            )
        return EntityPage(
            kb_id=record.id,
            label=record.type,
            name=record.name,
            aliases=record.aliases,
            former_names=record.former_names,
            description=record.description,
            parent=record.parent,
            documents=[
                EntityDocument(
                    id=document.id,
                    title=document.title,
                    publisher=document.publisher,
                    kind=document.kind,
                    published=document.published,
                    count=entity.count,
                    pages=entity.pages,
                )
                for document, entity in mentions
            ],
            co_occurring=[
                RelatedEntity(kb_id=k, canonical=c, label=lab, documents=n)
                for k, c, lab, n in document_store.co_occurring_entities(session, kb_id=kb_id)
            ],
            mentions_by_year=dict(sorted(by_year.items())),
        )
