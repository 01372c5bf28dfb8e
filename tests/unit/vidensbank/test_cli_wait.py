"""What `ingest --wait` (and `crawl --wait`) exits with once every file of its run is done."""

import argparse

import pytest

from ingest.runs import record_run
from search_api.index import indexer
from vidensbank.cli import _follow
from vidensbank.store import runs as run_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.runs import ItemStatus, NewItem


def _finished_run(statuses: list[ItemStatus]) -> str:
    """A run whose files ended with these statuses."""
    migrate()
    with session_scope() as session:
        run_id, item_ids = record_run(
            session,
            items=[
                NewItem(
                    filename=f"fil-{number}.pdf",
                    location=f"file:///test/wait/fil-{number}.pdf",
                    source_uri=f"file:///test/wait/fil-{number}.pdf",
                    source_metadata={},
                )
                for number in range(len(statuses))
            ],
        )
        for item_id, status in zip(item_ids, statuses, strict=True):
            run_store.finish_item(
                session,
                item_id=item_id,
                status=status,
                reason_code="too_slow" if status == ItemStatus.QUARANTINED else "system",
                reason="Årsagen.",
            )
    return run_id


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([ItemStatus.FAILED] * 3, 1),
        ([ItemStatus.INDEXED, ItemStatus.FAILED, ItemStatus.QUARANTINED], 1),
        ([ItemStatus.INDEXED, ItemStatus.QUARANTINED, ItemStatus.UNCHANGED], 0),
    ],
)
def test_a_run_with_failed_files_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    statuses: list[ItemStatus],
    code: int,
) -> None:
    """With the blob folder full every file of a run failed, with a reason to try again, and
    `ingest --wait` exited 0 as if all had gone in. A quarantined file is the run's verdict
    on it, not a failure of the run."""
    monkeypatch.setattr(indexer, "refresh", lambda _client: None)
    run_id = _finished_run(statuses)
    assert _follow(run_id, argparse.Namespace(timeout=5, json=True)) == code
    error = capsys.readouterr().err
    failures = statuses.count(ItemStatus.FAILED)
    assert (f"{failures} af {len(statuses)} filer fejlede" in error) == bool(failures)
