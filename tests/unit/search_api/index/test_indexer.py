"""Writing a batch to the index on a real Elasticsearch node: the first batch of a new
installation makes the index, and a document the index refuses is still an error."""

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import BulkIndexError

from search_api.index import indexer
from search_api.index.document import to_index_document
from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name, indices_behind_alias
from vidensbank.settings import get_settings
from vidensbank.store.documents import Document


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Elasticsearch]:
    """A client on index names of this test's own, with no index behind them yet."""
    monkeypatch.setenv("VB_INDEX_PREFIX", f"vbtest-indexer-{uuid.uuid4().hex[:8]}")
    get_settings.cache_clear()
    client = get_client()
    try:
        yield client
    finally:
        for index in indices_behind_alias(client):
            client.indices.delete(index=index)
        get_settings.cache_clear()


def document(document_id: str) -> Document:
    return Document(
        id=document_id,
        source_uri=f"file:///{document_id}.pdf",
        filename=f"{document_id}.pdf",
        title="Børns inddragelse i egen sag",
        authors=[],
        extra={},
        pages=[],
        entities=[],
    )


def test_the_first_batch_makes_the_index_and_the_next_goes_straight_in(
    client: Elasticsearch,
) -> None:
    assert indices_behind_alias(client) == []
    indexer.put_documents(client, [to_index_document(document("a"))])
    [index] = indices_behind_alias(client)
    indexer.put_documents(client, [to_index_document(document("b"))])
    assert indices_behind_alias(client) == [index]
    indexer.refresh(client)
    assert client.count(index=alias_name())["count"] == 2


def test_a_document_the_index_refuses_is_an_error(client: Elasticsearch) -> None:
    indexer.put_documents(client, [to_index_document(document("a"))])
    refused = to_index_document(document("b")).model_copy(
        update={"target_age_range": {"gte": 12, "lte": 3}}
    )
    with pytest.raises(BulkIndexError):
        indexer.put_documents(client, [refused])
