"""The enrich step: find the entities of every page of a document and store them."""

from celery.signals import worker_init

from nlp_models.entities import get_finder, summarize
from vidensbank import repository
from vidensbank.celery_app import PIPELINE_RETRY, PipelineTask, app, enqueue
from vidensbank.db import session_scope
from vidensbank.models import Document, DocumentStatus, ItemStatus
from vidensbank.settings import get_settings


@worker_init.connect
def _load_finder(**_kwargs: object) -> None:
    """Load the model in the worker's main process, before it forks its children: they share
    it, and no task's time limit pays for loading it."""
    get_finder(get_settings().kb_dir)


@app.task(
    name="enrich.entities",
    bind=True,
    base=PipelineTask,
    **PIPELINE_RETRY,
)
def enrich_entities(self: PipelineTask, item_id: int) -> None:
    finder = get_finder(get_settings().kb_dir)
    with session_scope() as session:
        item = repository.get_item(session, item_id=item_id)
        if item is None or item.status in ItemStatus.FINAL or item.document_id is None:
            return
        document = repository.get_document(session, document_id=item.document_id)
        if document is None:
            return
        pages = [(page.number, page.text) for page in document.pages]
        document_id = document.id
    mentions = finder.find_in_pages(pages)
    with session_scope() as session:
        repository.replace_entities(
            session,
            document_id=document_id,
            entities=[summary.model_dump() for summary in summarize(mentions)],
        )
        repository.set_document_status(
            session, document_id=document_id, status=DocumentStatus.ENRICHED
        )
        stored = session.get(Document, document_id)
        if stored is not None:
            stored.model_version = finder.version
    enqueue("index.document", item_id, pages=len(pages))
