"""What every extractor returns, and the interface it implements."""

import datetime as dt
from typing import Annotated, ClassVar, Protocol

from pydantic import BaseModel, BeforeValidator, Field


def split_authors(text: str) -> list[str]:
    """The people a one-string author field names: "Hansen, A.; Berg, M." is two of them."""
    return [part for part in (p.strip() for p in text.split(";")) if part]


def _clip(limit: int) -> BeforeValidator:
    """A file's own metadata is whatever its maker typed: cut to what a column holds, without
    NUL characters (PostgreSQL stores no text with them)."""
    return BeforeValidator(
        lambda value: value.replace("\x00", "")[:limit] if isinstance(value, str) else value
    )


class ExtractedPage(BaseModel):
    number: int
    text: str
    # An image of text without a text layer: the OCR step reads it.
    needs_ocr: bool = False


class EmbeddedMetadata(BaseModel):
    """Metadata a file carries itself (PDF info dictionary, HTML meta tags)."""

    title: Annotated[str | None, _clip(1000)] = None
    publisher: Annotated[str | None, _clip(200)] = None
    kind: Annotated[str | None, _clip(100)] = None
    published: dt.date | None = None
    authors: Annotated[
        list[Annotated[str, _clip(300)]],
        BeforeValidator(lambda value: value[:200] if isinstance(value, list) else value),
    ] = Field(default_factory=list)


class ExtractedDocument(BaseModel):
    mime_type: str
    extractor: str
    extractor_version: str
    pages: list[ExtractedPage]
    metadata: EmbeddedMetadata = Field(default_factory=EmbeddedMetadata)
    # Scripts or actions a viewer would run (a PDF's JavaScript, launch actions): the original
    # is then only offered as a download.
    active_content: bool = False


class Extractor(Protocol):
    name: ClassVar[str]
    label: ClassVar[str]  # the file in a Danish sentence: "PDF-filen"
    version: ClassVar[str]
    mime_types: ClassVar[frozenset[str]]
    extensions: ClassVar[frozenset[str]]

    def extract(self, data: bytes) -> ExtractedDocument: ...
