"""Starting an ingest run: list the sources, record one item per entry, then queue them."""

from collections.abc import Sequence
from pathlib import Path

import redis
from sqlalchemy.orm import Session

from ingest.sources import SourceItem, is_web_address, item_from_url, items_from_path
from ingest.sources.folder import manifest_refusal
from vidensbank.celery_app import enqueue_files, recover_lost_queue
from vidensbank.errors import DependencyUnavailableError, ExtractionError, ReasonCode
from vidensbank.settings import get_settings
from vidensbank.store import runs as run_store
from vidensbank.store.db import session_scope
from vidensbank.store.runs import ItemStatus, NewItem


def list_sources(targets: Sequence[str], *, manifests: bool = True) -> list[SourceItem]:
    """Every entry of the given paths and URLs, refused ones included, each identity once;
    with ``manifests``, also the unusable manifest beside a file given alone (a retry of one
    file leaves it out: it is that file again, not a new run of its folder)."""
    items: list[SourceItem] = []
    for target in targets:
        if is_web_address(target):
            items.append(item_from_url(target))
            continue
        if manifests and (refusal := manifest_refusal(Path(target))) is not None:
            items.append(refusal)
        items.extend(items_from_path(Path(target)))
    return _refuse_duplicates(items)


def _refuse_duplicates(items: list[SourceItem]) -> list[SourceItem]:
    """A second entry with the identity of an earlier one (two manifest entries with the same
    ``source_url``) would overwrite the same document: it is refused, naming the first."""
    first: dict[str, SourceItem] = {}
    result = []
    for item in items:
        if item.refusal is None and (earlier := first.get(item.source_uri)) is not None:
            item = item.refuse(
                ExtractionError(
                    ReasonCode.DUPLICATE,
                    f"Filen har samme kilde som »{earlier.filename}« i denne indlæsning; "
                    "kun den første er indlæst.",
                )
            )
        elif item.refusal is None:
            first[item.source_uri] = item
        result.append(item)
    return result


def start_run(items: Sequence[SourceItem]) -> str:
    """Record a run with one item per entry and queue the readable ones; return the run id.

    Refused entries are final at once. Items are queued only after the commit, so a worker
    always finds their rows; a queue the broker lost is refilled first.
    """
    recover_queue()
    with session_scope() as session:
        run_id, queued = record_run(
            session,
            items=[
                NewItem(
                    filename=s.filename,
                    location=s.location,
                    source_uri=s.source_uri,
                    source_metadata=s.metadata,
                    reason_code=s.refusal.code if s.refusal else None,
                    reason=s.refusal.reason if s.refusal else None,
                    document_id=s.document_id,
                )
                for s in items
            ],
        )
    enqueue_files(queued)
    return run_id


def recover_queue() -> None:
    """Refill a queue the broker lost, before new work is put on it (a run, or documents for
    a step again); with the broker down, say so in Danish before anything is started."""
    try:
        recover_lost_queue()
    except redis.RedisError as exc:
        raise DependencyUnavailableError(
            "Køen (Redis) svarer ikke, så intet er sat i gang. Start den, og prøv igen."
        ) from exc


def record_run(session: Session, *, items: Sequence[NewItem]) -> tuple[str, list[int]]:
    """A new run with these items on the settings' queue: its id, and the items to queue
    (with ``enqueue_files``) once the session is committed."""
    run = run_store.create_run(session, queue=get_settings().queue, items=items)
    return run.id, [item.id for item in run.items if item.status == ItemStatus.PENDING]


def run_progress(run_id: str) -> tuple[int, int, int]:
    """How many of a run's files there are, how many are done, and how many of those failed
    or were refused."""
    with session_scope() as session:
        counts = run_store.status_counts(session, run_id=run_id)
    done = sum(n for status, n in counts.items() if status in ItemStatus.FINAL)
    failed = counts.get(ItemStatus.QUARANTINED, 0) + counts.get(ItemStatus.FAILED, 0)
    return sum(counts.values()), done, failed
