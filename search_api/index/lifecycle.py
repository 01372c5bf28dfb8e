"""The search index: its settings, mapping and analysis chain, and its versioned lifecycle.

Searches and writes go through an alias; a reindex builds a fresh versioned index beside the
old one and swaps the alias in one atomic step, so readers never see a half-built index.

A build marks its index with the time it last wrote to it. A versioned index that no alias
points to and that no build has marked for ``ORPHAN_AFTER`` was left by a build that died
(killed, or Elasticsearch gone before it could delete its index), and the next reindex or
``init`` deletes it; a build going on in another process marks its index far more often.
"""

import datetime as dt
import logging
import re
import time
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from nlp_models.embeddings import DIMENSIONS
from search_api.index.analysis import (
    AnalysisOptions,
    analysis_settings,
    english_field,
    text_field,
)
from search_api.index.elastic import elastic_errors
from vidensbank.settings import get_settings

log = logging.getLogger(__name__)


def mapping(options: AnalysisOptions | None) -> dict[str, Any]:
    """The mapping; ``options=None`` gives the plain ``standard`` analyzer (the baseline)."""
    text = text_field(options)
    # A value over Lucene's term limit would fail the whole document; such a value is kept in
    # the source but not indexed for filtering.
    keyword = {"type": "keyword", "ignore_above": KEYWORD_MAX_CHARS}
    return {
        "dynamic": "strict",
        "_meta": {"mapping_version": MAPPING_VERSION},
        # The vectors are searched, never shown: out of the stored JSON they no longer weigh on
        # every hit that reads it (ten 384-dimension vectors are most of a short document). The
        # embed step's partial update sets all passages at once, so none is lost.
        "_source": {"excludes": ["passages.vector"]},
        "properties": {
            "id": keyword,
            "title": text,
            "body": text,
            # The numbers of the paragraphs the text refers to: "§ 52" finds these.
            "paragraphs": keyword,
            "authors": text,
            # English text also through the English chain: the title of an English document
            # and the text of its English pages (of a Danish document's too: an English
            # summary); empty for Danish text, which would gain nothing by it.
            "title_en": english_field(options),
            "body_en": english_field(options),
            # The document's language (ISO 639-1), for the facet.
            "language": keyword,
            "publisher": keyword,
            "kind": keyword,
            "published": {"type": "date"},
            "year": {"type": "integer"},
            "filename": keyword,
            "source_uri": keyword,
            # Editions of one text share it; results are collapsed on it.
            "edition_group": keyword,
            "has_editions": {"type": "boolean"},
            # Whether the passages are embedded (set by the embed step with them).
            "embedded": {"type": "boolean"},
            # The target age as given ("6-12 år"), for the facet, and the ages it names, so
            # that a search for an age finds every document whose range holds it.
            "target_age": keyword,
            "target_age_range": {"type": "integer_range"},
            # Filtered on without regard to case ("Lærer" finds "lærer"); the facet counts the
            # values as ingest wrote them, one way each, so it shows "AKT-lærer" as written.
            "professional": {
                **keyword,
                "normalizer": "lowercase",
                "fields": {"as_written": keyword},
            },
            "entities": {
                "properties": {
                    "kb_id": keyword,
                    "canonical": keyword,
                    "label": keyword,
                }
            },
            # Autocomplete over titles and, apart, entity names: a completion field gives one
            # suggestion a document, so with both in one field a document's name hid its own
            # title ("anbringelses": "Anbringelsesreformen" only, not the report
            # "Anbringelsessager i fem kommuner" that names it). Inputs are kept (and
            # suggested) whole up to 300 characters: at the default of 50 a long report title
            # came back cut in the middle of a word.
            "suggest": {"type": "completion", "analyzer": "simple", "max_input_length": 300},
            "suggest_title": {
                "type": "completion",
                "analyzer": "simple",
                "max_input_length": 300,
            },
            # Pages are highlighted from the offsets kept in the postings, not analysed again
            # for every hit, and from their own stored text, not from the whole document's
            # JSON read again for each hit; they need no exact spelling (the document's body
            # has it).
            "pages": {
                "type": "nested",
                "properties": {
                    "number": {"type": "integer"},
                    "text": text_field(options, exact=False, offsets=True) | {"store": True},
                    "text_en": english_field(options, offsets=True) | {"store": True},
                },
            },
            # The embedded passages (added by the embed step, after the words are searchable).
            "passages": {
                "type": "nested",
                "properties": {
                    "page": {"type": "integer"},
                    "vector": {
                        "type": "dense_vector",
                        "dims": DIMENSIONS,
                        "index": True,
                        # Unit vectors: the dot product is their cosine.
                        "similarity": "dot_product",
                        "index_options": {"type": "int8_hnsw"},
                    },
                },
            },
        },
    }


def index_settings(options: AnalysisOptions | None) -> dict[str, Any]:
    analysis = (
        analysis_settings(options)
        if options is not None
        else {
            "analyzer": {
                "da_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}
            }
        }
    )
    return {
        "number_of_shards": get_settings().es_shards,
        "number_of_replicas": get_settings().es_replicas,
        # Every page is a nested object: a document may have as many as ingest accepts.
        "mapping": {"nested_objects": {"limit": get_settings().max_pages}},
        "analysis": analysis,
    }


PRODUCTION = AnalysisOptions()

# Raise when the mapping or analysis changes: `vidensbank init` then rebuilds the index.
MAPPING_VERSION = 17
# Lucene refuses a term over 32,766 bytes; a character takes at most 4 in UTF-8.
KEYWORD_MAX_CHARS = 8000
# The key in an index's ``_meta`` of when a build last wrote to it (milliseconds since the
# epoch, as Elasticsearch gives an index's creation date).
BUILT_AT = "built_at"
# How often a build marks its index.
BUILD_MARK_INTERVAL = dt.timedelta(minutes=1)
# How long an index no alias points to may go unmarked before it is taken for a dead build's:
# a build that is alive goes at most a bulk request and the final refresh, each with their
# retries (minutes at worst), between two marks.
ORPHAN_AFTER = dt.timedelta(minutes=10)


def alias_name() -> str:
    return f"{get_settings().index_prefix}-documents"


def create_versioned_index(
    client: Elasticsearch, options: AnalysisOptions | None = PRODUCTION, name: str | None = None
) -> str:
    name = name or f"{alias_name()}-{time.time_ns()}"
    mappings = mapping(options) | {"_meta": _build_meta()}
    with elastic_errors():
        client.indices.create(index=name, settings=index_settings(options), mappings=mappings)
    return name


def _build_meta() -> dict[str, int]:
    # The whole of ``_meta``: Elasticsearch replaces it, never merges it.
    return {"mapping_version": MAPPING_VERSION, BUILT_AT: _now_ms()}


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def mark_building(client: Elasticsearch, index: str) -> None:
    """Record that a build is writing ``index`` now."""
    with elastic_errors():
        client.indices.put_mapping(index=index, meta=_build_meta())


def delete_orphans(client: Elasticsearch) -> list[str]:
    """Delete the versioned indices that no alias points to and that no build has marked for
    ``ORPHAN_AFTER``; return their names."""
    versioned = re.compile(rf"{re.escape(alias_name())}-\d+")
    unmarked_since = _now_ms() - ORPHAN_AFTER // dt.timedelta(milliseconds=1)
    with elastic_errors():
        indices = client.indices.get(
            index=f"{alias_name()}-*",
            filter_path=["*.aliases", "*.mappings._meta", "*.settings.index.creation_date"],
        )
    orphans = []
    for name, index in sorted(indices.items()):
        if not versioned.fullmatch(name) or index.get("aliases"):
            continue
        meta = index.get("mappings", {}).get("_meta", {})
        # An index made before builds marked theirs counts from its creation.
        marked = int(meta.get(BUILT_AT, index["settings"]["index"]["creation_date"]))
        if marked < unmarked_since:
            orphans.append(name)
    for name in orphans:
        log.warning("deleting %s: no alias points to it and no build has written to it", name)
        with elastic_errors():
            client.indices.delete(index=name, ignore_unavailable=True)
    return orphans


def indices_behind_alias(client: Elasticsearch) -> list[str]:
    with elastic_errors():
        try:
            return sorted(client.indices.get_alias(name=alias_name()).keys())
        except NotFoundError:
            return []


def live_mapping_version(client: Elasticsearch) -> int | None:
    """The mapping version of the index behind the alias (None when there is none)."""
    indices = indices_behind_alias(client)
    if not indices:
        return None
    with elastic_errors():
        mappings = client.indices.get_mapping(index=indices[0])[indices[0]]["mappings"]
    return int(mappings.get("_meta", {}).get("mapping_version", 1))


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
