"""The index step: put an enriched document into Elasticsearch, or take a quarantined one out.

Documents are indexed without waiting for a refresh: a run becomes searchable once, when it
is done (``vidensbank ingest --wait`` refreshes the index then), or within a second anyway.
"""

from search_api.index import indexer
from search_api.index.document import to_index_document
from search_api.index.elastic import get_client
from vidensbank.celery_app import PIPELINE_RETRY, DocumentTask, app
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.db import session_scope
from vidensbank.store.documents import DocumentStatus
from vidensbank.store.runs import ItemStatus


@app.task(name="index.document", bind=True, base=DocumentTask, **PIPELINE_RETRY)
def index_document(self: DocumentTask, document_id: str) -> None:
    with session_scope() as session:
        document = document_store.get_document(session, document_id=document_id)
        if document is None:
            return
        if document.status == DocumentStatus.QUARANTINED:
            body = None
        elif document.status in (DocumentStatus.ENRICHED, DocumentStatus.INDEXED):
            body = to_index_document(document)
        else:
            return

    client = get_client()
    if body is None:
        indexer.delete_document(client, document_id)
        return
    indexer.index_document(client, body)
    with session_scope() as session:
        document_store.set_document_status(
            session, document_id=document_id, status=DocumentStatus.INDEXED
        )
        run_store.settle_items(session, document_id=document_id, status=ItemStatus.INDEXED)
