"""The audit trail's page, for admins: filter by account and action, export as CSV or JSON."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from search_api.api import audit
from search_api.api.auth import AdminAccount
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
SHOWN = 200


@router.get("/revision")
def audit_page(
    request: Request,
    _admin: AdminAccount,
    actor: Annotated[str, Query(max_length=320)] = "",
    action: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    filters = {key: value for key, value in (("actor", actor), ("action", action)) if value}
    query = f"?{urlencode(filters)}" if filters else ""
    return templates.TemplateResponse(
        request,
        "audit.html",
        {
            "events": audit.list_events(actor or None, action or None, SHOWN),
            "actions": audit.ACTIONS,
            "shown_change": audit.shown_change,
            "actor": actor,
            "action": action,
            "shown": SHOWN,
            "json_url": f"/api/audit{query}",
            "csv_url": f"/api/audit.csv{query}",
        },
    )
