"""The audit trail as admins read and export it (it has no way to be edited)."""

import json
from typing import Any

from nlp_models.personal_data import TITLE_PAGE, Kind
from search_api.api.labels import LABELS
from search_api.api.schemas import AuditEventPublic
from search_api.api.spreadsheets import as_text, excel_csv
from vidensbank.store import audit
from vidensbank.store.db import session_scope
from vidensbank.store.users import Role

MAX_EVENTS = 1000
# The names of the actions, in Danish, for the page and its filter.
ACTIONS = {
    "login": "logget ind",
    "login.failed": "mislykket log-ind",
    "logout": "logget ud",
    "token.create": "personlig nøgle oprettet",
    "token.revoke": "personlig nøgle taget tilbage",
    "user.add": "bruger oprettet",
    "user.deactivate": "bruger lukket",
    "user.reopen": "bruger åbnet igen",
    "collection.create": "samling oprettet",
    "collection.update": "samling rettet",
    "collection.delete": "samling slettet",
    "collection.add": "dokument lagt i samling",
    "collection.move": "dokument flyttet i samling",
    "collection.note": "note rettet",
    "collection.remove": "dokument taget ud af samling",
    "document.withdraw": "dokument trukket tilbage",
    "document.restore": "dokument gendannet",
    "document.editions.separate": "dokument skilt ud af sine udgaver",
    "document.editions.rejoin": "dokument koblet til sine udgaver igen",
    "document.correct": "metadata rettet",
    "entity.correct": "navn rettet",
    "correction.remove": "rettelse taget tilbage",
    "kb.edit": "vidensbasen rettet",
    "kb.edit_remove": "rettelse af vidensbasen taget tilbage",
    "run.upload": "filer indlæst",
    "run.retry": "fil prøvet igen",
    "personal_data.redact": "personoplysning skjult",
    "personal_data.release": "personoplysninger godkendt",
}

# The names of what an event changed, in Danish, for the page; the JSON and the CSV keep the
# stored keys, which scripts read. A key not named here is shown as it is.
KEYS = {
    "action": "handling",
    "active": "aktiv",
    "description": "beskrivelse",
    "document_id": "dokument",
    "files": "filer",
    "findings": "fund",
    "from_run": "fra indlæsning",
    "held": "tilbageholdt",
    "kb_id": "post i vidensbasen",
    "kind": "type",
    "label": "type",
    "new_label": "ny type",
    "note": "note",
    "page": "side",
    "pages": "sider",
    "position": "placering",
    "published": "offentliggjort",
    "reason": "begrundelse",
    "role": "rolle",
    "text": "tekst",
    "title": "titel",
    "value": "værdi",
}
# A document's metadata as the curators' form names it ("published" is its date there).
METADATA_KEYS = {
    **KEYS,
    "authors": "forfattere",
    "isbn": "ISBN",
    "professional": "faggrupper",
    "published": "udgivet",
    "publisher": "udgiver",
    "rights": "rettigheder",
    "target_age": "målgruppens alder",
}
METADATA_ACTIONS = frozenset({"document.correct", "correction.remove"})
PERSONAL_DATA_ACTIONS = frozenset({"personal_data.redact", "personal_data.release"})
ROLE_NAMES = {role.value: role.label for role in Role}
KIND_NAMES = {kind.value: kind.label for kind in Kind}


def shown_change(action: str, values: dict[str, Any]) -> dict[str, Any]:
    """An event's before or after as the page shows it: each key by its Danish name, and the
    values that are codes (a role, a label, a kind of personal data) by theirs; a place in a
    collection counted from 1, as the collection's page counts it."""
    names = METADATA_KEYS if action in METADATA_ACTIONS else KEYS
    return {names.get(key, key): _shown_value(action, key, value) for key, value in values.items()}


def _shown_value(action: str, key: str, value: Any) -> Any:
    personal = action in PERSONAL_DATA_ACTIONS
    if isinstance(value, str):
        if key == "role":
            return ROLE_NAMES.get(value, value)
        if key in ("label", "new_label"):
            return LABELS[value].lower() if value in LABELS else value
        if key == "kind" and personal:
            return KIND_NAMES.get(value, value)
    if key == "position" and isinstance(value, int):
        return value + 1
    if key == "page" and personal and value == TITLE_PAGE:
        return "titlen"
    if key == "findings" and personal and isinstance(value, list):
        return [_finding(finding) for finding in value]
    return value


def _finding(finding: Any) -> Any:
    """A finding as "CPR-nummer, side 3" (stored as its kind's code and its page)."""
    if not isinstance(finding, dict) or finding.get("kind") not in KIND_NAMES:
        return finding
    page = finding.get("page")
    where = "i titlen" if page == TITLE_PAGE else f"side {page}"
    return f"{KIND_NAMES[finding['kind']]}, {where}"


def list_events(
    actor: str | None = None, action: str | None = None, limit: int = 100, offset: int = 0
) -> list[AuditEventPublic]:
    with session_scope() as session:
        return [
            AuditEventPublic.model_validate(event, from_attributes=True)
            for event in audit.list_events(
                session, actor=actor, action=action, limit=min(limit, MAX_EVENTS), offset=offset
            )
        ]


def as_csv(events: list[AuditEventPublic]) -> bytes:
    header = ["id", "tidspunkt", "hvem", "handling", "hvad", "før", "efter"]
    return excel_csv(
        [
            header,
            *(
                [
                    event.id,
                    event.at.isoformat(),
                    as_text(event.actor),
                    event.action,
                    as_text(event.target),
                    json.dumps(event.before, ensure_ascii=False) if event.before else "",
                    json.dumps(event.after, ensure_ascii=False) if event.after else "",
                ]
                for event in events
            ),
        ]
    )
