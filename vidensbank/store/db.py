"""The database: its migrations, and an engine and session factory per process and URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from vidensbank.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def migration_config(url: str | None = None) -> "Config":
    """Alembic's configuration for the migrations shipped in this package."""
    # Alembic loads here, not with the module: every command and worker uses the database,
    # few of them migrate it, and its import costs a tenth of a second.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url or get_settings().database_url)
    return config


def migrate(url: str | None = None) -> None:
    """Bring the database schema up to date (a SQLite file's folder is made first)."""
    url = url or get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    from alembic import command

    command.upgrade(migration_config(url), "head")


@lru_cache(maxsize=1)
def code_revisions() -> tuple[str, frozenset[str]]:
    """The newest schema revision the code knows, and every one it knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migration_config())
    head = script.get_current_head()
    assert head is not None
    return head, frozenset(revision.revision for revision in script.walk_revisions())


def schema_problem(revision: str | None) -> str | None:
    """What is wrong, in Danish, with a database at schema ``revision`` for this code: never
    migrated, not migrated since an upgrade (no `vidensbank init`), or migrated by a newer
    version. None when it is the code's."""
    head, known = code_revisions()
    if revision == head:
        return None
    if revision is None:
        return "Databasen er ikke oprettet; kør »vidensbank init« først."
    if revision not in known:
        return (
            "Databasen er opdateret til en nyere version af Vidensbank end denne. "
            "Opdatér Vidensbank."
        )
    return "Databasen er ikke opdateret til denne version af Vidensbank. Kør »vidensbank init«."


def schema_revision(url: str | None = None) -> str | None:
    """The schema revision the database records; None when it records none (it was never
    migrated)."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url or get_settings().database_url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url.startswith("sqlite"):
        # Statements' parameters stay out of error messages and logs: they hold documents'
        # text, and personal data in it.
        engine = create_engine(url, connect_args={"timeout": 60}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the API read while workers write; with WAL, synchronous=NORMAL syncs at
            # checkpoints rather than at every commit, and a crash of the app still loses
            # nothing committed (only a power cut may take the last commits). Foreign keys are
            # off by default.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@lru_cache
def _session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = _session_factory(get_settings().database_url)()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
