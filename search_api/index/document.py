"""A database document as the search index stores it."""

from typing import Any

from vidensbank.store.documents import Document


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
