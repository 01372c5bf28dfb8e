"""The JSON API. Every web page has its twin here, returning the same model."""

import re
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from search_api.api import (
    audit,
    batch,
    citations,
    collections,
    documents,
    entities,
    health,
    oai,
    personal_data,
    runs,
    spreadsheets,
    usage,
)
from search_api.api.auth import AdminAccount, CuratorAccount, JSONBody, current_account
from search_api.api.parameters import refuse_unknown_parameters
from search_api.api.schemas import (
    AuditEventPublic,
    BatchSearchResponse,
    CitationPage,
    CollectionPublic,
    CollectionSummary,
    DocumentPublic,
    DocumentUsage,
    EntityPage,
    ErrorResponse,
    Health,
    HeldDocumentPublic,
    IngestRunList,
    IngestRunPublic,
    UsageReport,
)
from search_api.query import search
from search_api.query.batch import BatchParams
from search_api.query.builder import SearchParams
from search_api.query.results import Autocomplete, SearchResponse
from vidensbank.danish import ASCII_LETTERS
from vidensbank.errors import NotFoundError
from vidensbank.settings import get_settings
from vidensbank.store.blobs import BlobStore
from vidensbank.store.usage import TargetType, UseKind

# A parameter a route under /api/ does not take is refused, not ignored (a misspelt filter).
router = APIRouter(dependencies=[Depends(refuse_unknown_parameters)])

SearchQuery = Annotated[SearchParams, Query()]
DocumentId = Annotated[str, Path(description="Dokumentets id")]
CollectionId = Annotated[str, Path(description="Samlingens id")]
RunId = Annotated[str, Path(description="Indlæsningens id")]
KBId = Annotated[str, Path(description="Postens id i vidensbasen")]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route can give, each with the one error shape and its meaning.
    Every route can answer 400: a request for an unknown host name gets it."""
    return {
        status: {"model": ErrorResponse, "description": ERROR_MEANINGS[status]}
        for status in sorted({400, *statuses})
    }


ERROR_MEANINGS = {
    400: "Ugyldig eller ukendt parameter (beskeden nævner hvilken) eller ukendt værtsnavn.",
    401: "Ikke logget ind (eller en ukendt personlig nøgle).",
    403: "Kontoens rolle giver ikke adgang.",
    404: "Findes ikke.",
    410: "Trukket tilbage af Vidensbank (beskeden siger hvorfor).",
    411: "Forespørgslen siger ikke, hvor lang den er (Content-Length).",
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
    summary="Søg",
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
    summary="Søg med en liste",
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
        **errors(400, 411, 413, 415, 503),
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
    summary="Forslag, mens der skrives",
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
    summary="Hent et dokument",
    response_model=DocumentPublic,
    tags=["dokumenter"],
    responses=errors(404, 410, 503),
)
def api_document(document_id: DocumentId, request: Request) -> DocumentPublic:
    return documents.get_document(document_id, current_account(request))


class _FileResponse(FileResponse):
    """A file that a HEAD request (answered as GET, ``web/http_protocol.HeadAsGet``) does not
    read: the response reads its file unless its request is a HEAD, and a HEAD of a 200 MB
    original read all of it for the headers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("state", {}).get("head"):
            scope = {**scope, "method": "HEAD"}
        await super().__call__(scope, receive, send)


# What the ASCII fallback name may not hold: anything outside printable ASCII, what would end or
# escape its quoted string, a percent sign (some browsers decode %XX in it, RFC 6266 appendix
# D) and a slash (a path).
_NOT_IN_FALLBACK = re.compile(r'[^\x20-\x7e]|["\\%/]')


def _content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266: a plain ASCII name as it is; any other in ``filename*`` (UTF-8, RFC 8187) with
    an ASCII ``filename`` beside it for clients that do not read ``filename*``."""
    encoded = quote(filename, safe="")
    if encoded == filename:
        return f'{disposition}; filename="{filename}"'
    spelled = unicodedata.normalize("NFKD", filename.translate(ASCII_LETTERS))
    fallback = _NOT_IN_FALLBACK.sub(
        "_", "".join(c for c in spelled if not unicodedata.combining(c))
    )
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


# Starlette's own check of If-None-Match and If-Modified-Since (RFC 9110 §13.2.2), as its static
# files answer them; the original is not a static file, so only its check is borrowed.
_CONDITIONS = StaticFiles(directory=".", check_dir=False)


@router.get(
    "/api/documents/{document_id}/original",
    summary="Hent originalfilen",
    tags=["dokumenter"],
    response_class=FileResponse,
    responses={
        200: {
            "description": "Originalfilen: en PDF vises i browseren, alt andet hentes som fil.",
            "content": {"application/pdf": {}, "application/octet-stream": {}},
        },
        304: {"description": "Uændret siden If-None-Match eller If-Modified-Since."},
        **errors(404, 410, 503),
    },
)
def api_original(document_id: DocumentId, request: Request) -> Response:
    key, mime_type, filename, inline = documents.get_original(document_id, current_account(request))
    path = BlobStore(get_settings().blob_dir).path_for(key)
    if not path.is_file():
        raise NotFoundError("Originalfilen findes ikke i arkivet.")
    # A 304 is counted as a download too: COUNTER counts it, and it was a 200 before.
    background = usage.counted(
        request, kind=UseKind.DOWNLOAD, target_type=TargetType.DOCUMENT, target_id=document_id
    )
    response = _FileResponse(
        path,
        media_type=mime_type if inline else "application/octet-stream",
        headers={
            # Inline, so a PDF opens in the browser at the page named by #page=N.
            "Content-Disposition": _content_disposition(
                "inline" if inline else "attachment", filename
            ),
            "Content-Security-Policy": ORIGINAL_POLICY,
        },
        background=background,
        stat_result=path.stat(),
    )
    if _CONDITIONS.is_not_modified(response.headers, request.headers):
        # A cache takes a 304's headers into the response it keeps: without the sandbox here,
        # it would keep the app's own policy for the original.
        return Response(
            status_code=304,
            headers={"ETag": response.headers["etag"], "Content-Security-Policy": ORIGINAL_POLICY},
            background=background,
        )
    return response


@router.get(
    "/api/entities/{kb_id}",
    summary="Hent en post i vidensbasen",
    response_model=EntityPage,
    tags=["vidensbase"],
    responses=errors(404, 503),
)
def api_entity(kb_id: KBId) -> EntityPage:
    return entities.get_entity(kb_id)


@router.get(
    "/api/collections",
    summary="List samlingerne",
    response_model=list[CollectionSummary],
    tags=["samlinger"],
    responses=errors(503),
)
def api_collections(request: Request) -> list[CollectionSummary]:
    """The published collections; a logged-in curator also gets the private ones."""
    return collections.list_collections(current_account(request))


@router.get(
    "/api/collections/{collection_id}",
    summary="Hent en samling",
    response_model=CollectionPublic,
    tags=["samlinger"],
    responses=errors(404, 503),
)
def api_collection(collection_id: CollectionId, request: Request) -> CollectionPublic:
    return collections.get_collection(collection_id, current_account(request))


CitationFormatQuery = Annotated[
    citations.CitationFormat,
    Query(description="ris (Zotero, EndNote, Mendeley), bibtex eller csl-json"),
]
CitedPage = Annotated[
    int | None, Query(ge=1, le=100_000, description="Citér denne side af dokumentet (s. N)")
]
CITATION_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Referencerne som fil (RIS, BibTeX eller CSL-JSON).",
        "content": {media_type: {} for _, media_type, _ in citations.RENDERERS.values()},
    }
}


def _citation_file(export: citations.Export) -> Response:
    return Response(
        export.text,
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.get(
    "/api/documents/{document_id}/cite",
    summary="Citér et dokument",
    tags=["citater"],
    response_class=Response,
    responses={**CITATION_FILE, **errors(404, 410, 503)},
)
def api_document_cite(
    document_id: DocumentId, request: Request, format: CitationFormatQuery, side: CitedPage = None
) -> Response:
    """The document (or one page of it) as a reference to import in a reference manager."""
    reference = citations.document_reference(document_id, str(request.base_url), side)
    name = f"vidensbank-{document_id}" + (f"-side-{side}" if side else "")
    return _citation_file(citations.export([reference], format, name))


@router.get(
    "/api/documents/{document_id}/citation",
    summary="Se, hvordan et dokument citeres",
    response_model=CitationPage,
    tags=["citater"],
    responses=errors(404, 410, 503),
)
def api_document_citation(
    document_id: DocumentId, request: Request, side: CitedPage = None
) -> CitationPage:
    """How to cite the document or one page of it: formatted in APA, Chicago and Harvard with
    the Danish locale, and the files to download."""
    return citations.citation_page(document_id, str(request.base_url), side)


@router.get(
    "/api/collections/{collection_id}/cite",
    summary="Citér en samling",
    tags=["citater"],
    response_class=Response,
    responses={**CITATION_FILE, **errors(404, 503)},
)
def api_collection_cite(
    collection_id: CollectionId, request: Request, format: CitationFormatQuery
) -> Response:
    """The collection's documents, in its order, as references."""
    _title, references = citations.collection_references(
        collection_id, current_account(request), str(request.base_url)
    )
    return _citation_file(citations.export(references, format, f"samling-{collection_id}"))


@router.get(
    "/api/search/cite",
    summary="Citér søgeresultaterne",
    tags=["citater"],
    response_class=Response,
    responses={**CITATION_FILE, **errors(400, 413, 503)},
)
def api_search_cite(params: SearchQuery, request: Request, format: CitationFormatQuery) -> Response:
    """A page of search results (the same parameters as /api/search) as references."""
    references = citations.search_references(params, str(request.base_url))
    return _citation_file(citations.export(references, format, "soegning"))


AuditActor = Annotated[str | None, Query(max_length=320, description="Kun denne konto")]
AuditAction = Annotated[str | None, Query(max_length=60, description="Kun denne handling")]
AuditLimit = Annotated[
    int, Query(ge=1, le=audit.MAX_EVENTS, description="Højst så mange ændringer")
]
AuditOffset = Annotated[
    int, Query(ge=0, le=10_000_000, description="Spring så mange af de nyeste ændringer over")
]


@router.get(
    "/api/personal-data",
    summary="Dokumenter med personoplysninger",
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
    summary="Revisionssporet",
    response_model=list[AuditEventPublic],
    tags=["revision"],
    responses=errors(401, 403, 413, 503),
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
    summary="Revisionssporet som CSV",
    tags=["revision"],
    response_class=Response,
    responses={
        200: {"description": "Revisionssporet som CSV.", "content": {"text/csv": {}}},
        **errors(401, 403, 413, 503),
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


# The schema names the months taken (years 1000 to 9000); the route checks them itself, to
# say in Danish what is wrong.
MONTH_SCHEMA = {"pattern": usage.MONTH_PATTERN}
UsageStart = Annotated[
    str | None,
    Query(
        max_length=7,
        description="Første måned, ÅÅÅÅ-MM (standard: 11 måneder før end)",
        json_schema_extra=MONTH_SCHEMA,
    ),
]
UsageEnd = Annotated[
    str | None,
    Query(
        max_length=7,
        description="Sidste måned, ÅÅÅÅ-MM (standard: denne måned)",
        json_schema_extra=MONTH_SCHEMA,
    ),
]


@router.get(
    "/api/usage",
    summary="Brugsstatistik",
    response_model=UsageReport,
    tags=["statistik"],
    responses=errors(413, 503),
)
def api_usage(start: UsageStart = None, end: UsageEnd = None) -> UsageReport:
    """Views and downloads per month: of all documents, per publisher, and the most used
    documents and collections. Each use is counted once per person, target and day; robots,
    curators and admins are not counted."""
    return usage.usage_report(start, end)


@router.get(
    "/api/usage.csv",
    summary="Brugsstatistik som CSV",
    tags=["statistik"],
    response_class=Response,
    responses={
        200: {"description": "Brugen pr. måned som CSV.", "content": {"text/csv": {}}},
        **errors(413, 503),
    },
)
def api_usage_csv(
    start: UsageStart = None,
    end: UsageEnd = None,
    by: Annotated[
        str,
        Query(
            max_length=20,
            description="En række pr. document, publisher eller collection",
            json_schema_extra={"enum": list(usage.CSV_LEVELS)},
        ),
    ] = "document",
) -> Response:
    text, filename = usage.csv_export(start, end, by)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/api/usage/documents/{document_id}",
    summary="Et dokuments brug",
    response_model=DocumentUsage,
    tags=["statistik"],
    responses=errors(404, 413, 503),
)
def api_document_usage(
    document_id: DocumentId, request: Request, start: UsageStart = None, end: UsageEnd = None
) -> DocumentUsage:
    return usage.document_usage(document_id, start, end, current_account(request))


@router.get(
    "/api/runs",
    summary="List indlæsningerne",
    response_model=IngestRunList,
    tags=["indlæsning"],
    responses=errors(503),
)
def api_runs(request: Request) -> IngestRunList:
    return runs.list_runs(show_held=current_account(request) is not None)


@router.get(
    "/api/runs/{run_id}",
    summary="Hent en indlæsning",
    response_model=IngestRunPublic,
    tags=["indlæsning"],
    responses=errors(404, 503),
)
def api_run(run_id: RunId, request: Request) -> IngestRunPublic:
    return runs.get_run(run_id, show_held=current_account(request) is not None)


OAI_DESCRIPTION = (
    "OAI-PMH 2.0 til høstere: Identify, ListMetadataFormats, ListSets, ListIdentifiers, "
    "ListRecords og GetRecord med oai_dc (Dublin Core). Sæt: ét pr. udgiver og ét pr. "
    "offentliggjort samling. Et tilbagetrukket dokument står som slettet. Fejl er OAI-PMH-fejl "
    "i XML med status 200, som protokollen vil have det."
)
OAI_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Et OAI-PMH-svar (eller en OAI-PMH-fejl) i XML.",
        "content": {"text/xml": {"schema": {"type": "string"}}},
    },
    400: {
        "description": "Ukendt værtsnavn, eller en formular der ikke kan læses.",
        "content": {"text/html": {}, "text/plain": {}},
    },
    413: {"description": "Forespørgslen er for stor.", "content": {"text/html": {}}},
    503: {"description": "Databasen svarer ikke lige nu.", "content": {"text/html": {}}},
}
OAI_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": text,
        "schema": {"type": "string"},
    }
    for name, text in oai.ARGUMENTS.items()
]
OAI_FORM = {
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    name: {"type": "string", "description": text}
                    for name, text in oai.ARGUMENTS.items()
                },
            }
        }
    }
}


def _oai(arguments: list[tuple[str, str]], request: Request) -> Response:
    return Response(oai.respond(arguments, str(request.base_url)), media_type=oai.CONTENT_TYPE)


@router.get(
    "/oai",
    tags=["høstning"],
    summary="OAI-PMH",
    description=OAI_DESCRIPTION,
    response_class=Response,
    responses=OAI_RESPONSES,
    openapi_extra={"parameters": OAI_PARAMETERS},
)
def oai_get(request: Request) -> Response:
    return _oai(request.query_params.multi_items(), request)


@router.post(
    "/oai",
    tags=["høstning"],
    summary="OAI-PMH (POST)",
    description=OAI_DESCRIPTION + " Samme parametre som GET, i en formular; ændrer intet.",
    response_class=Response,
    responses={
        **OAI_RESPONSES,
        411: {
            "description": "Forespørgslen siger ikke, hvor lang den er (Content-Length).",
            "content": {"text/html": {}},
        },
    },
    openapi_extra={"requestBody": OAI_FORM},
)
async def oai_post(request: Request) -> Response:
    form = await request.form()
    arguments = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    return await run_in_threadpool(_oai, arguments, request)


@router.get(
    "/healthz",
    summary="Helbredstjek",
    response_model=Health,
    tags=["drift"],
    responses={503: {"model": Health, "description": "En af delene svarer ikke; se hvilken."}},
)
def healthz() -> JSONResponse:
    report = health.health()
    return JSONResponse(report.model_dump(), status_code=200 if report.ok else 503)
