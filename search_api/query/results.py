"""What a search returns: results with their best pages, facets and spelling suggestions."""

import datetime as dt

from pydantic import BaseModel, Field


class PageHit(BaseModel):
    page: int
    highlight: str  # HTML-escaped page text, with <mark> around the matched words
    # "en" when the snippet is the English chain's (of an English page); None: the document's.
    language: str | None = None


def file_format(filename: str) -> str:
    """A file's format as the pages name it: "PDF", "Webside", or its extension."""
    suffix = filename.rpartition(".")[2].lower() if "." in filename else ""
    return {"pdf": "PDF", "html": "Webside", "htm": "Webside"}.get(suffix, suffix.upper() or "Fil")


class Edition(BaseModel):
    """Another edition of a document's text: another rendering, publisher or edition of it."""

    id: str
    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    filename: str
    format: str  # "PDF", "Webside", …


class SearchResult(BaseModel):
    id: str
    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    filename: str
    source_uri: str | None  # the publisher's address; None for a file from a local folder
    language: str | None = None  # ISO 639-1, as the document page shows it
    # The ages a tool is for, as the document says it ("7-14 år"): a case worker chose by it
    # and had to open each tool to read it.
    target_age: str | None = None
    score: float | None
    hits: list[PageHit]
    # The result's other editions (it stands for them all), oldest publication first.
    editions: list[Edition] = Field(default_factory=list)


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class SearchResponse(BaseModel):
    total: int
    results: list[SearchResult]
    facets: dict[str, list[FacetValue]]
    did_you_mean: str | None  # the query with misspelt words replaced, when any were
    # Words of the query that no document has, nor anything near them, left out of a search
    # by its other words: the results were found without them ("bitcoin" of "bitcoin kurs").
    missing_words: list[str] = Field(default_factory=list)
    # The documents the year facet counts that have no year (the facet counts only years).
    without_year: int = 0


class Autocomplete(BaseModel):
    suggestions: list[str]
