"""A document's bibliographic metadata, from the best source that has each field.

Order of trust: the publisher's own metadata (manifest or landing page), then what the file
says of itself (PDF info, HTML meta tags), then what the text shows.
"""

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, Field

from ingest.extract.base import EmbeddedMetadata, ExtractedPage

# The three publishers, and the names in a text that betray each of them.
PUBLISHER_SIGNS = {
    "VIVE": ("VIVE", "Det Nationale Forsknings- og Analysecenter for Velfærd", "SFI", "KORA"),
    "Børns Vilkår": ("Børns Vilkår", "BørneTelefonen"),
    "Socialstyrelsen": ("Socialstyrelsen", "Social- og Boligstyrelsen"),
}


class DocumentMetadata(BaseModel):
    title: str
    publisher: str | None = None
    kind: str | None = None
    published: dt.date | None = None
    authors: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _guess_publisher(pages: list[ExtractedPage]) -> str | None:
    text = "\n".join(page.text for page in pages[:2])
    counts = {
        publisher: sum(len(re.findall(rf"\b{re.escape(sign)}\b", text)) for sign in signs)
        for publisher, signs in PUBLISHER_SIGNS.items()
    }
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def _first_line(pages: list[ExtractedPage]) -> str | None:
    for page in pages:
        for line in page.text.splitlines():
            if len(line.strip()) > 3:
                return line.strip()[:300]
    return None


def resolve_metadata(
    *,
    source: dict[str, Any],
    embedded: EmbeddedMetadata,
    pages: list[ExtractedPage],
    filename: str,
) -> DocumentMetadata:
    extra = {
        key: source[key] for key in ("target_age", "professional") if source.get(key) is not None
    }
    return DocumentMetadata(
        title=source.get("title") or embedded.title or _first_line(pages) or filename,
        publisher=source.get("publisher") or embedded.publisher or _guess_publisher(pages),
        kind=source.get("kind") or embedded.kind,
        published=_date(source.get("published")) or embedded.published,
        authors=list(source.get("authors") or embedded.authors),
        extra=extra,
    )
