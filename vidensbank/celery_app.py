"""The Celery application every worker and producer shares.

Tasks are acknowledged late and rejected when their worker dies, so a killed worker's task goes
back to the queue instead of being lost; every task is idempotent, so running one twice is safe.
Each step of the data flow keeps its tasks in its own ``tasks.py``; steps hand work on by task
name, so no step imports a later one.

Two more guards keep a run from being lost or stuck:
- Every task has a time limit that grows with the document's pages and stays below the broker's
  visibility timeout, so a long task is cut off (and its file quarantined) before the broker
  would hand the same message to a second worker.
- A Redis broker without persistence forgets its queue when it restarts. A marker key lives in
  Redis beside the queue and vanishes with it; whoever finds it missing (a worker, every few
  seconds, or ``vidensbank ingest``) puts every unfinished item from SQL back on the queue.
"""

import logging
import math
import threading
import time
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

import redis
from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.schedules import crontab
from celery.signals import worker_ready
from kombu import Queue
from kombu.exceptions import KombuError
from sqlalchemy.exc import OperationalError

from vidensbank.errors import (
    DependencyUnavailableError,
    ReasonCode,
    SourceUnavailableError,
    too_slow,
)
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.db import session_scope
from vidensbank.store.runs import ItemStatus

log = logging.getLogger(__name__)

TASK_MODULES = ["ingest.tasks", "nlp_models.tasks", "search_api.index.tasks"]
FIRST_STEP = "ingest.fetch_items"
CRAWL_TASK = "crawl.source"
PRUNE_ORIGINALS_TASK = "ingest.prune_originals"
PRUNE_VECTORS_TASK = "embed.prune_vectors"
# Files go through the pipeline a few at a time: the entity pipeline, the database and the index
# all work faster on several documents at once than on each alone. A small run still spreads
# over the workers: it is cut into at least MIN_BATCHES tasks when it has that many files.
# Sixteen rather than eight: 0.4 s less of a 264-file run's 25 beyond its engines' (measured in
# one process, bench/RESULTS.md), the worker's peak memory the same.
BATCH_FILES = 16
MIN_BATCHES = 4

# The share of the visibility timeout every time limit stays under, and the share of that the
# soft limit leaves to the task to record why it stopped.
_VISIBILITY_SHARE = 0.8
_GRACE_SHARE = 0.2
# What each step was doing, for the reason of a file that ran out of time.
STEP_NAMES = {
    "ingest.fetch_items": "hente filen",
    "extract.documents": "læse filen",
    "enrich.documents": "finde navnene i teksten",
    "editions.documents": "finde andre udgaver af dokumentet",
    "index.documents": "lægge dokumentet i søgeindekset",
    "ocr.documents": "læse de skannede sider med tekstgenkendelse (OCR)",
}
# The steps with a queue of their own: OCR takes seconds a page, so a long scan waits on its own
# queue instead of holding up every other document; embedding takes a third of a second a
# passage, and its backlog (a large ingest, a new model) would otherwise keep every file that
# comes after it from being searchable by its words for as long.
OCR_STEP = "ocr.documents"
EMBED_STEP = "embed.documents"
# How often a worker checks that the broker still has its queue.
QUEUE_CHECK_SECONDS = 5.0


def _configuration() -> dict[str, Any]:
    settings = get_settings()
    return {
        "broker_url": settings.broker_url,
        "task_default_queue": settings.queue,
        # A worker started without -Q consumes all three queues; scripts/run.sh gives the OCR
        # and the embedding queue workers of their own (README).
        "task_queues": [
            Queue(settings.queue),
            Queue(settings.ocr_queue),
            Queue(settings.embed_queue),
        ],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_ignore_result": True,
        "worker_prefetch_multiplier": 1,
        "worker_max_memory_per_child": settings.worker_max_memory_mb * 1024,
        "broker_connection_retry_on_startup": True,
        "broker_transport": "vidensbank.broker:Transport",
        "broker_transport_options": {"visibility_timeout": settings.broker_visibility_timeout},
        "worker_hijack_root_logger": False,
        "beat_schedule": {**crawl_schedule(), **MAINTENANCE_SCHEDULE},
    }


# Every night: the originals and the passage vectors nothing refers to any more
# (ingest/tasks.py, search_api/index/tasks.py).
MAINTENANCE_SCHEDULE: dict[str, dict[str, Any]] = {
    "prune-originals": {"task": PRUNE_ORIGINALS_TASK, "schedule": crontab(minute=17, hour=3)},
    "prune-vectors": {"task": PRUNE_VECTORS_TASK, "schedule": crontab(minute=47, hour=3)},
}


def crawl_schedule() -> dict[str, dict[str, Any]]:
    """Celery beat's entries: each publisher crawled at the times ``VB_CRAWL_SCHEDULE`` gives
    (crontab fields in UTC: minute, hour, day of month, month, day of week).

    A crawl is acknowledged when a worker takes it, not when it ends: it may run for longer
    than the broker's visibility timeout, and must not be handed to a second worker meanwhile
    (a crawl lost with its worker comes again at its next time)."""
    settings = get_settings()
    schedule = {}
    for source, times in settings.crawl_schedule.items():
        minute, hour, day_of_month, month_of_year, day_of_week = times.split()
        schedule[f"crawl-{source}"] = {
            "task": CRAWL_TASK,
            "schedule": crontab(
                minute=minute,
                hour=hour,
                day_of_month=day_of_month,
                month_of_year=month_of_year,
                day_of_week=day_of_week,
            ),
            "args": [source],
            "options": {
                "queue": settings.queue,
                "time_limit": settings.crawl_time_limit,
                "soft_time_limit": settings.crawl_time_limit * (1 - _GRACE_SHARE),
            },
        }
    return schedule


app = Celery("vidensbank", include=TASK_MODULES)
# Celery calls this the first time the app is used (a task sent, a worker started), not at
# import, so whoever sets the environment before that is heard, whatever was imported first.
app.add_defaults(_configuration)


# The step running in this worker process: ``hand_on`` runs later steps inside the task that
# took the file in, so a failure names the step it happened in, not the first.
_running_step: ContextVar[str | None] = ContextVar("running_step", default=None)


class PipelineTask(Task):
    """A step of the pipeline. Its retry limit is read from the settings when a retry is due,
    not when the task is declared at import."""

    @property
    def max_retries(self) -> int:
        return get_settings().task_max_retries

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Put back only when the step succeeds: after a failure, ``on_failure`` reads the step
        # that failed.
        token = _running_step.set(self.name)
        result = super().__call__(*args, **kwargs)
        _running_step.reset(token)
        return result


# How every pipeline task retries when a dependency is down; bad input is never retried.
PIPELINE_RETRY: dict[str, Any] = {
    "autoretry_for": (DependencyUnavailableError, OperationalError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


def time_limits(pages: int | None, task_name: str | None = None) -> tuple[float, float]:
    """Soft and hard time limits of a task on a document of ``pages`` pages (``None``: not yet
    known, so the most any task may have). OCR has its own time per page."""
    settings = get_settings()
    hard_cap = settings.broker_visibility_timeout * _VISIBILITY_SHARE
    soft_cap = hard_cap * (1 - _GRACE_SHARE)
    if task_name == OCR_STEP:
        wanted = settings.task_time_limit + settings.ocr_page_seconds * (pages or 1)
    else:
        wanted = settings.task_time_limit + settings.task_time_per_page * max((pages or 1) - 1, 0)
    soft = soft_cap if pages is None else min(wanted, soft_cap)
    return soft, min(soft / (1 - _GRACE_SHARE), hard_cap)


def _failure(task_name: str, exc: BaseException) -> tuple[str, str, str]:
    """The status, code and Danish reason of a task that gave up.

    Stopped by its time limit, the file took longer than its pages allow: its fault, so it is
    quarantined. Anything else (a dependency down through every retry, a bug) is a failure: the
    server a file is fetched from being down is told as such, anything else is ours. The reason
    is for the people who ingest files, so it names no task or exception: Celery logs those with
    the traceback in the worker's log ("Task … raised unexpected: …").

    A task killed at its hard time limit is reported by the worker's main process, which does
    not know the step its child was in."""
    running = None if isinstance(exc, TimeLimitExceeded) else _running_step.get() or task_name
    step = STEP_NAMES.get(running or "", "behandle filen")
    if isinstance(exc, SoftTimeLimitExceeded | TimeLimitExceeded):
        error = too_slow(step)
        return ItemStatus.QUARANTINED, error.code, error.message
    if isinstance(exc, SourceUnavailableError):
        return ItemStatus.FAILED, ReasonCode.FETCH_FAILED, exc.message
    # The fetch step stores the file only once it has fetched it and its document is
    # recorded (ingest/tasks.py); every later step works on a stored file.
    if running == FIRST_STEP:
        kept = "filen blev ikke gemt. Prøv at indlæse den igen senere"
    else:
        kept = "filen er gemt, så intet er tabt. Prøv at indlæse filen igen senere"
    return (
        ItemStatus.FAILED,
        "system",
        f"Vidensbank fik en fejl, da den skulle {step}. Fejlen ligger hos os, og {kept}; sker "
        "det igen, så kontakt dem, der driver Vidensbank.",
    )


class ItemTask(PipelineTask):
    """The step that takes files of an ingest run in; its only argument is their item ids."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        item_ids: list[int] = args[0] if args else kwargs.get("item_ids", [])
        if len(item_ids) > 1:
            # One file's fault (too slow, or a bug it triggers) must not be its companions':
            # each goes through again alone, and only the guilty one ends up refused.
            for item_id in item_ids:
                enqueue(FIRST_STEP, [item_id])
            return
        for item_id in item_ids:
            _fail_item(item_id, *_failure(self.name, exc))


def _fail_item(item_id: int, status: str, code: str, reason: str) -> None:
    with session_scope() as session:
        item = run_store.get_item(session, item_id=item_id)
        document_id = item.document_id if item is not None else None
    if document_id is not None:
        # The later steps ran inside this task: their document shares its fate.
        _settle_document(document_id, status, code, reason)
    with session_scope() as session:
        run_store.finish_item(
            session, item_id=item_id, status=status, reason_code=code, reason=reason
        )


def _settle_document(document_id: str, status: str, code: str, reason: str) -> None:
    with session_scope() as session:
        if status == ItemStatus.QUARANTINED:
            document_store.quarantine_document(
                session, document_id=document_id, reason_code=code, reason=reason
            )
        else:
            run_store.settle_items(
                session, document_ids=[document_id], status=status, reason_code=code, reason=reason
            )


class DocumentTask(PipelineTask):
    """A step on stored documents (extract, enrich, index); its only argument is their
    ids. When it gives up, the documents' waiting items learn why, so nothing is lost silently."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        document_ids: list[str] = args[0] if args else kwargs.get("document_ids", [])
        for document_id in document_ids:
            _settle_document(document_id, *_failure(self.name, exc))


def only_embeds(worker: Any) -> bool:
    """Whether a starting worker (``worker_init``'s sender) takes tasks from the embedding queue
    alone (its ``-Q``), as the embedding worker of ``scripts/run.sh`` does."""
    queues = worker.app.amqp.queues
    return set(queues.consume_from or queues) == {get_settings().embed_queue}


def enqueue(
    task_name: str, keys: Sequence[int] | Sequence[str], *, pages: int | None = None
) -> None:
    """Hand items or documents on to a step (call only after the step's commit); ``pages`` is
    how many pages they have together, when known."""
    soft, hard = time_limits(pages, task_name)
    settings = get_settings()
    queue = {OCR_STEP: settings.ocr_queue, EMBED_STEP: settings.embed_queue}.get(
        task_name, settings.queue
    )
    app.send_task(
        task_name,
        args=[list(keys)],
        queue=queue,
        soft_time_limit=soft,
        time_limit=hard,
    )


def enqueue_files(item_ids: Sequence[int]) -> None:
    """Queue a run's files for the first step, a batch to a task."""
    size = max(1, min(BATCH_FILES, math.ceil(len(item_ids) / MIN_BATCHES)))
    for start in range(0, len(item_ids), size):
        enqueue(FIRST_STEP, item_ids[start : start + size])


def require_broker(refused: str) -> None:
    """Refuse a write that hands work on to a step before anything of it is stored, when the
    broker does not answer: ``DependencyUnavailableError`` saying ``refused`` (what was not done,
    in Danish) and why. A write stored first and then not queued was never carried out."""
    client = redis.Redis.from_url(get_settings().broker_url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise DependencyUnavailableError(
            f"{refused} Køen (Redis) svarer ikke lige nu. Prøv igen om lidt."
        ) from exc
    finally:
        client.close()


def enqueue_stored(
    task_name: str, document_ids: Sequence[str], *, pages: int | None = None
) -> None:
    """``enqueue`` the step of a curator's write that is committed already (``require_broker``
    found the broker answering before): a broker that failed since is logged, not raised, for
    the write stands and its documents wait for the step's own command (``reextract --stale``,
    ``reenrich --stale``, ``reindex ID``)."""
    try:
        enqueue(task_name, document_ids, pages=pages)
    except KombuError as exc:
        log.warning("%s not queued for %s: %s", task_name, ", ".join(document_ids), exc)


def hand_on(task_name: str, document_ids: Sequence[str]) -> None:
    """Run the next step on documents at once, in this worker process.

    A document goes through extract, enrich and index inside the task that took it in, with no
    trip through the queue between steps; each step is still a task of its own, which
    ``vidensbank reenrich`` and a lost queue's recovery put on the queue alone. A failure in a
    later step is the failure of the task that runs it, so nothing is lost.
    """
    if document_ids:
        app.tasks[task_name](list(document_ids))


def _marker_key() -> str:
    return f"vidensbank:queue-alive:{get_settings().queue}"


def recover_lost_queue() -> int:
    """When the broker has lost the queue (its marker is gone), enqueue every unfinished item
    again, and every document waiting to be embedded, and return how many items; otherwise 0.
    Running a task twice is harmless. (The documents were left unsearchable by meaning for
    good: 63 of them after a restart of Redis.)"""
    settings = get_settings()
    client = redis.Redis.from_url(settings.broker_url, socket_timeout=5)
    try:
        if not client.set(_marker_key(), "1", nx=True):
            return 0
    finally:
        client.close()
    with session_scope() as session:
        item_ids = run_store.unfinished_item_ids(session, queue=settings.queue)
        unembedded = (
            document_store.waiting_for_embedding_ids(session) if settings.embeddings else []
        )
    enqueue_files(item_ids)
    for document_id in unembedded:
        enqueue(EMBED_STEP, [document_id])
    if item_ids or unembedded:
        log.warning(
            "the broker had lost its queue; %d unfinished items and %d documents to embed "
            "queued again",
            len(item_ids),
            len(unembedded),
        )
    return len(item_ids)


def why_stalled(run_id: str) -> str:
    """A Danish sentence on why the run's queued work does not move: no broker, or no worker
    on it. The settings know no address the web pages are served at, so the run's page is
    named by its path."""
    settings = get_settings()
    if not _broker_answers():
        return "Køen (Redis) svarer ikke; filerne sættes i kø igen, når den er tilbage."
    if not _consumed(settings.queue):
        return (
            f"Ingen baggrundsproces (Celery-worker) henter fra køen »{settings.queue}«; start "
            "en, så fortsætter indlæsningen."
        )
    return (
        "Baggrundsprocesserne (Celery-workerne) arbejder stadig; følg indlæsningen på "
        f"/indlaesninger/{run_id}."
    )


def why_embedding_stalled() -> str:
    """A Danish sentence on why documents wait to be embedded: no broker, or no worker on the
    embedding queue (one started as the pipeline's alone, as before that queue existed)."""
    settings = get_settings()
    if not _broker_answers():
        return "Køen (Redis) svarer ikke."
    if not _consumed(settings.embed_queue):
        return (
            f"Ingen baggrundsproces (Celery-worker) henter fra køen »{settings.embed_queue}«; "
            "start en (som scripts/run.sh gør), så bliver dokumenterne søgbare på betydning."
        )
    return "Baggrundsprocessen (Celery-workeren) for betydning arbejder stadig."


def _broker_answers() -> bool:
    try:
        redis.Redis.from_url(get_settings().broker_url, socket_timeout=5).ping()
    except redis.RedisError:
        return False
    return True


def _consumed(queue: str) -> bool:
    """Whether a worker that answers within two seconds takes tasks from ``queue``: the OCR
    and embedding workers answer too, but take none of the pipeline's."""
    replies = app.control.inspect(timeout=2).active_queues() or {}
    return any(info["name"] == queue for queues in replies.values() for info in queues)


def _watch_queue() -> None:
    while True:
        time.sleep(QUEUE_CHECK_SECONDS)
        try:
            recover_lost_queue()
        except (redis.RedisError, OperationalError, OSError) as exc:
            # The broker or the database is down; the next check tries again.
            log.info("queue check skipped: %s", exc)


@worker_ready.connect
def _start_queue_watch(**_kwargs: Any) -> None:
    try:
        recover_lost_queue()
    except (redis.RedisError, OperationalError, OSError) as exc:
        log.info("queue check at start skipped: %s", exc)
    threading.Thread(target=_watch_queue, name="queue-watch", daemon=True).start()
