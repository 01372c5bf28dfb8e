"""Curators correct a document's metadata and entities.

A correction is stored apart from what the pipeline made (``vidensbank.store.corrections``)
and reaches the document through its own steps: a metadata correction through extraction
(where it is the most trusted source), an entity correction through enrichment; both then
index the document. Whenever the pipeline reads the document again, the same steps apply the
corrections again, so they survive re-ingest and a new model.

None is lost on the way: a correction is refused, with nothing stored, when the queue does not
answer; and a stored one marks its document stale for its step until the step has run, so
``vidensbank reextract --stale`` (metadata) or ``reenrich --stale`` (entities) finds one whose
task the queue lost.
"""

import datetime as dt
import hashlib
import json
import re
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.metadata import parse_age_range, valid_isbn
from nlp_models.corrections import occurrences
from nlp_models.curated_kb import current_knowledge_base
from nlp_models.linking import normalize
from nlp_models.mentions import entity_key
from nlp_models.training.corpus import LABELS
from search_api.api import labels
from search_api.api.schemas import (
    DocumentCorrections,
    EntityCorrectionPublic,
    MetadataCorrectionPublic,
)
from vidensbank.accounts import Account
from vidensbank.celery_app import enqueue_stored, require_broker
from vidensbank.danish import sort_key
from vidensbank.errors import BadRequestError, ConflictError, FieldsError, NotFoundError
from vidensbank.store import audit
from vidensbank.store import corrections as correction_store
from vidensbank.store import documents as document_store
from vidensbank.store.corrections import EntityAction, EntityCorrection, MetadataField
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document

MAX_CHARS = {
    MetadataField.TITLE: 500,
    MetadataField.PUBLISHER: 200,
    MetadataField.KIND: 100,
    MetadataField.TARGET_AGE: 100,
    MetadataField.RIGHTS: 1000,
}
MAX_NAME_CHARS = 200
MAX_NAMES = 50
FIELD_NAMES = {
    MetadataField.TITLE: "Titel",
    MetadataField.PUBLISHED: "Udgivet",
    MetadataField.PUBLISHER: "Udgiver",
    MetadataField.KIND: "Type",
    MetadataField.AUTHORS: "Forfattere",
    MetadataField.TARGET_AGE: "Målgruppens alder",
    MetadataField.PROFESSIONAL: "Faggrupper",
    MetadataField.ISBN: "ISBN",
    MetadataField.RIGHTS: "Rettigheder",
}
ACTION_NAMES = {
    EntityAction.REJECT: "ikke et navn",
    EntityAction.RELABEL: "anden type",
    EntityAction.LINK: "knyttet til vidensbasen",
    EntityAction.ADD: "tilføjet",
}


def _document(session: Session, document_id: str) -> Document:
    document = document_store.get_document(session, document_id=document_id)
    if document is None:
        raise NotFoundError("Dokumentet findes ikke.")
    return document


def _current(document: Document) -> dict[MetadataField, Any]:
    """The document's metadata now, in the form a correction takes."""
    extra = document.extra or {}
    return {
        MetadataField.TITLE: document.title,
        MetadataField.PUBLISHED: document.published.isoformat() if document.published else None,
        MetadataField.PUBLISHER: document.publisher,
        MetadataField.KIND: document.kind,
        MetadataField.AUTHORS: list(document.authors or []),
        MetadataField.TARGET_AGE: extra.get("target_age"),
        MetadataField.PROFESSIONAL: list(extra.get("professional") or []),
        MetadataField.ISBN: extra.get("isbn"),
        MetadataField.RIGHTS: extra.get("rights"),
    }


def _shown(session: Session, document: Document) -> dict[MetadataField, Any]:
    """The metadata as curators see it: the document's with its corrections over it (the
    document itself gets them when extraction has run again, a moment after a change)."""
    current = _current(document)
    corrections = correction_store.metadata_corrections(session, document_ids=[document.id]).get(
        document.id, {}
    )
    for field, value in corrections.items():
        current[MetadataField(field)] = value
    return current


_SEPARATORS = {MetadataField.AUTHORS: "\n", MetadataField.PROFESSIONAL: ", "}


def _form_texts(current: dict[MetadataField, Any]) -> dict[MetadataField, str]:
    return {
        field: _SEPARATORS[field].join(value) if field in _SEPARATORS else value or ""
        for field, value in current.items()
    }


def _version(texts: dict[MetadataField, str]) -> str:
    """A fingerprint of the metadata as a form shows it: a save based on another is stale."""
    return hashlib.sha256(json.dumps([texts[f] for f in MetadataField]).encode()).hexdigest()[:16]


def _same_text(sent: str, shown: str) -> bool:
    return " ".join(sent.split()) == " ".join(shown.split())


def _names(text: str, separator: str) -> list[str]:
    names = [" ".join(part.split()) for part in text.split(separator)]
    names = [name for name in names if name]
    if len(names) > MAX_NAMES or any(len(name) > MAX_NAME_CHARS for name in names):
        raise BadRequestError(f"Skriv højst {MAX_NAMES} navne på højst {MAX_NAME_CHARS} tegn hver.")
    return names


def _value(field: MetadataField, text: str) -> Any:
    """A field's value from what a curator wrote in the form (``None``: left empty)."""
    if field == MetadataField.AUTHORS:
        return _names(text.replace("\n", ";"), ";") or None
    if field == MetadataField.PROFESSIONAL:
        return _names(text, ",") or None
    text = " ".join(text.split())
    if not text:
        return None
    if field == MetadataField.PUBLISHED:
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise BadRequestError("Skriv datoen som år-måned-dag, fx 2024-03-01.") from exc
    if field == MetadataField.TARGET_AGE and parse_age_range(text) is None:
        # Searched and filtered by the ages it names: a text that names none drops out.
        raise BadRequestError(
            "Skriv målgruppens alder som fx 6-12 år, 14+ år, under 10 år eller 0-2 år."
        )
    if field == MetadataField.ISBN:
        if not valid_isbn(re.sub(r"[\s-]", "", text)):
            raise BadRequestError("ISBN-nummeret er ikke gyldigt (tjek de 10 eller 13 cifre).")
        return text.replace(" ", "-")
    if len(text) > MAX_CHARS[field]:
        raise BadRequestError(f"{FIELD_NAMES[field]} må højst have {MAX_CHARS[field]} tegn.")
    return text


def _page_count(session: Session, document_id: str) -> int:
    return document_store.page_counts(session, document_ids=[document_id]).get(document_id, 1)


def correct_metadata(
    account: Account,
    document_id: str,
    form: dict[MetadataField, str],
    version: str | None = None,
) -> int:
    """Store the fields a curator changed as corrections, and read the document again with
    them; return how many fields changed. ``version`` is the form's (``metadata_form``): when
    the metadata changed after the form was shown (another curator saved, or the document was
    read again), the fields it still shows the old way would undo that, so nothing is saved."""
    try:
        with session_scope() as session:
            # The row first, the metadata read after: curators saving the same form at once all
            # passed the check below (each read before any wrote), and each undid the other.
            document_store.lock_documents(session, document_ids=[document_id], touch=False)
            document = _document(session, document_id)
            current = _shown(session, document)
            shown = _form_texts(current)
            if version is not None and version != _version(shown):
                raise ConflictError(
                    "Dokumentets metadata er ændret, siden du åbnede formularen (en anden har "
                    "gemt, eller dokumentet er læst igen). Åbn siden igen, og ret på ny."
                )
            changed: dict[MetadataField, Any] = {}
            refused: dict[str, str] = {}
            for field, text in form.items():
                if field not in _SEPARATORS and _same_text(text, shown[field]):
                    continue  # as the form showed it (lists are compared name by name below)
                try:
                    value = _value(field, text)
                except BadRequestError as error:
                    # Every field's reason at once: one a save had the curator try again and
                    # again.
                    refused[field.value] = f"{FIELD_NAMES[field]}: {error.message}"
                    continue
                # A field left empty is not changed (``remove_metadata_correction`` takes one back).
                if value is not None and value != current[field]:
                    changed[field] = value
            if refused:
                raise FieldsError(refused)
            if changed:
                require_broker("Rettelsen er ikke gemt.")
                # Its metadata is no longer what extraction made: stale until read again, so
                # ``vidensbank reextract --stale`` also finds it if the queue lost the task below.
                document.extractor_version = None
            for field, value in changed.items():
                correction_store.set_metadata_correction(
                    session, document_id=document_id, field=field, value=value, author=account.email
                )
            if changed:
                audit.record(
                    session,
                    actor=account.email,
                    action="document.correct",
                    target=f"dokument:{document_id}",
                    before={field.value: current[field] for field in changed},
                    after={field.value: value for field, value in changed.items()},
                )
            pages = _page_count(session, document_id)
    except IntegrityError as exc:  # two curators saved the same field at the same moment
        raise BadRequestError(
            "En anden rettede det samme felt i samme øjeblik; prøv igen."
        ) from exc
    if changed:
        enqueue_stored("extract.documents", [document_id], pages=pages)
    return len(changed)


def remove_metadata_correction(account: Account, document_id: str, field: MetadataField) -> None:
    """Take a metadata correction back: the pipeline's value returns."""
    require_broker("Rettelsen er ikke taget tilbage.")
    with session_scope() as session:
        document = _document(session, document_id)
        before = correction_store.set_metadata_correction(
            session, document_id=document_id, field=field, value=None, author=account.email
        )
        if before is None:
            return
        document.extractor_version = None  # stale until read again, as for a correction
        audit.record(
            session,
            actor=account.email,
            action="correction.remove",
            target=f"dokument:{document_id}",
            before={field.value: before},
        )
        pages = _page_count(session, document_id)
    enqueue_stored("extract.documents", [document_id], pages=pages)


def _entity(session: Session, document: Document, label: str, key: str) -> tuple[str, list[int]]:
    """How the entity with this label and key is written, and the pages it stands on."""
    rows = [
        entity
        for entity in document.entities
        if entity.label == label and entity_key(entity.kb_id, entity.canonical) == key
    ]
    if not rows:
        raise NotFoundError("Navnet findes ikke (længere) i dokumentet.")
    return rows[0].text, sorted({page for row in rows for page in row.pages})


def _refuse_found(session: Session, document: Document, words: str, key: str) -> None:
    """Adding a name the document already has unlinked it from its record (the addition has
    no record), and the same addition twice listed it twice."""
    typed = normalize(words)
    for entity in document.entities:
        if typed in {normalize(form) for form in [entity.text, *(entity.forms or [])]}:
            raise BadRequestError(
                f"»{words}« er allerede fundet i dokumentet. Ret det i listen over navne."
            )
    if correction_store.added(session, document_id=document.id, key=key):
        raise BadRequestError(f"»{words}« er allerede tilføjet.")


def _label(label: str | None) -> str:
    if label not in LABELS:
        raise BadRequestError("Vælg en af typerne på listen.")
    return label


def correct_entity(
    account: Account,
    document_id: str,
    *,
    action: str,
    entity_label: str = "",
    entity: str = "",
    new_label: str | None = None,
    kb_id: str | None = None,
    text: str = "",
) -> None:
    """Correct an entity of the document (given by its label and key, as its entity list
    groups it) on every page it stands on: reject it, give it another type, link it to a
    knowledge-base record; or add one the pipeline missed, written ``text``."""
    try:
        what = EntityAction(action)
    except ValueError as exc:
        raise BadRequestError("Ukendt rettelse.") from exc
    # The entity form sends every field; only a link or an addition names a record.
    names_record = what in (EntityAction.LINK, EntityAction.ADD)
    kb_id = ((kb_id or "").strip() or None) if names_record else None
    if kb_id is not None and current_knowledge_base().get(kb_id) is None:
        raise BadRequestError(f"Vidensbasen har ingen post med id »{kb_id}«.")
    if what == EntityAction.LINK and kb_id is None:
        raise BadRequestError("Vælg den post i vidensbasen, navnet skal knyttes til.")
    require_broker("Rettelsen er ikke gemt.")
    with session_scope() as session:
        # The document's row first, its names read after: the same correction sent twice at
        # once (a double click) waits for the first, and finds the name corrected already
        # (four rejections at once were stored four times).
        document_store.lock_documents(session, document_ids=[document_id], touch=False)
        document = _document(session, document_id)
        if what == EntityAction.ADD:
            words = " ".join(text.split())
            if not words or len(words) > MAX_NAME_CHARS:
                raise BadRequestError(
                    f"Skriv navnet, som det står i teksten (højst {MAX_NAME_CHARS} tegn)."
                )
            anchor_label = _label(new_label) if kb_id is None else ""
            key = entity_key(None, words)
            pages = [page.number for page in document.pages if occurrences(page.text, words)]
            if not pages:
                raise BadRequestError(f"»{words}« står ikke i dokumentets tekst.")
            _refuse_found(session, document, words, key)
        else:
            anchor_label, key = entity_label, entity
            words, pages = _entity(session, document, anchor_label, key)
            if what == EntityAction.RELABEL and _label(new_label) == anchor_label:
                raise BadRequestError("Navnet har allerede den type.")
        if what not in (EntityAction.RELABEL, EntityAction.ADD) or kb_id is not None:
            new_label = None  # a record gives its own type
        if what == EntityAction.ADD and kb_id is not None:
            record = current_knowledge_base().get(kb_id)
            anchor_label = record.type if record else anchor_label
        corrected = correction_store.pages_corrected(
            session,
            document_id=document_id,
            label=anchor_label,
            key=key,
            action=what,
            new_label=new_label,
            new_kb_id=kb_id,
        )
        pages = [page for page in pages if page not in corrected]
        if not pages:
            return  # the same click twice: the first stored it, and its step is queued
        for page in pages:
            session.add(
                EntityCorrection(
                    document_id=document_id,
                    page=page,
                    label=anchor_label,
                    key=key,
                    text=words,
                    action=what,
                    new_label=new_label,
                    new_kb_id=kb_id,
                    author=account.email,
                )
            )
        # Its entities are no longer what this model made: stale until found again, so
        # ``vidensbank reenrich --stale`` also finds it if the queue lost the task below.
        document.model_version = None
        audit.record(
            session,
            actor=account.email,
            action="entity.correct",
            target=f"dokument:{document_id}",
            after={
                "action": what.value,
                "text": words,
                "label": anchor_label,
                "new_label": new_label,
                "kb_id": kb_id,
                "pages": pages,
            },
        )
        page_count = _page_count(session, document_id)
    enqueue_stored("enrich.documents", [document_id], pages=page_count)


def remove_entity_correction(account: Account, document_id: str, correction_id: int) -> None:
    """Take an entity correction back, on every page it was made for."""
    require_broker("Rettelsen er ikke taget tilbage.")
    with session_scope() as session:
        document = _document(session, document_id)
        correction = session.get(EntityCorrection, correction_id)
        if correction is None or correction.document_id != document_id:
            raise NotFoundError("Rettelsen findes ikke.")
        rows = correction_store.same_correction(session, correction)
        audit.record(
            session,
            actor=account.email,
            action="correction.remove",
            target=f"dokument:{document_id}",
            before={
                "action": correction.action,
                "text": correction.text,
                "label": correction.label,
                "new_label": correction.new_label,
                "kb_id": correction.new_kb_id,
                "pages": [row.page for row in rows],
            },
        )
        for row in rows:
            session.delete(row)
        document.model_version = None
        page_count = _page_count(session, document_id)
    enqueue_stored("enrich.documents", [document_id], pages=page_count)


def metadata_form(document_id: str) -> dict[str, str]:
    """The document's metadata as the curators' form shows it, and the form's ``version``."""
    with session_scope() as session:
        texts = _form_texts(_shown(session, _document(session, document_id)))
    return {"version": _version(texts)} | {field.value: text for field, text in texts.items()}


def kb_choices() -> list[tuple[str, str]]:
    """Every knowledge-base record as (id, name and type), for the curators' link form: the
    type by the name the pages give it ("Barnets Lov (lov)")."""
    records = current_knowledge_base().records.values()
    return sorted(
        (
            (record.id, f"{record.name} ({labels.LABELS.get(record.type, record.type).lower()})")
            for record in records
        ),
        key=lambda choice: sort_key(choice[1]),
    )


def _entity_public(rows: list[EntityCorrection]) -> list[EntityCorrectionPublic]:
    """Corrections as curators made them: the rows of each on its pages, together."""
    made: dict[tuple[str, ...], list[EntityCorrection]] = {}
    for row in rows:
        made.setdefault(correction_store.correction_key(row), []).append(row)
    return [
        EntityCorrectionPublic(
            id=pages[0].id,
            document_id=pages[0].document_id,
            pages=[row.page for row in pages],
            review_pages=[row.page for row in pages if row.needs_review],
            text=pages[0].text,
            label=pages[0].label,
            action=pages[0].action,
            action_name=ACTION_NAMES[EntityAction(pages[0].action)],
            new_label=pages[0].new_label,
            kb_id=pages[0].new_kb_id,
            author=pages[0].author,
            created_at=pages[0].created_at,
        )
        for pages in made.values()
    ]


def document_corrections(document_id: str) -> DocumentCorrections:
    """A document's corrections, for the curators on its page."""
    with session_scope() as session:
        metadata = correction_store.metadata_corrections(session, document_ids=[document_id]).get(
            document_id, {}
        )
        return DocumentCorrections(
            metadata=[
                MetadataCorrectionPublic(
                    field=field, name=FIELD_NAMES[MetadataField(field)], value=value
                )
                for field, value in metadata.items()
            ],
            entities=_entity_public(
                correction_store.entity_corrections(session, document_id=document_id)
            ),
        )


def corrections_for_review() -> list[EntityCorrectionPublic]:
    """Entity corrections whose anchor was gone when their document was read again."""
    with session_scope() as session:
        return _entity_public(correction_store.corrections_for_review(session))
