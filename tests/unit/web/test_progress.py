"""How far a run has come, as the run pages show it."""

import datetime as dt

from search_api.api.schemas import IngestItemPublic, IngestRunPublic
from vidensbank.store.runs import ItemStatus
from web.progress import FINAL_STATUSES, run_progress


def item(status: str) -> IngestItemPublic:
    return IngestItemPublic(
        filename=f"{status}.pdf",
        source_uri=None,
        status=status,
        id=None,
        reason_code=None,
        reason=None,
    )


def test_progress_counts_final_files_and_lists_every_status_in_order() -> None:
    statuses = ["indexed", "pending", "quarantined", "indexed", "failed"]
    run = IngestRunPublic(
        run_id="r",
        created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        counts={"indexed": 2, "pending": 1, "quarantined": 1, "failed": 1},
        documents=[item(s) for s in statuses],
    )
    progress = run_progress(run)
    assert (progress.done, progress.total, progress.finished) == (4, 5, False)
    assert [(c.status, c.label, c.count) for c in progress.counts] == [
        ("pending", "venter", 1),
        ("indexed", "søgbar", 2),
        ("unchanged", "uændret", 0),
        ("quarantined", "i karantæne", 1),
        ("failed", "fejlet", 1),
        ("withdrawn", "trukket tilbage", 0),
        ("held", "tilbageholdt", 0),
    ]
    assert [i.status for i in progress.problems] == ["quarantined", "failed"]
    assert set(FINAL_STATUSES.split()) == set(ItemStatus.FINAL)


def test_an_empty_run_is_finished() -> None:
    run = IngestRunPublic(
        run_id="r", created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), counts={}, documents=[]
    )
    assert run_progress(run).finished
