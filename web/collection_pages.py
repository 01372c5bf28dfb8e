"""The collection pages: a public page for each published collection, and the curators'
forms to build them. Every form posts and redirects, so it works without JavaScript."""

from typing import Annotated, Any, NamedTuple
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import collections, usage
from search_api.api.auth import CuratorAccount, current_account
from search_api.api.collections import CollectionFields, TypedNote
from search_api.query.builder import MAX_QUERY_LENGTH
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, ConflictError, NotFoundError
from vidensbank.store.usage import TargetType, UseKind
from web.reader import MAX_SEARCH_ADDRESS, document_url
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# A browser counts a textarea's line breaks as one character each and sends them as two
# (CRLF): the form takes twice the limit, and the text is measured with LF line breaks.
Text = Annotated[str, Form(max_length=2 * collections.MAX_TEXT_CHARS)]
Title = Annotated[str, Form(max_length=collections.MAX_TITLE_CHARS)]


def _back(collection_id: str, anchor: str = "", **done: str) -> RedirectResponse:
    """To the collection's page; ``done`` says what was done, for the page to tell."""
    query = f"?{urlencode(done)}" if done else ""
    return RedirectResponse(f"/samlinger/{collection_id}{query}{anchor}", status_code=303)


def _collections_page(
    request: Request, *, form: dict[str, str] | None = None, error: str | None = None
) -> Response:
    """The list of collections; with ``form`` and ``error``, the new-collection form again as
    the curator filled it in, with why it was refused."""
    account = current_account(request)
    return templates.TemplateResponse(
        request,
        "collections.html",
        {
            "collections": collections.list_collections(account),
            "account": account,
            "json_url": "/api/collections",
            "form": form or {},
            "error": error,
            "deleted": request.query_params.get("slettet") == "1",
        },
        status_code=400 if error else 200,
    )


@router.get("/samlinger")
def collections_page(request: Request) -> Response:
    return _collections_page(request)


@router.post("/samlinger")
def create(
    request: Request, account: CuratorAccount, title: Title, description: Text = ""
) -> Response:
    try:
        return _back(collections.create_collection(account, title, description))
    except BadRequestError as error:
        form = {"title": title, "description": description}
        return _collections_page(request, form=form, error=error.message)


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
    response = _collection_page(request, collection_id)
    # Only a published collection's page gets here for anyone not logged in.
    response.background = usage.counted(
        request, kind=UseKind.VIEW, target_type=TargetType.COLLECTION, target_id=collection_id
    )
    return response


def _collection_page(
    request: Request,
    collection_id: str,
    *,
    form: dict[str, Any] | None = None,
    typed: CollectionFields | None = None,
    error: str | None = None,
    refused_notes: collections.NotesNotSaved | None = None,
    status_code: int | None = None,
) -> Response:
    """A collection's page; with ``form`` and ``error``, its edit form as the curator filled
    it in, with why it was refused; with ``typed`` instead, the form as saved and what the
    curator typed beside it (another curator saved meanwhile)."""
    account = current_account(request)
    collection = collections.get_collection(collection_id, account)
    return templates.TemplateResponse(
        request,
        "collection.html",
        {
            "collection": collection,
            "form": form
            or {
                "title": collection.title,
                "description": collection.description,
                "published": collection.published,
            },
            "error": error,
            "typed": typed,
            "refused_notes": refused_notes.changed if refused_notes else {},
            "removed_notes": refused_notes.removed if refused_notes else {},
            "saved": request.query_params.get("gemt") == "1",
            "saved_note": request.query_params.get("note_gemt"),
            "removed": request.query_params.get("fjernet") == "1",
            "account": account,
            "json_url": f"/api/collections/{collection_id}",
        },
        status_code=status_code or (400 if error else 409 if refused_notes else 200),
    )


NOTE_FIELD = "note:"
SHOWN_FIELD = "vist:"


async def typed_notes(request: Request) -> dict[str, TypedNote]:
    """The notes as typed on the collection's page, and as the page showed them, by document.
    Every button among the entries posts the one form that holds them all, so moving an entry
    or saving one note keeps what was typed in the others."""
    form = await request.form()
    shown = {
        name.removeprefix(SHOWN_FIELD): value
        for name, value in form.items()
        if name.startswith(SHOWN_FIELD) and isinstance(value, str)
    }
    return {
        document_id: TypedNote(value, shown.get(document_id))
        for name, value in form.items()
        if name.startswith(NOTE_FIELD)
        and isinstance(value, str)
        and (document_id := name.removeprefix(NOTE_FIELD))
    }


TypedNotes = Annotated[dict[str, TypedNote], Depends(typed_notes)]


class TypedFields(NamedTuple):
    typed: CollectionFields
    shown: CollectionFields | None  # None: not known


def typed_fields(
    title: Annotated[str | None, Form(max_length=collections.MAX_TITLE_CHARS)] = None,
    description: Text = "",
    published: Annotated[bool, Form()] = False,
    shown_title: Annotated[str | None, Form(max_length=collections.MAX_TITLE_CHARS)] = None,
    shown_description: Text = "",
    shown_published: Annotated[bool, Form()] = False,
) -> TypedFields | None:
    """The collection's own fields as typed on its page, and as the page showed them; None
    when the form sent none. They are in the form every button on the page posts: "Flyt op"
    or "Gem noten" lost what was typed in them."""
    if title is None and shown_title is None:
        return None
    # An emptied field reaches FastAPI as its default: sent with the page's own fields, it was
    # typed empty, and the title's check refuses it (read as none sent, the other fields were
    # dropped without a word).
    title = title or ""
    shown = None
    if shown_title is not None:
        shown = CollectionFields(shown_title, shown_description, shown_published)
    return TypedFields(CollectionFields(title, description, published), shown)


TypedCollectionFields = Annotated[TypedFields | None, Depends(typed_fields)]


def _not_saved(
    request: Request,
    account: Account,
    collection_id: str,
    notes: dict[str, TypedNote],
    fields: TypedFields | None,
    *,
    publish: bool = False,
) -> Response | None:
    """Save what was typed on the collection's page: the notes and its own fields, its
    publication only with ``publish`` ("Gem": a tick and "Flyt op" made a collection public
    without a word). The page again when some of it was not saved: the fields as typed and
    why they were refused, or the notes another curator changed meanwhile (then nothing else
    the button asked for is done)."""
    refused = collections.set_notes(account, collection_id, notes)
    if fields is not None:
        typed = fields.typed
        if not publish and fields.shown is not None:
            typed = typed._replace(published=fields.shown.published)
        try:
            collections.update_collection(account, collection_id, *typed, shown=fields.shown)
        except ConflictError as error:
            return _collection_page(
                request,
                collection_id,
                typed=fields.typed,
                error=error.message,
                refused_notes=refused,
                status_code=error.status,
            )
        except BadRequestError as error:
            form = fields.typed._asdict() | {"shown": fields.shown}
            return _collection_page(
                request, collection_id, form=form, error=error.message, refused_notes=refused
            )
    if refused:
        return _collection_page(request, collection_id, refused_notes=refused)
    return None


@router.post("/samlinger/{collection_id}")
def update(
    request: Request,
    collection_id: str,
    account: CuratorAccount,
    notes: TypedNotes,
    fields: TypedCollectionFields,
) -> Response:
    """ "Gem": the collection's own fields, and the notes typed on its page (one form holds
    them: "Gem" lost the notes typed before it)."""
    if fields is None:
        raise BadRequestError("Samlingen skal have en titel.")
    if not_saved := _not_saved(request, account, collection_id, notes, fields, publish=True):
        return not_saved
    return _back(collection_id, "#ret-samlingen", gemt="1")


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
    return RedirectResponse("/samlinger?slettet=1", status_code=303)


@router.post("/samlinger/{collection_id}/noter")
def save_notes(
    request: Request,
    collection_id: str,
    account: CuratorAccount,
    notes: TypedNotes,
    fields: TypedCollectionFields,
    document_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """ "Gem noten": every note and field typed on the page is saved; the curator comes back
    to the entry whose button it was (``document_id``), told that its note is saved."""
    if not_saved := _not_saved(request, account, collection_id, notes, fields):
        return not_saved
    if not document_id:
        return _back(collection_id)
    return _back(collection_id, f"#dokument-{document_id}", note_gemt=document_id)


def _move(
    request: Request,
    account: Account,
    collection_id: str,
    document_id: str,
    notes: dict[str, TypedNote],
    fields: TypedFields | None,
    step: int,
) -> Response:
    if not_saved := _not_saved(request, account, collection_id, notes, fields):
        return not_saved
    collections.move_document(account, collection_id, document_id, step)
    return _back(collection_id, f"#dokument-{document_id}")


@router.post("/samlinger/{collection_id}/dokumenter/{document_id}/op")
def move_up(
    request: Request,
    collection_id: str,
    document_id: str,
    account: CuratorAccount,
    notes: TypedNotes,
    fields: TypedCollectionFields,
) -> Response:
    return _move(request, account, collection_id, document_id, notes, fields, -1)


@router.post("/samlinger/{collection_id}/dokumenter/{document_id}/ned")
def move_down(
    request: Request,
    collection_id: str,
    document_id: str,
    account: CuratorAccount,
    notes: TypedNotes,
    fields: TypedCollectionFields,
) -> Response:
    return _move(request, account, collection_id, document_id, notes, fields, 1)


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
    request: Request,
    collection_id: str,
    document_id: str,
    account: CuratorAccount,
    notes: TypedNotes,
    fields: TypedCollectionFields,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    if not_saved := _not_saved(request, account, collection_id, notes, fields):
        return not_saved
    if confirm != "ja":
        # "Fjern" on the collection's page: what was typed is saved, then the question is asked.
        return RedirectResponse(
            f"/samlinger/{collection_id}/dokumenter/{document_id}/fjern", status_code=303
        )
    collections.remove_document(account, collection_id, document_id)
    return _back(collection_id, "#fjernet", fjernet="1")
