"""`/healthz` with every dependency down: 503, a few Danish words for each, the technical
detail in the log only."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from search_api.api import health
from tests.fixtures import free_port
from vidensbank.settings import get_settings
from vidensbank.store.db import migrate, migration_config
from web.app import app


@pytest.fixture
def all_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Elasticsearch and Redis on ports nobody listens on, a database that cannot be opened."""
    client = Elasticsearch(f"http://127.0.0.1:{free_port()}", max_retries=0)
    monkeypatch.setattr(health, "get_client", lambda: client)
    engine = create_engine(f"sqlite:///{tmp_path / 'ingen' / 'vidensbank.db'}")
    monkeypatch.setattr(health, "get_engine", lambda: engine)
    monkeypatch.setenv("VB_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    engine.dispose()
    client.close()


def test_a_dependency_down_is_named_in_danish_without_its_exception(
    all_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    """The 503's body carried the exception's English text with host and port
    ("ConnectionError: … NewConnectionError(HTTPConnection(host='127.0.0.1', port=9207)…")."""
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "elasticsearch": {"ok": False, "detail": "Søgemaskinen (Elasticsearch) svarer ikke."},
        "database": {"ok": False, "detail": "Databasen svarer ikke."},
        "broker": {"ok": False, "detail": "Køen (Redis) svarer ikke."},
    }
    logged = caplog.text
    assert "Elasticsearch does not answer: ConnectionError" in logged
    assert "the database does not answer: OperationalError" in logged
    assert "the broker does not answer: ConnectionError: Error 111 connecting" in logged


def test_dependencies_that_answer_are_told_in_danish_too() -> None:
    """It said "cluster green" and "ok" where the rest was Danish."""
    migrate()
    response = TestClient(app).get("/healthz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["elasticsearch"]["detail"] in ("klyngen er grøn", "klyngen er gul")
    assert body["database"] == {"ok": True, "detail": "svarer"}
    assert body["broker"] == {"ok": True, "detail": "svarer"}


def test_a_database_the_upgrade_did_not_migrate_is_not_healthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New code started without `vidensbank init` answered healthy on a database of the old
    schema, while its pages failed and its writes went to tables the code does not know."""
    url = f"sqlite:///{tmp_path / 'gammel.db'}"
    command.upgrade(migration_config(url), "0019")
    monkeypatch.setenv("VB_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        response = TestClient(app).get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == {
            "ok": False,
            "detail": "Databasen er ikke opdateret til denne version af Vidensbank. "
            "Kør »vidensbank init«.",
        }
        migrate(url)
        assert TestClient(app).get("/healthz").json()["database"]["ok"] is True
    finally:
        get_settings.cache_clear()
