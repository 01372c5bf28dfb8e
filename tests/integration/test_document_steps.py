"""Steps keyed on the document: re-enrich exactly the stale documents, re-index exactly one.

Both change stored documents, so they work in a stack of their own on a few corpus files.
"""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search_api.index.elastic import get_client
from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import Stack, own_stack
from vidensbank.store.documents import Document, DocumentStatus

FILES = 6


@pytest.fixture(scope="module")
def steps(stack: None, corpus: Path, run_dir: Path) -> Iterator[tuple[Stack, list[str]]]:
    """The stack, with a worker on it, and the ids of the documents it indexed."""
    folder = run_dir / "trin"
    folder.mkdir()
    for path in sorted(corpus.glob("*.pdf"))[:FILES]:
        shutil.copy(path, folder / path.name)
    with own_stack("steps", run_dir) as own:
        worker = start_worker("steps", run_dir / "steps-worker.log", concurrency=1, env=own.env)
        try:
            report = ingest(folder, env=own.env)
            yield own, indexed_ids(report)
        finally:
            stop_worker(worker)


def indexed_ids(report: dict[str, Any]) -> list[str]:
    return sorted(d["id"] for d in report["documents"] if d["status"] == "indexed")


def index_state(own: Stack) -> dict[str, tuple[int, str]]:
    """Each document's sequence number and title in the stack's live index."""
    client = get_client()
    client.indices.refresh(index=own.alias)
    hits = client.search(
        index=own.alias,
        size=1000,
        seq_no_primary_term=True,
        source={"includes": ["title"]},
        query={"match_all": {}},
    )["hits"]["hits"]
    return {hit["_id"]: (hit["_seq_no"], hit["_source"]["title"]) for hit in hits}


def test_reenrich_stale_runs_exactly_the_stale_documents(steps: tuple[Stack, list[str]]) -> None:
    own, ids = steps
    assert len(ids) == FILES
    stale = {ids[0]: "model_version", ids[1]: "model_version", ids[2]: "kb_version"}
    with own.session() as session:
        for document_id, field in stale.items():
            document = session.get(Document, document_id)
            assert document is not None
            setattr(document, field, "gammel-1")
    with own.session() as session:
        before = {d.id: d.updated_at for d in session.query(Document).filter(Document.id.in_(ids))}
    seq_before = index_state(own)

    assert own.cli("reenrich").returncode == 2
    result = own.cli("reenrich", "--stale")
    assert result.returncode == 0, result.stderr
    assert "3 dokumenter" in result.stderr

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with own.session() as session:
            done = [
                d.id
                for d in session.query(Document).filter(Document.id.in_(stale))
                if d.status == DocumentStatus.INDEXED
                and "gammel-1" not in (d.model_version, d.kb_version)
            ]
        if len(done) == len(stale):
            break
        time.sleep(0.5)
    assert len(done) == len(stale)
    with own.session() as session:
        after = {d.id: d.updated_at for d in session.query(Document).filter(Document.id.in_(ids))}
    assert {i for i in ids if after[i] != before[i]} == set(stale)
    seq_after = index_state(own)
    assert {i for i in ids if seq_after[i][0] != seq_before[i][0]} == set(stale)


def test_reenrich_runs_a_named_document_again_though_it_is_current(
    steps: tuple[Stack, list[str]],
) -> None:
    """ "reenrich ID" on a document made by the current model said "sat i kø", and the step
    then skipped it as unchanged, in 0.03 s."""
    own, ids = steps
    named = ids[5]
    with own.session() as session:
        before = {d.id: d.updated_at for d in session.query(Document).filter(Document.id.in_(ids))}
    seq_before = index_state(own)
    result = own.cli("reenrich", named)
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with own.session() as session:
            document = session.get(Document, named)
            assert document is not None
            if document.updated_at != before[named] and document.model_version is not None:
                break
        time.sleep(0.5)
    with own.session() as session:
        after = {d.id: d.updated_at for d in session.query(Document).filter(Document.id.in_(ids))}
    assert {i for i in ids if after[i] != before[i]} == {named}
    deadline = time.monotonic() + 30
    while index_state(own)[named][0] == seq_before[named][0] and time.monotonic() < deadline:
        time.sleep(0.5)
    seq_after = index_state(own)
    assert {i for i in ids if seq_after[i][0] != seq_before[i][0]} == {named}


def test_reextract_stale_reads_again_exactly_the_documents_of_an_old_extractor(
    steps: tuple[Stack, list[str]],
) -> None:
    """A new extractor version (this week's cleanup of titles and text) reached only files
    ingested again: stored documents kept what the old version had made of them."""
    own, ids = steps
    old = {ids[3], ids[4]}
    with own.session() as session:
        for document_id in old:
            document = session.get(Document, document_id)
            assert document is not None
            document.extractor_version = "pdf-0"
            document.title = "Titel fra en gammel indlæser"
    before = index_state(own)

    assert own.cli("reextract").returncode == 2
    result = own.cli("reextract", "--stale")
    assert result.returncode == 0, result.stderr
    assert "2 dokumenter" in result.stderr

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with own.session() as session:
            done = [
                d.id
                for d in session.query(Document).filter(Document.id.in_(old))
                if d.status == DocumentStatus.INDEXED and d.extractor_version != "pdf-0"
            ]
        if len(done) == len(old):
            break
        time.sleep(0.5)
    assert len(done) == len(old)
    after = index_state(own)
    assert {i for i in ids if after[i][0] != before[i][0]} == old
    assert not any(after[i][1] == "Titel fra en gammel indlæser" for i in old)


def test_reindex_one_id_updates_only_that_document(steps: tuple[Stack, list[str]]) -> None:
    own, ids = steps
    target = ids[-1]
    with own.session() as session:
        document = session.get(Document, target)
        assert document is not None
        document.title = "En rettet titel fra en kurator"
    before = index_state(own)

    result = own.cli("reindex", target)
    assert result.returncode == 0, result.stderr

    after = index_state(own)
    assert after[target][1] == "En rettet titel fra en kurator"
    assert {i for i in before if after[i][0] != before[i][0]} == {target}


def test_a_new_version_that_cannot_be_read_takes_the_old_one_out_of_search(
    steps: tuple[Stack, list[str]], run_dir: Path
) -> None:
    """A file that arrives again truncated is quarantined; the version before it stayed in
    search (first for its title, in the entity filter) while its page answered 404, as a new
    file is recorded as pending; and ``reindex ID`` said it could not be read and left it."""
    own, ids = steps
    target = ids[0]
    with own.session() as session:
        document = session.get(Document, target)
        assert document is not None
        path = run_dir / "trin" / document.filename
    assert target in index_state(own)
    path.write_bytes(path.read_bytes()[:2000])
    report = ingest(path.parent, env=own.env)
    assert {d["id"]: d["status"] for d in report["documents"]}[target] == "quarantined"
    deadline = time.monotonic() + 30
    while target in index_state(own) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert target not in index_state(own)

    # Put back as if an older build had left it there: naming it takes it out.
    get_client().index(index=own.alias, id=target, document={"title": "Gammel udgave"})
    assert own.cli("reindex", target).returncode == 1
    assert target not in index_state(own)
