"""A task that runs longer than the broker's visibility timeout is cut off before the broker
would hand its message to a second worker: no message is received twice, the slow file is
quarantined, and the files that shared its batch are indexed all the same."""

import re
import time
from pathlib import Path

from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import own_stack
from vidensbank.store.runs import IngestItem

VISIBILITY_TIMEOUT = 10


def test_a_long_task_is_stopped_before_it_is_delivered_twice(stack: None, run_dir: Path) -> None:
    folder = run_dir / "lang-opgave"
    folder.mkdir()
    # About 40 seconds of entity finding on this machine, four times the visibility timeout.
    sentence = "Kommunen har i år talt med mange børn og unge om deres hverdag i skolen. "
    (folder / "en-meget-lang-side.html").write_text(
        f"<html><body><p>{sentence * 40_000}</p></body></html>", encoding="utf-8"
    )
    # Five files go as batches of two (by name): the slow one has a companion in the first.
    for number in range(4):
        (folder / f"kort-side-{number}.html").write_text(
            f"<html><body><h1>Kort side {number}</h1><p>{sentence}</p></body></html>",
            encoding="utf-8",
        )
    log = run_dir / "time-limit-worker.log"
    with own_stack("limits", run_dir, VB_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT)) as own:
        worker = start_worker("limits", log, concurrency=1, env=own.env)
        try:
            report = ingest(folder, timeout=120, env=own.env)
            # Long enough for the broker to hand out an unacknowledged message again.
            time.sleep(2.5 * VISIBILITY_TIMEOUT)
            first_log = log.read_text()
            # The same file again: a time limit is no verdict on its bytes, so it is read again
            # (and stopped again, by the same short limit).
            again = ingest(folder / "en-meget-lang-side.html", timeout=120, env=own.env)
        finally:
            stop_worker(worker)
        assert [d["status"] for d in again["documents"]] == ["quarantined"], again
        assert len(_stopped(log.read_text())) > len(_stopped(first_log))

        statuses = {d["filename"]: d["status"] for d in report["documents"]}
        assert statuses.pop("en-meget-lang-side.html") == "quarantined", report
        assert set(statuses.values()) == {"indexed"} and len(statuses) == 4, report
        with own.session() as session:
            [item] = (
                session.query(IngestItem)
                .filter(
                    IngestItem.run_id == report["run_id"],
                    IngestItem.filename == "en-meget-lang-side.html",
                )
                .all()
            )
            assert item.reason_code == "too_slow"
            assert item.status == "quarantined"
    received = re.findall(r"Task ingest\.fetch_items\[([^\]]+)\] received", first_log)
    # Three batches, then the slow file's batch again as one task per file.
    assert len(received) == 5 and len(set(received)) == 5, received


def _stopped(log: str) -> list[str]:
    """The worker's notes of a task stopped by its time limit."""
    return re.findall(r"[Tt]ime limit \(.*\) exceeded for ingest\.fetch_items", log)
