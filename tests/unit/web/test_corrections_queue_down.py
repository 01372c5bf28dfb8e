"""A curator corrects a document while the queue (Redis) does not answer, or loses the task
(on the real app and a real SQLite database): never a 500, and no correction is lost."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kombu.exceptions import OperationalError
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import select

from ingest.extract.registry import EXTRACTORS
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from tests.fixtures import free_port
from vidensbank import celery_app
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.audit import AuditEvent
from vidensbank.store.corrections import EntityCorrection, MetadataCorrection
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, EntityRow
from web.app import app

DOCUMENT = "rettelse-koe-nede"
CURATOR = "rettelse-koe@eksempel.dk"
CURRENT = [extractor.version for extractor in EXTRACTORS]


@pytest.fixture(scope="module")
def curator() -> TestClient:
    migrate()
    with session_scope() as session:
        store_document(session, DOCUMENT, title="Referat", pages=["Børnekontoret holdt møde."])
        document_store.replace_entities(
            session,
            document_id=DOCUMENT,
            entities=[EntityRow("Børnekontoret", "ORG", "Børnekontoret", None, 1, [1])],
        )
    add(CURATOR)
    return logged_in(CURATOR)


def refuse(name: str, **_options: Any) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")


@pytest.fixture
def queue_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Redis does not answer: nobody listens at the broker's address, and a task sent fails as
    kombu fails with Redis down."""
    monkeypatch.setenv("VB_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    get_settings.cache_clear()
    monkeypatch.setattr(celery_app.app, "send_task", refuse)
    yield
    get_settings.cache_clear()


def metadata_form(client: TestClient) -> dict[str, str]:
    page = client.get(f"/dokument/{DOCUMENT}").text
    form = HTMLParser(page).css_first(f'form[action="/dokument/{DOCUMENT}/metadata#ret-metadata"]')
    assert form is not None
    fields = {
        node.attributes["name"] or "": node.attributes.get("value") or ""
        for node in form.css("input[name]")
    }
    return fields | {"csrf_token": csrf(page)}


def correct_title(client: TestClient, title: str) -> tuple[int, str]:
    """Send the metadata form with a new title: the status and the redirect or page."""
    response = client.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=metadata_form(client) | {"title": title},
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("location") or response.text


def reject_name(client: TestClient) -> tuple[int, str]:
    """Send the entity form: "Børnekontoret" is no name."""
    token = csrf(client.get(f"/dokument/{DOCUMENT}").text)
    response = client.post(
        f"/dokument/{DOCUMENT}/navne",
        data={
            "csrf_token": token,
            "action": "reject",
            "entity_label": "ORG",
            "entity": "børnekontoret",
        },
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("location") or response.text


def stored() -> tuple[int, int, list[str]]:
    """The document's metadata and entity corrections, and the audit trail's actions on it."""
    with session_scope() as session:
        metadata = session.scalars(
            select(MetadataCorrection).where(MetadataCorrection.document_id == DOCUMENT)
        )
        entities = session.scalars(
            select(EntityCorrection).where(EntityCorrection.document_id == DOCUMENT)
        )
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"dokument:{DOCUMENT}")
        )
        return len(list(metadata)), len(list(entities)), list(actions)


@pytest.mark.usefixtures("queue_down")
@pytest.mark.parametrize(
    ("send", "kept"),
    [
        (lambda client: correct_title(client, "Rettet mens køen er nede"), "Rettet mens køen"),
        (reject_name, ""),
    ],
    ids=["metadata", "entity"],
)
def test_a_correction_the_queue_cannot_take_is_refused_with_nothing_stored(
    curator: TestClient, send: Callable[[TestClient], tuple[int, str]], kept: str
) -> None:
    """With Redis down the curator got a 500 ("Der skete en uventet fejl") for a correction
    that was stored all the same and never applied; the form sent again changed nothing. The
    metadata form now comes back as it was filled in, to send again."""
    before = stored()
    status, text = send(curator)
    assert status == 503
    assert "Rettelsen er ikke gemt. Køen (Redis) svarer ikke lige nu." in text
    assert kept in text
    assert stored() == before


def stale_for_extraction() -> bool:
    """Whether ``vidensbank reextract --stale`` reads the document again."""
    with session_scope() as session:
        return DOCUMENT in document_store.outdated_extraction_ids(
            session, extractor_versions=CURRENT
        )


@pytest.mark.parametrize("broker", ["fails", "loses"])
def test_a_metadata_correction_whose_task_never_runs_is_found_by_reextract_stale(
    curator: TestClient, monkeypatch: pytest.MonkeyPatch, broker: str
) -> None:
    """The broker answered, then failed to take the task (a 500 for a stored correction) or
    lost it (a Redis without persistence restarted before a worker took it): the title stayed
    old for good, and ``vidensbank reextract --stale`` found nothing to read again."""
    with session_scope() as session:
        document = session.get(Document, DOCUMENT)
        assert document is not None
        document.extractor_version = CURRENT[0]
    assert not stale_for_extraction()
    sent: list[str] = []

    def lose(name: str, **_options: Any) -> None:
        sent.append(name)

    monkeypatch.setattr(celery_app.app, "send_task", refuse if broker == "fails" else lose)
    status, location = correct_title(curator, f"Rettet titel, køen {broker}")
    assert (status, location) == (303, f"/dokument/{DOCUMENT}?rettet=gemt#rettelser")
    assert sent == ([] if broker == "fails" else ["extract.documents"])
    with session_scope() as session:
        corrected = session.scalars(
            select(MetadataCorrection.value).where(
                MetadataCorrection.document_id == DOCUMENT, MetadataCorrection.field == "title"
            )
        ).one()
    assert corrected == f"Rettet titel, køen {broker}"
    assert stale_for_extraction()


def test_an_entity_correction_the_broker_fails_to_queue_is_kept_for_reenrich_stale(
    curator: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broker answered, then failed to take the task: a 500 for a correction that was
    stored (and that ``vidensbank reenrich --stale`` finds, its document marked stale)."""
    monkeypatch.setattr(celery_app.app, "send_task", refuse)
    assert reject_name(curator) == (303, f"/dokument/{DOCUMENT}?rettet=gemt#rettelser")
    assert stored()[1] == 1
    with session_scope() as session:
        document = session.get(Document, DOCUMENT)
        assert document is not None and document.model_version is None


@pytest.mark.usefixtures("queue_down")
def test_a_script_refused_a_correction_is_told_why(curator: TestClient) -> None:
    """A script posting the form with its personal token got the 503 with the document's page,
    which shows a script no form: the reason was nowhere in it."""
    made = curator.post("/konto/token", data={"csrf_token": csrf(curator.get("/konto").text)})
    found = re.search(r"(vb_[\w-]{40,})", made.text)
    assert found is not None
    script = TestClient(app, headers={"Authorization": f"Bearer {found.group(1)}"})
    before = stored()
    answer = script.post(f"/dokument/{DOCUMENT}/metadata", data={"title": "Rettet af et script"})
    assert answer.status_code == 503
    assert "Rettelsen er ikke gemt. Køen (Redis) svarer ikke lige nu." in answer.text
    refused = script.post(
        f"/dokument/{DOCUMENT}/navne",
        data={"action": "reject", "entity_label": "ORG", "entity": "børnekontoret"},
    )
    assert refused.status_code == 503 and "Køen (Redis) svarer ikke" in refused.text
    assert stored() == before
