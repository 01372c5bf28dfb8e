"""The search index: its settings, mapping and analysis chain, and its versioned lifecycle.

Searches and writes go through an alias; a reindex builds a fresh versioned index beside the
old one and swaps the alias in one atomic step, so readers never see a half-built index.
"""

import time
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from search_api.elastic import elastic_errors
from vidensbank.settings import get_settings

# The node from Maven Central's integ-test-zip has no analysis-common module, so the chain is
# built from what core Elasticsearch has; README.md records the components the node offers.
ANALYSIS: dict[str, Any] = {
    "analyzer": {
        "danish_text": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase"],
        },
    },
}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "danish_text"},
        "publisher": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "published": {"type": "date"},
        "year": {"type": "integer"},
        "filename": {"type": "keyword"},
        "source_uri": {"type": "keyword"},
        "authors": {"type": "text", "analyzer": "danish_text"},
        "target_age": {"type": "keyword"},
        "professional": {"type": "keyword"},
        "entities": {
            "properties": {
                "kb_id": {"type": "keyword"},
                "canonical": {"type": "keyword"},
                "label": {"type": "keyword"},
            }
        },
        "pages": {
            "type": "nested",
            "properties": {
                "number": {"type": "integer"},
                "text": {"type": "text", "analyzer": "danish_text"},
            },
        },
    },
}


def alias_name() -> str:
    return f"{get_settings().index_prefix}-documents"


def create_versioned_index(client: Elasticsearch) -> str:
    name = f"{alias_name()}-{time.time_ns()}"
    with elastic_errors():
        client.indices.create(
            index=name,
            settings={"number_of_shards": 1, "number_of_replicas": 0, "analysis": ANALYSIS},
            mappings=MAPPING,
        )
    return name


def indices_behind_alias(client: Elasticsearch) -> list[str]:
    with elastic_errors():
        try:
            return sorted(client.indices.get_alias(name=alias_name()).keys())
        except NotFoundError:
            return []


def ensure_index(client: Elasticsearch) -> None:
    """Create the first versioned index and its alias when there is none."""
    if indices_behind_alias(client):
        return
    name = create_versioned_index(client)
    with elastic_errors():
        client.indices.put_alias(index=name, name=alias_name())


def swap_alias(client: Elasticsearch, new_index: str) -> list[str]:
    """Point the alias at ``new_index`` atomically; return the indices it pointed at before."""
    old = indices_behind_alias(client)
    actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias_name()}}]
    actions += [{"remove": {"index": index, "alias": alias_name()}} for index in old]
    with elastic_errors():
        client.indices.update_aliases(actions=actions)
    return old
