"""A curator takes a document down, or puts it back; or keeps it apart from the documents
linked to it as its editions, or lets them be linked again (forms on the document's page)."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import documents
from search_api.api.auth import CuratorAccount

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.post("/dokument/{document_id}/tilbagetraek")
def withdraw(
    document_id: str,
    account: CuratorAccount,
    reason: Annotated[str, Form(max_length=documents.MAX_REASON_CHARS)] = "",
) -> Response:
    documents.withdraw(account, document_id, reason)
    return RedirectResponse(f"/dokument/{document_id}", status_code=303)


@router.post("/dokument/{document_id}/gendan")
def restore(document_id: str, account: CuratorAccount) -> Response:
    documents.restore(account, document_id)
    return RedirectResponse(f"/dokument/{document_id}", status_code=303)


@router.post("/dokument/{document_id}/udgaver/adskil")
def keep_apart(document_id: str, account: CuratorAccount) -> Response:
    documents.keep_apart(account, document_id, apart=True)
    return RedirectResponse(f"/dokument/{document_id}", status_code=303)


@router.post("/dokument/{document_id}/udgaver/saml")
def rejoin(document_id: str, account: CuratorAccount) -> Response:
    documents.keep_apart(account, document_id, apart=False)
    return RedirectResponse(f"/dokument/{document_id}", status_code=303)
