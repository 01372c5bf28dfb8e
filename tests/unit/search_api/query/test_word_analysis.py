"""What the index makes of a query's words (on a real index of this test's own): a name that
stands only among a document's authors is spelt right."""

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from search_api.index import indexer
from search_api.index.document import to_index_document
from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from search_api.query.search import _analyze
from vidensbank.settings import get_settings
from vidensbank.store.db import migrate
from vidensbank.store.documents import Document, Page


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Elasticsearch]:
    monkeypatch.setenv("VB_INDEX_PREFIX", f"vbtest-ord-{uuid.uuid4().hex[:8]}")
    get_settings.cache_clear()
    migrate()  # a write asks the database which documents were withdrawn meanwhile
    client = get_client()
    try:
        yield client
    finally:
        for index in client.indices.get(index=f"{alias_name()}-*"):
            client.indices.delete(index=index)
        get_settings.cache_clear()


def test_a_name_only_among_the_authors_is_offered_no_correction(client: Elasticsearch) -> None:
    """A curator added "Åse Ørum-Læssøe" to a report's authors; its text does not name her,
    and "Læssøe" was answered "Mente du læste?"."""
    report = Document(
        id="rapport",
        source_uri="file:///rapport.pdf",
        filename="rapport.pdf",
        title="Anbragte børns skolegang",
        authors=["Åse Ørum-Læssøe"],
        extra={},
        pages=[Page(number=1, text="Børnene læste mere, end lærerne troede.")],
        entities=[],
    )
    indexer.put_documents(client, [to_index_document(report)])
    indexer.refresh(client)
    analysis = _analyze(("Læssøe", "mrere"), alias_name())
    assert analysis["Læssøe"].spelt_right and analysis["Læssøe"].found
    # A typo still gets its correction.
    assert not analysis["mrere"].spelt_right and analysis["mrere"].corrections == ["mere"]
