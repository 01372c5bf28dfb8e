"""The index step: put an enriched document into Elasticsearch, or take a quarantined one out."""

from search_api.documents import to_index_document
from search_api.elastic import get_client
from search_api.indexer import delete_document, index_document
from vidensbank import repository
from vidensbank.celery_app import PIPELINE_RETRY, PipelineTask, app
from vidensbank.db import session_scope
from vidensbank.models import DocumentStatus, ItemStatus


@app.task(name="index.document", bind=True, base=PipelineTask, **PIPELINE_RETRY)
def index_item(self: PipelineTask, item_id: int) -> None:
    with session_scope() as session:
        item = repository.get_item(session, item_id=item_id)
        if item is None or item.document_id is None:
            return
        document = repository.get_document(session, document_id=item.document_id)
        if document is None:
            return
        if document.status == DocumentStatus.QUARANTINED:
            document_id, body = document.id, None
        elif item.status in ItemStatus.FINAL:
            return
        else:
            document_id, body = document.id, to_index_document(document)

    client = get_client()
    if body is None:
        delete_document(client, document_id)
        return
    index_document(client, body)
    with session_scope() as session:
        repository.set_document_status(
            session, document_id=document_id, status=DocumentStatus.INDEXED
        )
        repository.finish_item(
            session, item_id=item_id, status=ItemStatus.INDEXED, document_id=document_id
        )
