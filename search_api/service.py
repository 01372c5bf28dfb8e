"""The query layer: run a request against the index or the database, return public models.

Both the JSON API and the web pages call these functions, so the two always show the same data.
"""

from collections import Counter
from typing import Any

import redis
from elasticsearch import BadRequestError as ESBadRequestError
from elasticsearch import NotFoundError as ESNotFoundError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from search_api.elastic import elastic_errors, get_client
from search_api.expansion import WordAnalysis, expand, get_linker
from search_api.index import alias_name
from search_api.query import (
    MAX_RESULT_WINDOW,
    QueryOptions,
    SearchParams,
    autocomplete_query,
    build_query,
)
from search_api.query_parser import parse_query
from search_api.schemas import (
    Autocomplete,
    ComponentHealth,
    DocumentPublic,
    EntityDocument,
    EntityPage,
    EntityPublic,
    FacetValue,
    Health,
    IngestItemPublic,
    IngestRunList,
    IngestRunPublic,
    PageHit,
    PageText,
    RelatedEntity,
    SearchResponse,
    SearchResult,
)
from vidensbank import repository
from vidensbank.db import get_engine, session_scope
from vidensbank.errors import BadRequestError, NotFoundError
from vidensbank.identity import public_source_uri
from vidensbank.models import Document, IngestRun
from vidensbank.settings import get_settings


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


def _facets(response: dict[str, Any]) -> dict[str, list[FacetValue]]:
    kb = get_linker().kb
    facets = {}
    for name, agg in response.get("aggregations", {}).items():
        values = []
        for bucket in agg["buckets"]:
            value = str(bucket["key"])
            record = kb.get(value) if name == "entity" else None
            values.append(
                FacetValue(
                    value=value, label=record.name if record else value, count=bucket["doc_count"]
                )
            )
        facets[name] = values
    return facets


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


def _document_or_404(session: Session, document_id: str) -> Document:
    document = repository.get_document(session, document_id=document_id)
    if document is None:
        raise NotFoundError("Dokumentet findes ikke.")
    return document


def get_document(document_id: str) -> DocumentPublic:
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        return DocumentPublic(
            id=document.id,
            title=document.title,
            publisher=document.publisher,
            kind=document.kind,
            published=document.published,
            filename=document.filename,
            source_uri=public_source_uri(document.source_uri),
            opens_in_browser=_opens_in_browser(document),
            authors=document.authors or [],
            status=document.status,
            pages=[PageText(number=p.number, text=p.text) for p in document.pages],
            entities=[
                EntityPublic.model_validate(entity, from_attributes=True)
                for entity in document.entities
            ],
        )


# Only a file that was read as a PDF without scripts or actions opens in the browser; anything
# else is downloaded, so nothing inside an original runs, on the app's origin or in a viewer.
INLINE_TYPES = frozenset({"application/pdf"})


def _opens_in_browser(document: Document) -> bool:
    return document.mime_type in INLINE_TYPES and not document.active_content


def get_original(document_id: str) -> tuple[str, str, str, bool]:
    """The content hash, MIME type and file name of a document's original, and whether it may
    open in the browser."""
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        return (
            document.content_hash,
            document.mime_type or "application/octet-stream",
            document.filename,
            _opens_in_browser(document),
        )


def _run_public(run: IngestRun) -> IngestRunPublic:
    return IngestRunPublic(
        run_id=run.id,
        created_at=run.created_at,
        counts=dict(Counter(item.status for item in run.items)),
        documents=[
            IngestItemPublic(
                filename=item.filename,
                source_uri=public_source_uri(item.source_uri),
                status=item.status,
                id=item.document_id,
                reason=item.reason,
            )
            for item in run.items
        ],
    )


def get_run(run_id: str) -> IngestRunPublic:
    with session_scope() as session:
        run = repository.get_run(session, run_id=run_id)
        if run is None:
            raise NotFoundError("Indlæsningen findes ikke.")
        return _run_public(run)


def list_runs() -> IngestRunList:
    with session_scope() as session:
        return IngestRunList(runs=[_run_public(run) for run in repository.list_runs(session)])


def health() -> Health:
    def check_elasticsearch() -> ComponentHealth:
        try:
            status = get_client().options(request_timeout=5).cluster.health()["status"]
        except Exception as exc:  # any failure means "not healthy"; the detail says which
            return ComponentHealth(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
        return ComponentHealth(ok=status in ("green", "yellow"), detail=f"cluster {status}")

    def check_database() -> ComponentHealth:
        try:
            with get_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return ComponentHealth(ok=False, detail=f"{type(exc).__name__}"[:300])
        return ComponentHealth(ok=True, detail="ok")

    def check_broker() -> ComponentHealth:
        try:
            client = redis.Redis.from_url(get_settings().broker_url, socket_timeout=5)
            client.ping()
        except redis.RedisError as exc:
            return ComponentHealth(ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
        return ComponentHealth(ok=True, detail="ok")

    parts = check_elasticsearch(), check_database(), check_broker()
    return Health(
        ok=all(p.ok for p in parts), elasticsearch=parts[0], database=parts[1], broker=parts[2]
    )


def get_entity(kb_id: str) -> EntityPage:
    """A knowledge-base record with the documents that mention it and what it co-occurs with."""
    with session_scope() as session:
        record = repository.get_kb_record(session, kb_id=kb_id)
        if record is None:
            raise NotFoundError("Der findes ingen post med det id i vidensbasen.")
        mentions = repository.documents_mentioning(session, kb_id=kb_id)
        by_year: Counter[str] = Counter()
        for document, entity in mentions:
            by_year[str(document.published.year) if document.published else "ukendt"] += (
                entity.count
            )
        return EntityPage(
            kb_id=record.id,
            label=record.type,
            name=record.name,
            aliases=record.aliases,
            former_names=record.former_names,
            description=record.description,
            parent=record.parent,
            documents=[
                EntityDocument(
                    id=document.id,
                    title=document.title,
                    publisher=document.publisher,
                    kind=document.kind,
                    published=document.published,
                    count=entity.count,
                    pages=entity.pages,
                )
                for document, entity in mentions
            ],
            co_occurring=[
                RelatedEntity(kb_id=k, canonical=c, label=lab, documents=n)
                for k, c, lab, n in repository.co_occurring_entities(session, kb_id=kb_id)
            ],
            mentions_by_year=dict(sorted(by_year.items())),
        )
