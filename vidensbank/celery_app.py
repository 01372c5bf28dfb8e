"""The Celery application every worker and producer shares.

Tasks are acknowledged late and rejected when their worker dies, so a killed worker's task goes
back to the queue instead of being lost; every task is idempotent, so running one twice is safe.
Each step of the data flow keeps its tasks in its own ``tasks.py``; steps hand work on by task
name, so no step imports a later one.
"""

from typing import Any

from celery import Celery, Task
from sqlalchemy.exc import OperationalError

from vidensbank import repository
from vidensbank.db import session_scope
from vidensbank.errors import DependencyUnavailableError
from vidensbank.settings import get_settings

TASK_MODULES = ["ingest.tasks", "nlp_models.tasks", "search_api.tasks"]


def create_app() -> Celery:
    settings = get_settings()
    celery = Celery("vidensbank", broker=settings.broker_url, include=TASK_MODULES)
    celery.conf.update(
        task_default_queue=settings.queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout},
        worker_hijack_root_logger=False,
    )
    return celery


app = create_app()

# How every pipeline task retries when a dependency is down; bad input is never retried.
PIPELINE_RETRY: dict[str, Any] = {
    "autoretry_for": (DependencyUnavailableError, OperationalError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": get_settings().task_max_retries,
}


class PipelineTask(Task):
    """A step of the ingest pipeline; its only argument is the ingest item id.

    When a task gives up (its retries are spent on a dependency that stays down, or an
    unexpected error), the item is marked failed with the reason, so nothing is lost silently.
    """

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        item_id = args[0] if args else kwargs.get("item_id")
        if item_id is None:
            return
        with session_scope() as session:
            repository.finish_item(
                session,
                item_id=item_id,
                status="failed",
                reason_code="system",
                reason=f"Systemfejl i trinnet {self.name}: {type(exc).__name__}. "
                "Filen er gemt; kør indlæsningen igen, når fejlen er rettet.",
            )


def enqueue(task_name: str, item_id: int) -> None:
    """Hand an item on to the next step (call only after the step's commit)."""
    app.send_task(task_name, args=[item_id], queue=get_settings().queue)
