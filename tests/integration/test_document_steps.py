"""Steps keyed on the document: re-enrich exactly the stale documents, re-index exactly one."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from vidensbank.settings import PROJECT_ROOT
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus

VIDENSBANK = str(Path(sys.executable).parent / "vidensbank")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VIDENSBANK, *args],
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def indexed_ids(report: dict[str, Any]) -> list[str]:
    return sorted(d["id"] for d in report["documents"] if d["status"] == "indexed")


def index_state() -> dict[str, tuple[int, str]]:
    """Each document's sequence number and title in the live index."""
    client = get_client()
    client.indices.refresh(index=alias_name())
    hits = client.search(
        index=alias_name(),
        size=1000,
        seq_no_primary_term=True,
        source={"includes": ["title"]},
        query={"match_all": {}},
    )["hits"]["hits"]
    return {hit["_id"]: (hit["_seq_no"], hit["_source"]["title"]) for hit in hits}


def test_reenrich_stale_runs_exactly_the_stale_documents(corpus_report: dict[str, Any]) -> None:
    ids = indexed_ids(corpus_report)
    stale = {ids[0]: "model_version", ids[1]: "model_version", ids[2]: "kb_version"}
    with session_scope() as session:
        for document_id, field in stale.items():
            document = session.get(Document, document_id)
            assert document is not None
            setattr(document, field, "gammel-1")
    with session_scope() as session:
        before = {d.id: d.updated_at for d in session.query(Document).filter(Document.id.in_(ids))}
    seq_before = index_state()

    assert cli("reenrich").returncode == 2
    result = cli("reenrich", "--stale")
    assert result.returncode == 0, result.stderr
    assert "3 dokumenter" in result.stderr

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with session_scope() as session:
            done = [
                d
                for d in session.query(Document).filter(Document.id.in_(stale))
                if d.status == DocumentStatus.INDEXED
                and "gammel-1" not in (d.model_version, d.kb_version)
            ]
        if len(done) == len(stale):
            break
        time.sleep(0.5)
    assert len(done) == len(stale)
    with session_scope() as session:
        after = {d.id: d.updated_at for d in session.query(Document).filter(Document.id.in_(ids))}
    assert {i for i in ids if after[i] != before[i]} == set(stale)
    seq_after = index_state()
    assert {i for i in ids if seq_after[i][0] != seq_before[i][0]} == set(stale)


def test_reindex_one_id_updates_only_that_document(corpus_report: dict[str, Any]) -> None:
    ids = indexed_ids(corpus_report)
    target = ids[-1]
    with session_scope() as session:
        document = session.get(Document, target)
        assert document is not None
        document.title = "En rettet titel fra en kurator"
    before = index_state()

    result = cli("reindex", target)
    assert result.returncode == 0, result.stderr

    after = index_state()
    assert after[target][1] == "En rettet titel fra en kurator"
    assert {i for i in before if after[i][0] != before[i][0]} == {target}
