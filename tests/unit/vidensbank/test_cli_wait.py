"""What `ingest --wait` (and `crawl --wait`) exits with once every file of its run is done."""

import argparse
import json

import pytest

from ingest.runs import record_run
from search_api.index import indexer
from vidensbank import celery_app
from vidensbank.cli import _follow, main
from vidensbank.store import runs as run_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.runs import ItemStatus, NewItem


def _finished_run(statuses: list[ItemStatus]) -> str:
    """A run whose files ended with these statuses (a pending one has not ended)."""
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
            if status == ItemStatus.PENDING:
                continue
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


def test_the_report_names_each_status_in_danish(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report printed the codes ("indexed", "quarantined"); --json keeps them."""
    monkeypatch.setattr(indexer, "refresh", lambda _client: None)
    run_id = _finished_run([ItemStatus.INDEXED, ItemStatus.QUARANTINED, ItemStatus.FAILED])
    assert _follow(run_id, argparse.Namespace(timeout=5, json=False)) == 1
    out, error = capsys.readouterr()
    assert out.splitlines() == [
        "søgbar          fil-0.pdf – Årsagen.",
        "i karantæne     fil-1.pdf – Årsagen.",
        "fejlet          fil-2.pdf – Årsagen.",
    ]
    assert error == "1 af 3 filer fejlede; den kan indlæses igen.\n"
    assert _follow(run_id, argparse.Namespace(timeout=5, json=True)) == 1
    statuses = [document["status"] for document in json.loads(capsys.readouterr().out)["documents"]]
    assert statuses == ["indexed", "quarantined", "failed"]


def test_a_timeout_is_told_in_whole_seconds_and_in_the_singular(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "Tidsgrænsen på 60.0 s blev nået; 1 filer venter stadig"."""
    monkeypatch.setattr(celery_app, "why_stalled", lambda run_id: f"Se /indlaesninger/{run_id}.")
    run_id = _finished_run([ItemStatus.INDEXED, ItemStatus.PENDING])
    assert _follow(run_id, argparse.Namespace(timeout=0.0, json=True)) == 2
    assert capsys.readouterr().err == (
        f"Tidsgrænsen på 0 s blev nået; 1 fil venter stadig. Se /indlaesninger/{run_id}.\n"
    )


@pytest.mark.parametrize("command", [["ingest", "--wait", "mappe"], ["embed", "--wait"]])
@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "ti"])
def test_a_time_limit_that_is_no_positive_number_is_refused(
    command: list[str], timeout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--timeout -1`` was taken, and the command waited not at all and said nothing of it."""
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--timeout", timeout])
    assert exit_.value.code == 2
    assert "argumentet --timeout: skal være et" in capsys.readouterr().err
