"""Run a search or an autocomplete against the index and return its results.

Both the JSON API and the web pages call these functions, so the two always show the same data."""

import contextlib
import re
import threading
import time
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError
from elasticsearch import NotFoundError as ESNotFoundError

from nlp_models import embeddings
from nlp_models.embeddings import embed_query
from search_api.index.elastic import elastic_errors, get_client
from search_api.index.lifecycle import alias_name
from search_api.query import english
from search_api.query.builder import (
    AUTOCOMPLETE_SIZE,
    ENGLISH_PAGE_FIELDS,
    FACET_MISSING,
    FACET_VALUES,
    GROUPS,
    MAX_RESULT_WINDOW,
    MEMBERS,
    Expansion,
    QueryOptions,
    SearchParams,
    autocomplete_query,
    build_query,
    closest_pages_query,
    dense_query,
    editions_query,
    hit_embedded,
    hit_group,
    hit_has_editions,
    hit_id,
    hit_language,
    snippets_query,
)
from search_api.query.expansion import WordAnalysis, expand, get_linker
from search_api.query.filters import FILTERS, Filter, RangeFilter
from search_api.query.parser import ParsedQuery, parse_query
from search_api.query.results import (
    Autocomplete,
    Edition,
    FacetValue,
    PageHit,
    SearchResponse,
    SearchResult,
    file_format,
)
from vidensbank.danish import danish_number
from vidensbank.errors import BadRequestError
from vidensbank.identity import public_source_uri
from vidensbank.settings import get_settings


def _page_hits(hit: dict[str, Any]) -> list[PageHit]:
    inner = hit.get("inner_hits", {}).get("pages", {}).get("hits", {}).get("hits", [])
    hits = []
    for page in inner:
        highlights = page.get("highlight", {})
        # The Danish chain's snippet, or the English chain's on an English page.
        field = next(
            (f for f in ["pages.text", *ENGLISH_PAGE_FIELDS] if highlights.get(f)), "pages.text"
        )
        hits.append(
            PageHit(
                page=page["fields"]["pages.number"][0],
                highlight=(highlights.get(field) or [""])[0],
                language="en" if field in ENGLISH_PAGE_FIELDS else None,
            )
        )
    return hits


def _result(
    hit: dict[str, Any],
    score: float | None,
    best_page: int | None,
    editions: dict[str, list[Edition]],
) -> SearchResult:
    source = hit["_source"]
    hits = _page_hits(hit)
    if not hits and best_page is not None:
        # Found by meaning alone: its closest passage's page, without a snippet of words.
        hits = [PageHit(page=best_page, highlight="")]
    return SearchResult(
        id=source["id"],
        title=source["title"],
        publisher=source.get("publisher"),
        kind=source.get("kind"),
        published=source.get("published"),
        filename=source["filename"],
        source_uri=public_source_uri(source["source_uri"]),
        language=source.get("language"),
        target_age=source.get("target_age"),
        score=score,
        hits=hits,
        editions=[e for e in editions.get(hit_group(hit), []) if e.id != source["id"]],
    )


def _editions(response: dict[str, Any] | None) -> dict[str, list[Edition]]:
    """The members of each edition group an ``editions_query`` asked for."""
    found: dict[str, list[Edition]] = {}
    groups = response["hits"]["hits"] if response else []
    for hit in (m for g in groups for m in g["inner_hits"][MEMBERS]["hits"]["hits"]):
        source = hit["_source"]
        found.setdefault(hit_group(hit), []).append(
            Edition(
                id=source["id"],
                title=source["title"],
                publisher=source.get("publisher"),
                kind=source.get("kind"),
                published=source.get("published"),
                filename=source["filename"],
                format=file_format(source["filename"]),
            )
        )
    return found


def warm_up() -> None:
    """Load what a process's first searches would otherwise wait for: the knowledge base and its
    linker (0.5 s), the query language detector (0.4 s), the English glossary and, with
    embeddings on, the query model. A server process runs it before it takes requests;
    nothing here needs Elasticsearch."""
    get_linker()
    english.load()
    if get_settings().embeddings:
        embeddings.load()


def analyze_words(words: list[str], index: str | None = None) -> dict[str, WordAnalysis]:
    """What the index makes of each query word: its compound parts, whether it is a stop
    word, and whether the corpus has it as typed. Words the index has no Danish analyzers for
    are left alone."""
    unique = list(dict.fromkeys(words[:MAX_ANALYZED_WORDS]))
    return _WORDS.get(unique, index or alias_name())


# The corpus' words change with every ingest, so what is known of a word is asked again after
# this long.
CACHE_SECONDS = 300
# A word in more than this share of the documents does not decide whether one matches.
COMMON_SHARE = 0.5


class _WordCache:
    """What is known of each word, kept for a while: a query's words are mostly words earlier
    queries had ("børn", "anbringelse"), so most searches need no round trip to analyse
    them. Everything is forgotten when the period turns, and when the cache is full."""

    MAX_WORDS = 50_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._period = -1
        self._known: dict[tuple[str, str], WordAnalysis] = {}

    def get(self, words: list[str], target: str) -> dict[str, WordAnalysis]:
        period = int(time.monotonic() // CACHE_SECONDS)
        with self._lock:
            if period != self._period or len(self._known) > self.MAX_WORDS:
                self._period, self._known = period, {}
            known = {w: a for w in words if (a := self._known.get((w, target))) is not None}
        missing = tuple(w for w in words if w not in known)
        if missing:
            analysed = _analyze(missing, target)
            with self._lock:
                self._known.update(((w, target), a) for w, a in analysed.items())
            known |= analysed
        return {w: known[w] for w in words if w in known}


_WORDS = _WordCache()


def _analyze(words: tuple[str, ...], target: str) -> dict[str, WordAnalysis]:
    """One round trip for words not yet known: the term vectors of an artificial document
    holding the words, analysed three ways. ``title`` through ``da_parts`` gives each word's
    compound parts; ``authors`` through ``da_search`` keeps all but the stop words; ``body.exact``
    (the words as typed) gives each word's document frequency, none for a word no document
    has. Only for such words (a typo, a word the corpus lacks) is the spell checker asked for
    the nearest ones, in a second round trip: asked beside the term vectors on a thread of its
    own, for every query, it cost the search as long again (the two requests did not overlap
    on the machine's two cores) and Elasticsearch a search more."""
    text = " ".join(words)
    starts: dict[int, str] = {}
    offset = 0
    for typed in words:
        starts[offset] = typed
        offset += len(typed) + 1
    if not _has_danish_chain(target):
        # An index built with the plain standard analyzer (the measured baseline).
        return {}
    with elastic_errors():
        vectors = get_client().termvectors(
            index=target,
            doc={"title": text, "authors": text, "body": text},
            fields=["title", "authors", "body", "body.exact"],
            per_field_analyzer={"title": "da_parts", "authors": "da_search", "body": "da_search"},
            term_statistics=True,
            field_statistics=True,
            positions=False,
            offsets=True,
        )["term_vectors"]

    def terms(field: str) -> list[tuple[str, dict[str, Any], set[str]]]:
        """Each term of a field with its statistics and the words it came from (a token
        belongs to the word it starts in)."""
        found = []
        for term, stats in vectors.get(field, {}).get("terms", {}).items():
            owners = {
                next(w for s, w in reversed(starts.items()) if s <= token["start_offset"])
                for token in stats.get("tokens", [])
            }
            found.append((term, stats, owners))
        return found

    # A compound's parts are the terms da_parts adds to the word's own (lower-cased) tokens.
    exact = terms("body.exact")
    plain = {(term, owner) for term, _stats, owners in exact for owner in owners}
    parts: dict[str, list[str]] = {w: [] for w in words}
    for term, _stats, owners in terms("title"):
        for owner in owners:
            if (term, owner) not in plain:
                parts[owner].append(term)
    kept = {owner for _term, _stats, owners in terms("authors") for owner in owners}
    documents = vectors.get("body.exact", {}).get("field_statistics", {}).get("doc_count", 0)
    unknown: dict[str, set[str]] = {}
    common: set[str] = set()
    for term, stats, owners in exact:
        if "doc_freq" not in stats:
            unknown[term] = owners
        elif documents and stats["doc_freq"] > COMMON_SHARE * documents:
            common |= owners
    corrections: dict[str, list[str]] = {w: [] for w in words}
    # The suggester analyses its text as ``body.exact`` does: the missing terms stay as they are.
    suggested = _nearest_words(" ".join(unknown), target) if unknown else {}
    for term, owners in unknown.items():
        for owner in owners:
            corrections[owner] += suggested.get(term, [])
    unheard = {owner for owners in unknown.values() for owner in owners}
    # A word no text has as typed but whose stem one has ("værktøj": the texts say
    # "værktøjet", "værktøjer") is spelt right, though its nearest words are searched too.
    stemmed = {o for _term, stats, owners in terms("body") if "doc_freq" in stats for o in owners}
    # A name may stand only among a document's authors or in its title.
    found = {
        owner
        for field in ("title", "authors", "body", "body.exact")
        for _term, stats, owners in terms(field)
        if "doc_freq" in stats
        for owner in owners
    }
    return {
        w: WordAnalysis(
            parts=parts[w],
            stop=w not in kept,
            common=w in common,
            corrections=corrections[w],
            known=w not in unheard,
            # A name only among a document's authors or in its title ("Læssøe" added by a
            # curator) is spelt right too: it was offered as "Mente du læste?".
            spelt_right=w not in unheard or w in stemmed or w in found,
            found=w in found,
        )
        for w in words
    }


@lru_cache(maxsize=64)
def _has_danish_chain(target: str) -> bool:
    with elastic_errors():
        settings = get_client().indices.get_settings(index=target, name="index.analysis.*")
    return all(
        "da_parts" in index["settings"].get("index", {}).get("analysis", {}).get("analyzer", {})
        for index in settings.values()
    )


def _nearest_words(text: str, target: str) -> dict[str, list[str]]:
    """The corpus' nearest words (at most two edits) to the words of ``text`` that no document
    has, by their analysed form, the closest first and among equally close the most frequent
    (by frequency first, "drenge" became "denne"): Lucene's spell checker behind the term
    suggester takes a few milliseconds, where a fuzzy query over every field took hundreds."""
    body = {
        "size": 0,
        "suggest": {
            "text": text,
            "spelling": {
                "term": {
                    "field": "body.exact",
                    "suggest_mode": "missing",
                    "min_word_length": 4,
                    "size": MAX_CORRECTIONS,
                }
            },
        },
    }
    with elastic_errors():
        response = get_client().search(index=target, body=body)
    return {
        entry["text"]: [
            option["text"]
            for option in sorted(entry["options"], key=lambda o: (-o["score"], -o["freq"]))
        ]
        for entry in response["suggest"]["spelling"]
        if entry["options"]
    }


MAX_ANALYZED_WORDS = 12
MAX_CORRECTIONS = 3


def _without_missing_words(expansion: Expansion) -> Expansion:
    """The query without the words that neither a document has (as typed or by its stem, in
    its text, title or authors) nor anything near them, when others are left to search by:
    kept, such a word decided which documents matched ("børn qzxwv" found 17 of the 87 of
    "børn") while matching none. Not for an English query, whose words are searched in
    Danish."""
    others = len(expansion.any_of) + (1 if expansion.paragraphs else 0)
    if expansion.english or len(expansion.units) + others < 2:
        return expansion
    missing = [
        unit.text
        for unit in expansion.units
        if not unit.found
        and not unit.corrections
        and len(unit.parts) < 2
        # A name of the knowledge base is searched by its other names too.
        and not (unit.kb_id or unit.alternatives or unit.related)
    ]
    kept = [u for u in expansion.units if u.text not in missing]
    # Only beside a word some document has: left beside typos alone, a word of nonsense
    # ("qwxz plmk vbnq") found what the typos' nearest words found.
    if not missing or not (any(u.found for u in kept) or expansion.any_of or expansion.paragraphs):
        return expansion
    return expansion.model_copy(
        update={
            "units": kept,
            "english_units": [u for u in expansion.english_units if u.text not in missing],
            "missing": missing,
        }
    )


def _did_you_mean(expansion: Expansion, text: str) -> str | None:
    """The query with each misspelt word replaced by the corpus' nearest word; never for an
    English query, whose English words the Danish corpus lacks, nor for an English word of a
    query too short to tell its language ("foster families Denmark": not "familien"). An
    abbreviation written in capitals has no nearest words (``expansion.expand``)."""
    if expansion.english:
        return None
    corrected = text
    for unit in [*expansion.units, *(u for group in expansion.any_of for u in group)]:
        if unit.corrections and not unit.spelt_right and not english.is_glossary_word(unit.text):
            # The word itself, not the same letters inside another word ("anbring" in
            # "anbringelse anbring").
            word = re.search(rf"(?<!\w){re.escape(unit.text)}(?!\w)", corrected, re.IGNORECASE)
            if word:
                corrected = (
                    corrected[: word.start()] + unit.corrections[0] + corrected[word.end() :]
                )
    return corrected if corrected != text else None


def show_value(search_filter: Filter, value: Any) -> str:
    """A filter's value as the pages show it: a knowledge-base id by the record's name."""
    if search_filter.labels_from_kb:
        record = get_linker().kb.get(str(value))
        if record:
            return record.name
    return search_filter.show(value)


def _facets(response: dict[str, Any]) -> dict[str, list[FacetValue]]:
    aggregations = response.get("aggregations", {})
    facets: dict[str, list[FacetValue]] = {}
    for f in FILTERS:
        if f.name not in aggregations:
            continue
        counts = {
            str(bucket["key"]): bucket.get(GROUPS, {}).get("value", bucket["doc_count"])
            for bucket in aggregations[f.name][FACET_VALUES]["buckets"]
        }
        if isinstance(f, RangeFilter):
            counts = f.holding(counts)
        facets[f.name] = [
            FacetValue(value=value, label=show_value(f, value), count=count)
            for value, count in counts.items()
        ]
    return facets


def _without_year(response: dict[str, Any]) -> int:
    aggregations = response.get("aggregations", {})
    missing = next(
        (
            aggregations[f.name].get(FACET_MISSING)
            for f in FILTERS
            if f.count_missing and f.name in aggregations
        ),
        None,
    )
    if missing is None:
        return 0
    return int(missing.get(GROUPS, {}).get("value", missing["doc_count"]))


# A search's requests to the index, step by step: the plan yields the bodies of each step (sent
# together, as they do not depend on each other) and is sent their responses, in order; it
# returns the search's response. ``search`` sends each step in one round trip; a batch of
# searches (``search_api.query.batch``) sends the same step of many searches in one.
Plan = Generator[list[dict[str, Any]], list[dict[str, Any]], SearchResponse]


def search(
    params: SearchParams,
    *,
    index: str | None = None,
    options: QueryOptions | None = None,
) -> SearchResponse:
    """Search the live alias (or ``index``, for measurements) with all features on (or
    ``options``).

    Two retrievals are fused: the query's words through the Danish chain, and its meaning
    against the documents' embedded passages. Ranked by relevance it takes two round trips
    after the query is embedded: both rankings at once (``msearch``), fused here by reciprocal
    rank fusion (the node has no ``rrf``); then the snippets of the page shown, and, when
    meaning found documents the words did not, the total and facets of the union. Sorted by
    date, the vector search goes first and one request sorts the union."""
    options = options or default_options()
    target = index or alias_name()
    # A reindex deletes the old index right after it moves the alias: a search that had
    # reached the old index then finds it gone, and is asked once more of the new one. Only a
    # second "not found" means there is no index.
    for _attempt in range(2):
        with contextlib.suppress(ESNotFoundError), elastic_errors():
            return _run(plan_search(params, options, target), target)
    return NOTHING_INDEXED


def _run(plan: Plan, target: str) -> SearchResponse:
    step = advance(plan)
    while not isinstance(step, SearchResponse):
        step = advance(
            plan, [_search(step[0], target)] if len(step) == 1 else msearch(step, target)
        )
    return step


# No index yet: nothing has been ingested.
NOTHING_INDEXED = SearchResponse(total=0, results=[], facets={}, did_you_mean=None)


def default_options() -> QueryOptions:
    # Without embeddings (VB_EMBEDDINGS=false) there are no vectors to search by meaning.
    return QueryOptions(dense=get_settings().embeddings)


def advance(
    plan: Plan, answers: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]] | SearchResponse:
    """The plan's first step (no ``answers``) or, given the answers to its last, its next; its
    response once it has no more."""
    try:
        return next(plan) if answers is None else plan.send(answers)
    except StopIteration as done:
        response: SearchResponse = done.value
        return response


def plan_search(params: SearchParams, options: QueryOptions, target: str) -> Plan:
    """The requests of one search (see ``Plan``). Before its first step it starts embedding
    the query and learns what the index makes of the query's words meanwhile; an
    Elasticsearch error is raised from the plan as from the request that failed."""
    if params.offset + params.size > MAX_RESULT_WINDOW:
        raise BadRequestError(
            f"Der kan højst vises {danish_number(MAX_RESULT_WINDOW)} resultater. "
            "Gør søgningen mere præcis."
        )
    parsed = parse_query(params.q)
    if parsed.is_empty and not parsed.excluded and params.q.strip():
        # Only syntax (a lone quote): nothing was asked for, so nothing is found. Exclusions
        # alone ("-plejefamilie") list every document but those, as an empty query lists all.
        return SearchResponse(total=0, results=[], facets={}, did_you_mean=None)
    # What is embedded is known without the index (the words, or an English query's Danish
    # terms), so the embedding runs while the index analyses the words.
    embedding: Future[tuple[float, ...]] | None = None
    if options.dense and _free_text(parsed):
        known = expand(parsed, options)
        if not known.is_empty:
            embedding = _EMBEDDER.submit(embed_query, _meaning_text(parsed, known))
    expansion = _without_missing_words(
        expand(parsed, options, lambda words: analyze_words(words, target))
    )
    if expansion.is_empty and parsed.words:
        # English function words alone ("what is this about"): nothing was asked about, and
        # an empty query would list every document.
        return SearchResponse(total=0, results=[], facets={}, did_you_mean=None)
    if embedding is not None and params.sort == "relevance":
        return (yield from _fused(params, parsed, expansion, options, embedding))
    vector = embedding.result() if embedding is not None else None
    return (yield from _one_ranking(params, parsed, expansion, options, vector))


def _one_ranking(
    params: SearchParams,
    parsed: ParsedQuery,
    expansion: Expansion,
    options: QueryOptions,
    vector: Sequence[float] | None,
) -> Plan:
    """Words alone, or the union sorted by date: one request gives the page itself. For
    documents found by meaning alone, the page of each one's closest passage is asked only for
    the few shown: for every candidate it cost more than the vector search."""
    found: list[str] = []
    if vector is not None:
        found = _found_by_meaning(
            (yield _meaning_requests(params, expansion, vector)), parsed, expansion
        )
    [response] = yield [build_query(params, expansion, options, found)]
    hits = response["hits"]["hits"]
    if not hits:
        return _response(response, [], expansion, params.q, None)
    # The shown results' other editions, and for those found by meaning alone their closest
    # pages: a round trip only when some result has either.
    grouped = [hit_group(h) for h in hits if hit_has_editions(h)]
    without_pages = [hit_id(h) for h in hits if not _page_hits(h)] if vector is not None else []
    requests = [editions_query(grouped)] if grouped else []
    if vector is not None and without_pages:
        requests.append(closest_pages_query(vector, without_pages))
    answers = iter((yield requests) if requests else [])
    editions = next(answers) if grouped else None
    pages = _best_pages(next(answers)) if without_pages else {}
    shown = [(hit, hit.get("_score"), pages.get(hit_id(hit))) for hit in hits]
    return _response(response, shown, expansion, params.q, editions)


def _fused(
    params: SearchParams,
    parsed: ParsedQuery,
    expansion: Expansion,
    options: QueryOptions,
    embedding: Future[tuple[float, ...]],
) -> Plan:
    # The words' ranking reaches the page asked for; the fusion always sees the same first
    # FUSION_WINDOW of each ranking, so every page is cut from one ranking (a fusion that grew
    # with the page moved documents between pages: some shown twice, some never).
    words_query = build_query(
        params, expansion, options, size=max(FUSION_WINDOW, params.offset + params.size)
    )

    if embedding.done():
        # A query embedded before (paging, a repeated search): both rankings in one trip.
        vector = embedding.result()
        *by_meaning_answers, response = yield [
            *_meaning_requests(params, expansion, vector),
            words_query,
        ]
    else:
        # The words' search runs while the query is being embedded, which takes longer.
        [response] = yield [words_query]
        vector = embedding.result()
        by_meaning_answers = yield _meaning_requests(params, expansion, vector)
    by_meaning = by_meaning_answers[0]
    # The words' hits are one per edition group already (collapsed); meaning's stand for their
    # group too, by the member the words ranked when they found one.
    groups = {
        hit_id(h): hit_group(h) for h in by_meaning["hits"]["hits"] + response["hits"]["hits"]
    }
    # The documents whose group has other editions to list.
    multiple = {
        hit_id(h)
        for h in by_meaning["hits"]["hits"] + response["hits"]["hits"]
        if hit_has_editions(h)
    }
    ranked = [hit_id(hit) for hit in response["hits"]["hits"]]
    words = ranked[:FUSION_WINDOW]
    representative = {groups[i]: i for i in ranked}
    for hit in by_meaning["hits"]["hits"]:
        representative.setdefault(groups[hit_id(hit)], hit_id(hit))

    def standing_for(ids: list[str]) -> list[str]:
        return list(dict.fromkeys(representative[groups[i]] for i in ids))

    meaning = standing_for([hit_id(hit) for hit in by_meaning["hits"]["hits"]])
    # Meaning alone (measured without the words) ranks all it finds above the floor.
    found = _found_by_meaning(by_meaning_answers, parsed, expansion) if options.lexical else meaning
    # Meaning ranks what the words found too, but adds only what it found itself.
    admitted = set(words) | set(standing_for(found))
    fused = _fuse_rankings(
        words, [i for i in meaning if i in admitted], _unranked_by_meaning(response, expansion)
    )
    # Past the fused documents the words' ranking goes on alone.
    order = [*fused, *(i for i in ranked[FUSION_WINDOW:] if i not in fused)]
    page = order[params.offset : params.offset + params.size]
    # Documents meaning found that the words did not: the total and facets are the union's,
    # which the words' own request could not know.
    added = [i for i in found if representative[groups[i]] not in set(ranked)]
    union_query = build_query(params, expansion, options, found, size=0)
    if not page:
        # Past the last page: nothing to show, but the same total as the pages before.
        union = (yield [union_query])[0] if added else response
        return _response(union, [], expansion, params.q, None)
    # One round trip for the rest: the page's snippets and editions; for the documents on it
    # that only meaning found, their closest passages' pages; and the union's total and facets.
    by_meaning_only = [i for i in page if i not in set(ranked)]
    requests = [snippets_query(page, expansion, options)]
    grouped = [groups[i] for i in page if i in multiple]
    if grouped:
        requests.append(editions_query(grouped))
    if by_meaning_only:
        requests.append(closest_pages_query(vector, by_meaning_only))
    if added:
        requests.append(union_query)
    answers = iter((yield requests))
    hits = {hit_id(hit): hit for hit in next(answers)["hits"]["hits"]}
    editions = next(answers) if grouped else None
    pages = _best_pages(next(answers)) if by_meaning_only else {}
    union = next(answers) if added else response
    # A document past the fused ones has a place in the words' ranking, not a fused score.
    shown = [(hits[i], fused.get(i), pages.get(i)) for i in page if i in hits]
    return _response(union, shown, expansion, params.q, editions)


def _search(body: dict[str, Any], target: str) -> dict[str, Any]:
    return dict(get_client().search(index=target, body=body).body)


def msearch(bodies: list[dict[str, Any]], target: str) -> list[dict[str, Any]]:
    """Several searches in one round trip; an error in one is raised as the single request
    would raise it."""
    searches: list[dict[str, Any]] = []
    for body in bodies:
        searches += [{"index": target}, body]
    answers: list[dict[str, Any]] = get_client().msearch(searches=searches).body["responses"]
    for answer in answers:
        if "error" in answer:
            status = int(answer.get("status", 500))
            meta = ApiResponseMeta(
                status=status,
                http_version="1.1",
                headers=HttpHeaders(),
                duration=0.0,
                node=NodeConfig("http", "localhost", 9200),
            )
            error = ESNotFoundError if status == 404 else ApiError
            raise error(message=str(answer["error"]), meta=meta, body=answer)
    return answers


def _best_pages(response: dict[str, Any]) -> dict[str, int]:
    pages = {hit_id(hit): _best_page(hit) for hit in response["hits"]["hits"]}
    return {document_id: page for document_id, page in pages.items() if page is not None}


# Queries are embedded one at a time (the model is one), on a thread of their own, so a
# search's requests to the index run meanwhile: the C engine lets go of the GIL.
_EMBEDDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-query")

# The first documents of each ranking that the fusion sees, and its usual constant.
FUSION_WINDOW = 50
RRF_K = 60
DENSE_WEIGHT = 0.5
# The closeness of a query and a passage (cosine of e5 vectors) is not comparable across
# queries: English queries score lower against Danish text than Danish ones, and general
# queries higher. So a document counts as found by meaning when its best passage is nearly
# as close as the closest one found (``DENSE_MARGIN``), and at least ``DENSE_FLOOR``;
# calibrated on the judged queries, see ``bench/RESULTS.md``.
DENSE_FLOOR = 0.78
DENSE_MARGIN = 0.015
# An English query is embedded as the glossary's Danish words, which lie a little further from
# any passage than a Danish query's own words, and more evenly so: within 0.015 of the closest,
# meaning admitted 2–5 documents where alone it ranked the answers high ("cost of out-of-home
# placements": none of them). At 0.03: English nDCG@10 in-domain 0.779 → 0.796, out of domain
# 0.877 → 0.887 and 0.601 → 0.681 (bench/RESULTS.md, "Session 31"); at 0.05 barely more, with
# most of the corpus in the total.
DENSE_MARGIN_ENGLISH = 0.03
MIN_WORDS_FOR_MEANING = 2


def _meaning_text(parsed: ParsedQuery, expansion: Expansion) -> str:
    """What is embedded: the query as typed, or for an English query its Danish words, which
    lie closer to the Danish passages than the English does."""
    if expansion.english:
        return " ".join(unit.text for unit in expansion.units)
    return " ".join([*parsed.words, *(t.text for group in parsed.alternatives for t in group)])


def _free_text(parsed: ParsedQuery) -> bool:
    """Words, no exact syntax: whoever writes a phrase in quotes or a minus wants the words
    matched as asked, not a meaning ("a OR b" asks for either meaning)."""
    return not (parsed.phrases or parsed.excluded)


def _meaning_requests(
    params: SearchParams, expansion: Expansion, vector: Sequence[float]
) -> list[dict[str, Any]]:
    """Meaning's ranking under the filters and, when a filter is set, the closest document
    without them (see ``_found_by_meaning``)."""
    requests = [dense_query(params, expansion, vector, DENSE_FLOOR, FUSION_WINDOW)]
    if params.active_filters():
        requests.append(dense_query(SearchParams(q=params.q), expansion, vector, DENSE_FLOOR, 1))
    return requests


def _found_by_meaning(
    answers: list[dict[str, Any]], parsed: ParsedQuery, expansion: Expansion
) -> list[str]:
    """The documents of the vector search (the first of ``_meaning_requests``' answers) that
    count as found: near the closest one of the whole corpus, filtered or not. Measured from
    the closest within a filter, a filter let in documents the same search without it did
    not count, so a facet's count was not what choosing it gave. One word is matched by its
    words: its vector alone is too vague to add documents. Nor do words no document has: the
    nearest passages to nonsense are still near each other, so "xqzvw plmkr" found a dozen
    documents; nor does one left out of the query beside a word some document has ("børn
    qzxwv" found more documents than "børn"), though its meaning still ranks them (a real word
    the corpus lacks, "handicappede", says what the query is about). Nor does a name alone:
    "Radikale Venstre" found 33 documents by meaning where 2 name the party, nor a name with a
    paragraph ("barnets lov § 47": 28 documents, none with the paragraph): numbers and signs
    are no words ("§ 50" found 23 documents without "50").
    A compound counts as its parts: "tvangsanbringelse", which no document has, found nothing
    at all, though documents on "anbringelse uden samtykke" answer it. (Only a compound no
    document has, and the out-of-domain synonyms, "efterværn" or "handleplan" for what the
    documents call "ungestøtte" or "barnets plan", fell from 0.864 to 0.736 nDCG@10.)"""
    hits = answers[0]["hits"]["hits"]
    compounds = [u for u in expansion.units if len(_words(u.parts)) > 1]
    typed = [word for word in parsed.words if word not in expansion.missing]
    asked = _words(" ".join([*typed, *parsed.phrases]).split())
    words = len(asked) + sum(len(_words(u.parts)) - 1 for u in compounds)
    if not hits or words < MIN_WORDS_FOR_MEANING or not (expansion.has_known_word or compounds):
        return []
    named = [u for u in expansion.units if _words([u.text])]
    if named and all(u.kb_id for u in named) and not expansion.any_of:
        return []
    closest = [hit for answer in answers for hit in answer["hits"]["hits"]]
    # For a dot_product field the knn score is (1 + cosine) / 2.
    best = 2 * max(hit["_score"] for hit in closest) - 1
    margin = DENSE_MARGIN_ENGLISH if expansion.english else DENSE_MARGIN
    cutoff = (1 + max(best - margin, DENSE_FLOOR)) / 2
    return [hit_id(hit) for hit in hits if hit["_score"] >= cutoff]


def _words(texts: list[str]) -> list[str]:
    """The texts that are words: with a letter in them (not "§", "50" or "-")."""
    return [text for text in texts if any(char.isalpha() for char in text)]


def _unranked_by_meaning(response: dict[str, Any], expansion: Expansion) -> set[str]:
    """The documents the words found that meaning cannot rank.

    One whose passages are not embedded yet: searchable by its words at once, it ranked
    behind every document both rankings found until they were (its exact title 7th). And for
    an English query, which is searched by meaning through the glossary's Danish words, one
    written in English: the words found it, meaning could not, and where it placed the English
    passages among the Danish ones it put them low ("conversation guide your rights": the
    English guide of that title 11th; by its whole title, 8th)."""
    return {
        hit_id(hit)
        for hit in response["hits"]["hits"]
        if not hit_embedded(hit) or (expansion.english and hit_language(hit) == "en")
    }


def _fuse_rankings(words: list[str], meaning: list[str], unranked: set[str]) -> dict[str, float]:
    """The words' ranking fused with meaning's, in which a document meaning cannot rank
    stands where the words put it."""
    fused = fuse([(words, 1.0), ([i for i in meaning if i not in unranked], DENSE_WEIGHT)], RRF_K)
    for rank, document_id in enumerate(words, start=1):
        if document_id in unranked:
            fused[document_id] += DENSE_WEIGHT / (RRF_K + rank)
    return dict(sorted(fused.items(), key=lambda item: item[1], reverse=True))


def fuse(rankings: list[tuple[list[str], float]], k: int) -> dict[str, float]:
    """Weighted reciprocal rank fusion: each ranking gives a document weight/(k + rank);
    best first."""
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, document_id in enumerate(ranking, start=1):
            scores[document_id] = scores.get(document_id, 0.0) + weight / (k + rank)
    return dict(sorted(scores.items(), key=lambda item: item[1], reverse=True))


def _best_page(hit: dict[str, Any]) -> int | None:
    inner = hit.get("inner_hits", {}).get("passages", {}).get("hits", {}).get("hits", [])
    if not inner:
        return None
    pages = inner[0].get("fields", {}).get("passages.page", [])
    return int(pages[0]) if pages else None


# A result as it is shown: its hit, its score, and the page of its closest passage.
Shown = tuple[dict[str, Any], float | None, int | None]


def _response(
    response: dict[str, Any],
    shown: Sequence[Shown],
    expansion: Expansion,
    text: str,
    editions: dict[str, Any] | None,
) -> SearchResponse:
    groups = response.get("aggregations", {}).get(GROUPS, {}).get(GROUPS)
    members = _editions(editions)
    return SearchResponse(
        # The edition groups found: what the pages list.
        total=groups["value"] if groups is not None else response["hits"]["total"]["value"],
        results=[_result(hit, score, page, members) for hit, score, page in shown],
        facets=_facets(response),
        did_you_mean=_did_you_mean(expansion, text),
        missing_words=expansion.missing,
        without_year=_without_year(response),
    )


TITLES_FIRST = 5


def autocomplete(prefix: str) -> Autocomplete:
    prefix = " ".join(prefix.split())
    if len(prefix) < 2:
        return Autocomplete(suggestions=[])
    with elastic_errors():
        try:
            response = get_client().search(index=alias_name(), body=autocomplete_query(prefix))
        except ESNotFoundError:
            return Autocomplete(suggestions=[])
    titles, names = (
        [o["text"] for o in response["suggest"][name][0]["options"]] for name in ("titles", "names")
    )
    # Titles first, but names keep places of their own: eight titles left none.
    found = [*titles[:TITLES_FIRST], *names, *titles[TITLES_FIRST:]]
    return Autocomplete(suggestions=list(dict.fromkeys(found))[:AUTOCOMPLETE_SIZE])
