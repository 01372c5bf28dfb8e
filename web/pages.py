"""The Danish web pages. Each renders the model its JSON twin under /api returns."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from search_api.api import documents, entities, runs
from search_api.api.routes import SearchQuery
from search_api.query import search
from search_api.query.builder import SearchParams
from search_api.query.filters import FILTERS, Filter
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


def without_url(params: SearchParams, search_filter: Filter, value: Any) -> str:
    """The search page's URL for ``params`` without one value of one filter."""
    rest = [v for v in params.values(search_filter) if str(v) != str(value)]
    return search_url(params, **{search_filter.name: rest})


@dataclass(frozen=True)
class ActiveFilter:
    """One value of a filter that is set, as the page lists it, with the way to remove it."""

    filter: Filter
    value: Any
    label: str
    remove_url: str


def active_filters(params: SearchParams) -> list[ActiveFilter]:
    return [
        ActiveFilter(f, value, search.show_value(f, value), without_url(params, f, value))
        for f, value in params.active_filters()
    ]


@router.get("/")
def search_page(request: Request, params: SearchQuery) -> HTMLResponse:
    response = search.search(params)
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "params": params,
            "response": response,
            "filters": FILTERS,
            "active_filters": active_filters(params),
            "clear_url": search_url(params, **{f.name: [] for f in FILTERS}),
            "search_url": search_url,
            "without_url": without_url,
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
