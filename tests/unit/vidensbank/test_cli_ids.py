"""Commands that take document ids: an id that names no document is said and nothing is done,
an id given twice counts once, and a document reindex cannot index says why."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from tests.documents import store_document
from vidensbank import celery_app
from vidensbank.cli import main
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import DocumentStatus

COMMANDS = [["reindex"], ["reenrich"], ["reextract"], ["editions"], ["embed"]]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[tuple[str, Any]]]:
    """A database of the test's own with an indexed document ``d1`` and one withdrawn,
    ``d2``; yields the tasks sent (the broker is not this test's subject)."""
    monkeypatch.setenv("VB_DATABASE_URL", f"sqlite:///{tmp_path / 'vidensbank.db'}")
    monkeypatch.setenv("VB_INDEX_PREFIX", f"vbtest-ids-{tmp_path.name[-12:].lower()}")
    # Nothing is queued for the embed step by reindex: the test needs no broker.
    monkeypatch.setenv("VB_EMBEDDINGS", "false")
    get_settings.cache_clear()
    migrate()
    with session_scope() as session:
        for document_id in ("d1", "d2"):
            store_document(session, document_id, title="Om samvær", pages=["Tekst om samvær."])
        document_store.set_document_status(
            session, document_ids=["d1", "d2"], status=DocumentStatus.INDEXED
        )
        document_store.withdraw_document(session, document_id="d2", reason="Forkert fil.")
    tasks: list[tuple[str, Any]] = []
    monkeypatch.setattr("ingest.runs.recover_lost_queue", lambda: None)
    monkeypatch.setattr(
        celery_app.app, "send_task", lambda name, args, **_: tasks.append((name, args))
    )
    yield tasks
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def client(sent: list[tuple[str, Any]]) -> Iterator[Elasticsearch]:
    client = get_client()
    yield client
    for index in client.indices.get(index=f"{alias_name()}-*"):
        client.indices.delete(index=index)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_id_is_named_and_nothing_is_done(
    sent: list[tuple[str, Any]], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`embed finnesikke` said "1 dokumenter er sat i kø" and queued it; reenrich, reextract
    and editions said "0 dokumenter …", reindex "0 af 1 …": all without naming the id."""
    assert main([*command, "d1", "finnesikke", "heller-ikke"]) == 1
    assert capsys.readouterr().err == (
        "Ukendt dokument-id: finnesikke\nUkendt dokument-id: heller-ikke\n"
    )
    assert sent == []


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["reenrich"], "1 dokument er sat i kø til at få fundet dets navne igen.\n"),
        (["reextract"], "1 dokument er sat i kø til at blive læst igen.\n"),
        (["editions"], "1 dokument er sat i kø til at få fundet dets andre udgaver.\n"),
        (["embed"], "1 dokument er sat i kø til at blive søgbart på betydning.\n"),
    ],
)
def test_an_id_given_twice_is_queued_once(
    sent: list[tuple[str, Any]], command: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Queued once, and told in the singular: it said "1 dokumenter er sat i kø"."""
    assert main([*command, "d1", "d1"]) == 0
    assert [args for _name, args in sent] == [[["d1"]]]
    assert capsys.readouterr().err == said


def test_reindex_counts_an_id_given_twice_once_and_says_why_a_document_stays_out(
    client: Elasticsearch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reindex ID ID` said "1 af 2" and failed; a withdrawn document's said "0 af 1" without
    a reason."""
    assert main(["reindex", "d1", "d1"]) == 0
    assert capsys.readouterr().err == "1 af 1 dokument er lagt i søgeindekset igen.\n"
    assert main(["reindex", "d2", "d1"]) == 1
    assert capsys.readouterr().err == (
        "d2 er trukket tilbage: Forkert fil.\n1 af 2 dokumenter er lagt i søgeindekset igen.\n"
    )


def test_reenrich_marks_and_queues_only_the_documents_the_step_runs_for(
    sent: list[tuple[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A named document runs again though it is current (the step skipped it: "sat i kø", then
    nothing), so it is marked stale; a withdrawn or quarantined one is not, nor queued: marked,
    a quarantined document also left OAI-PMH's deleted records while nothing ran."""
    with session_scope() as session:
        for document in document_store.get_document_records(session, document_ids=["d1", "d2"]):
            document.model_version = "m-1"
    assert main(["reenrich", "d1", "d2"]) == 0
    assert [args for _name, args in sent] == [[["d1"]]]
    with session_scope() as session:
        versions = {
            d.id: d.model_version
            for d in document_store.get_document_records(session, document_ids=["d1", "d2"])
        }
    assert versions["d1"] is None and versions["d2"] is not None
