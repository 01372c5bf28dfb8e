"""The enrich step: find the entities of every page of a document and store them."""

from nlp_models.entities import get_finder, summarize
from vidensbank import repository
from vidensbank.celery_app import PIPELINE_RETRY, PipelineTask, app, enqueue
from vidensbank.db import session_scope
from vidensbank.models import DocumentStatus, ItemStatus
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
        mentions = finder.find_in_pages([(page.number, page.text) for page in document.pages])
        repository.replace_entities(
            session,
            document_id=document.id,
            entities=[summary.model_dump() for summary in summarize(mentions)],
        )
        document.model_version = finder.version
        document.status = DocumentStatus.ENRICHED
    enqueue("index.document", item_id)
