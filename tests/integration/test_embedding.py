"""The embed step on the real stack: documents become searchable by meaning after their words,
on a queue of their own that new files never wait behind, and a passage is embedded once,
whatever copies and reindexes follow."""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import redis
from sqlalchemy import func, select

from nlp_models.embeddings import EMBEDDING_VERSION
from search_api.index.elastic import get_client
from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import Stack, own_stack
from vidensbank.settings import get_settings
from vidensbank.store.documents import Document
from vidensbank.store.vectors import PassageVector

FILES = 3


@pytest.fixture(scope="module")
def embedded(stack: None, corpus: Path, run_dir: Path) -> Iterator[tuple[Stack, Path]]:
    """A stack with embeddings on, a few corpus files ingested and embedded, and its folder."""
    folder = run_dir / "betydning"
    folder.mkdir()
    for path in sorted(corpus.glob("*.pdf"))[:FILES]:
        shutil.copy(path, folder / path.name)
    with own_stack("embed", run_dir, VB_EMBEDDINGS="true") as own:
        worker = start_worker("embed", run_dir / "embed-worker.log", concurrency=1, env=own.env)
        try:
            ingest(folder, env=own.env)
            result = own.cli("embed", "--wait", "--timeout", "300", timeout=360)
            assert result.returncode == 0, result.stderr
            yield own, folder
        finally:
            stop_worker(worker)


def vector_rows(own: Stack) -> int:
    with own.session() as session:
        return int(session.scalar(select(func.count()).select_from(PassageVector)) or 0)


def documents_with_passages(own: Stack) -> int:
    client = get_client()
    client.indices.refresh(index=own.alias)
    query = {"nested": {"path": "passages", "query": {"exists": {"field": "passages.vector"}}}}
    with_passages = int(client.count(index=own.alias, query=query)["count"])
    # Search ranks by meaning the documents flagged embedded, and the others by their words.
    flagged = client.count(index=own.alias, query={"term": {"embedded": True}})["count"]
    assert flagged == with_passages
    return with_passages


def test_indexed_documents_become_searchable_by_meaning(embedded: tuple[Stack, Path]) -> None:
    own, _folder = embedded
    with own.session() as session:
        versions = list(session.scalars(select(Document.embedding_version)))
    assert versions and set(versions) == {EMBEDDING_VERSION}
    assert documents_with_passages(own) == FILES
    assert vector_rows(own) >= FILES


def test_a_copy_and_a_reindex_embed_nothing_again(embedded: tuple[Stack, Path]) -> None:
    own, folder = embedded
    rows = vector_rows(own)
    copy = folder / "kopi"
    copy.mkdir()
    original = sorted(folder.glob("*.pdf"))[0]
    shutil.copy(original, copy / f"kopi-af-{original.name}")
    report = ingest(copy, env=own.env)
    assert [d["status"] for d in report["documents"]] == ["indexed"]
    # The copy's passages were all known: it was indexed with its vectors at once.
    assert documents_with_passages(own) == FILES + 1
    with own.session() as session:
        document = session.get(Document, report["documents"][0]["id"])
        assert document is not None and document.embedding_version == EMBEDDING_VERSION

    result = own.cli("reindex")
    assert result.returncode == 0, result.stderr
    assert documents_with_passages(own) == FILES + 1
    assert vector_rows(own) == rows


def test_a_document_written_without_its_passages_is_embedded_again(
    embedded: tuple[Stack, Path],
) -> None:
    """Whatever the database recorded: a new title (a redaction changes one) gives every
    passage new text, so a reindex writes the document without passages; it is then queued
    and embedded again instead of staying out of the search by meaning for good."""
    own, _folder = embedded
    with own.session() as session:
        document = session.scalars(select(Document).order_by(Document.id)).first()
        assert document is not None and document.embedding_version == EMBEDDING_VERSION
        document_id = document.id
        document.title = f"{document.title} (rettet)"
    result = own.cli("reindex", document_id)
    assert result.returncode == 0, result.stderr
    client = get_client()
    query = {
        "bool": {
            "filter": [
                {"ids": {"values": [document_id]}},
                {"nested": {"path": "passages", "query": {"exists": {"field": "passages.vector"}}}},
            ]
        }
    }
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        client.indices.refresh(index=own.alias)
        if client.count(index=own.alias, query=query)["count"] == 1:
            break
        time.sleep(0.5)
    assert client.count(index=own.alias, query=query)["count"] == 1
    with own.session() as session:
        document = session.get(Document, document_id)
        assert document is not None and document.embedding_version == EMBEDDING_VERSION


def test_new_files_do_not_wait_behind_documents_waiting_to_be_embedded(
    stack: None, corpus: Path, run_dir: Path
) -> None:
    """Workers as scripts/run.sh starts them: the pipeline's on its own and the OCR queue, the
    embedding worker on the embedding queue. While nothing embeds, embedding work piles up on
    its queue, and a new file is still searchable by its words at once; the embedding worker
    (at the lowest CPU priority, without the entity model) then makes them all searchable by
    meaning."""
    files = sorted(corpus.glob("*.pdf"))[:2]
    with own_stack("embedkoe", run_dir, VB_EMBEDDINGS="true") as own:
        queue = own.env["VB_QUEUE"]
        ocr_queue, embed_queue = f"{queue}.ocr", f"{queue}.embed"
        broker = redis.Redis.from_url(own.env.get("VB_BROKER_URL", get_settings().broker_url))
        pipeline = start_worker(
            "koe", run_dir / "koe-worker.log", env=own.env, queues=[queue, ocr_queue]
        )
        try:
            for number, path in enumerate(files, start=1):
                folder = run_dir / f"koe-{number}"
                folder.mkdir()
                shutil.copy(path, folder / path.name)
                report = ingest(folder, env=own.env)
                assert [d["status"] for d in report["documents"]] == ["indexed"]
                # Searchable by its words at once, with the embedding still to come.
                assert broker.llen(embed_queue) == number
                assert broker.llen(queue) == 0
            assert documents_with_passages(own) == 0
        finally:
            stop_worker(pipeline)
        embedding = start_worker(
            "koe-embed", run_dir / "koe-embed-worker.log", env=own.env, queues=[embed_queue]
        )
        try:
            # Without the entity model the main process holds ~180 MB; with it, ~390.
            main = psutil.Process(embedding.pid)
            assert main.memory_info().rss < 300 * 1024 * 1024
            # At the lowest priority, its children too, and its session's group where the
            # kernel has them.
            assert {p.nice() for p in [main, *main.children()]} == {19}
            group = Path(f"/proc/{embedding.pid}/autogroup")
            if group.exists():
                assert group.read_text().split()[-1] == "19"
            # Queued again by the command too: a document embedded twice is embedded once.
            result = own.cli("embed", "--wait", "--timeout", "300", timeout=360)
            assert result.returncode == 0, result.stderr
            assert documents_with_passages(own) == 2
        finally:
            stop_worker(embedding)
