"""Search input, parsed once, and the Elasticsearch request built from it.

``build_query`` is a pure function of the parameters and of the query's expansion (other names
from the knowledge base, compound parts from the index's analyzer), so it is unit-tested on the
dict it returns. User text only ever becomes the text of ``match`` queries, never query syntax.
"""

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel, Field, create_model, field_validator, model_validator

from ingest.extract.cleanup import visible_line
from search_api.query import english
from search_api.query.filters import FILTERS, YEAR_FROM, YEAR_TO, Filter
from search_api.query.parser import ParsedQuery, in_capitals
from vidensbank.danish import danish_number

MAX_QUERY_LENGTH = 1000
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000

# Fields and boosts: the title outweighs the body; the user's exact spelling and words close
# together rank above looser matches; a typo-tolerant match only just counts.
DOCUMENT_FIELDS = ["title^3", "body", "authors^1.5"]
EXACT_FIELDS = ["title.exact^2", "body.exact"]
PAGE_FIELDS = ["pages.text"]
# English text through the English chain (only English documents and pages have it).
ENGLISH_FIELDS = ["title_en^3", "body_en"]
ENGLISH_PAGE_FIELDS = ["pages.text_en"]
EXACT_BOOST = 0.5
PROXIMITY_BOOST = 2.0
PROXIMITY_SLOP = 3
ALTERNATIVE_BOOST = 0.9
RELATED_BOOST = 0.3
PARTS_BOOST = 0.8
# A compound's parts in an OR group: the group's words name what is asked for already, so a
# document of both parts ("unge" and "plan" of "ungeplan") ranks below one of either word
# (at 0.8, "efterværn OR ungeplan" put them among the efterværn reports: the judged OR
# queries' nDCG@10 fell to 0.944, under their bar of 0.946; at 0.3, 0.950, and every document
# of either word is found).
OR_PARTS_BOOST = 0.3
FUZZY_BOOST = 0.2
ENTITY_BOOST = 0.5
PAGES_BOOST = 0.5
PARAGRAPH_BOOST = 3.0
# An English document whose English title has every word of an English query of at least
# three words beside function words is the one asked for: its English fields score on the few
# English documents' statistics (a word in one of two has an idf of 0.69, in one of sixty Danish
# ones 3.6), so the Danish documents the query's translation found ranked above it
# ("Conversation guide: Your rights when you live in care", the guide of that title 8th). Two
# words ("foster care") are a subject, not a title: they would put every English document
# named by them above the Danish ones on it.
ENGLISH_TITLE_BOOST = 100.0
ENGLISH_TITLE_WORDS = 3
# Enough of the query's words must match, but not every one of a long query.
MINIMUM_SHOULD_MATCH = "1<75%"

PAGE_HITS_PER_DOCUMENT = 3
SNIPPET_SIZE = 220
# Editions of one text are one result: results are collapsed on their group, and the total and
# each facet value count groups (exactly up to this many; Elasticsearch's cardinality counts
# estimate beyond it).
EDITION_GROUP = "edition_group"
HAS_EDITIONS = "has_editions"
EMBEDDED = "embedded"
GROUPS = "groups"
GROUP_PRECISION = 40_000
# What a result shows of its document.
LANGUAGE = "language"
SHOWN_FIELDS = [
    "id",
    "title",
    "publisher",
    "kind",
    "published",
    "filename",
    "source_uri",
    "language",
    "target_age",
    EDITION_GROUP,
    HAS_EDITIONS,
]
# Passages the vector search looks at (per shard) before it keeps the closest.
DENSE_CANDIDATES = 100
# The closest found by the int8 vectors are scored again by their float vectors: by the int8
# scores alone, whose quantiles each segment sets, the documents within the margin of the best
# changed with how the index was written (one query's nDCG@10 0.93, 0.86 and 0.66 in three
# builds of the same corpus).
DENSE_OVERSAMPLE = 2.0
# The name of the terms aggregation inside each facet's filter aggregation.
FACET_VALUES = "values"
# And of the count of documents without a value, beside it.
FACET_MISSING = "missing"
# The most editions of one result that are listed with it.
MAX_EDITIONS = 10


class SearchInput(BaseModel):
    """The query string of a search apart from the filters, which ``SearchParams`` adds from
    the filter table."""

    q: str = Field(default="", max_length=MAX_QUERY_LENGTH, description="Søgetekst")
    page: int = Field(
        default=1,
        ge=1,
        le=MAX_RESULT_WINDOW,
        description=(
            f"Sidenummer, fra 1; side × antal må højst være {danish_number(MAX_RESULT_WINDOW)}"
        ),
    )
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

    @field_validator("q")
    @classmethod
    def _visible(cls, q: str) -> str:
        """Control characters as spaces (a NUL reached the page's title and the index's query
        parser), and invisible format characters left out: a soft hyphen or a zero-width space
        copied from a PDF with the words split "inddra\u00adgelse" into two and found 37
        documents instead of 54."""
        return visible_line(q.replace("\x00", " "))

    @model_validator(mode="after")
    def _years_in_order(self) -> Self:
        """ "Fra 2025, til 2010" means the years between: it found nothing, and said nothing."""
        first, last = getattr(self, YEAR_FROM, []), getattr(self, YEAR_TO, [])
        if len(first) == 1 and len(last) == 1 and first[0] > last[0]:
            setattr(self, YEAR_FROM, last)
            setattr(self, YEAR_TO, first)
        return self


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
    # The two retrievals that are fused: words through the Danish chain, meaning by vectors.
    lexical: bool = True
    dense: bool = True
    # An English query is also searched by the Danish words for its English ones.
    english: bool = True
    # The facets of the results (a batch of searches shows none: they cost it a tenth).
    facets: bool = True


class Unit(BaseModel):
    """One thing the user asked for: a word, a quoted phrase, or a name the KB knows."""

    text: str
    phrase: bool = False
    alternatives: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    parts: list[str] = Field(default_factory=list)
    kb_id: str | None = None
    # A word no document has: the corpus' nearest words to it, the closest first (a typo's
    # likely meanings).
    corrections: list[str] = Field(default_factory=list)
    # In most documents: it ranks, but a document need not have it.
    common: bool = False
    # Some document has it as typed (a name or phrase counts as known).
    known: bool = True
    # Some document has it as typed or by its stem, or in its title or authors: its
    # corrections are searched, but not offered as "Mente du …?".
    spelt_right: bool = True
    # Some document has it anywhere (its text, title or authors, as typed or by its stem).
    found: bool = True


class Expansion(BaseModel):
    """The parsed query with what the service learned about each unit."""

    units: list[Unit] = Field(default_factory=list)
    any_of: list[list[Unit]] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    # The query was English: its units are the Danish words for its English ones.
    english: bool = False
    # The words and phrases to look for in English text, as typed (an English query's, or a
    # Danish one's, which may be English after all: "placements" is one word, too few to tell).
    english_units: list[Unit] = Field(default_factory=list)
    # Words of the query that no document has, nor anything near them, left out of it: kept,
    # they decided which documents matched while matching none.
    missing: list[str] = Field(default_factory=list)
    # The numbers of the paragraphs the query refers to ("§ 52", "§§ 41 og 42"): a document
    # must refer to one of them.
    paragraphs: list[str] = Field(default_factory=list)

    @classmethod
    def plain(cls, parsed: ParsedQuery) -> "Expansion":
        """Without knowledge base or analyzer: every word and phrase as it was typed."""
        return cls(
            units=[Unit(text=w) for w in parsed.words]
            + [Unit(text=p, phrase=True) for p in parsed.phrases],
            any_of=[[Unit(text=t.text, phrase=t.phrase) for t in g] for g in parsed.alternatives],
            excluded=[t.text for t in parsed.excluded],
            english_units=[Unit(text=w) for w in parsed.words]
            + [Unit(text=p, phrase=True) for p in parsed.phrases],
        )

    @property
    def positive_text(self) -> str:
        units = [u.text for u in [*self.units, *(u for g in self.any_of for u in g)]]
        return " ".join([*units, *self.paragraphs])

    @property
    def has_known_word(self) -> bool:
        """Whether any unit is a word the corpus has (or a name or phrase): a query of none
        ("xqzvw plmkr") is about nothing the documents hold."""
        return any(u.known for u in [*self.units, *(u for g in self.any_of for u in g)])

    @property
    def is_empty(self) -> bool:
        return not (self.units or self.any_of or self.paragraphs)


def _match(text: str, fields: list[str], phrase: bool, **extra: Any) -> dict[str, Any]:
    """Every word of ``text`` must match; a word joined by hyphens ("Høje-Taastrup", "e-mail")
    is matched as the phrase its parts make. One word the analyzer cut into several matched
    either part: "Høje-Taastrup" found 22 documents by "høje" where none has "Taastrup", "SSP"
    (the name "SSP-samarbejdet") 36 by "samarbejde", "e-mail" every "e-bog"."""
    body: dict[str, Any] = {"query": text, "fields": fields, **extra}
    if phrase or (" " not in text and _HYPHENATED.search(text)):
        body["type"] = "phrase"
    elif " " in text:
        body.update(type="cross_fields", operator="and")
    else:
        body["operator"] = "and"
    return {"multi_match": body}


_HYPHENATED = re.compile(r"\w[-\u2010\u2011]\w")


def _exact(field: str) -> str:
    """``title^3`` → ``title.exact^3``."""
    name, _, boost = field.partition("^")
    return f"{name}.exact^{boost}" if boost else f"{name}.exact"


def _typed_as_abbreviation(unit: Unit) -> bool:
    """A name the knowledge base knows, typed as an abbreviation in capitals ("KL", "ASK").
    The index is lower-cased, so its text alone also matched the same letters in another
    sense ("kl. 14" in every set of minutes, the English "ask")."""
    text = unit.text
    return unit.kb_id is not None and len(text) <= 6 and text.isalpha() and in_capitals(text)


def _as_the_name(unit: Unit, clause: dict[str, Any]) -> dict[str, Any]:
    """The clause of an abbreviation typed in capitals, for documents that name the record:
    where the entity step linked the abbreviation (it reads capitals as typed, so "kl. 14" is
    none), or that write one of its other names. The clause still gives the score."""
    named = [
        {"term": {"entities.kb_id": unit.kb_id}},
        *(_match(name, ["title", "body"], " " in name) for name in unit.alternatives),
        *(_match(name, ["title", "body"], " " in name) for name in unit.related),
    ]
    return {
        "bool": {
            "must": [clause],
            "filter": [{"bool": {"should": named, "minimum_should_match": 1}}],
        }
    }


def unit_clause(
    unit: Unit,
    fields: list[str],
    options: QueryOptions,
    *,
    entity_boost: bool = False,
    parts_boost: float = PARTS_BOOST,
) -> dict[str, Any]:
    """A query that matches the unit as typed or in any of the ways Danish may write it."""
    multiword = unit.phrase or unit.kb_id is not None
    # A quoted phrase is "netop den sætning": its words as written, not their stems ("Barnets
    # Lov" found "giv barnet lov til at stoppe"). Pages have no exact spelling: there the
    # phrase chooses the pages shown.
    quoted = unit.phrase and " " in unit.text and fields != PAGE_FIELDS
    typed = [_exact(field) for field in fields] if quoted else fields
    should: list[dict[str, Any]] = [_match(unit.text, typed, multiword and " " in unit.text)]
    if options.synonyms:
        should += [
            _match(alt, fields, " " in alt, boost=ALTERNATIVE_BOOST) for alt in unit.alternatives
        ]
        should += [_match(rel, fields, " " in rel, boost=RELATED_BOOST) for rel in unit.related]
        if unit.kb_id and entity_boost:
            should.append(
                {"term": {"entities.kb_id": {"value": unit.kb_id, "boost": ENTITY_BOOST}}}
            )
    # A hyphenated word's parts are its pieces, matched as a phrase; the index gives only its
    # last piece's parts ("Corona-hjælpepakke": "hjælpe" and "pakke", with no "corona").
    if options.decompounding and len(unit.parts) > 1 and not _HYPHENATED.search(unit.text):
        should.append(
            {"bool": {"must": [_match(p, fields, False) for p in unit.parts], "boost": parts_boost}}
        )
    if options.fuzzy:
        # A word the corpus lacks also searches the corpus' nearest words to it (on their
        # exact spelling: edit distance means little between stems). Pages have no exact
        # sub-field (its cost to index), so there they are matched by their stems: looked for
        # in "pages.text.exact", they matched no page, and a misspelt search showed no snippet.
        # There they only choose the pages shown, and add nothing to the score (ranked, they
        # cost the typos' nDCG@10 0.002); and only the nearest, the word "Mente du" offers:
        # "samvr" showed pages of "sager", "samme" and "sammen".
        pages = fields == PAGE_FIELDS
        near_fields = fields if pages else [_exact(field) for field in fields]
        should += [
            _match(near, near_fields, False, boost=0.0 if pages else FUZZY_BOOST)
            for near in (unit.corrections[:1] if pages else unit.corrections)
        ]
    clause = (
        should[0] if len(should) == 1 else {"bool": {"should": should, "minimum_should_match": 1}}
    )
    # A page has no entities of its own: the document's decide whether it matches, and its
    # pages with the letters are the ones shown.
    if options.synonyms and fields != PAGE_FIELDS and _typed_as_abbreviation(unit):
        return _as_the_name(unit, clause)
    return clause


def _text_query(expansion: Expansion, fields: list[str], options: QueryOptions) -> dict[str, Any]:
    """Enough of the query's words must match. A word most documents have ("børn" in a
    corpus about children) ranks but does not count, else "inddragelse af børn" would match
    every document by "børn" alone; a query of such words only needs every one of them."""
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    telling = [u for u in expansion.units if not u.common]
    if expansion.units:
        must.append(
            {
                "bool": {
                    "should": [
                        unit_clause(u, fields, options, entity_boost=True)
                        for u in telling or expansion.units
                    ],
                    "minimum_should_match": MINIMUM_SHOULD_MATCH if telling else "100%",
                }
            }
        )
        should += [
            unit_clause(u, fields, options, entity_boost=True)
            for u in expansion.units
            if u not in telling
        ]
    for group in expansion.any_of:
        must.append(
            {
                "bool": {
                    "should": [
                        unit_clause(
                            u, fields, options, entity_boost=True, parts_boost=OR_PARTS_BOOST
                        )
                        for u in group
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    return {"bool": {"must": must, "should": should}} if should else {"bool": {"must": must}}


def _english_match(unit: Unit, fields: list[str]) -> dict[str, Any]:
    clause = _match(unit.text, fields, (unit.phrase or unit.kb_id is not None) and " " in unit.text)
    if fields != ENGLISH_PAGE_FIELDS and _typed_as_abbreviation(unit):
        return _as_the_name(unit, clause)
    return clause


def _english_query(expansion: Expansion) -> dict[str, Any]:
    """Enough of the query's words in a document's English text, through the English chain."""
    return {
        "bool": {
            "should": [_english_match(u, ENGLISH_FIELDS) for u in expansion.english_units],
            "minimum_should_match": MINIMUM_SHOULD_MATCH,
        }
    }


def _pages_clause(
    expansion: Expansion, options: QueryOptions, *, highlight: bool
) -> dict[str, Any]:
    """Which pages match; it adds to the score a little. With ``highlight``, the best pages
    come back with a snippet each."""
    alternatives = [u for g in expansion.any_of for u in g]
    clause: dict[str, Any] = {
        "nested": {
            "path": "pages",
            "score_mode": "max",
            "boost": PAGES_BOOST,
            "query": {
                "bool": {
                    "should": [unit_clause(u, PAGE_FIELDS, options) for u in expansion.units]
                    + [
                        unit_clause(u, PAGE_FIELDS, options, parts_boost=OR_PARTS_BOOST)
                        for u in alternatives
                    ]
                    + [_english_match(u, ENGLISH_PAGE_FIELDS) for u in expansion.english_units]
                    + [_match(number, PAGE_FIELDS, False) for number in expansion.paragraphs],
                    "minimum_should_match": 1,
                }
            },
        }
    }
    if highlight:
        clause["nested"]["inner_hits"] = {
            "size": PAGE_HITS_PER_DOCUMENT,
            # The page number from its doc values and the snippet from the page's stored
            # text: reading the document's JSON for them cost more than the search.
            "_source": False,
            "docvalue_fields": ["pages.number"],
            "highlight": {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fields": {
                    field: {"fragment_size": SNIPPET_SIZE, "number_of_fragments": 1}
                    for field in ["pages.text", *ENGLISH_PAGE_FIELDS]
                },
            },
        }
    return clause


def _filters(params: SearchParams) -> dict[str, dict[str, Any]]:
    """The clause of each filter that is set, by the filter's name: any of its values."""
    return {f.name: f.clause(values) for f in FILTERS if (values := params.values(f))}


def facet_aggregations(params: SearchParams) -> dict[str, Any]:
    """The facets of a search with these filters (also what a bare request needs to match)."""
    return _facets(_filters(params))


def _facets(clauses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each facet counts the documents that every other filter lets through, so a filter's
    values stay listed when one of them is chosen, and more can be added."""
    facets: dict[str, Any] = {}
    for f in FILTERS:
        if (aggregation := f.aggregation()) is not None:
            others = [clause for name, clause in clauses.items() if name != f.name]
            aggregation["aggs"] = {GROUPS: _group_count()}
            aggregation["terms"].setdefault("order", [{GROUPS: "desc"}, {"_key": "asc"}])
            facets[f.name] = {
                "filter": {"bool": {"filter": others}},
                "aggs": {FACET_VALUES: aggregation},
            }
            if f.count_missing:
                facets[f.name]["aggs"][FACET_MISSING] = {
                    "missing": {"field": f.facet_field or f.field},
                    "aggs": {GROUPS: _group_count()},
                }
    return facets


def _group_count() -> dict[str, Any]:
    return {"cardinality": {"field": EDITION_GROUP, "precision_threshold": GROUP_PRECISION}}


def _groups_total(clauses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """How many edition groups the results hold (the filters applied, as they are to the
    hits after the facets are counted)."""
    return {
        GROUPS: {
            "filter": {"bool": {"filter": list(clauses.values())}},
            "aggs": {GROUPS: _group_count()},
        }
    }


def _lexical_query(expansion: Expansion, options: QueryOptions, highlight: bool) -> dict[str, Any]:
    """The query's words through the Danish chain: which documents match, and how well (with
    ``highlight``, with their best pages' snippets)."""
    text = expansion.positive_text
    should: list[dict[str, Any]] = [
        _match(text, EXACT_FIELDS, False, boost=EXACT_BOOST),
        _pages_clause(expansion, options, highlight=highlight),
    ]
    if len(text.split()) > 1:
        should.append(
            {
                "match_phrase": {
                    "body": {"query": text, "slop": PROXIMITY_SLOP, "boost": PROXIMITY_BOOST}
                }
            }
        )
    must: list[dict[str, Any]] = []
    if expansion.units or expansion.any_of:
        words = _text_query(expansion, DOCUMENT_FIELDS, options)
        if expansion.english_units:
            # Or in English text through the English chain. Danish text has no English fields,
            # so this leaves the scores of Danish documents as they were.
            words = {
                "bool": {"should": [words, _english_query(expansion)], "minimum_should_match": 1}
            }
        must.append(words)
    if expansion.english and (title := _english_title(expansion)):
        should.append(
            {
                "constant_score": {
                    "filter": {"match": {"title_en": {"query": title, "operator": "and"}}},
                    "boost": ENGLISH_TITLE_BOOST,
                }
            }
        )
    if expansion.paragraphs:
        # The text has "§ 52" as the number 52, which any table may have too.
        referring = {"terms": {"paragraphs": expansion.paragraphs}}
        if must:
            should.append({"constant_score": {"filter": referring, "boost": PARAGRAPH_BOOST}})
        else:
            must.append(referring)
    return {"bool": {"must": must, "should": should}}


def _english_title(expansion: Expansion) -> str | None:
    """An English query's words, when they are enough to be a title (``ENGLISH_TITLE_WORDS``)."""
    title = " ".join(u.text for u in expansion.english_units)
    return title if len(english.content_words(title)) >= ENGLISH_TITLE_WORDS else None


def _excluded(expansion: Expansion) -> list[dict[str, Any]]:
    return [_match(text, ["title", "body"], " " in text) for text in expansion.excluded]


# A hit with only its document's id and edition group, from doc values. Any stored field (even
# ``_id`` alone, with ``_source: false``) makes Lucene decompress the document's whole stored
# block: its pages and passage vectors. Fifty such hits cost a vector search 16 ms instead of 1.
IDS_ONLY: dict[str, Any] = {
    "stored_fields": "_none_",
    "docvalue_fields": ["id", EDITION_GROUP, HAS_EDITIONS, LANGUAGE, EMBEDDED],
}


def _hit_value(hit: dict[str, Any], name: str) -> Any:
    """A field of a hit, from its doc values or else its source (None when it has none)."""
    return (hit.get("fields", {}).get(name) or [hit.get("_source", {}).get(name)])[0]


def hit_embedded(hit: dict[str, Any]) -> bool:
    """Whether a hit's document has its passages embedded (is ranked by meaning)."""
    return bool(_hit_value(hit, EMBEDDED))


def hit_language(hit: dict[str, Any]) -> str | None:
    """The language of a hit's document."""
    language = _hit_value(hit, LANGUAGE)
    return str(language) if language else None


def hit_id(hit: dict[str, Any]) -> str:
    """The document id of a hit, with or without its stored fields."""
    if "_id" in hit:
        return str(hit["_id"])
    return str(hit["fields"]["id"][0])


def hit_group(hit: dict[str, Any]) -> str:
    """The edition group of a hit (its own id in an index built before there were groups)."""
    return str(_hit_value(hit, EDITION_GROUP) or hit_id(hit))


def hit_has_editions(hit: dict[str, Any]) -> bool:
    """Whether other documents share the hit's edition group (asked, to be sure, of a hit from
    an index built before the index said)."""
    return _hit_value(hit, HAS_EDITIONS) is not False


def build_query(
    params: SearchParams,
    expansion: Expansion,
    options: QueryOptions | None = None,
    found_by_meaning: Sequence[str] = (),
    *,
    size: int | None = None,
) -> dict[str, Any]:
    """The body of the main ``_search`` request: the documents the query's words match and
    those found by meaning (scored 0: they are ranked by the fusion); their total and facets.

    Without ``size`` it is the whole answer: the page asked for, with snippets. With ``size``
    (relevance ranking that the caller fuses with the vector search's) it returns the first
    ``size`` documents by their words, without snippets: those are fetched for the shown page
    alone (``snippets_query``)."""
    options = options or QueryOptions()
    clauses = _filters(params)
    relevance = params.sort == "relevance" and not expansion.is_empty
    # Ranked by relevance with a window: the caller fuses and pages.
    fused = relevance and size is not None
    retrievals: list[dict[str, Any]] = []
    if not expansion.is_empty and options.lexical:
        retrievals.append(_lexical_query(expansion, options, highlight=not fused))
    if found_by_meaning:
        retrievals.append({"ids": {"values": list(found_by_meaning), "boost": 0.0}})
    bool_query: dict[str, Any]
    if expansion.is_empty:
        bool_query = {"must": [{"match_all": {}}]}
    else:
        # Neither retrieval found anything: nothing matches.
        bool_query = {"should": retrievals or [{"match_none": {}}], "minimum_should_match": 1}
    if expansion.excluded:
        bool_query["must_not"] = _excluded(expansion)
    newest = {"published": {"order": "desc", "missing": "_last"}}
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "from": 0 if fused else params.offset,
        "size": size if fused and size is not None else params.size,
        "sort": ["_score", newest] if relevance else [newest, "_score"],
        "track_total_hits": True,
        "aggs": (_facets(clauses) if options.facets else {}) | _groups_total(clauses),
        # One result per edition group: its best-ranked member.
        "collapse": {"field": EDITION_GROUP},
    }
    # For the fusion only the ids are needed.
    body |= IDS_ONLY if fused else {"_source": SHOWN_FIELDS}
    if clauses:
        # After the facets are counted: the filters narrow the results, not the facets.
        body["post_filter"] = {"bool": {"filter": list(clauses.values())}}
    return body


def dense_query(
    params: SearchParams, expansion: Expansion, vector: Sequence[float], similarity: float, k: int
) -> dict[str, Any]:
    """The dense retrieval on its own, for its ranking: the ``k`` documents whose best passage
    is closest to the query (at least ``similarity``)."""
    filters: dict[str, Any] = {"bool": {"filter": list(_filters(params).values())}}
    if expansion.excluded:
        filters["bool"]["must_not"] = _excluded(expansion)
    return {
        "knn": {
            "field": "passages.vector",
            "query_vector": list(vector),
            "k": k,
            "num_candidates": DENSE_CANDIDATES,
            "rescore_vector": {"oversample": DENSE_OVERSAMPLE},
            "similarity": similarity,
            "filter": filters,
        },
        "size": k,
        **IDS_ONLY,
    }


def closest_pages_query(vector: Sequence[float], ids: list[str]) -> dict[str, Any]:
    """These documents, each with the page of its passage closest to the query."""
    return {
        "knn": {
            "field": "passages.vector",
            "query_vector": list(vector),
            "k": len(ids),
            "num_candidates": max(DENSE_CANDIDATES, len(ids)),
            "rescore_vector": {"oversample": DENSE_OVERSAMPLE},
            "filter": {"ids": {"values": ids}},
            "inner_hits": {"size": 1, "_source": False, "docvalue_fields": ["passages.page"]},
        },
        "size": len(ids),
        **IDS_ONLY,
    }


def snippets_query(ids: list[str], expansion: Expansion, options: QueryOptions) -> dict[str, Any]:
    """The shown page's documents with the pages their words match, highlighted."""
    query: dict[str, Any] = {"ids": {"values": ids}}
    if not expansion.is_empty and options.lexical:
        query = {
            "bool": {
                "filter": [query],
                "should": [_pages_clause(expansion, options, highlight=True)],
            }
        }
    return {
        "query": query,
        "size": len(ids),
        "_source": SHOWN_FIELDS,
    }


# The name of the inner hits that hold an edition group's members.
MEMBERS = "members"


def editions_query(groups: list[str]) -> dict[str, Any]:
    """The members of these edition groups, oldest publication first, at most MAX_EDITIONS of
    each: sorted together, one group of many editions took the places of the others'."""
    return {
        "query": {"terms": {EDITION_GROUP: groups}},
        "size": len(groups),
        "_source": False,
        "collapse": {
            "field": EDITION_GROUP,
            "inner_hits": {
                "name": MEMBERS,
                "size": MAX_EDITIONS,
                "_source": SHOWN_FIELDS,
                "sort": [{"published": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
            },
        },
    }


AUTOCOMPLETE_SIZE = 8


def autocomplete_query(prefix: str, size: int = AUTOCOMPLETE_SIZE) -> dict[str, Any]:
    """Titles and names beginning with ``prefix``, from their own fields (one suggestion a
    document each)."""
    return {
        "_source": False,
        "suggest": {
            suggester: {
                "prefix": prefix,
                "completion": {"field": field, "size": size, "skip_duplicates": True},
            }
            for suggester, field in (("titles", "suggest_title"), ("names", "suggest"))
        },
    }
