"""Index names of a test's own on the session's Elasticsearch node."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from elasticsearch import Elasticsearch

from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from vidensbank.settings import get_settings
from vidensbank.store.db import migrate


@contextmanager
def own_index_names(patch: pytest.MonkeyPatch, name: str) -> Iterator[Elasticsearch]:
    """A client on index names of this test's own, with no index behind them yet (and the
    database a write asks which documents were withdrawn meanwhile); every index of those
    names is deleted after."""
    patch.setenv("VB_INDEX_PREFIX", f"vbtest-{name}-{uuid.uuid4().hex[:8]}")
    get_settings.cache_clear()
    migrate()
    client = get_client()
    try:
        yield client
    finally:
        for index in client.indices.get(index=f"{alias_name()}-*"):
            client.indices.delete(index=index)
        get_settings.cache_clear()
