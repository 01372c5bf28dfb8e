"""One self-contained backup of the store, and its restore onto an empty database and blob folder.

A backup is a single uncompressed tar file: the SQL database (the source of truth, which holds
everything curators make: collections, corrections of metadata and entities, editions split
apart, withdrawn and held documents, knowledge-base edits, personal-data decisions, accounts and
the audit trail, as well as the passage vectors), the originals it refers to (by their keys,
as the blob store lays them out) and, last, ``manifest.json`` with the schema revision, counts
and the SHA-256 of every file. The Elasticsearch index is not in it: it is derived, and the
restore's caller rebuilds it from SQL.

The database is copied first, as one consistent snapshot while workers may go on writing
(SQLite's online backup API; ``pg_dump`` in a snapshot exported from a transaction that also
reads the blob keys and counts), and then the blobs that snapshot refers to: a file stored
later is not needed, and a referenced one missing is an error.
"""

import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from vidensbank.danish import DOCUMENTS, FILES, ORIGINALS
from vidensbank.errors import BackupError
from vidensbank.settings import get_settings
from vidensbank.store.blobs import BlobStore, referenced_keys
from vidensbank.store.db import code_revisions, migrate

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "sqlite": "database/vidensbank.sqlite3",
    "postgresql": "database/vidensbank.pgdump",
}
BLOB_MEMBER = re.compile(r"blobs/[0-9a-f]{2}/[0-9a-f]{2}/(?P<key>[0-9a-f]{64})")
# What the manifest counts, by table: enough to see at a glance that a backup holds what it
# should (the restore prints them).
COUNTED_TABLES = (
    "documents",
    "pages",
    "entities",
    "passage_vectors",
    "collections",
    "collection_entries",
    "metadata_corrections",
    "entity_corrections",
    "edition_separations",
    "kb_edits",
    "personal_data_decisions",
    "users",
    "audit_events",
    "ingest_runs",
)
CHUNK_BYTES = 1024 * 1024
DatabaseKind = Literal["sqlite", "postgresql"]


def _damaged(detail: str) -> BackupError:
    return BackupError(f"Sikkerhedskopien er beskadiget: {detail}. Intet er ændret.")


class FileEntry(BaseModel):
    sha256: str
    size: int


class Manifest(BaseModel):
    format: int
    created_at: dt.datetime
    vidensbank_version: str
    # The schema of the database in the backup: the newest of the code that wrote it.
    alembic_revision: str
    database: DatabaseKind
    counts: dict[str, int]
    files: dict[str, FileEntry]


@dataclass(frozen=True)
class _Snapshot:
    """What the database snapshot holds, read from the snapshot itself."""

    revision: str
    counts: dict[str, int]
    blob_keys: frozenset[str]


def database_kind(url: str) -> DatabaseKind:
    name = make_url(url).get_backend_name()
    if name not in DATABASE_MEMBERS:
        raise BackupError(f"Sikkerhedskopier kan kun tages af SQLite og PostgreSQL, ikke {name}.")
    return "sqlite" if name == "sqlite" else "postgresql"


def _read_snapshot(connection: Connection) -> _Snapshot:
    if not inspect(connection).has_table("alembic_version"):
        raise BackupError("Databasen er ikke oprettet; kør »vidensbank init« først.")
    revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    head, _known = code_revisions()
    if revision != head:
        raise BackupError(
            f"Databasen har skemaet {revision}, ikke kodens nyeste ({head}); kør "
            "»vidensbank init« først."
        )
    counts = {
        table: int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
        for table in COUNTED_TABLES
    }
    keys = referenced_keys(connection)
    counts["blobs"] = len(keys)
    return _Snapshot(revision=revision, counts=counts, blob_keys=frozenset(keys))


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("VB_DATABASE_URL skal pege på en SQLite-fil.")
    return Path(database)


def _snapshot_sqlite(url: str, target: Path) -> _Snapshot:
    path = _sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"Databasen {path} findes ikke.")
    source = sqlite3.connect(path, timeout=60)
    copy = sqlite3.connect(target)
    with closing(source), closing(copy):
        # In one step (the default), the copy is made in one read transaction: a consistent
        # snapshot, while writers in WAL mode go on.
        source.backup(copy)
        # The file stands alone, without a write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return _read_snapshot(connection)
    finally:
        engine.dispose()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``pg_dump``/``pg_restore``, and their environment: the
    password goes there, never on a command line that ``ps`` shows."""
    parsed: URL = make_url(url)
    environment = os.environ.copy()
    if parsed.password is not None:
        environment["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, environment


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} findes ikke; installér PostgreSQL-klienten (postgresql-client).")
    return path


def _run_postgres_tool(
    arguments: list[str], environment: dict[str, str], stdin: IO[bytes] | None = None
) -> None:
    result = subprocess.run(arguments, env=environment, stdin=stdin, capture_output=True)
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        detail = lines[-1:] or [f"slutkode {result.returncode}"]
        raise BackupError(f"{Path(arguments[0]).name} fejlede: {detail[0]}")


def _snapshot_postgresql(url: str, target: Path) -> _Snapshot:
    uri, environment = _libpq(url)
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            # pg_dump reads the very snapshot of this transaction, which stays open until the
            # dump is done; the blob keys and counts are read in it too.
            snapshot_id = connection.scalar(text("SELECT pg_export_snapshot()"))
            snapshot = _read_snapshot(connection)
            _run_postgres_tool(
                [
                    _postgres_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                    f"--dbname={uri}",
                ],
                environment,
            )
            return snapshot
    finally:
        engine.dispose()


class _HashingReader:
    """A file read through, with the SHA-256 of what was read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> FileEntry:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(time.time())
    info.mode = 0o644
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return FileEntry(sha256=reader.digest.hexdigest(), size=info.size)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def backup_path(destination: Path) -> Path:
    """Where a backup to ``destination`` goes: the file named, or a dated file in a folder."""
    if destination.is_dir():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        return destination / f"vidensbank-{stamp}.tar"
    return destination


def _write_archive(
    partial: Path, kind: DatabaseKind, database_file: Path, snapshot: _Snapshot, store: BlobStore
) -> Manifest:
    """The tar file: the database, the blobs in the blob store's layout, the manifest last
    (each file is hashed as it is added, so it is read once)."""
    with partial.open("wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            member = DATABASE_MEMBERS[kind]
            files = {member: _add_file(tar, member, database_file)}
            for key in sorted(snapshot.blob_keys):
                member = f"blobs/{store.path_for(key).relative_to(store.root).as_posix()}"
                files[member] = _add_file(tar, member, store.path_for(key))
                if files[member].sha256 != key:
                    raise BackupError(
                        f"Originalen {key} i blob-mappen er ændret eller beskadiget (dens "
                        "indhold passer ikke til dens navn); sikkerhedskopien er ikke skrevet."
                    )
            manifest = Manifest(
                format=FORMAT,
                created_at=dt.datetime.now(dt.UTC),
                vidensbank_version=version("vidensbank"),
                alembic_revision=snapshot.revision,
                database=kind,
                counts=snapshot.counts,
                files=files,
            )
            _add_bytes(tar, MANIFEST, manifest.model_dump_json(indent=1).encode())
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


def write_backup(destination: Path) -> tuple[Path, Manifest]:
    """Write one backup of the configured database and blob store; return its path and
    manifest. It appears under its name only when complete."""
    settings = get_settings()
    kind = database_kind(settings.database_url)
    path = backup_path(destination)
    if path.exists():
        raise BackupError(f"{path} findes allerede; vælg et andet navn.")
    if not path.parent.is_dir():
        raise BackupError(f"Mappen {path.parent} findes ikke.")
    store = BlobStore(settings.blob_dir)
    partial = path.with_name(f".{path.name}.partial")
    # Outermost, so that a read-only disk refusing even the removal of what was never written
    # is told as well.
    with _disk_refusals(path.parent):
        try:
            with (
                tempfile.TemporaryDirectory(dir=path.parent, prefix=".vidensbank-backup-") as work,
                store.lock(exclusive=False),
            ):
                database_file = Path(work) / "database"
                if kind == "sqlite":
                    snapshot = _snapshot_sqlite(settings.database_url, database_file)
                else:
                    snapshot = _snapshot_postgresql(settings.database_url, database_file)
                missing = sorted(key for key in snapshot.blob_keys if not _has_blob(store, key))
                if missing:
                    raise BackupError(
                        f"{ORIGINALS.count(len(missing))}, som databasen henviser til, mangler "
                        f"i blob-mappen (fx {missing[0]}); sikkerhedskopien er ikke skrevet."
                    )
                manifest = _write_archive(partial, kind, database_file, snapshot, store)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return path, manifest


# Why the disk a backup is written to refused it, by errno.
_REFUSALS = {
    errno.ENOSPC: "Der er ikke plads nok på disken.",
    errno.EDQUOT: "Kvoten på disken er brugt op.",
    errno.EROFS: "Disken er skrivebeskyttet.",
}


@contextmanager
def _disk_refusals(folder: Path) -> Iterator[None]:
    """Say in Danish why the disk a backup is written to refused it (full, over quota,
    read-only, or a folder that makes no files). SQLite tells a full disk as "database or disk
    is full" while it copies the database; the rest is an ``OSError`` with its errno."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_FULL:
            raise
        raise _refused(folder, _REFUSALS[errno.ENOSPC]) from exc
    except OSError as exc:
        if exc.errno in _REFUSALS:
            raise _refused(folder, _REFUSALS[exc.errno]) from exc
        # Any other refusal of a file in the folder: /proc makes none (ENOENT), nor does a
        # folder the user may not write in (EACCES).
        if exc.filename is not None and Path(exc.filename).parent == folder:
            raise _refused(folder, "Mappen tager ikke imod nye filer.") from exc
        raise


def _refused(folder: Path, reason: str) -> BackupError:
    return BackupError(
        f"Sikkerhedskopien kunne ikke skrives i {folder}, og intet af den er gemt: {reason}"
    )


def _has_blob(store: BlobStore, key: str) -> bool:
    try:
        return store.exists(key)
    except ValueError:  # not a key at all
        return False


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        if handle is None:
            raise KeyError(MANIFEST)
        with handle:
            manifest = Manifest.model_validate(json.loads(handle.read()))
    except KeyError:
        raise _damaged("den har intet manifest") from None
    except (ValueError, ValidationError) as exc:
        raise _damaged("manifestet kan ikke læses") from exc
    if manifest.format != FORMAT:
        raise BackupError(
            f"Sikkerhedskopien er i format {manifest.format}, som denne version af Vidensbank "
            "ikke kan læse."
        )
    return manifest


@contextmanager
def open_backup(source: Path) -> Iterator[tarfile.TarFile]:
    if not source.exists():
        raise BackupError(f"Sikkerhedskopien {source} findes ikke.")
    if not source.is_file():
        raise BackupError(f"{source} er ikke en fil; angiv sikkerhedskopiens tar-fil.")
    try:
        with tarfile.open(source, mode="r:") as tar:
            tar.getmembers()  # every header read now: a cut-off file is found before anything
            yield tar
    except (tarfile.TarError, EOFError) as exc:
        raise _damaged("det er ikke en hel tar-fil") from exc


def document_count(url: str) -> int:
    """How many documents the database at ``url`` holds (none when it has no tables yet)."""
    if database_kind(url) == "sqlite" and not _sqlite_path(url).exists():
        return 0
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("documents"):
                return 0
            return int(connection.scalar(text("SELECT count(*) FROM documents")) or 0)
    finally:
        engine.dispose()


def _extract_verified(
    tar: tarfile.TarFile, manifest: Manifest, staging: Path
) -> tuple[Path, list[str]]:
    """Every file of the backup, checked against the manifest, into ``staging``: the database
    file, and the blobs under their keys. Nothing outside ``staging`` is touched."""
    expected = dict(manifest.files)
    database_member = DATABASE_MEMBERS[manifest.database]
    database_file = staging / "database"
    keys: list[str] = []
    try:
        for member in tar.getmembers():
            if member.name == MANIFEST:
                continue
            entry = expected.pop(member.name, None)
            blob = BLOB_MEMBER.fullmatch(member.name)
            if entry is None or not member.isfile() or not (blob or member.name == database_member):
                raise _damaged(f"den har en fil, manifestet ikke nævner ({member.name})")
            target = staging / blob["key"] if blob else database_file
            handle = tar.extractfile(member)
            assert handle is not None  # a regular file
            digest = hashlib.sha256()
            with handle, target.open("xb") as out:
                while chunk := handle.read(CHUNK_BYTES):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != entry.sha256 or (blob and blob["key"] != entry.sha256):
                raise _damaged(f"{member.name} passer ikke til sin kontrolsum i manifestet")
            if blob:
                keys.append(blob["key"])
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, FileExistsError):
            raise _damaged("den har den samme fil to gange") from exc
        raise _damaged("den er afkortet eller kan ikke læses") from exc
    if expected:
        raise _damaged(f"{FILES.count(len(expected))} fra manifestet mangler i den")
    return database_file, keys


def check_restorable(manifest: Manifest, url: str, *, force: bool) -> None:
    """Refuse a backup of a schema newer than the code, of another kind of database than the
    configured one, or (without ``force``) over a database that holds documents."""
    _head, known = code_revisions()
    if manifest.alembic_revision not in known:
        raise BackupError(
            f"Sikkerhedskopien har databaseskemaet {manifest.alembic_revision}, som denne "
            "version af Vidensbank ikke kender: den er taget med en nyere version. Opdatér "
            "Vidensbank, og prøv igen."
        )
    kind = database_kind(url)
    if manifest.database != kind:
        raise BackupError(
            f"Sikkerhedskopien er af en {manifest.database}-database, men Vidensbank er sat op "
            f"med {kind} (VB_DATABASE_URL); gendan den i samme slags database."
        )
    if not force and (count := document_count(url)) > 0:
        raise BackupError(
            f"Databasen indeholder allerede {DOCUMENTS.count(count)}, som gendannelsen ville "
            "erstatte. Gendan i en tom database, eller brug --force, hvis det er meningen."
        )


def _restore_sqlite(url: str, database_file: Path) -> None:
    path = _sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database_file)
    target = sqlite3.connect(path, timeout=60)
    with closing(source), closing(target):
        # Page by page into the target, through its own connection: its write-ahead log and
        # any reader stay coherent, and the target ends up exactly the backup's database.
        source.backup(target)


def _restore_postgresql(url: str, database_file: Path) -> None:
    """The dump replaces every table of the database in one transaction: the tables there are
    dropped and the dump's created and filled, or nothing changes."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            drop = ", ".join(connection.dialect.identifier_preparer.quote(t) for t in tables)
    finally:
        engine.dispose()
    uri, environment = _libpq(url)
    with tempfile.TemporaryFile() as messages:
        script = subprocess.Popen(
            [
                _postgres_tool("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--file=-",
                str(database_file),
            ],
            stdout=subprocess.PIPE,
            stderr=messages,
            env=environment,
        )
        assert script.stdout is not None
        with script:
            _run_postgres_tool(
                [
                    _postgres_tool("psql"),
                    "--no-psqlrc",
                    "--quiet",
                    "--single-transaction",
                    "--set=ON_ERROR_STOP=1",
                    f"--dbname={uri}",
                    *([f"--command=DROP TABLE {drop} CASCADE"] if tables else []),
                    "--file=-",
                ],
                environment,
                stdin=script.stdout,
            )
        if script.returncode != 0:
            messages.seek(0)
            raise BackupError(f"pg_restore fejlede: {messages.read().decode(errors='replace')}")


def restore_backup(source: Path, *, force: bool = False) -> Manifest:
    """Restore a backup into the configured database and blob folder (the index is the
    caller's to rebuild), after checking all of it; bring its schema up to the code's."""
    settings = get_settings()
    with open_backup(source) as tar:
        manifest = read_manifest(tar)
        check_restorable(manifest, settings.database_url, force=force)
        store = BlobStore(settings.blob_dir)
        store.root.mkdir(parents=True, exist_ok=True)
        # Staged inside the blob folder, so each blob is moved into place by a rename.
        with tempfile.TemporaryDirectory(dir=store.root, prefix=".restore-") as staging:
            database_file, keys = _extract_verified(tar, manifest, Path(staging))
            # The blobs first: a database in place always finds its originals. Each takes the
            # place of any file of its name, in one rename: an original damaged since the
            # backup was taken is whole again, and an intact one is replaced by the same bytes.
            for key in keys:
                final = store.path_for(key)
                final.parent.mkdir(parents=True, exist_ok=True)
                # Readable by the owner only, as the blob store writes them (the tar's members
                # say 0644): a held original is for curators, not every user of the machine.
                os.chmod(Path(staging) / key, 0o600)
                os.replace(Path(staging) / key, final)
            if manifest.database == "sqlite":
                _restore_sqlite(settings.database_url, database_file)
            else:
                _restore_postgresql(settings.database_url, database_file)
    migrate(settings.database_url)
    return manifest
