"""How Danish writes what a query asks for, searched on a real index of this test's own: a
genitive after an abbreviation, a word joined by hyphens, and the quotation marks of Danish
keyboards."""

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from search_api.index import indexer
from search_api.index.document import to_index_document
from search_api.query.builder import QueryOptions, SearchParams
from search_api.query.search import search
from tests.index_names import own_index_names
from vidensbank.store.documents import Document, Page

TEXTS = {
    "vuc-lige": "VUC tilbyder forløb for unge, der har forladt skolen.",
    "vuc-lige-apostrof": "VUC's forløb er for unge, der har forladt skolen.",
    "vuc-krum-apostrof": "VUC’s vejledere taler med de unge om skolen.",
    "taastrup": "Høje-Taastrup Kommune har lavet en plan for anbragte unge.",
    "hoeje-krav": "Der stilles høje krav til plejefamilier.",
    "tryg-projekt": "Projektet Tryg i skolen hjælper elever med at komme i skole.",
    "tryg-ord": "Et barn skal være tryg, også når skolen er svær.",
}


@pytest.fixture(scope="module")
def client() -> Iterator[Elasticsearch]:
    with pytest.MonkeyPatch.context() as patch, own_index_names(patch, "stav") as client:
        documents = [
            Document(
                id=slug,
                source_uri=f"file:///{slug}.html",
                filename=f"{slug}.html",
                title="Notat",
                authors=[],
                extra={},
                pages=[Page(number=1, text=text)],
                entities=[],
            )
            for slug, text in TEXTS.items()
        ]
        indexer.put_documents(client, [to_index_document(d) for d in documents])
        indexer.refresh(client)
        yield client


def found(query: str) -> set[str]:
    response = search(SearchParams(q=query, size=20), options=QueryOptions(dense=False))
    return {result.id for result in response.results}


def test_an_abbreviation_is_found_in_the_genitive_with_either_apostrophe(
    client: Elasticsearch,
) -> None:
    """ "PPR's" was a word of its own: "PPR", "PPR's" and "PPR’s" found three sets of
    documents."""
    every = {"vuc-lige", "vuc-lige-apostrof", "vuc-krum-apostrof"}
    assert found("VUC") == found("VUC's") == found("VUC’s") == every


def test_a_hyphenated_word_needs_its_parts_together(client: Elasticsearch) -> None:
    """ "Høje-Taastrup" found every "høje" (22 documents where none has "Taastrup")."""
    assert found("Høje-Taastrup") == {"taastrup"}
    assert found("Høje Taastrup") == {"taastrup"}


def test_danish_quotation_marks_make_a_phrase(client: Elasticsearch) -> None:
    """„Tryg i skolen“ copied from a report found 45 documents of its words, against 1 for
    the phrase in straight quotes."""
    assert found('"Tryg i skolen"') == {"tryg-projekt"}
    assert found("„Tryg i skolen“") == found("«Tryg i skolen»") == {"tryg-projekt"}
