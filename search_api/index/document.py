"""A database document as the search index stores it.

``IndexDocument`` is the index's document, field for field the mapping in ``lifecycle.py`` (a
unit test holds the two together); the mapping is strict, so a field one has and the other has
not fails at once.
"""

import datetime as dt
from typing import Any

from pydantic import BaseModel

from ingest.metadata import normalise_professionals, stored_age_range
from vidensbank.store.documents import Document


class IndexedEntity(BaseModel):
    kb_id: str | None
    canonical: str
    label: str


class IndexedPage(BaseModel):
    number: int
    text: str


class Suggestions(BaseModel):
    """Autocomplete inputs: the title and the names of linked entities."""

    input: list[str]


class IndexDocument(BaseModel):
    id: str
    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    year: int | None
    filename: str
    source_uri: str
    authors: list[str]
    target_age: str | None
    # An integer_range: "gte" and, for a bounded range, "lte".
    target_age_range: dict[str, int] | None
    professional: list[str]
    entities: list[IndexedEntity]
    body: str
    suggest: Suggestions
    pages: list[IndexedPage]

    def source(self) -> dict[str, Any]:
        """The JSON Elasticsearch stores."""
        return self.model_dump(mode="json")


def _age_range(extra: dict[str, Any]) -> dict[str, int] | None:
    """The target age as an ``integer_range``; None when the text names no ages."""
    ages = stored_age_range(extra)
    if ages is None:
        return None
    return {"gte": ages.from_age} | ({} if ages.to_age is None else {"lte": ages.to_age})


def to_index_document(document: Document) -> IndexDocument:
    extra = document.extra or {}
    return IndexDocument(
        id=document.id,
        title=document.title,
        publisher=document.publisher,
        kind=document.kind,
        published=document.published,
        year=document.published.year if document.published else None,
        filename=document.filename,
        source_uri=document.source_uri,
        authors=document.authors or [],
        target_age=extra.get("target_age"),
        target_age_range=_age_range(extra),
        # Written one way also for a document stored before ingest did it.
        professional=normalise_professionals(extra.get("professional") or []),
        entities=[
            IndexedEntity(kb_id=e.kb_id, canonical=e.canonical, label=e.label)
            for e in document.entities
        ],
        body="\n\n".join(page.text for page in document.pages),
        suggest=Suggestions(
            input=list(
                dict.fromkeys(
                    [document.title, *(e.canonical for e in document.entities if e.kb_id)]
                )
            )
        ),
        pages=[IndexedPage(number=page.number, text=page.text) for page in document.pages],
    )
