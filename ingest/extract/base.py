"""What every extractor returns, and the interface it implements."""

import datetime as dt
from typing import ClassVar, Protocol

from pydantic import BaseModel, Field


class ExtractedPage(BaseModel):
    number: int
    text: str


class EmbeddedMetadata(BaseModel):
    """Metadata a file carries itself (PDF info dictionary, HTML meta tags)."""

    title: str | None = None
    publisher: str | None = None
    kind: str | None = None
    published: dt.date | None = None
    authors: list[str] = Field(default_factory=list)


class ExtractedDocument(BaseModel):
    mime_type: str
    extractor: str
    extractor_version: str
    pages: list[ExtractedPage]
    metadata: EmbeddedMetadata = Field(default_factory=EmbeddedMetadata)


class Extractor(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    mime_types: ClassVar[frozenset[str]]
    extensions: ClassVar[frozenset[str]]

    def extract(self, data: bytes) -> ExtractedDocument: ...
