"""Run a search or an autocomplete against the index and return its results.

Both the JSON API and the web pages call these functions, so the two always show the same data."""

from typing import Any

from elasticsearch import BadRequestError as ESBadRequestError
from elasticsearch import NotFoundError as ESNotFoundError

from search_api.index.elastic import elastic_errors, get_client
from search_api.index.lifecycle import alias_name
from search_api.query.builder import (
    FACET_VALUES,
    MAX_RESULT_WINDOW,
    QueryOptions,
    SearchParams,
    autocomplete_query,
    build_query,
)
from search_api.query.expansion import WordAnalysis, expand, get_linker
from search_api.query.filters import FILTERS, Filter
from search_api.query.parser import parse_query
from search_api.query.results import Autocomplete, FacetValue, PageHit, SearchResponse, SearchResult
from vidensbank.errors import BadRequestError
from vidensbank.identity import public_source_uri


def _result(hit: dict[str, Any]) -> SearchResult:
    source = hit["_source"]
    inner = hit.get("inner_hits", {}).get("pages", {}).get("hits", {}).get("hits", [])
    hits = [
        PageHit(
            page=page["_source"]["number"],
            highlight=next(
                (
                    fragments[0]
                    for field in ("pages.text", "pages.text.exact")
                    if (fragments := page.get("highlight", {}).get(field))
                ),
                "",
            ),
        )
        for page in inner
    ]
    return SearchResult(
        id=source["id"],
        title=source["title"],
        publisher=source.get("publisher"),
        kind=source.get("kind"),
        published=source.get("published"),
        filename=source["filename"],
        source_uri=public_source_uri(source["source_uri"]),
        score=hit.get("_score"),
        hits=hits,
    )


def analyze_words(words: list[str], index: str | None = None) -> dict[str, WordAnalysis]:
    """What the index's own analyzers make of each query word: its compound parts, and
    whether it is a stop word. Words the index has no Danish analyzers for are left alone."""
    client = get_client()
    target = index or alias_name()
    analysis: dict[str, WordAnalysis] = {}
    with elastic_errors():
        for word in dict.fromkeys(words[:MAX_ANALYZED_WORDS]):
            try:
                parts = client.indices.analyze(index=target, analyzer="da_parts", text=word)
                kept = client.indices.analyze(index=target, analyzer="da_search", text=word)
            except ESBadRequestError:
                # An index built with the plain standard analyzer (the measured baseline).
                return {}
            analysis[word] = WordAnalysis(
                parts=[t["token"] for t in parts["tokens"] if t["type"] == "<SUBWORD>"],
                stop=not kept["tokens"],
            )
    return analysis


MAX_ANALYZED_WORDS = 12


def _did_you_mean(response: dict[str, Any], text: str) -> str | None:
    """The query with each misspelt word replaced by the corpus' most frequent near word."""
    corrected = text
    changed = False
    for entry in response.get("suggest", {}).get("spelling", []):
        if entry["options"]:
            best = max(entry["options"], key=lambda o: (o["freq"], o["score"]))["text"]
            corrected = corrected.replace(entry["text"], best, 1)
            changed = True
    return corrected if changed else None


def show_value(search_filter: Filter, value: Any) -> str:
    """A filter's value as the pages show it: a knowledge-base id by the record's name."""
    if search_filter.labels_from_kb:
        record = get_linker().kb.get(str(value))
        if record:
            return record.name
    return search_filter.show(value)


def _facets(response: dict[str, Any]) -> dict[str, list[FacetValue]]:
    aggregations = response.get("aggregations", {})
    return {
        f.name: [
            FacetValue(
                value=str(bucket["key"]),
                label=show_value(f, bucket["key"]),
                count=bucket["doc_count"],
            )
            for bucket in aggregations[f.name][FACET_VALUES]["buckets"]
        ]
        for f in FILTERS
        if f.name in aggregations
    }


def search(
    params: SearchParams,
    *,
    index: str | None = None,
    options: QueryOptions | None = None,
) -> SearchResponse:
    """Search the live alias (or ``index``, for measurements) with all features on (or
    ``options``)."""
    if params.offset + params.size > MAX_RESULT_WINDOW:
        raise BadRequestError(
            f"Der kan højst bladres {MAX_RESULT_WINDOW} resultater frem. Gør søgningen mere præcis."
        )
    options = options or QueryOptions()
    target = index or alias_name()
    parsed = parse_query(params.q)
    with elastic_errors():
        try:
            expansion = expand(parsed, options, lambda words: analyze_words(words, target))
            response = (
                get_client().search(index=target, body=build_query(params, expansion, options)).body
            )
        except ESNotFoundError:
            # No index yet: nothing has been ingested.
            return SearchResponse(total=0, results=[], facets={}, did_you_mean=None)
    return SearchResponse(
        total=response["hits"]["total"]["value"],
        results=[_result(hit) for hit in response["hits"]["hits"]],
        facets=_facets(response),
        did_you_mean=_did_you_mean(response, params.q),
    )


def autocomplete(prefix: str) -> Autocomplete:
    prefix = " ".join(prefix.split())
    if len(prefix) < 2:
        return Autocomplete(suggestions=[])
    with elastic_errors():
        try:
            response = get_client().search(index=alias_name(), body=autocomplete_query(prefix))
        except ESNotFoundError:
            return Autocomplete(suggestions=[])
    options = response["suggest"]["titles"][0]["options"]
    return Autocomplete(suggestions=list(dict.fromkeys(o["text"] for o in options)))
