"""How files are queued in batches, and what a user reads when a step of the pipeline gives up."""

from pathlib import Path
from typing import Any

import pytest
import redis
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

# Imported here, not in the test that patches ``celery_app.enqueue``: imported there, the
# module kept the patch as its ``enqueue`` for every later test.
from ingest.tasks import fetch_items
from tests.documents import store_document
from vidensbank import celery_app
from vidensbank.celery_app import _failure
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import DocumentStatus


def test_a_system_failure_is_told_in_plain_danish_without_technical_names() -> None:
    status, code, reason = _failure("enrich.documents", ValueError("boom"))
    assert (status, code) == ("failed", "system")
    assert "finde navnene i teksten" in reason
    assert "filen er gemt" in reason.lower() and "Prøv at indlæse filen igen" in reason
    for technical in ("enrich.documents", "ValueError", "boom", "Systemfejl", "trinnet"):
        assert technical not in reason


def test_a_failure_while_fetching_does_not_say_the_file_is_stored() -> None:
    """A failure of the fetch step said "filen er gemt, så intet er tabt", though the file is
    stored only once it has been fetched and recorded."""
    status, code, reason = _failure("ingest.fetch_items", ValueError("boom"))
    assert (status, code) == ("failed", "system")
    assert reason == (
        "Vidensbank fik en fejl, da den skulle hente filen. Fejlen ligger hos os, og filen blev "
        "ikke gemt. Prøv at indlæse den igen senere; sker det igen, så kontakt dem, der driver "
        "Vidensbank."
    )


def test_a_step_out_of_time_quarantines_the_file() -> None:
    status, code, reason = _failure("extract.documents", SoftTimeLimitExceeded())
    assert (status, code) == ("quarantined", "too_slow")
    assert "læse filen" in reason


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[int]]]:
    """The tasks queued, instead of sending them to a broker."""
    tasks: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(
        celery_app, "enqueue", lambda name, keys, **_: tasks.append((name, list(keys)))
    )
    return tasks


@pytest.mark.parametrize(
    ("files", "batches"),
    [
        (1, [1]),
        (3, [1, 1, 1]),
        (9, [3, 3, 3]),
        (40, [10] * 4),
        (100, [16] * 6 + [4]),
        (10, [3, 3, 3, 1]),
    ],
)
def test_a_run_is_queued_in_batches_that_still_spread_a_small_run(
    sent: list[tuple[str, list[int]]], files: int, batches: list[int]
) -> None:
    celery_app.enqueue_files(list(range(files)))
    assert [len(keys) for _name, keys in sent] == batches
    assert [key for _name, keys in sent for key in keys] == list(range(files))
    assert {name for name, _keys in sent} == {celery_app.FIRST_STEP}


def test_a_failed_batch_is_split_so_each_file_answers_for_itself(
    sent: list[tuple[str, list[int]]],
) -> None:
    fetch_items.on_failure(SoftTimeLimitExceeded(), "task-id", ([7, 8, 9],), {}, None)
    assert sent == [
        (celery_app.FIRST_STEP, [7]),
        (celery_app.FIRST_STEP, [8]),
        (celery_app.FIRST_STEP, [9]),
    ]


def test_ocr_goes_on_its_own_queue_with_its_own_time_per_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VB_BROKER_VISIBILITY_TIMEOUT", "900")
    monkeypatch.setenv("VB_QUEUE", "vb")
    get_settings.cache_clear()
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        celery_app.app, "send_task", lambda name, **options: calls.append((name, options))
    )
    try:
        assert celery_app.time_limits(3, "ocr.documents")[0] == 120 + 3 * 60
        assert celery_app.time_limits(3, "enrich.documents")[0] == 120 + 2 * 0.5
        # However many pages, within the broker's visibility timeout (80 %, less the grace).
        assert celery_app.time_limits(500, "ocr.documents") == (576, 720)
        celery_app.enqueue("ocr.documents", ["a"], pages=2)
        celery_app.enqueue("enrich.documents", ["a"], pages=2)
    finally:
        get_settings.cache_clear()
    assert [(name, options["queue"]) for name, options in calls] == [
        ("ocr.documents", "vb.ocr"),
        ("enrich.documents", "vb"),
    ]
    assert calls[0][1]["soft_time_limit"] == 240


@celery_app.app.task(name="test.inner", base=celery_app.PipelineTask)
def _inner(document_ids: list[str]) -> None:
    if "langsom" in document_ids:
        raise SoftTimeLimitExceeded()


@celery_app.app.task(name="test.outer", base=celery_app.PipelineTask)
def _outer(document_ids: list[str]) -> None:
    celery_app.hand_on("test.inner", document_ids)
    if "fejl" in document_ids:
        raise ValueError("boom")


def test_a_failure_names_the_step_it_happened_in_not_the_task_that_took_the_file_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Later steps run inside the first one's task: a time limit in finding names read "it
    took too long to fetch the file"."""
    monkeypatch.setitem(celery_app.STEP_NAMES, "test.outer", "hente filen")
    monkeypatch.setitem(celery_app.STEP_NAMES, "test.inner", "finde navnene i teksten")
    with pytest.raises(SoftTimeLimitExceeded) as slow:
        _outer(["langsom"])
    assert "finde navnene i teksten" in _failure("test.outer", slow.value)[2]
    # The inner step went well; the outer one failed after it.
    with pytest.raises(ValueError) as failed:
        _outer(["fejl"])
    assert "hente filen" in _failure("test.outer", failed.value)[2]
    # Killed at the hard limit, the worker's main process does not know the child's step.
    assert "behandle filen" in _failure("test.outer", TimeLimitExceeded())[2]


class _Workers:
    """The replies of running workers, each with the queues it takes tasks from."""

    def __init__(self, queues: dict[str, list[str]]) -> None:
        self.queues = queues

    def ping(self, **_options: Any) -> list[dict[str, dict[str, str]]]:
        return [{worker: {"ok": "pong"}} for worker in self.queues]

    def inspect(self, **_options: Any) -> "_Workers":
        return self

    def active_queues(self) -> dict[str, list[dict[str, str]]]:
        return {worker: [{"name": name} for name in names] for worker, names in self.queues.items()}


class _Broker:
    def ping(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("workers", "reason"),
    [
        (
            {"ocr@vb": [".ocr"], "embed@vb": [".embed"]},
            "Ingen baggrundsproces (Celery-worker) henter fra køen »{queue}«",
        ),
        (
            {"worker@vb": [""], "ocr@vb": [".ocr"]},
            "Baggrundsprocesserne (Celery-workerne) arbejder stadig; følg indlæsningen på "
            "/indlaesninger/r1.",
        ),
    ],
)
def test_a_stalled_run_names_a_queue_no_worker_takes_tasks_from(
    monkeypatch: pytest.MonkeyPatch, workers: dict[str, list[str]], reason: str
) -> None:
    """With only the pipeline's worker stopped, `ingest --wait` said "Workerne arbejder
    stadig": the OCR and embedding workers answered the ping, though neither takes the
    pipeline's tasks."""
    queue = get_settings().queue
    consumed = {
        worker: [queue + suffix for suffix in suffixes] for worker, suffixes in workers.items()
    }
    monkeypatch.setattr(celery_app.redis.Redis, "from_url", lambda *_args, **_kwargs: _Broker())
    monkeypatch.setattr(celery_app.app, "control", _Workers(consumed))
    assert celery_app.why_stalled("r1").startswith(reason.format(queue=queue))


def test_documents_waiting_for_meaning_name_the_queue_no_worker_takes() -> None:
    """Workers started as before the embedding queue existed take none of its tasks: `embed
    --wait` ran out of time saying only that documents were waiting."""
    queue = get_settings().queue
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(celery_app.redis.Redis, "from_url", lambda *_args, **_kwargs: _Broker())
        patch.setattr(
            celery_app.app, "control", _Workers({"worker@vb": [queue], "ocr@vb": [queue + ".ocr"]})
        )
        said = celery_app.why_embedding_stalled()
    assert said.startswith(
        f"Ingen baggrundsproces (Celery-worker) henter fra køen »{get_settings().embed_queue}«"
    )


def test_a_lost_queue_is_refilled_with_the_documents_waiting_to_be_embedded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """After a restart of Redis the unfinished files were queued again, but not the documents
    waiting to be embedded: 63 stayed unsearchable by meaning for good."""
    monkeypatch.setenv("VB_DATABASE_URL", f"sqlite:///{tmp_path / 'vidensbank.db'}")
    monkeypatch.setenv("VB_QUEUE", f"vbtest-lost-{tmp_path.name[-12:].lower()}")
    get_settings.cache_clear()
    migrate()
    with session_scope() as session:
        for document_id in ("ny", "indlejret", "trukket"):
            store_document(session, document_id, title="Om samvær", pages=["Tekst om samvær."])
        document_store.set_document_status(
            session, document_ids=["ny", "indlejret", "trukket"], status=DocumentStatus.INDEXED
        )
        document_store.mark_embedded(session, document_ids=["indlejret"], embedding_version="e5")
        document_store.withdraw_document(session, document_id="trukket", reason="Forkert fil.")
    sent: list[tuple[str, Any, str]] = []
    monkeypatch.setattr(
        celery_app.app,
        "send_task",
        lambda name, args, queue, **_: sent.append((name, args, queue)),
    )
    try:
        assert celery_app.recover_lost_queue() == 0
        assert sent == [(celery_app.EMBED_STEP, [["ny"]], get_settings().embed_queue)]
        # The queue's marker is back: nothing is queued again until the broker loses it.
        assert celery_app.recover_lost_queue() == 0 and len(sent) == 1
    finally:
        redis.Redis.from_url(get_settings().broker_url).delete(celery_app._marker_key())
        get_settings.cache_clear()
