"""The query layer: run a request against the index or the database, return public models.

Both the JSON API and the web pages call these functions, so the two always show the same data.
"""

from collections import Counter
from typing import Any

import redis
from elasticsearch import NotFoundError as ESNotFoundError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from search_api.elastic import elastic_errors, get_client
from search_api.index import alias_name
from search_api.query import MAX_RESULT_WINDOW, SearchParams, build_query
from search_api.schemas import (
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
from vidensbank.models import IngestRun
from vidensbank.settings import get_settings


def _result(hit: dict[str, Any]) -> SearchResult:
    source = hit["_source"]
    inner = hit.get("inner_hits", {}).get("pages", {}).get("hits", {}).get("hits", [])
    hits = [
        PageHit(
            page=page["_source"]["number"],
            highlight=page.get("highlight", {}).get("pages.text", [""])[0],
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
        source_uri=source["source_uri"],
        score=hit.get("_score"),
        hits=hits,
    )


def search(params: SearchParams) -> SearchResponse:
    if params.offset + params.size > MAX_RESULT_WINDOW:
        raise BadRequestError(
            f"Der kan højst bladres {MAX_RESULT_WINDOW} resultater frem. Gør søgningen mere præcis."
        )
    with elastic_errors():
        try:
            response = get_client().search(index=alias_name(), body=build_query(params))
        except ESNotFoundError:
            # No index yet: nothing has been ingested.
            return SearchResponse(total=0, results=[], facets={})
    facets = {
        name: [FacetValue(value=str(b["key"]), count=b["doc_count"]) for b in agg["buckets"]]
        for name, agg in response.get("aggregations", {}).items()
    }
    return SearchResponse(
        total=response["hits"]["total"]["value"],
        results=[_result(hit) for hit in response["hits"]["hits"]],
        facets=facets,
    )


def get_document(document_id: str) -> DocumentPublic:
    with session_scope() as session:
        document = repository.get_document(session, document_id=document_id)
        if document is None:
            raise NotFoundError("Dokumentet findes ikke.")
        return DocumentPublic(
            id=document.id,
            title=document.title,
            publisher=document.publisher,
            kind=document.kind,
            published=document.published,
            filename=document.filename,
            source_uri=document.source_uri,
            authors=document.authors or [],
            status=document.status,
            pages=[PageText(number=p.number, text=p.text) for p in document.pages],
            entities=[
                EntityPublic(
                    text=e.text,
                    label=e.label,
                    canonical=e.canonical,
                    kb_id=e.kb_id,
                    count=e.count,
                    pages=e.pages,
                )
                for e in document.entities
            ],
        )


def get_original(document_id: str) -> tuple[str, str, str]:
    """The content hash, MIME type and file name of a document's original."""
    with session_scope() as session:
        document = repository.get_document(session, document_id=document_id)
        if document is None:
            raise NotFoundError("Dokumentet findes ikke.")
        return (
            document.content_hash,
            document.mime_type or "application/octet-stream",
            document.filename,
        )


def _run_public(run: IngestRun) -> IngestRunPublic:
    return IngestRunPublic(
        run_id=run.id,
        created_at=run.created_at,
        counts=dict(Counter(item.status for item in run.items)),
        documents=[
            IngestItemPublic(
                filename=item.filename,
                source_uri=item.source_uri,
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
