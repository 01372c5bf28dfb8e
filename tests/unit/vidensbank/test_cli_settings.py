"""Settings an operator got wrong: the command says in Danish which one and what is wrong with
it, and warns of a variable nothing reads."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from vidensbank.cli import main
from vidensbank.settings import get_settings
from vidensbank.store.db import get_engine, migrate


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The environment, with the settings read again from it by the command."""
    migrate()
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("VB_ES_PORT", "abc", "VB_ES_PORT skal være et heltal."),
        ("VB_ES_PORT", "99999", "VB_ES_PORT må højst være 65535."),
        ("VB_REDIS_PORT", "0", "VB_REDIS_PORT skal være mindst 1."),
        ("VB_ELASTICSEARCH_URL", "x", "VB_ELASTICSEARCH_URL skal være en http- eller https-"),
        ("VB_ELASTICSEARCH_URL", "http://es01:9200,es02", "VB_ELASTICSEARCH_URL skal være"),
        ("VB_BROKER_URL", "localhost:6379", "VB_BROKER_URL skal være en Redis-adresse"),
        ("VB_DATABASE_URL", "vrøvl", "VB_DATABASE_URL skal være en SQLAlchemy-adresse"),
        ("VB_DATABASE_URL", "mysql://db/vidensbank", "VB_DATABASE_URL skal være en SQLAlchemy-"),
        ("VB_EMBEDDINGS", "måske", "VB_EMBEDDINGS skal være true eller false."),
        ("VB_CRAWL_SCHEDULE", "notjson", "VB_CRAWL_SCHEDULE skal være et JSON-objekt"),
        ("VB_CRAWL_SCHEDULE", '{"vive": 3}', "VB_CRAWL_SCHEDULE skal være et JSON-objekt"),
        (
            "VB_CRAWL_SCHEDULE",
            '{"vive": "hver nat"}',
            "VB_CRAWL_SCHEDULE skal give hver udgiver en crontab med fem felter; vive har",
        ),
        ("VB_EDITION_THRESHOLD", "2", "VB_EDITION_THRESHOLD må højst være 1.0."),
    ],
)
def test_a_bad_setting_is_named_in_danish(
    env: pytest.MonkeyPatch,
    name: str,
    value: str,
    problem: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each printed a Python traceback: pydantic's ValidationError (with five more errors
    for the settings computed from VB_ES_PORT), "ValueError: Could not parse URL" from the
    Elasticsearch client, SQLAlchemy's ArgumentError, pydantic-settings' SettingsError."""
    env.setenv(name, value)
    assert main(["users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Fejl: {problem}"), err
    assert err.count("\n") == 1, err


def test_a_mistyped_var_folder_is_named(
    env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`users list` and `reindex` printed SQLite's traceback "unable to open database file"."""
    env.delenv("VB_DATABASE_URL")
    env.setenv("VB_VAR", str(tmp_path / "vra"))
    for command in (["users", "list"], ["reindex", "d1"]):
        assert main(command) == 1
        assert capsys.readouterr().err == (
            f"Fejl: Databasens mappe {tmp_path / 'vra'} findes ikke. Ret VB_VAR eller "
            "VB_DATABASE_URL, eller opret en ny database dér med »vidensbank init«.\n"
        )


def test_a_misspelt_setting_is_warned_of_and_the_command_runs(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """VB_DATABSE_URL was ignored without a word, and the command used another database."""
    env.setenv("VB_DATABSE_URL", "sqlite:////tmp/anden.db")
    env.setenv("VB_NOGET_HELT_ANDET", "1")
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().err == (
        "Advarsel: VB_DATABSE_URL er ikke en indstilling og bliver ikke læst. "
        "Mente du VB_DATABASE_URL?\n"
        "Advarsel: VB_NOGET_HELT_ANDET er ikke en indstilling og bliver ikke læst.\n"
    )


def test_a_database_that_does_not_answer_is_named(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PostgreSQL server that did not answer printed 139 lines of SQLAlchemy's traceback."""
    env.setenv("VB_DATABASE_URL", "postgresql+psycopg://vb:kode@127.0.0.1:1/vidensbank")
    assert main(["users", "list"]) == 1
    assert capsys.readouterr().err == (
        "Fejl: Databasen svarer ikke. Tjek, at den kører, og at VB_DATABASE_URL er rigtig.\n"
    )


@pytest.mark.parametrize(
    ("revision", "problem"),
    [
        (
            "0022",
            "Databasen er ikke opdateret til denne version af Vidensbank. Kør »vidensbank init«.",
        ),
        (None, "Databasen er ikke oprettet; kør »vidensbank init« først."),
        (
            "9999",
            "Databasen er opdateret til en nyere version af Vidensbank end denne. "
            "Opdatér Vidensbank.",
        ),
    ],
)
def test_a_schema_that_is_not_the_codes_is_told_apart_from_a_database_that_does_not_answer(
    env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    revision: str | None,
    problem: str,
) -> None:
    """After an upgrade without `vidensbank init` ("no such column: pages.label"), the
    command said "Databasen svarer ikke. Tjek, at den kører"."""
    url = f"sqlite:///{tmp_path / 'vidensbank.db'}"
    env.setenv("VB_DATABASE_URL", url)
    migrate(url)
    # A column the code reads that the database's schema does not have yet.
    with get_engine(url).begin() as connection:
        connection.execute(text("ALTER TABLE users DROP COLUMN active"))
        if revision is None:
            connection.execute(text("DROP TABLE alembic_version"))
        else:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    assert main(["users", "list"]) == 1
    assert capsys.readouterr().err == f"Fejl: {problem}\n"
