"""Curators correct a document's metadata and entities (forms on the document's page) and the
knowledge base (forms on a record's page), and review corrections whose anchor was lost when a
document was read again."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import corrections, kb_edits
from search_api.api.auth import CuratorAccount, bearer_token
from search_api.api.schemas import RowId
from vidensbank.errors import (
    BadRequestError,
    ConflictError,
    DependencyUnavailableError,
    FieldsError,
)
from vidensbank.store.corrections import MetadataField
from web.pages import document_response
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# Longer than any field allows: the service says which field is too long, in Danish.
Field = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=500)]


def _back(document_id: str, done: str = "gemt") -> RedirectResponse:
    """To the document's corrections, saying what was done ("gemt" or "fjernet")."""
    return RedirectResponse(f"/dokument/{document_id}?rettet={done}#rettelser", status_code=303)


CHANGED_MEANWHILE = (
    "Dokumentets metadata er ændret, siden du åbnede formularen (en anden har gemt, eller "
    "dokumentet er læst igen). Formularen viser nu det, der er gemt. Din formular sendte "
    "dette, hvor det afviger; ret det igen, hvor du stadig vil ændre det:"
)


@router.post("/dokument/{document_id}/metadata")
def correct_metadata(
    request: Request,
    document_id: str,
    account: CuratorAccount,
    title: Field = "",
    published: Field = "",
    publisher: Field = "",
    kind: Field = "",
    authors: Field = "",
    target_age: Field = "",
    professional: Field = "",
    isbn: Field = "",
    rights: Field = "",
    version: Short = "",
) -> Response:
    form = {
        MetadataField.TITLE: title,
        MetadataField.PUBLISHED: published,
        MetadataField.PUBLISHER: publisher,
        MetadataField.KIND: kind,
        MetadataField.AUTHORS: authors,
        MetadataField.TARGET_AGE: target_age,
        MetadataField.PROFESSIONAL: professional,
        MetadataField.ISBN: isbn,
        MetadataField.RIGHTS: rights,
    }
    try:
        changed = corrections.correct_metadata(
            account, document_id, version=version or None, form=form
        )
    except (BadRequestError, DependencyUnavailableError) as error:
        if bearer_token(request) is not None:
            raise  # a script gets the reason alone, as below
        # The form again, as the curator filled it in, with what to put right (or, when the
        # queue does not answer, to send again in a moment: nothing was stored).
        return document_response(
            request,
            document_id,
            metadata_form={"version": version}
            | {field.value: text for field, text in form.items()},
            metadata_error=error.message,
            metadata_fields=error.fields if isinstance(error, FieldsError) else None,
            status_code=error.status,
        )
    except ConflictError as error:
        # Saved meanwhile by someone else: the form shows what is saved now (sent as it is, it
        # cannot undo the other change), and beside it what this curator typed that differs.
        saved = corrections.metadata_form(document_id)
        return document_response(
            request,
            document_id,
            metadata_form=saved,
            metadata_error=CHANGED_MEANWHILE,
            metadata_typed=[
                (corrections.FIELD_NAMES[field], text)
                for field, text in form.items()
                if text.strip() and text.strip() != saved[field.value].strip()
            ],
            status_code=error.status,
        )
    # How many fields it changed: "Rettelsen er gemt" stood for three, and for none.
    return _back(document_id, {0: "uaendret", 1: "gemt"}.get(changed, "flere"))


@router.post("/dokument/{document_id}/metadata/{field}/fjern")
def remove_metadata_correction(
    document_id: str, field: MetadataField, account: CuratorAccount
) -> Response:
    corrections.remove_metadata_correction(account, document_id, field)
    return _back(document_id, "fjernet")


@router.post("/dokument/{document_id}/navne")
def correct_entity(
    request: Request,
    document_id: str,
    account: CuratorAccount,
    action: Short,
    entity_label: Short = "",
    entity: Short = "",
    new_label: Short = "",
    kb_id: Short = "",
    text: Short = "",
) -> Response:
    try:
        corrections.correct_entity(
            account,
            document_id,
            action=action,
            entity_label=entity_label,
            entity=entity,
            new_label=new_label or None,
            kb_id=kb_id,
            text=text,
        )
    except (BadRequestError, DependencyUnavailableError) as error:
        if bearer_token(request) is not None:
            # A script posting with its personal token is shown no form: the document's page
            # came back with the status alone, and the reason nowhere in it.
            raise
        # The form again, open, as the curator filled it in, with why it was refused: on a
        # page of its own the way back found the form closed and empty.
        form = {"action": action, "entity_label": entity_label, "entity": entity}
        return document_response(
            request,
            document_id,
            name_form=form | {"new_label": new_label, "kb_id": kb_id, "text": text},
            name_error=error.message,
            status_code=error.status,
        )
    return _back(document_id)


@router.post("/dokument/{document_id}/rettelser/{correction_id}/fjern")
def remove_entity_correction(
    document_id: str, correction_id: RowId, account: CuratorAccount
) -> Response:
    corrections.remove_entity_correction(account, document_id, correction_id)
    return _back(document_id, "fjernet")


@router.get("/rettelser")
def review_page(request: Request, account: CuratorAccount) -> Response:
    return templates.TemplateResponse(
        request,
        "corrections.html",
        {"account": account, "corrections": corrections.corrections_for_review()},
    )


@router.post("/entitet/{kb_id}/vidensbase")
def edit_knowledge_base(
    kb_id: str, account: CuratorAccount, action: Short, value: Short
) -> Response:
    # The record as saved: a merge typed with a space after the id led to a 404 for it.
    shown = kb_edits.add_edit(account, kb_id, action, value)
    return RedirectResponse(f"/entitet/{shown}?rettet=1#ret-posten", status_code=303)


@router.post("/entitet/{kb_id}/vidensbase/{edit_id}/fjern")
def remove_knowledge_base_edit(kb_id: str, edit_id: RowId, account: CuratorAccount) -> Response:
    kb_edits.remove_edit(account, kb_id, edit_id)
    return RedirectResponse(f"/entitet/{kb_id}?rettet=fjernet#ret-posten", status_code=303)
