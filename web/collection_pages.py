"""The collection pages: a public page for each published collection, and the curators'
forms to build them. Every form posts and redirects, so it works without JavaScript."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import collections, usage
from search_api.api.auth import CuratorAccount, current_account
from search_api.query.builder import MAX_QUERY_LENGTH
from vidensbank.errors import BadRequestError, NotFoundError
from vidensbank.store.usage import TargetType, UseKind
from web.reader import MAX_SEARCH_ADDRESS, document_url
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

Text = Annotated[str, Form(max_length=collections.MAX_TEXT_CHARS)]
Title = Annotated[str, Form(max_length=collections.MAX_TITLE_CHARS)]


def _back(collection_id: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/samlinger/{collection_id}{anchor}", status_code=303)


@router.get("/samlinger")
def collections_page(request: Request) -> Response:
    account = current_account(request)
    return templates.TemplateResponse(
        request,
        "collections.html",
        {
            "collections": collections.list_collections(account),
            "account": account,
            "json_url": "/api/collections",
        },
    )


@router.post("/samlinger")
def create(
    _request: Request, account: CuratorAccount, title: Title, description: Text = ""
) -> Response:
    return _back(collections.create_collection(account, title, description))


@router.post("/samlinger/dokumenter")
def add_document(
    account: CuratorAccount,
    collection_id: Annotated[str, Form(max_length=100)],
    document_id: Annotated[str, Form(max_length=100)],
    q: Annotated[str, Form(max_length=MAX_QUERY_LENGTH)] = "",
    soegning: Annotated[str, Form(max_length=MAX_SEARCH_ADDRESS)] = "",
) -> Response:
    """ "Læg i samling" from a document's page: the collection is the form's choice. The
    curator comes back to the document (its search words still marked), told where it went or
    that it was there already."""
    added = collections.add_document(account, collection_id, document_id)
    url = document_url(document_id, q, search=soegning)
    parameter = urlencode({"lagt_i" if added else "ligger_i": collection_id})
    return RedirectResponse(
        f"{url}{'&' if '?' in url else '?'}{parameter}#laeg-i-samling", status_code=303
    )


@router.get("/samlinger/{collection_id}")
def collection_page(request: Request, collection_id: str) -> Response:
    account = current_account(request)
    return templates.TemplateResponse(
        request,
        "collection.html",
        {
            "collection": collections.get_collection(collection_id, account),
            "account": account,
            "json_url": f"/api/collections/{collection_id}",
        },
        # Only a published collection's page gets here for anyone not logged in.
        background=usage.counted(
            request,
            kind=UseKind.VIEW,
            target_type=TargetType.COLLECTION,
            target_id=collection_id,
        ),
    )


@router.post("/samlinger/{collection_id}")
def update(
    collection_id: str,
    account: CuratorAccount,
    title: Title,
    description: Text = "",
    published: Annotated[bool, Form()] = False,
) -> Response:
    collections.update_collection(account, collection_id, title, description, published)
    return _back(collection_id)


@router.post("/samlinger/{collection_id}/slet")
def delete(
    collection_id: str, account: CuratorAccount, confirm: Annotated[str, Form()] = ""
) -> Response:
    # A deleted collection cannot be brought back: the form asks first (a box to tick).
    if confirm != "ja":
        raise BadRequestError(
            "Samlingen er ikke slettet. Sæt kryds ved »Ja, slet samlingen«, hvis du vil slette den."
        )
    collections.delete_collection(account, collection_id)
    return RedirectResponse("/samlinger", status_code=303)


NOTE_FIELD = "note:"


async def typed_notes(request: Request) -> dict[str, str]:
    """The notes as typed on the collection's page, by document. Every button among the
    entries posts the one form that holds them all, so moving an entry or saving one note
    keeps what was typed in the others."""
    form = await request.form()
    return {
        name.removeprefix(NOTE_FIELD): value
        for name, value in form.items()
        if name.startswith(NOTE_FIELD) and isinstance(value, str)
    }


TypedNotes = Annotated[dict[str, str], Depends(typed_notes)]


@router.post("/samlinger/{collection_id}/noter")
def save_notes(collection_id: str, account: CuratorAccount, notes: TypedNotes) -> Response:
    collections.set_notes(account, collection_id, notes)
    return _back(collection_id)


@router.post("/samlinger/{collection_id}/dokumenter/{document_id}/op")
def move_up(
    collection_id: str, document_id: str, account: CuratorAccount, notes: TypedNotes
) -> Response:
    collections.set_notes(account, collection_id, notes)
    collections.move_document(account, collection_id, document_id, -1)
    return _back(collection_id, f"#dokument-{document_id}")


@router.post("/samlinger/{collection_id}/dokumenter/{document_id}/ned")
def move_down(
    collection_id: str, document_id: str, account: CuratorAccount, notes: TypedNotes
) -> Response:
    collections.set_notes(account, collection_id, notes)
    collections.move_document(account, collection_id, document_id, 1)
    return _back(collection_id, f"#dokument-{document_id}")


@router.get("/samlinger/{collection_id}/dokumenter/{document_id}/fjern")
def remove_page(
    request: Request, collection_id: str, document_id: str, account: CuratorAccount
) -> Response:
    """Asks before a document leaves the collection: its note goes with it."""
    collection = collections.get_collection(collection_id, account)
    entry = next((e for e in collection.entries if e.document_id == document_id), None)
    if entry is None:
        raise NotFoundError("Dokumentet er ikke i samlingen.")
    return templates.TemplateResponse(
        request,
        "collection_remove.html",
        {"collection": collection, "entry": entry, "account": account},
    )


@router.post("/samlinger/{collection_id}/dokumenter/{document_id}/fjern")
def remove_document(
    collection_id: str,
    document_id: str,
    account: CuratorAccount,
    notes: TypedNotes,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    collections.set_notes(account, collection_id, notes)
    if confirm != "ja":
        # "Fjern" on the collection's page: its notes are saved, then the question is asked.
        return RedirectResponse(
            f"/samlinger/{collection_id}/dokumenter/{document_id}/fjern", status_code=303
        )
    collections.remove_document(account, collection_id, document_id)
    return _back(collection_id)
