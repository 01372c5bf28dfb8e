"""The statistics pages: views and downloads per month, of all documents, per publisher and of
one document. Aggregate counts say nothing about anyone, so everyone may see them."""

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from search_api.api import usage
from search_api.api.auth import current_account
from search_api.api.routes import UsageEnd, UsageStart
from web import charts
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def _query(start: str | None, end: str | None, **more: str) -> str:
    """The period (as asked for) and ``more`` as a query string, with its ``?``."""
    pairs = {"start": start, "end": end, **more}
    query = urlencode({name: value for name, value in pairs.items() if value})
    return f"?{query}" if query else ""


@router.get("/statistik")
def usage_page(request: Request, start: UsageStart = None, end: UsageEnd = None) -> HTMLResponse:
    report = usage.usage_report(start, end)
    return templates.TemplateResponse(
        request,
        "usage.html",
        {
            "report": report,
            "charts": charts.usage_charts(report.months, report.publishers),
            "csv_urls": {
                label: f"/api/usage.csv{_query(start, end, by=by)}"
                for by, label in (
                    ("document", "pr. dokument"),
                    ("publisher", "pr. udgiver"),
                    ("collection", "pr. samling"),
                )
            },
            "json_url": f"/api/usage{_query(start, end)}",
        },
    )


@router.get("/statistik/dokument/{document_id}")
def document_usage_page(
    request: Request, document_id: str, start: UsageStart = None, end: UsageEnd = None
) -> HTMLResponse:
    figures = usage.document_usage(document_id, start, end, current_account(request))
    return templates.TemplateResponse(
        request,
        "document_usage.html",
        {
            "usage": figures,
            "charts": charts.usage_charts(figures.months),
            "json_url": f"/api/usage/documents/{document_id}{_query(start, end)}",
        },
    )
