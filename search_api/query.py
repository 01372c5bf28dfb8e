"""Search input, parsed once, and the Elasticsearch request built from it.

``build_query`` is a pure function of ``SearchParams``: user text only ever becomes the text of
a ``match`` query, never query syntax.
"""

from typing import Any, Literal

from pydantic import BaseModel, Field

MAX_QUERY_LENGTH = 1000
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000

TITLE_BOOST = 3.0
AUTHORS_BOOST = 1.5
PAGE_HITS_PER_DOCUMENT = 3
SNIPPET_SIZE = 220
FACET_SIZE = 20

FACETS: dict[str, str] = {"publisher": "publisher", "kind": "kind", "year": "year"}

# Enough of the query's words must match, but not every little word ("af", "i").
MINIMUM_SHOULD_MATCH = "2<75%"


class SearchParams(BaseModel):
    """The query string of a search, validated: unknown filters are simply not accepted."""

    q: str = Field(default="", max_length=MAX_QUERY_LENGTH, description="Søgetekst")
    page: int = Field(default=1, ge=1, description="Sidenummer, fra 1")
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="Resultater pr. side")
    publisher: list[str] = Field(default_factory=list, description="Filtrér på udgiver")
    kind: list[str] = Field(default_factory=list, description="Filtrér på dokumenttype")
    year: list[int] = Field(default_factory=list, description="Filtrér på udgivelsesår")
    sort: Literal["relevance", "newest"] = Field(default="relevance", description="Sortering")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def text(self) -> str:
        return " ".join(self.q.split())


def _filters(params: SearchParams) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    for field, values in (
        ("publisher", params.publisher),
        ("kind", params.kind),
        ("year", params.year),
    ):
        if values:
            filters.append({"terms": {field: values}})
    return filters


def _text_query(text: str) -> dict[str, Any]:
    pages = {
        "nested": {
            "path": "pages",
            "score_mode": "max",
            "query": {
                "match": {
                    "pages.text": {"query": text, "minimum_should_match": MINIMUM_SHOULD_MATCH}
                }
            },
            "inner_hits": {
                "size": PAGE_HITS_PER_DOCUMENT,
                "_source": ["pages.number"],
                "highlight": {
                    "encoder": "html",
                    "pre_tags": ["<mark>"],
                    "post_tags": ["</mark>"],
                    "fields": {
                        "pages.text": {"fragment_size": SNIPPET_SIZE, "number_of_fragments": 1}
                    },
                },
            },
        }
    }
    metadata = {
        "multi_match": {
            "query": text,
            "fields": [f"title^{TITLE_BOOST}", f"authors^{AUTHORS_BOOST}"],
            "minimum_should_match": MINIMUM_SHOULD_MATCH,
        }
    }
    return {"bool": {"should": [metadata, pages], "minimum_should_match": 1}}


def build_query(params: SearchParams) -> dict[str, Any]:
    """The body of an Elasticsearch ``_search`` request for these parameters."""
    text = params.text
    query: dict[str, Any] = {
        "bool": {
            "must": [_text_query(text)] if text else [{"match_all": {}}],
            "filter": _filters(params),
        }
    }
    sort: list[Any] = ["_score", {"published": {"order": "desc", "missing": "_last"}}]
    if params.sort == "newest" or not text:
        sort = [{"published": {"order": "desc", "missing": "_last"}}, "_score"]
    return {
        "query": query,
        "from": params.offset,
        "size": params.size,
        "sort": sort,
        "track_total_hits": True,
        "_source": {"excludes": ["pages", "entities"]},
        "aggs": {
            name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in FACETS.items()
        },
    }
