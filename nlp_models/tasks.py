"""The enrich step: find the entities of every page of a document and store them."""

from celery.exceptions import SoftTimeLimitExceeded

from nlp_models.entities import get_finder, summarize
from vidensbank import repository
from vidensbank.celery_app import PIPELINE_RETRY, PipelineTask, app, enqueue
from vidensbank.db import session_scope
from vidensbank.errors import too_slow
from vidensbank.models import Document, DocumentStatus, ItemStatus
from vidensbank.settings import get_settings


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
    try:
        mentions = finder.find_in_pages(pages)
    except SoftTimeLimitExceeded:
        error = too_slow("finde navnene i teksten")
        with session_scope() as session:
            repository.set_document_status(
                session,
                document_id=document_id,
                status=DocumentStatus.QUARANTINED,
                reason_code=error.code,
                reason=error.message,
            )
            repository.finish_item(
                session,
                item_id=item_id,
                status=ItemStatus.QUARANTINED,
                reason_code=error.code,
                reason=error.message,
            )
        # Takes out of the index what an earlier ingest of the same source put there.
        enqueue("index.document", item_id)
        return
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
