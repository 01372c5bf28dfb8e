"""The JSON API. Every web page has its twin here, returning the same model."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel

from search_api.api import (
    audit,
    batch,
    collections,
    documents,
    entities,
    health,
    personal_data,
    runs,
    spreadsheets,
)
from search_api.api.auth import AdminAccount, CuratorAccount, JSONBody, current_account
from search_api.api.schemas import (
    AuditEventPublic,
    BatchSearchResponse,
    CollectionPublic,
    CollectionSummary,
    DocumentPublic,
    EntityPage,
    ErrorResponse,
    Health,
    HeldDocumentPublic,
    IngestRunList,
    IngestRunPublic,
)
from search_api.query import search
from search_api.query.batch import BatchParams
from search_api.query.builder import SearchParams
from search_api.query.results import Autocomplete, SearchResponse
from vidensbank.errors import NotFoundError
from vidensbank.settings import get_settings
from vidensbank.store.blobs import BlobStore

router = APIRouter()

SearchQuery = Annotated[SearchParams, Query()]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route can give, each with the one error shape and its meaning.
    Every route can answer 400: a request for an unknown host name gets it."""
    return {
        status: {"model": ErrorResponse, "description": ERROR_MEANINGS[status]}
        for status in sorted({400, *statuses})
    }


ERROR_MEANINGS = {
    400: "Ugyldig parameter (beskeden nævner hvilken) eller ukendt værtsnavn.",
    401: "Ikke logget ind (eller en ukendt personlig nøgle).",
    403: "Kontoens rolle giver ikke adgang.",
    404: "Findes ikke.",
    410: "Trukket tilbage af Vidensbank (beskeden siger hvorfor).",
    413: "Søgeteksten eller en værdi er for lang (eller der er for mange søgninger).",
    415: "Forespørgslen er ikke i det format, ruten tager (her: JSON).",
    503: "Søgemaskinen eller databasen svarer ikke lige nu.",
}

# Nothing in an original may run on the app's origin: a sandboxed document has an origin of
# its own, and only a PDF without scripts opens in the browser; anything else (HTML, SVG, a
# PDF with JavaScript, files in quarantine) comes as a download.
ORIGINAL_POLICY = "sandbox; frame-ancestors 'none'"


def _json(model: BaseModel) -> Response:
    """A response the route built as its response model, as JSON. Returned as the model,
    FastAPI would dump it, validate it again and dump it once more: milliseconds on a page of
    search results, on the two routes people wait for while they type."""
    return Response(model.model_dump_json(), media_type="application/json")


@router.get(
    "/api/search",
    response_model=SearchResponse,
    tags=["søgning"],
    responses=errors(400, 413, 503),
)
def api_search(params: SearchQuery) -> Response:
    return _json(search.search(params))


BatchFormat = Annotated[
    Literal["json", "csv", "xlsx"],
    Query(description="Svarets format: JSON, eller tabellen som CSV eller XLSX til download"),
]


def batch_download(response: BatchSearchResponse, format: str) -> Response:
    """The table of a batch search as a file to download (``format`` "csv" or "xlsx")."""
    spreadsheet = spreadsheets.FORMATS[format]
    return Response(
        spreadsheet.render(response),
        media_type=spreadsheet.media_type,
        headers={"Content-Disposition": f'attachment; filename="{spreadsheets.filename(format)}"'},
    )


@router.post(
    "/api/search/batch",
    response_model=BatchSearchResponse,
    tags=["søgning"],
    responses={
        200: {
            "description": "Hver søgnings antal resultater og de første; som JSON, CSV eller XLSX.",
            "content": {
                "application/json": {},
                **{f.media_type: {} for f in spreadsheets.FORMATS.values()},
            },
        },
        **errors(400, 413, 415, 503),
    },
)
def api_search_batch(
    params: BatchParams, request: Request, _body: JSONBody, format: BatchFormat = "json"
) -> Response:
    """Many searches with the same filters, at most 500 at a time; changes nothing, so anyone
    may send it, without a login and (the body being JSON) without a CSRF token."""
    response = batch.batch_search(params, str(request.base_url))
    return _json(response) if format == "json" else batch_download(response, format)


@router.get(
    "/api/autocomplete",
    response_model=Autocomplete,
    tags=["søgning"],
    responses=errors(400, 413, 503),
)
def api_autocomplete(
    q: Annotated[str, Query(max_length=200, description="Begyndelsen af en titel eller et navn")],
) -> Response:
    return _json(search.autocomplete(q))


@router.get(
    "/api/documents/{document_id}",
    response_model=DocumentPublic,
    tags=["dokumenter"],
    responses=errors(404, 410, 503),
)
def api_document(document_id: str, request: Request) -> DocumentPublic:
    return documents.get_document(document_id, current_account(request))


@router.get(
    "/api/documents/{document_id}/original",
    tags=["dokumenter"],
    response_class=FileResponse,
    responses={
        200: {
            "description": "Originalfilen: en PDF vises i browseren, alt andet hentes som fil.",
            "content": {"application/pdf": {}, "application/octet-stream": {}},
        },
        **errors(404, 410, 503),
    },
)
def api_original(document_id: str, request: Request) -> FileResponse:
    key, mime_type, filename, inline = documents.get_original(document_id, current_account(request))
    path = BlobStore(get_settings().blob_dir).path_for(key)
    if not path.is_file():
        raise NotFoundError("Originalfilen findes ikke i arkivet.")
    return FileResponse(
        path,
        media_type=mime_type if inline else "application/octet-stream",
        filename=filename,
        # Inline, so a PDF opens in the browser at the page named by #page=N.
        content_disposition_type="inline" if inline else "attachment",
        headers={"Content-Security-Policy": ORIGINAL_POLICY},
    )


@router.get(
    "/api/entities/{kb_id}",
    response_model=EntityPage,
    tags=["vidensbase"],
    responses=errors(404, 503),
)
def api_entity(kb_id: str) -> EntityPage:
    return entities.get_entity(kb_id)


@router.get(
    "/api/collections",
    response_model=list[CollectionSummary],
    tags=["samlinger"],
    responses=errors(503),
)
def api_collections(request: Request) -> list[CollectionSummary]:
    """The published collections; a logged-in curator also gets the private ones."""
    return collections.list_collections(current_account(request))


@router.get(
    "/api/collections/{collection_id}",
    response_model=CollectionPublic,
    tags=["samlinger"],
    responses=errors(404, 503),
)
def api_collection(collection_id: str, request: Request) -> CollectionPublic:
    return collections.get_collection(collection_id, current_account(request))


AuditActor = Annotated[str | None, Query(max_length=320, description="Kun denne konto")]
AuditAction = Annotated[str | None, Query(max_length=60, description="Kun denne handling")]
AuditLimit = Annotated[int, Query(ge=1, le=audit.MAX_EVENTS)]
AuditOffset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get(
    "/api/personal-data",
    response_model=list[HeldDocumentPublic],
    tags=["personoplysninger"],
    responses=errors(401, 403, 503),
)
def api_personal_data(_curator: CuratorAccount) -> list[HeldDocumentPublic]:
    """Documents held back for personal data, then those with findings to look at, each with
    the findings no curator has decided on (curators only)."""
    return personal_data.documents_to_review()


@router.get(
    "/api/audit",
    response_model=list[AuditEventPublic],
    tags=["revision"],
    responses=errors(401, 403, 503),
)
def api_audit(
    _admin: AdminAccount,
    actor: AuditActor = None,
    action: AuditAction = None,
    limit: AuditLimit = 100,
    offset: AuditOffset = 0,
) -> list[AuditEventPublic]:
    """Every write, newest first: who, when, what, before and after (admins only)."""
    return audit.list_events(actor, action, limit, offset)


@router.get(
    "/api/audit.csv",
    tags=["revision"],
    response_class=Response,
    responses={
        200: {"description": "Revisionssporet som CSV.", "content": {"text/csv": {}}},
        **errors(401, 403, 503),
    },
)
def api_audit_csv(
    _admin: AdminAccount,
    actor: AuditActor = None,
    action: AuditAction = None,
    limit: AuditLimit = audit.MAX_EVENTS,
    offset: AuditOffset = 0,
) -> Response:
    return Response(
        audit.as_csv(audit.list_events(actor, action, limit, offset)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="revisionsspor.csv"'},
    )


@router.get("/api/runs", response_model=IngestRunList, tags=["indlæsning"], responses=errors(503))
def api_runs(request: Request) -> IngestRunList:
    return runs.list_runs(show_held=current_account(request) is not None)


@router.get(
    "/api/runs/{run_id}",
    response_model=IngestRunPublic,
    tags=["indlæsning"],
    responses=errors(404, 503),
)
def api_run(run_id: str, request: Request) -> IngestRunPublic:
    return runs.get_run(run_id, show_held=current_account(request) is not None)


@router.get(
    "/healthz",
    response_model=Health,
    tags=["drift"],
    responses={503: {"model": Health, "description": "En af delene svarer ikke; se hvilken."}},
)
def healthz() -> JSONResponse:
    report = health.health()
    return JSONResponse(report.model_dump(), status_code=200 if report.ok else 503)
