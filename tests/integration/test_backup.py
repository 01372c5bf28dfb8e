"""Backup and restore on the real stack: a store with documents, a curator's correction, a
collection and a withdrawn document is backed up with `vidensbank backup`, restored with
`vidensbank restore` into a fresh database, blob folder and index (another stack), and
answers the same searches with the same corrections; on SQLite and on PostgreSQL (Debian's
server that scripts/start_services.sh starts on 127.0.0.1:5433)."""

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from search_api.api.corrections import document_corrections
from search_api.index.elastic import get_client
from search_api.index.indexer import reindex
from tests.accounts import add, csrf, logged_in
from tests.conftest import TEST_PREFIX
from tests.documents import store_document
from tests.stacks import Stack, own_stack
from vidensbank.cli import main
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.audit import AuditEvent
from vidensbank.store.blobs import BlobStore
from vidensbank.store.collections import CollectionEntry
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus
from web.app import app

PG_PORT = os.environ.get("VB_PG_PORT", "5433")
CURATOR = "sikkerhed@eksempel.dk"
DOCUMENTS = {
    "backup-inddragelse": (
        "Inddragelse af børn i egen sag",
        dt.date(2022, 3, 1),
        "Børn skal inddrages i deres egen sag. Samtalen med barnet er kommunens pligt, og "
        "barnets perspektiv skal fremgå af den børnefaglige undersøgelse.",
    ),
    "backup-underretning": (
        "Underretninger fra skolen",
        dt.date(2023, 5, 1),
        "Når en lærer er bekymret for et barn, skal skolen underrette kommunen. Underretningen "
        "skal beskrive bekymringen, og barnet bør inddrages i samtalen om den.",
    ),
    "backup-pleje": (
        "Børn i plejefamilier",
        dt.date(2021, 9, 15),
        "Anbragte børn i plejefamilier fortæller om samvær, skoleskift og om at blive hørt. "
        "Plejefamilien er for mange børn et trygt sted at vokse op.",
    ),
    "backup-bisidder": (
        "Bisidder for børn og unge",
        dt.date(2024, 1, 10),
        "En bisidder kan støtte barnet ved samtaler med kommunen. Barnet vælger selv sin "
        "bisidder, og kommunen skal oplyse barnet om muligheden.",
    ),
}
QUERIES: list[dict[str, Any]] = [
    {"q": "inddragelse af børn"},
    {"q": "underretning skole"},
    {"q": "plejefamilie"},
    {"q": "barnet", "sort": "newest"},
    {"sort": "newest"},
]


@contextmanager
def postgres_databases(*names: str) -> Iterator[dict[str, str]]:
    """Databases of this test's own on the loopback PostgreSQL; their ``VB_DATABASE_URL``s."""
    try:
        admin = psycopg.connect(
            f"host=127.0.0.1 port={PG_PORT} user=vidensbank dbname=postgres", autocommit=True
        )
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not running ({exc}); start it with scripts/start_services.sh")
    databases = {name: f"{TEST_PREFIX}_backup_{name}".replace("-", "_") for name in names}
    with admin:
        for database in databases.values():
            admin.execute(f'CREATE DATABASE "{database}"')
        try:
            yield {
                name: f"postgresql+psycopg://vidensbank@127.0.0.1:{PG_PORT}/{database}"
                for name, database in databases.items()
            }
        finally:
            for database in databases.values():
                admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


@contextmanager
def stacks(kind: str, run_dir: Path) -> Iterator[tuple[Stack, Stack]]:
    """The stack backed up and the fresh one it is restored into."""
    if kind == "sqlite":
        with (
            own_stack("backup-sqlite", run_dir) as source,
            own_stack("restore-sqlite", run_dir) as target,
        ):
            yield source, target
        return
    with (
        postgres_databases("source", "target") as urls,
        own_stack("backup-pg", run_dir, VB_DATABASE_URL=urls["source"]) as source,
        own_stack("restore-pg", run_dir, VB_DATABASE_URL=urls["target"]) as target,
    ):
        yield source, target


def fill(stack: Stack) -> str:
    """Documents (with their originals) indexed, and a curator's work on them: a corrected
    title, a collection with a note, a document withdrawn. Returns the collection's id."""
    with stack.in_process():
        store = BlobStore(get_settings().blob_dir)
        with session_scope() as session:
            for document_id, (title, published, text) in DOCUMENTS.items():
                store_document(
                    session,
                    document_id,
                    title=title,
                    published=published,
                    pages=[text, f"{title}. Side to."],
                    content_hash=store.put(f"%PDF-1.7 {title}".encode()),
                )
                document_store.set_document_status(
                    session, document_ids=[document_id], status=DocumentStatus.INDEXED
                )
        reindex(get_client())

        add(CURATOR)
        curator = logged_in(CURATOR)
        token = csrf(curator.get("/samlinger").text)
        corrected = curator.post(
            "/dokument/backup-pleje/metadata",
            data={"csrf_token": token, "title": "Børn i plejefamilier – deres egne ord"},
            follow_redirects=False,
        )
        assert corrected.status_code == 303
        created = curator.post(
            "/samlinger",
            data={"csrf_token": token, "title": "Børns stemme", "description": "Til kurset."},
            follow_redirects=False,
        )
        collection_id = created.headers["location"].removeprefix("/samlinger/")
        for document_id in ("backup-bisidder", "backup-inddragelse"):
            added = curator.post(
                "/samlinger/dokumenter",
                data={
                    "csrf_token": token,
                    "collection_id": collection_id,
                    "document_id": document_id,
                },
                follow_redirects=False,
            )
            assert added.status_code == 303
        noted = curator.post(
            f"/samlinger/{collection_id}/noter",
            data={"csrf_token": token, "note:backup-bisidder": "Start her."},
            follow_redirects=False,
        )
        assert noted.status_code == 303
        withdrawn = curator.post(
            "/dokument/backup-underretning/tilbagetraek",
            data={"csrf_token": token, "reason": "Erstattet af en ny vejledning."},
            follow_redirects=False,
        )
        assert withdrawn.status_code == 303
    return collection_id


def state(stack: Stack, collection_id: str) -> dict[str, Any]:
    """What searches find and what curators made, as the restored stack must give it back."""
    with stack.in_process():
        anonymous = TestClient(app)
        searches = []
        for params in QUERIES:
            answer = anonymous.get("/api/search", params=params)
            assert answer.status_code == 200, answer.text
            searches.append([(r["id"], r["title"]) for r in answer.json()["results"]])
        with session_scope() as session:
            # The curators' actions (their logins differ: this function logs in itself).
            audit = [
                (e.actor, e.action, e.target, e.before, e.after)
                for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if e.action != "login"
            ]
            notes = {e.document_id: e.note for e in session.scalars(select(CollectionEntry))}
            withdrawn = {
                d.id: d.withdrawn_reason
                for d in session.scalars(select(Document).where(Document.withdrawn_at.is_not(None)))
            }
        # A curator logs in with the same password; the collection is private to curators.
        curator = logged_in(CURATOR)
        collection = curator.get(f"/api/collections/{collection_id}").json()
        return {
            "searches": searches,
            "corrections": document_corrections("backup-pleje").model_dump(),
            "collection": [e["document_id"] for e in collection["entries"]],
            "notes": notes,
            "withdrawn": withdrawn,
            "withdrawn_page": anonymous.get("/api/documents/backup-underretning").status_code,
            "audit": audit,
        }


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_restore_gives_the_same_searches_and_the_same_curators_work(
    kind: str, stack: None, run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with stacks(kind, run_dir) as (source, target):
        collection_id = fill(source)
        before = state(source, collection_id)
        # The curator's work is there to be carried over.
        assert before["corrections"]["metadata"], before["corrections"]
        assert before["collection"] == ["backup-bisidder", "backup-inddragelse"]
        assert before["withdrawn"] == {"backup-underretning": "Erstattet af en ny vejledning."}
        assert before["withdrawn_page"] == 410
        assert all(before["searches"]) and not any(
            "backup-underretning" in [hit[0] for hit in found] for found in before["searches"]
        )

        path = run_dir / f"backup-{kind}.tar"
        made = source.cli("backup", str(path))
        assert made.returncode == 0, made.stderr
        assert made.stdout.strip() == str(path)
        assert "Sikkerhedskopien har 4 dokumenter, 8 sider, 4 originaler, 1 samling" in made.stderr

        restored = target.cli("restore", str(path))
        assert restored.returncode == 0, restored.stderr
        assert "er gendannet: 4 dokumenter" in restored.stderr
        assert "er bygget med 3 dokumenter og taget i brug" in restored.stderr
        assert state(target, collection_id) == before

        # Once it holds documents, the target is not restored over without --force.
        with target.in_process():
            assert main(["restore", str(path)]) == 1
        assert "Fejl: Databasen indeholder allerede 4 dokumenter" in capsys.readouterr().err
