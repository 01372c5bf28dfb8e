"""The enrich step on a real SQLite database, while another worker changes the document between
reading its pages and writing what it found (the entity pipeline is played by a stand-in that
makes that change, so the race happens every time)."""

from typing import Any

import pytest

from nlp_models import tasks
from nlp_models.personal_data import Kind, finding_key
from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, DocumentStatus
from vidensbank.store.personal_data import Decision


class _Meanwhile:
    """Finds no names; while it "works", another worker changes the document."""

    def __init__(self, change: Any) -> None:
        self.change = change
        self.kb = None

    def find_in_documents(
        self, documents: list[list[tuple[int, str]]], english: Any = None
    ) -> list[list[Any]]:
        self.change()
        return [[] for _ in documents]


@pytest.fixture
def handed_on(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(tasks, "hand_on", lambda name, ids: calls.append((name, list(ids))))
    monkeypatch.setattr(tasks, "enqueue", lambda *args, **kwargs: None)
    return calls


def _document(document_id: str) -> None:
    migrate()
    with session_scope() as session:
        store_document(session, document_id, title="Om samvær", pages=["Gammel tekst om samvær."])
        document_store.set_document_status(
            session, document_ids=[document_id], status=DocumentStatus.EXTRACTED
        )


def _quarantine(document_id: str) -> None:
    with session_scope() as session:
        document_store.quarantine_document(
            session, document_id=document_id, reason_code="corrupt", reason="Ødelagt"
        )


def _read_again(document_id: str) -> None:
    with session_scope() as session:
        document_store.replace_pages(
            session, document_id=document_id, pages=[(1, "Ny tekst, ikke screenet endnu.")]
        )


@pytest.mark.parametrize(
    ("document_id", "change", "status"),
    [
        ("berig-karantaene", _quarantine, DocumentStatus.QUARANTINED),
        ("berig-ny-tekst", _read_again, DocumentStatus.EXTRACTED),
    ],
)
def test_what_was_found_in_text_that_changed_meanwhile_is_not_written(
    monkeypatch: pytest.MonkeyPatch,
    handed_on: list[tuple[str, list[str]]],
    document_id: str,
    change: Any,
    status: DocumentStatus,
) -> None:
    """It was marked enriched and screened on the old text, and the index step then published
    the new, unscreened text (or a quarantined document)."""
    _document(document_id)
    monkeypatch.setattr(tasks, "current_finder", lambda: _Meanwhile(lambda: change(document_id)))
    tasks.enrich_documents([document_id])
    with session_scope() as session:
        document = session.get_one(Document, document_id)
        assert document.status == status
        assert document.model_version is None
    assert handed_on == [("editions.documents", [])]


def test_a_document_read_again_with_a_redaction_is_redacted_and_enriched(
    monkeypatch: pytest.MonkeyPatch, handed_on: list[tuple[str, list[str]]]
) -> None:
    """The step stores the redacted pages itself: they are not a change by another worker."""
    document_id = "berig-redigeret"
    name = "Åse Ørsted"
    migrate()
    with session_scope() as session:
        store_document(session, document_id, title="Referat", pages=[f"Mor: {name}."])
        document_store.set_document_status(
            session, document_ids=[document_id], status=DocumentStatus.EXTRACTED
        )
        key = finding_key(Kind.PARENT_NAME, name)
        personal_store.decide(
            session,
            document_id=document_id,
            key=key,
            kind=Kind.PARENT_NAME,
            action=Decision.REDACT,
            author="kurator@eksempel.dk",
        )
    monkeypatch.setattr(tasks, "current_finder", lambda: _Meanwhile(lambda: None))
    tasks.enrich_documents([document_id])
    with session_scope() as session:
        assert session.get_one(Document, document_id).status == DocumentStatus.ENRICHED
        [(_number, text)] = document_store.get_pages(session, document_id=document_id)
        assert name not in text and "[skjult]" in text
    assert handed_on == [("editions.documents", [document_id])]


def test_the_entities_of_a_page_stored_as_english_are_found_as_english(
    handed_on: list[tuple[str, list[str]]],
) -> None:
    """The step tells the entity pipeline which pages are in English: the Danish model read a
    report's English summary page, and made a person of its heading."""
    document_id = "berig-engelsk"
    migrate()
    with session_scope() as session:
        store_document(
            session,
            document_id,
            title="Børn anbragt i netværkspleje",
            pages=[
                "Children Placed with Relatives and Friends: English Summary\n"
                "The study was carried out by VIVE for the Ministry of Social Affairs."
            ],
        )
        document_store.set_languages(
            session, document_id=document_id, language="en", pages={1: "en"}
        )
        document_store.set_document_status(
            session, document_ids=[document_id], status=DocumentStatus.EXTRACTED
        )
    tasks.enrich_documents([document_id])
    with session_scope() as session:
        names = {(e.text, e.label) for e in session.get_one(Document, document_id).entities}
    assert ("VIVE", "ORG") in names
    assert not any(label == "PER" for _, label in names)
