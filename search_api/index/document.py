"""A database document as the search index stores it."""

from typing import Any

from ingest.metadata import stored_age_range
from vidensbank.store.documents import Document


def _age_range(extra: dict[str, Any]) -> dict[str, int] | None:
    """The target age as an ``integer_range``; None when the text names no ages."""
    ages = stored_age_range(extra)
    if ages is None:
        return None
    return {"gte": ages.from_age} | ({} if ages.to_age is None else {"lte": ages.to_age})


def to_index_document(document: Document) -> dict[str, Any]:
    extra = document.extra or {}
    return {
        "id": document.id,
        "title": document.title,
        "publisher": document.publisher,
        "kind": document.kind,
        "published": document.published.isoformat() if document.published else None,
        "year": document.published.year if document.published else None,
        "filename": document.filename,
        "source_uri": document.source_uri,
        "authors": document.authors or [],
        "target_age": extra.get("target_age"),
        "target_age_range": _age_range(extra),
        "professional": extra.get("professional") or [],
        "entities": [
            {"kb_id": e.kb_id, "canonical": e.canonical, "label": e.label}
            for e in document.entities
        ],
        "body": "\n\n".join(page.text for page in document.pages),
        "suggest": {
            "input": list(
                dict.fromkeys(
                    [document.title, *(e.canonical for e in document.entities if e.kb_id)]
                )
            )
        },
        "pages": [{"number": page.number, "text": page.text} for page in document.pages],
    }
