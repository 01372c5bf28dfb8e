"""The audit trail as admins read and export it (it has no way to be edited)."""

import json

from search_api.api.schemas import AuditEventPublic
from search_api.api.spreadsheets import as_text, excel_csv
from vidensbank.store import audit
from vidensbank.store.db import session_scope

MAX_EVENTS = 1000
# The names of the actions, in Danish, for the page and its filter.
ACTIONS = {
    "login": "logget ind",
    "login.failed": "forkert login",
    "logout": "logget ud",
    "token.create": "personlig nøgle lavet",
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
    "run.upload": "filer uploadet",
    "run.retry": "fil prøvet igen",
    "personal_data.redact": "personoplysning skjult",
    "personal_data.release": "personoplysninger godkendt",
}


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
