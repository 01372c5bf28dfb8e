"""Curators deal with the personal data the guard found: the list of held documents, and on a
document's page, redact a finding, let it stand, or release the document."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import personal_data
from search_api.api.auth import CuratorAccount
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def _back(document_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(
        f"/dokument/{document_id}?personoplysninger={done}#personoplysninger", status_code=303
    )


@router.get("/personoplysninger")
def review_page(request: Request, account: CuratorAccount) -> Response:
    return templates.TemplateResponse(
        request,
        "personal_data.html",
        {
            "account": account,
            "documents": personal_data.documents_to_review(),
            "json_url": "/api/personal-data",
        },
    )


# A finding is named by its data's key (``FindingPublic.key``), in the form's body: a row's
# number went to another finding when the document was screened again, and in the address
# the key, a hash of a CPR number, would reach the access log.
FindingKey = Annotated[str, Form(pattern="^[0-9a-f]{64}$")]


@router.post("/dokument/{document_id}/personoplysninger/skjul")
def redact(document_id: str, fund: FindingKey, account: CuratorAccount) -> Response:
    personal_data.redact(account, document_id, fund)
    return _back(document_id, "skjult")


@router.post("/dokument/{document_id}/personoplysninger/godkend")
def release_finding(document_id: str, fund: FindingKey, account: CuratorAccount) -> Response:
    personal_data.release(account, document_id, fund)
    return _back(document_id, "godkendt")


@router.post("/dokument/{document_id}/frigiv")
def release(document_id: str, account: CuratorAccount) -> Response:
    personal_data.release(account, document_id)
    return _back(document_id, "frigivet")
