"""How files are queued in batches, and what a user reads when a step of the pipeline gives up."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from vidensbank import celery_app
from vidensbank.celery_app import _failure


def test_a_system_failure_is_told_in_plain_danish_without_technical_names() -> None:
    status, code, reason = _failure("enrich.documents", ValueError("boom"))
    assert (status, code) == ("failed", "system")
    assert "finde navnene i teksten" in reason
    assert "filen er gemt" in reason.lower() and "Prøv at indlæse filen igen" in reason
    for technical in ("enrich.documents", "ValueError", "boom", "Systemfejl", "trinnet"):
        assert technical not in reason


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
    [(1, [1]), (3, [1, 1, 1]), (9, [3, 3, 3]), (40, [8] * 5), (20, [5] * 4), (10, [3, 3, 3, 1])],
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
    from ingest.tasks import fetch_items

    fetch_items.on_failure(SoftTimeLimitExceeded(), "task-id", ([7, 8, 9],), {}, None)
    assert sent == [
        (celery_app.FIRST_STEP, [7]),
        (celery_app.FIRST_STEP, [8]),
        (celery_app.FIRST_STEP, [9]),
    ]
