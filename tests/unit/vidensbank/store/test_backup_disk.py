"""`vidensbank backup` to a disk that refuses it: a Danish message, a non-zero exit, and
nothing of the backup left behind."""

import errno
import os
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.unit.vidensbank.store.test_backup import add_document, configured
from vidensbank.cli import main
from vidensbank.store import backup
from vidensbank.store.db import migrate


def _full_while_the_database_is_copied(monkeypatch: pytest.MonkeyPatch, _folder: Path) -> None:
    """The copy of the database may not grow past its first page, as on a full disk."""
    connect = sqlite3.connect

    def small(database: Any, **options: Any) -> sqlite3.Connection:
        connection = connect(database, **options)
        if Path(database).name == "database":
            connection.execute("PRAGMA max_page_count=1")
        return connection

    monkeypatch.setattr(backup.sqlite3, "connect", small)


def _full_while_the_originals_are_written(monkeypatch: pytest.MonkeyPatch, _folder: Path) -> None:
    def full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "addfile", full)


def _read_only(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Nothing can be made in the folder, nor removed from it: Linux refuses to remove a file
    that is not there with EROFS too, not ENOENT."""
    for name in ("mkdir", "unlink"):
        real = getattr(os, name)

        def refuse(path: Any, *args: Any, _real: Any = real, **kwargs: Any) -> None:
            if Path(path).parent == folder:
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, refuse)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (_full_while_the_database_is_copied, "Der er ikke plads nok på disken."),
        (_full_while_the_originals_are_written, "Der er ikke plads nok på disken."),
        (_read_only, "Disken er skrivebeskyttet."),
    ],
)
def test_a_backup_to_a_disk_that_refuses_it_says_why_in_danish(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: Callable[[pytest.MonkeyPatch, Path], None],
    reason: str,
) -> None:
    """A backup to a full 200 kB tmpfs ended in a traceback ("sqlite3.OperationalError:
    database or disk is full") instead of a message."""
    destination = tmp_path / "kopier"
    destination.mkdir()
    with configured(tmp_path / "kilde"):
        migrate()
        add_document(1)
        fault(monkeypatch, destination)
        assert main(["backup", str(destination)]) == 1
    error = capsys.readouterr().err
    assert error == (
        f"Fejl: Sikkerhedskopien kunne ikke skrives i {destination}, og intet af den er gemt: "
        f"{reason}\n"
    )
    assert list(destination.iterdir()) == []
