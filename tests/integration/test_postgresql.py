"""The schema and the queries on PostgreSQL, as docker-compose runs them.

Uses the PostgreSQL that scripts/start_services.sh starts on loopback, in a database of this
test run's own.
"""

import datetime as dt
import os
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from nlp_models.editions import link_documents
from tests.conftest import TEST_PREFIX
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store import mentions as mention_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store import runs as run_store
from vidensbank.store import usage as usage_store
from vidensbank.store.collections import Collection
from vidensbank.store.db import migration_config
from vidensbank.store.documents import DocumentStatus, EntityRow, Extraction
from vidensbank.store.personal_data import Decision, FindingRow
from vidensbank.store.runs import NewItem
from vidensbank.store.usage import TargetType, UsageSalt, UsageSeen, UseKind
from web.errors import install_error_handlers

PORT = os.environ.get("VB_PG_PORT", "5433")
SERVER = f"host=127.0.0.1 port={PORT} user=vidensbank dbname=postgres"
DATABASE = TEST_PREFIX.replace("-", "_")
URL = f"postgresql+psycopg://vidensbank@127.0.0.1:{PORT}/{DATABASE}"


def alembic_config() -> Config:
    return migration_config(URL)


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    try:
        admin = psycopg.connect(SERVER, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not running ({exc}); start it with scripts/start_services.sh")
    admin.execute(f'CREATE DATABASE "{DATABASE}"')
    command.upgrade(alembic_config(), "head")
    engine = create_engine(URL)
    with Session(engine) as session:
        yield session
    engine.dispose()
    admin.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
    admin.close()


def test_migrations_create_every_table(session: Session) -> None:
    tables = set(inspect(session.get_bind()).get_table_names())
    assert {"documents", "pages", "entities", "ingest_runs", "ingest_items"} <= tables


def test_repository_round_trip(session: Session) -> None:
    run = run_store.create_run(
        session,
        queue="vidensbank",
        items=[
            NewItem(
                filename="a.pdf",
                location="/x/a.pdf",
                source_uri="https://x/a",
                source_metadata={"title": "Æble"},
            )
        ],
    )
    document_store.record_file(
        session,
        document_id="d1",
        source_uri="https://x/a",
        filename="a.pdf",
        title="a.pdf",
        source_metadata={"title": "Æble"},
        content_hash="0" * 64,
        size=10,
    )
    document_store.record_extraction(
        session,
        document_id="d1",
        extraction=Extraction(
            title="Inddragelse af børn",
            publisher="VIVE",
            kind="rapport",
            published=dt.date(2022, 3, 15),
            authors=[],
            extra={},
            mime_type="application/pdf",
            extractor_version="pdf-1",
            active_content=False,
        ),
    )
    document_store.set_document_status(session, document_ids=["d1"], status=DocumentStatus.INDEXED)
    document_store.replace_pages(session, document_id="d1", pages=[(1, "Side ét"), (2, "Side to")])
    document_store.replace_entities(
        session,
        document_id="d1",
        entities=[
            EntityRow(
                text="KL",
                label="ORG",
                canonical="Kommunernes Landsforening",
                kb_id="org.kl",
                count=2,
                pages=[1, 2],
            ),
            EntityRow(
                text="VIVE", label="ORG", canonical="VIVE", kb_id="org.vive", count=1, pages=[1]
            ),
        ],
    )
    # The personal data guard: a finding holds it back until a curator releases it, and only
    # a screened document is listed anywhere.
    finding = FindingRow(
        page=1, start=0, end=11, kind="cpr", text="120514-3318", key="k" * 64, holds=True
    )
    assert personal_store.record_screening(
        session, document_id="d1", findings=[finding], version="pd-test"
    )
    assert [d.id for d in personal_store.documents_to_review(session)] == ["d1"]
    document_store.lock_documents(session, document_ids=["d1"])
    personal_store.decide(
        session,
        document_id="d1",
        key=finding.key,
        kind=finding.kind,
        action=Decision.RELEASE,
        author="kurator@eksempel.dk",
    )
    assert not personal_store.update_hold(session, document_id="d1")
    assert personal_store.documents_to_review(session) == []
    session.commit()

    document = document_store.get_document(session, document_id="d1")
    assert document is not None and [p.text for p in document.pages] == ["Side ét", "Side to"]
    [mention] = mention_store.documents_mentioning(session, kb_id="org.kl")
    assert mention.document.id == "d1" and mention.entity.pages == [1, 2]
    assert mention_store.co_occurring_entities(session, kb_id="org.kl") == [
        ("org.vive", "VIVE", "ORG", 1)
    ]
    [listed] = run_store.list_runs(session)
    assert listed.id == run.id and listed.items[0].source_metadata == {"title": "Æble"}
    assert listed.created_at.tzinfo is not None
    assert run_store.unfinished_item_ids(session, queue="vidensbank") == [run.items[0].id]
    assert run_store.unfinished_item_ids(session, queue="en-anden-kø") == []


def test_migrations_downgrade_cleanly(session: Session) -> None:
    session.close()
    command.downgrade(alembic_config(), "base")
    assert set(inspect(session.get_bind()).get_table_names()) <= {"alembic_version"}
    command.upgrade(alembic_config(), "head")


def test_usage_is_counted_once_a_day_on_postgresql(session: Session) -> None:
    """The usage counts' upserts (``ON CONFLICT``) in PostgreSQL's dialect."""
    yesterday, today = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    old_salt = usage_store.salt_of(session, day=yesterday)
    assert usage_store.first_today(session, day=yesterday, key="a" * 64)
    salt = usage_store.salt_of(session, day=today)
    assert salt != old_salt and usage_store.salt_of(session, day=today) == salt
    # Yesterday's salt and keys are gone with the new day's salt.
    assert session.scalar(select(func.count()).select_from(UsageSalt)) == 1
    assert session.scalar(select(func.count()).select_from(UsageSeen)) == 0
    month = today.replace(day=1)
    for key in ("b" * 64, "b" * 64, "c" * 64):
        if usage_store.first_today(session, day=today, key=key):
            usage_store.add_use(
                session,
                month=month,
                target_type=TargetType.DOCUMENT,
                target_id="d1",
                kind=UseKind.VIEW,
            )
    session.commit()
    [use] = usage_store.monthly_by_target(
        session, start=month, end=month, target_type=TargetType.DOCUMENT, target_id="d1"
    )
    assert (use.views, use.downloads) == (2, 0)


def test_editions_are_linked_on_postgresql(session: Session) -> None:
    # Signed 64-bit band keys, the signature's bytes and the advisory lock, in PostgreSQL's types.
    text = " ".join(f"ord{n * 7919 % 100_003}" for n in range(300))
    for document_id in ("udgave-1", "udgave-2"):
        document_store.record_file(
            session,
            document_id=document_id,
            source_uri=f"https://x/{document_id}",
            filename=f"{document_id}.pdf",
            title=document_id,
            source_metadata={},
            content_hash="0" * 64,
            size=10,
        )
    assert link_documents(session, documents={"udgave-1": [text]}) == []
    assert sorted(link_documents(session, documents={"udgave-2": [text]})) == [
        "udgave-1",
        "udgave-2",
    ]
    assert edition_store.groups_of(session, document_ids=["udgave-1", "udgave-2"]) == {
        "udgave-1": "udgave-1",
        "udgave-2": "udgave-1",
    }
    session.rollback()


def test_a_nul_character_is_a_danish_400_not_a_500(session: Session) -> None:
    """PostgreSQL refuses text with NUL ("/samlinger/%00" looks the id up); SQLite stores it.
    The error PostgreSQL gives goes through the app's own handlers."""
    with pytest.raises(DataError) as refused:
        session.get(Collection, "samling\x00")
    session.rollback()
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/opslag")
    def lookup() -> None:
        raise refused.value

    answer = TestClient(app).get("/api/opslag")
    assert answer.status_code == 400
    assert answer.json()["error"] == (
        "Forespørgslen indeholder tegn, som ikke kan bruges (fx et nultegn)."
    )
