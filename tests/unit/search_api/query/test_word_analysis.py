"""What the index makes of a query's words (on a real index of this test's own): a name that
stands only among a document's authors is spelt right."""

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from search_api.index import indexer
from search_api.index.document import to_index_document
from search_api.index.lifecycle import alias_name
from search_api.query.search import _analyze
from tests.index_names import own_index_names
from vidensbank.store.documents import Document, Page


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Elasticsearch]:
    with own_index_names(monkeypatch, "ord") as client:
        yield client


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
