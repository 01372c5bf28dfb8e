"""A curator takes a document down, or puts it back (forms on the document's page)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import documents
from search_api.api.auth import require
from vidensbank.accounts import Account
from vidensbank.store.users import Role

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

Curator = Annotated[Account, Depends(require(Role.CURATOR))]


@router.post("/dokument/{document_id}/tilbagetraek")
def withdraw(
    document_id: str,
    account: Curator,
    reason: Annotated[str, Form(max_length=documents.MAX_REASON_CHARS)] = "",
) -> Response:
    documents.withdraw(account, document_id, reason)
    return RedirectResponse(f"/dokument/{document_id}", status_code=303)


@router.post("/dokument/{document_id}/gendan")
def restore(document_id: str, account: Curator) -> Response:
    documents.restore(account, document_id)
    return RedirectResponse(f"/dokument/{document_id}", status_code=303)
