"""Search input, parsed once, and the Elasticsearch request built from it.

``build_query`` is a pure function of the parameters and of the query's expansion (other names
from the knowledge base, compound parts from the index's analyzer), so it is unit-tested on the
dict it returns. User text only ever becomes the text of ``match`` queries, never query syntax.
"""

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, create_model

from search_api.query.filters import FILTERS, Filter
from search_api.query.parser import ParsedQuery

MAX_QUERY_LENGTH = 1000
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000

# Fields and boosts: the title outweighs the body; the user's exact spelling and words close
# together rank above looser matches; a typo-tolerant match only just counts.
DOCUMENT_FIELDS = ["title^3", "body", "authors^1.5"]
EXACT_FIELDS = ["title.exact^2", "body.exact"]
PAGE_FIELDS = ["pages.text"]
EXACT_BOOST = 0.5
PROXIMITY_BOOST = 2.0
PROXIMITY_SLOP = 3
ALTERNATIVE_BOOST = 0.9
RELATED_BOOST = 0.3
PARTS_BOOST = 0.8
FUZZY_BOOST = 0.2
ENTITY_BOOST = 0.5
PAGES_BOOST = 0.5
# Enough of the query's words must match, but not every one of a long query.
MINIMUM_SHOULD_MATCH = "1<75%"

PAGE_HITS_PER_DOCUMENT = 3
SNIPPET_SIZE = 220
HIGHLIGHT_MAX_CHARS = 999_999
# The name of the terms aggregation inside each facet's filter aggregation.
FACET_VALUES = "values"


class SearchInput(BaseModel):
    """The query string of a search apart from the filters, which ``SearchParams`` adds from
    the filter table."""

    q: str = Field(default="", max_length=MAX_QUERY_LENGTH, description="Søgetekst")
    page: int = Field(default=1, ge=1, le=MAX_RESULT_WINDOW, description="Sidenummer, fra 1")
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE, description="Resultater pr. side")
    sort: Literal["relevance", "newest"] = Field(default="relevance", description="Sortering")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def values(self, search_filter: Filter) -> list[Any]:
        """The values of one filter (none when it is not set)."""
        return list(getattr(self, search_filter.name))

    def active_filters(self) -> list[tuple[Filter, Any]]:
        """Each value of each filter that is set, in the table's order."""
        return [(f, value) for f in FILTERS for value in self.values(f)]


if TYPE_CHECKING:
    # Type checkers see the fixed parameters; code reads a filter's through ``values``.
    SearchParams = SearchInput
else:
    SearchParams = create_model(
        "SearchParams",
        __base__=SearchInput,
        __doc__="The query string of a search, validated: unknown filters are simply not accepted.",
        **{f.name: f.parameter() for f in FILTERS},
    )


class QueryOptions(BaseModel):
    """Query-time features; each can be switched off to measure what it adds."""

    synonyms: bool = True
    decompounding: bool = True
    fuzzy: bool = True


class Unit(BaseModel):
    """One thing the user asked for: a word, a quoted phrase, or a name the KB knows."""

    text: str
    phrase: bool = False
    alternatives: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    parts: list[str] = Field(default_factory=list)
    kb_id: str | None = None


class Expansion(BaseModel):
    """The parsed query with what the service learned about each unit."""

    units: list[Unit] = Field(default_factory=list)
    any_of: list[list[Unit]] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)

    @classmethod
    def plain(cls, parsed: ParsedQuery) -> "Expansion":
        """Without knowledge base or analyzer: every word and phrase as it was typed."""
        return cls(
            units=[Unit(text=w) for w in parsed.words]
            + [Unit(text=p, phrase=True) for p in parsed.phrases],
            any_of=[[Unit(text=t.text, phrase=t.phrase) for t in g] for g in parsed.alternatives],
            excluded=[t.text for t in parsed.excluded],
        )

    @property
    def positive_text(self) -> str:
        return " ".join(u.text for u in [*self.units, *(u for g in self.any_of for u in g)])

    @property
    def is_empty(self) -> bool:
        return not (self.units or self.any_of)


def _match(text: str, fields: list[str], phrase: bool, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"query": text, "fields": fields, **extra}
    if phrase:
        body["type"] = "phrase"
    else:
        # A stop word ("til", "af") is no reason for a document not to match.
        body["zero_terms_query"] = "all"
        if " " in text:
            body.update(type="cross_fields", operator="and")
    return {"multi_match": body}


def _exact(field: str) -> str:
    """``title^3`` → ``title.exact^3``."""
    name, _, boost = field.partition("^")
    return f"{name}.exact^{boost}" if boost else f"{name}.exact"


def unit_clause(
    unit: Unit, fields: list[str], options: QueryOptions, *, entity_boost: bool = False
) -> dict[str, Any]:
    """A query that matches the unit as typed or in any of the ways Danish may write it."""
    multiword = unit.phrase or unit.kb_id is not None
    should: list[dict[str, Any]] = [_match(unit.text, fields, multiword and " " in unit.text)]
    if options.synonyms:
        should += [
            _match(alt, fields, " " in alt, boost=ALTERNATIVE_BOOST) for alt in unit.alternatives
        ]
        should += [_match(rel, fields, " " in rel, boost=RELATED_BOOST) for rel in unit.related]
        if unit.kb_id and entity_boost:
            should.append(
                {"term": {"entities.kb_id": {"value": unit.kb_id, "boost": ENTITY_BOOST}}}
            )
    if options.decompounding and len(unit.parts) > 1:
        should.append(
            {"bool": {"must": [_match(p, fields, False) for p in unit.parts], "boost": PARTS_BOOST}}
        )
    if options.fuzzy and not unit.phrase and " " not in unit.text:
        # On the exact spelling: edit distance means little between stems.
        should.append(
            _match(
                unit.text,
                [_exact(field) for field in fields],
                False,
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=20,
                boost=FUZZY_BOOST,
            )
        )
    return (
        should[0] if len(should) == 1 else {"bool": {"should": should, "minimum_should_match": 1}}
    )


def _text_query(expansion: Expansion, fields: list[str], options: QueryOptions) -> dict[str, Any]:
    must: list[dict[str, Any]] = []
    if expansion.units:
        must.append(
            {
                "bool": {
                    "should": [
                        unit_clause(u, fields, options, entity_boost=True) for u in expansion.units
                    ],
                    "minimum_should_match": MINIMUM_SHOULD_MATCH,
                }
            }
        )
    for group in expansion.any_of:
        must.append(
            {
                "bool": {
                    "should": [unit_clause(u, fields, options, entity_boost=True) for u in group],
                    "minimum_should_match": 1,
                }
            }
        )
    return {"bool": {"must": must}}


def _pages_clause(expansion: Expansion, options: QueryOptions) -> dict[str, Any]:
    """Which pages match, with a highlighted snippet each; it adds to the score a little."""
    units = [*expansion.units, *(u for g in expansion.any_of for u in g)]
    return {
        "nested": {
            "path": "pages",
            "score_mode": "max",
            "boost": PAGES_BOOST,
            "query": {
                "bool": {
                    "should": [unit_clause(u, PAGE_FIELDS, options) for u in units],
                    "minimum_should_match": 1,
                }
            },
            "inner_hits": {
                "size": PAGE_HITS_PER_DOCUMENT,
                "_source": ["pages.number"],
                "highlight": {
                    "encoder": "html",
                    # A page longer than the highlighter reads is still found, with its snippet
                    # taken from the part it reads.
                    "max_analyzed_offset": HIGHLIGHT_MAX_CHARS,
                    "pre_tags": ["<mark>"],
                    "post_tags": ["</mark>"],
                    # The exact sub-field highlights what only a typo-tolerant match found.
                    "fields": {
                        field: {"fragment_size": SNIPPET_SIZE, "number_of_fragments": 1}
                        for field in ("pages.text", "pages.text.exact")
                    },
                },
            },
        }
    }


def _filters(params: SearchParams) -> dict[str, dict[str, Any]]:
    """The clause of each filter that is set, by the filter's name: any of its values."""
    return {f.name: f.clause(values) for f in FILTERS if (values := params.values(f))}


def _facets(clauses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each facet counts the documents that every other filter lets through, so a filter's
    values stay listed when one of them is chosen, and more can be added."""
    facets: dict[str, Any] = {}
    for f in FILTERS:
        if (aggregation := f.aggregation()) is not None:
            others = [clause for name, clause in clauses.items() if name != f.name]
            facets[f.name] = {
                "filter": {"bool": {"filter": others}},
                "aggs": {FACET_VALUES: aggregation},
            }
    return facets


def build_query(
    params: SearchParams, expansion: Expansion, options: QueryOptions | None = None
) -> dict[str, Any]:
    """The body of an Elasticsearch ``_search`` request."""
    options = options or QueryOptions()
    clauses = _filters(params)
    bool_query: dict[str, Any] = {}
    if expansion.is_empty:
        bool_query["must"] = [{"match_all": {}}]
    else:
        text = expansion.positive_text
        bool_query["must"] = [_text_query(expansion, DOCUMENT_FIELDS, options)]
        bool_query["should"] = [
            _match(text, EXACT_FIELDS, False, boost=EXACT_BOOST),
            _pages_clause(expansion, options),
        ]
        if len(text.split()) > 1:
            bool_query["should"].append(
                {
                    "match_phrase": {
                        "body": {"query": text, "slop": PROXIMITY_SLOP, "boost": PROXIMITY_BOOST}
                    }
                }
            )
    if expansion.excluded:
        bool_query["must_not"] = [
            _match(text, ["title", "body"], " " in text) for text in expansion.excluded
        ]
    newest = {"published": {"order": "desc", "missing": "_last"}}
    relevance = params.sort == "relevance" and not expansion.is_empty
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "from": params.offset,
        "size": params.size,
        "sort": ["_score", newest] if relevance else [newest, "_score"],
        "track_total_hits": True,
        "_source": {"excludes": ["pages", "body", "entities", "suggest"]},
        "aggs": _facets(clauses),
    }
    if clauses:
        # After the facets are counted: the filters narrow the results, not the facets.
        body["post_filter"] = {"bool": {"filter": list(clauses.values())}}
    if not expansion.is_empty:
        body["suggest"] = {
            "text": expansion.positive_text,
            "spelling": {
                "term": {"field": "body.exact", "suggest_mode": "missing", "min_word_length": 4}
            },
        }
    return body


def autocomplete_query(prefix: str, size: int = 8) -> dict[str, Any]:
    return {
        "_source": False,
        "suggest": {
            "titles": {
                "prefix": prefix,
                "completion": {"field": "suggest", "size": size, "skip_duplicates": True},
            }
        },
    }
