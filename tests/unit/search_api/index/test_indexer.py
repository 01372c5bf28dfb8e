"""Writing to the index on a real Elasticsearch node: the first batch of a new installation
makes the index, a document the index refuses is still an error, `init` fills a new index from
a database that has documents, and what a build that died left behind is deleted, but not the
index of a build going on."""

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import BulkIndexError

from search_api.index import indexer
from search_api.index.document import IndexDocument, to_index_document
from search_api.index.lifecycle import (
    BUILT_AT,
    MAPPING_VERSION,
    ORPHAN_AFTER,
    alias_name,
    create_versioned_index,
    delete_orphans,
    ensure_index,
    indices_behind_alias,
)
from tests.documents import store_document
from tests.index_names import own_index_names
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, DocumentStatus


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Elasticsearch]:
    with own_index_names(monkeypatch, "indexer") as client:
        yield client


@pytest.fixture
def database(
    client: Elasticsearch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[int], None]:
    """A database of this test's own; the function stores that many indexable documents."""
    monkeypatch.setenv("VB_DATABASE_URL", f"sqlite:///{tmp_path / 'vidensbank.db'}")
    # Nothing is queued for the embed step: the test needs no broker.
    monkeypatch.setenv("VB_EMBEDDINGS", "false")
    get_settings.cache_clear()
    migrate()

    def add(count: int) -> None:
        ids = [f"dok-{number}" for number in range(count)]
        with session_scope() as session:
            for document_id in ids:
                store_document(
                    session,
                    document_id,
                    title=f"Rapport {document_id} om inddragelse af børn",
                    pages=["Børn skal inddrages i deres egen sag."],
                )
            document_store.set_document_status(
                session, document_ids=ids, status=DocumentStatus.INDEXED
            )

    return add


def indices(client: Elasticsearch) -> list[str]:
    """Every index of this test's prefix, with an alias or without."""
    return sorted(client.indices.get(index=f"{alias_name()}-*"))


def last_marked(client: Elasticsearch, index: str, when: dt.datetime) -> None:
    """Make ``index`` look as if a build last wrote to it at ``when``."""
    marked = int(when.timestamp() * 1000)
    client.indices.put_mapping(
        index=index, meta={"mapping_version": MAPPING_VERSION, BUILT_AT: marked}
    )


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


def test_a_new_index_is_filled_from_a_database_that_has_documents(
    client: Elasticsearch, database: Callable[[int], None]
) -> None:
    """`vidensbank init` over a database with documents and no index yet (a new index prefix)
    made an empty index and said it was ready: nothing could be found until a reindex."""
    database(3)
    built = indexer.ensure_current(client)
    assert built is not None and built[1] == 3
    assert indices_behind_alias(client) == [built[0]]
    assert client.count(index=alias_name())["count"] == 3


def test_an_empty_database_gets_an_empty_index(
    client: Elasticsearch, database: Callable[[int], None]
) -> None:
    database(0)
    assert indexer.ensure_current(client) is None
    [index] = indices_behind_alias(client)
    assert client.count(index=index)["count"] == 0


@pytest.mark.parametrize("run", [indexer.reindex, indexer.ensure_current], ids=["reindex", "init"])
def test_the_index_of_a_build_that_died_is_deleted_but_not_one_being_built(
    client: Elasticsearch, database: Callable[[int], None], run: Callable[[Elasticsearch], Any]
) -> None:
    """A reindex killed while building (or whose Elasticsearch went away before it could
    delete its half index) left a versioned index with no alias, and no later reindex or init
    ever deleted it."""
    database(2)
    ensure_index(client)
    dead = create_versioned_index(client)
    client.index(index=dead, id="dok-0", document={"title": "Halvt bygget"})
    last_marked(client, dead, dt.datetime.now(dt.UTC) - ORPHAN_AFTER - dt.timedelta(minutes=1))
    # Another process's build that wrote a moment ago, and a measurement's index by name.
    building = create_versioned_index(client)
    measured = create_versioned_index(client, name=f"{alias_name()}-standard")
    last_marked(client, measured, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    run(client)
    [live] = indices_behind_alias(client)
    assert indices(client) == sorted({live, building, measured})


def test_a_build_marks_its_index_as_it_goes(
    client: Elasticsearch, database: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What keeps a reindex in another process from deleting the index being built: the build
    marks it, however long it has been going."""
    monkeypatch.setattr(indexer, "BUILD_MARK_INTERVAL", dt.timedelta(0))
    deleted: list[str] = []

    def documents() -> Iterator[IndexDocument]:
        yield to_index_document(document("a"))
        (building,) = indices(client)
        last_marked(client, building, dt.datetime.now(dt.UTC) - 2 * ORPHAN_AFTER)
        yield to_index_document(document("b"))
        deleted.extend(delete_orphans(client))
        yield to_index_document(document("c"))

    index, count = indexer.build_index(client, documents=documents())
    assert deleted == []
    assert count == 3 and indices(client) == [index]
