"""A database document as the search index stores it.

``IndexDocument`` is the index's document, field for field the mapping in ``lifecycle.py`` (a
unit test holds the two together); the mapping is strict, so a field one has and the other has
not fails at once.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ingest.language import DEFAULT_LANGUAGE, ENGLISH
from ingest.metadata import normalise_professionals, stored_age_range
from nlp_models.embeddings import Passage, passages_of
from nlp_models.linking import paragraph_numbers
from vidensbank.store.documents import Document
from vidensbank.store.vectors import get_vectors


class IndexedEntity(BaseModel):
    kb_id: str | None
    canonical: str
    label: str


class IndexedPage(BaseModel):
    number: int
    text: str
    # The text again when the page is English, for the English chain.
    text_en: str | None


class IndexedPassage(BaseModel):
    page: int
    vector: list[float]


class Suggestions(BaseModel):
    """Autocomplete inputs: the title, or the names of linked entities."""

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
    title_en: str | None
    body_en: str | None
    language: str
    target_age: str | None
    # An integer_range: "gte" and, for a bounded range, "lte".
    target_age_range: dict[str, int] | None
    professional: list[str]
    entities: list[IndexedEntity]
    body: str
    # The numbers of the paragraphs the text refers to ("§ 52" gives "52"): the tokenizer
    # drops "§", so in the text "§ 52" is the number of any table.
    paragraphs: list[str]
    suggest: Suggestions
    suggest_title: Suggestions
    pages: list[IndexedPage]
    passages: list[IndexedPassage]
    # The edition group (its oldest member's id; the document's own when it has no other
    # edition): search shows each group once.
    edition_group: str
    # Whether other documents share the group: only for such hits does a search ask for the
    # other editions (a round trip most result pages do not need).
    has_editions: bool
    # Whether its passages are embedded: until they are, search ranks it by its words alone.
    embedded: bool

    def source(self) -> dict[str, Any]:
        """The JSON Elasticsearch stores."""
        return self.model_dump(mode="json")


def _age_range(extra: dict[str, Any]) -> dict[str, int] | None:
    """The target age as an ``integer_range``; None when the text names no ages."""
    ages = stored_age_range(extra)
    if ages is None:
        return None
    return {"gte": ages.from_age} | ({} if ages.to_age is None else {"lte": ages.to_age})


def document_passages(document: Document) -> list[Passage]:
    return passages_of(document.title, [(page.number, page.text) for page in document.pages])


def stored_vectors(session: Session, documents: Sequence[Document]) -> dict[str, list[float]]:
    """The vectors of these documents' passages that are already made (by passage key)."""
    return get_vectors(
        session, [p.key for document in documents for p in document_passages(document)]
    )


def to_index_document(
    document: Document,
    vectors: Mapping[str, list[float]] | None = None,
    edition_group: str | None = None,
) -> IndexDocument:
    """The index's document; its passages are there only when every one has its vector (a
    document half embedded would rank by the wrong passages)."""
    extra = document.extra or {}
    language = extra.get("language") or DEFAULT_LANGUAGE
    # A page stored before its language was detected has its document's.
    english = [page for page in document.pages if (page.language or language) == ENGLISH]
    english_numbers = {page.number for page in english}
    passages = document_passages(document)
    vectors = vectors or {}
    embedded = bool(passages) and all(p.key in vectors for p in passages)
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
        title_en=document.title if language == ENGLISH else None,
        body_en="\n\n".join(page.text for page in english) or None,
        language=language,
        target_age=extra.get("target_age"),
        target_age_range=_age_range(extra),
        # Written one way also for a document stored before ingest did it.
        professional=normalise_professionals(extra.get("professional") or []),
        entities=[
            IndexedEntity(kb_id=e.kb_id, canonical=e.canonical, label=e.label)
            for e in document.entities
        ],
        body="\n\n".join(page.text for page in document.pages),
        paragraphs=list(
            dict.fromkeys(n for page in document.pages for n in paragraph_numbers(page.text))
        ),
        suggest=Suggestions(
            input=list(dict.fromkeys(e.canonical for e in document.entities if e.kb_id))
        ),
        suggest_title=Suggestions(input=[document.title]),
        pages=[
            IndexedPage(
                number=page.number,
                text=page.text,
                text_en=page.text if page.number in english_numbers else None,
            )
            for page in document.pages
        ],
        passages=[IndexedPassage(page=p.page, vector=vectors[p.key]) for p in passages]
        if embedded
        else [],
        edition_group=edition_group or document.id,
        has_editions=edition_group is not None,
        embedded=embedded,
    )
