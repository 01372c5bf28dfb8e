"""Commands that put work on the queue, with the broker down: a Danish message, and nothing
queued, as `vidensbank ingest` does."""

from collections.abc import Iterator
from typing import Any

import pytest
from kombu.exceptions import OperationalError

from tests.documents import store_document
from tests.fixtures import free_port
from vidensbank import celery_app
from vidensbank.cli import main
from vidensbank.settings import get_settings
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document

DOCUMENT = "queue-down-document"


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Redis does not answer: the broker URL names a port nobody listens on, and a task sent
    fails as kombu fails with Redis down. Yields the names of the tasks sent anyway."""
    migrate()
    with session_scope() as session:
        if session.get(Document, DOCUMENT) is None:
            store_document(session, DOCUMENT, title="Om samvær", pages=["Tekst om samvær."])
    monkeypatch.setenv("VB_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    get_settings.cache_clear()
    sent: list[str] = []

    def refuse(name: str, **_options: Any) -> None:
        sent.append(name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6387. Connection refused.")

    monkeypatch.setattr(celery_app.app, "send_task", refuse)
    yield sent
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "command",
    [
        ["reenrich", DOCUMENT],
        ["reenrich", "--stale"],
        ["reextract", DOCUMENT],
        ["reextract", "--stale"],
        ["embed", DOCUMENT],
        ["embed"],
        ["editions", DOCUMENT],
        ["editions", "--all"],
    ],
)
def test_a_command_that_queues_work_says_the_broker_is_down_and_queues_nothing(
    broker_down: list[str], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """reenrich, reextract, embed and editions printed kombu's traceback ("OperationalError:
    Error 111 connecting to …") and left it to the reader to see that nothing was queued."""
    assert main(command) == 1
    error = capsys.readouterr().err
    assert error.startswith("Fejl: Køen (Redis) svarer ikke, så intet er sat i gang.")
    assert "Traceback" not in error and "Error 111" not in error
    assert broker_down == []
