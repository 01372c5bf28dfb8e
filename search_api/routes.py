"""The JSON API. Every web page has its twin here, returning the same model."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, JSONResponse

from search_api import service
from search_api.query import SearchParams
from search_api.schemas import (
    Autocomplete,
    DocumentPublic,
    EntityPage,
    Health,
    IngestRunList,
    IngestRunPublic,
    SearchResponse,
)
from vidensbank.blobstore import BlobStore
from vidensbank.errors import NotFoundError
from vidensbank.settings import get_settings

router = APIRouter()

SearchQuery = Annotated[SearchParams, Query()]


@router.get("/api/search", response_model=SearchResponse, tags=["søgning"])
def api_search(params: SearchQuery) -> SearchResponse:
    return service.search(params)


@router.get("/api/autocomplete", response_model=Autocomplete, tags=["søgning"])
def api_autocomplete(
    q: Annotated[str, Query(max_length=200, description="Begyndelsen af en titel eller et navn")],
) -> Autocomplete:
    return service.autocomplete(q)


@router.get("/api/documents/{document_id}", response_model=DocumentPublic, tags=["dokumenter"])
def api_document(document_id: str) -> DocumentPublic:
    return service.get_document(document_id)


@router.get("/api/documents/{document_id}/original", tags=["dokumenter"])
def api_original(document_id: str) -> FileResponse:
    key, mime_type, filename = service.get_original(document_id)
    path = BlobStore(get_settings().blob_dir).path_for(key)
    if not path.is_file():
        raise NotFoundError("Originalfilen findes ikke i arkivet.")
    # Inline, so a PDF opens in the browser at the page named by #page=N.
    return FileResponse(
        path, media_type=mime_type, filename=filename, content_disposition_type="inline"
    )


@router.get("/api/entities/{kb_id}", response_model=EntityPage, tags=["vidensbase"])
def api_entity(kb_id: str) -> EntityPage:
    return service.get_entity(kb_id)


@router.get("/api/runs", response_model=IngestRunList, tags=["indlæsning"])
def api_runs() -> IngestRunList:
    return service.list_runs()


@router.get("/api/runs/{run_id}", response_model=IngestRunPublic, tags=["indlæsning"])
def api_run(run_id: str) -> IngestRunPublic:
    return service.get_run(run_id)


@router.get("/healthz", response_model=Health, tags=["drift"])
def healthz() -> JSONResponse:
    health = service.health()
    return JSONResponse(health.model_dump(), status_code=200 if health.ok else 503)
