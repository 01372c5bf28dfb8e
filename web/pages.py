"""The Danish web pages. Each renders the model its JSON twin under /api returns."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from search_api.api import documents, entities, runs
from search_api.api.routes import SearchQuery
from search_api.query import search
from search_api.query.builder import SearchParams
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def search_url(params: SearchParams, **changes: Any) -> str:
    """The search page's URL for ``params`` with some of them changed (page resets to 1)."""
    values = params.model_dump(exclude_defaults=True)
    values.pop("page", None)
    values.update(changes)
    return "/?" + urlencode(
        {k: v for k, v in values.items() if v not in (None, [], "")}, doseq=True
    )


@router.get("/")
def search_page(request: Request, params: SearchQuery) -> HTMLResponse:
    response = search.search(params)
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "params": params,
            "response": response,
            "search_url": search_url,
            "json_url": "/api/search?" + str(request.url.query),
        },
    )


@router.get("/dokument/{document_id}")
def document_page(request: Request, document_id: str) -> HTMLResponse:
    document = documents.get_document(document_id)
    return templates.TemplateResponse(
        request,
        "document.html",
        {"document": document, "json_url": f"/api/documents/{document_id}"},
    )


@router.get("/entitet/{kb_id}")
def entity_page(request: Request, kb_id: str) -> HTMLResponse:
    entity = entities.get_entity(kb_id)
    return templates.TemplateResponse(
        request, "entity.html", {"entity": entity, "json_url": f"/api/entities/{kb_id}"}
    )


@router.get("/indlaesninger")
def runs_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "runs.html", {"runs": runs.list_runs().runs, "json_url": "/api/runs"}
    )


@router.get("/indlaesninger/{run_id}")
def run_page(request: Request, run_id: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "runs.html", {"runs": [runs.get_run(run_id)], "json_url": f"/api/runs/{run_id}"}
    )
