"""`vidensbank backup` and `restore` on real SQLite files and blob folders, before any search
engine is involved (the restore's index rebuild is in tests/integration/test_backup.py): a
snapshot taken while a worker goes on writing holds exactly the originals it refers to, and a
restore refuses, in Danish and before it changes anything, a damaged backup, one of a newer
schema and a database that already has documents."""

import io
import sqlite3
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.documents import store_document
from vidensbank.cli import main
from vidensbank.settings import get_settings
from vidensbank.store.backup import DATABASE_MEMBERS, MANIFEST, read_manifest, restore_backup
from vidensbank.store.blobs import BlobStore, content_hash
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document


@contextmanager
def configured(folder: Path) -> Iterator[None]:
    """The settings of a store of its own in ``folder``: its SQLite file and blob folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VB_DATABASE_URL", f"sqlite:///{folder / 'vidensbank.db'}")
        patch.setenv("VB_BLOB_DIR", str(folder / "blobs"))
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()


def add_document(number: int) -> None:
    """A document as the pipeline leaves it: its original in the blob store first."""
    key = BlobStore(get_settings().blob_dir).put(f"%PDF-1.7 rapport nr. {number}".encode())
    with session_scope() as session:
        store_document(
            session,
            f"dok-{number}",
            title=f"Rapport nr. {number} om inddragelse af børn",
            pages=[f"Side et af rapport nr. {number}."],
            content_hash=key,
        )


def document_ids() -> list[str]:
    with session_scope() as session:
        return sorted(session.scalars(select(Document.id)))


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of a store of three documents."""
    folder = tmp_path_factory.mktemp("kilde")
    with configured(folder):
        migrate()
        for number in range(3):
            add_document(number)
        assert main(["backup", str(folder / "kopi.tar")]) == 0
    return folder / "kopi.tar"


def test_a_backup_taken_while_a_worker_writes_holds_its_snapshot_and_its_originals(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kopi.tar"
    with configured(tmp_path / "kilde"):
        migrate()
        for number in range(3):
            add_document(number)
        written: list[int] = []
        stop = threading.Event()

        def worker() -> None:
            number = 100
            while not stop.is_set():
                add_document(number)
                written.append(number)
                number += 1

        thread = threading.Thread(target=worker)
        thread.start()
        try:
            while len(written) < 3:
                stop.wait(0.01)
            assert main(["backup", str(path)]) == 0
            after_backup = len(written)
            while len(written) < after_backup + 3:
                stop.wait(0.01)
        finally:
            stop.set()
            thread.join()
        live = document_ids()

    with tarfile.open(path) as tar:
        manifest = read_manifest(tar)
        blobs = {name.rsplit("/", 1)[-1] for name in tar.getnames() if name.startswith("blobs/")}
        tar.extract(DATABASE_MEMBERS["sqlite"], tmp_path, filter="data")
    with sqlite3.connect(tmp_path / DATABASE_MEMBERS["sqlite"]) as snapshot:
        rows = dict(snapshot.execute("SELECT id, content_hash FROM documents"))
    # The worker wrote before the snapshot and after it: the backup holds a moment in between,
    # and exactly the originals of that moment's documents.
    assert 3 + 3 <= len(rows) < len(live)
    assert manifest.counts["documents"] == manifest.counts["pages"] == len(rows)
    assert blobs == set(rows.values()) and manifest.counts["blobs"] == len(blobs)
    assert set(manifest.files) == {DATABASE_MEMBERS["sqlite"]} | {
        f"blobs/{key[:2]}/{key[2:4]}/{key}" for key in blobs
    }

    with configured(tmp_path / "ny"):
        restore_backup(path)
        assert document_ids() == sorted(rows)
        store = BlobStore(get_settings().blob_dir)
        assert all(store.get(key).startswith(b"%PDF-1.7 rapport nr.") for key in rows.values())


def test_restore_refuses_a_database_with_documents_unless_forced(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with configured(tmp_path):
        migrate()
        add_document(7)
        assert main(["restore", str(backup)]) == 1
        error = capsys.readouterr().err
        assert "Databasen indeholder allerede 1 dokument," in error and "--force" in error
        assert document_ids() == ["dok-7"]

        restore_backup(backup, force=True)
        assert document_ids() == ["dok-0", "dok-1", "dok-2"]


def test_restore_writes_back_an_original_damaged_since_the_backup(
    backup: Path, tmp_path: Path
) -> None:
    """A restore left a file already under an original's name as it was: one damaged since
    the backup stayed damaged after a restore that said it had succeeded, was served as the
    original, and made the next backup fail."""
    with configured(tmp_path):
        restore_backup(backup)
        with session_scope() as session:
            keys = sorted(session.scalars(select(Document.content_hash)))
        store = BlobStore(get_settings().blob_dir)
        store.path_for(keys[0]).write_bytes(b"korrupt\n")

        restore_backup(backup, force=True)
        assert all(content_hash(store.get(key)) == key for key in keys)
        assert main(["backup", str(tmp_path / "igen.tar")]) == 0


def test_restored_originals_are_the_owners_alone(backup: Path, tmp_path: Path) -> None:
    """The tar's 0644 made every original readable by any user of the machine after a restore,
    held and quarantined ones too; the blob store writes them 0600."""
    with configured(tmp_path):
        restore_backup(backup)
        with session_scope() as session:
            keys = list(session.scalars(select(Document.content_hash)))
        store = BlobStore(get_settings().blob_dir)
        assert keys and {store.path_for(key).stat().st_mode & 0o777 for key in keys} == {0o600}


def flip_byte(member: str) -> Callable[[bytes], bytes]:
    """A copy of a backup with one byte of one file changed."""

    def damage(data: bytes) -> bytes:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            offset = tar.getmember(member).offset_data + 100
        return data[:offset] + bytes([data[offset] ^ 1]) + data[offset + 1 :]

    return damage


def without_a_blob(data: bytes) -> bytes:
    copy = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar, tarfile.open(fileobj=copy, mode="w") as out:
        blobs = [m for m in tar.getmembers() if m.name.startswith("blobs/")]
        for member in tar.getmembers():
            if member is not blobs[0]:
                out.addfile(member, tar.extractfile(member))
    return copy.getvalue()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (
            flip_byte(DATABASE_MEMBERS["sqlite"]),
            f"{DATABASE_MEMBERS['sqlite']} passer ikke til sin kontrolsum",
        ),
        (flip_byte(MANIFEST), "manifestet kan ikke læses"),
        (without_a_blob, "1 fil fra manifestet mangler"),
        (lambda data: data[: len(data) // 2], "det er ikke en hel tar-fil"),
    ],
    ids=["database", "manifest", "missing-blob", "cut-off"],
)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    backup: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[bytes], bytes],
    reason: str,
) -> None:
    damaged = tmp_path / "beskadiget.tar"
    damaged.write_bytes(damage(backup.read_bytes()))
    with configured(tmp_path / "ny"):
        assert main(["restore", str(damaged)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Fejl: Sikkerhedskopien er beskadiget: ") and reason in error, error
    assert "Intet er ændret" in error
    assert not (tmp_path / "ny" / "vidensbank.db").exists()
    assert [p for p in (tmp_path / "ny").rglob("*") if p.is_file()] == []


def test_restore_refuses_a_backup_of_a_newer_schema(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "nyere.tar"
    with tarfile.open(backup) as tar, tarfile.open(newer, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            assert data is not None
            if member.name == MANIFEST:
                manifest = read_manifest(tar).model_copy(update={"alembic_revision": "0999"})
                body = manifest.model_dump_json().encode()
                member.size = len(body)
                data = io.BytesIO(body)
            out.addfile(member, data)
    with configured(tmp_path / "ny"):
        assert main(["restore", str(newer)]) == 1
    error = capsys.readouterr().err
    assert "databaseskemaet 0999" in error and "nyere version" in error
    assert not (tmp_path / "ny" / "vidensbank.db").exists()


def test_backup_refuses_when_an_original_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with configured(tmp_path):
        migrate()
        add_document(1)
        for blob in (tmp_path / "blobs").rglob("*"):
            if blob.is_file():
                blob.unlink()
        assert main(["backup", str(tmp_path / "kopi.tar")]) == 1
    assert "1 original, som databasen henviser til, mangler" in capsys.readouterr().err
    # Neither the backup nor its partial file or working folder is left behind.
    assert [p.name for p in tmp_path.iterdir() if "kopi" in p.name or p.name[0] == "."] == []


def test_backup_never_overwrites_a_file(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with configured(tmp_path):
        migrate()
        assert main(["backup", str(backup)]) == 1
    assert "findes allerede" in capsys.readouterr().err
