"""What the run pages show of an ingest run: how far it has come, counted by status, and the
files that need someone's attention. ``static/progress.js`` keeps the numbers current from the
run's JSON twin while the run is going."""

from dataclasses import dataclass

from search_api.api.schemas import IngestItemPublic, IngestRunPublic
from vidensbank.store.runs import ItemStatus

# The statuses a file ends in; progress.js reads them from the page, so they live in one place.
FINAL_STATUSES = " ".join(sorted(ItemStatus.FINAL))
# Statuses that leave a file out of the search, so the run list names those files.
PROBLEMS = frozenset({ItemStatus.QUARANTINED, ItemStatus.FAILED})


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str  # Danish
    count: int


@dataclass(frozen=True)
class RunProgress:
    run: IngestRunPublic
    total: int
    done: int  # files with a final status
    counts: list[StatusCount]  # every status, in the order of ItemStatus, zeros included
    problems: list[IngestItemPublic]  # files that were quarantined or failed

    @property
    def finished(self) -> bool:
        return self.done == self.total


def run_progress(run: IngestRunPublic) -> RunProgress:
    return RunProgress(
        run=run,
        total=len(run.documents),
        done=sum(item.status in ItemStatus.FINAL for item in run.documents),
        counts=[
            StatusCount(status.value, status.label, run.counts.get(status.value, 0))
            for status in ItemStatus
        ],
        problems=[item for item in run.documents if item.status in PROBLEMS],
    )
