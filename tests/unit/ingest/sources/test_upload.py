"""Uploaded files: kept under a clean name in the upload folder, refused over the size limit
before they are kept, and listed as a file of that folder would be."""

import errno
import io
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from ingest.runs import list_sources
from ingest.sources.upload import clean_name, store_uploads, upload_dir
from search_api.api.runs import upload
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, DependencyUnavailableError, PayloadTooLargeError
from vidensbank.identity import path_from_uri
from vidensbank.settings import get_settings
from vidensbank.store.users import Role


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VB_VAR", str(tmp_path))
    monkeypatch.setenv("VB_MAX_FILE_BYTES", "100")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd", "passwd"),
        # Direction marks would show the name backwards in the run's list.
        ("rapport\u202efdp.html", "rapport fdp.html"),
        ("C:\\Brugere\\lise\\Børn og unge.pdf", "Børn og unge.pdf"),
        (".skjult.pdf", "skjult.pdf"),
        ("linje\nskift\x00.pdf", "linje skift .pdf"),
        ("a" * 300 + ".pdf", "a" * 236 + ".pdf"),
        ("ø" * 200 + ".pdf", "ø" * 118 + ".pdf"),
    ],
)
def test_names_are_cleaned(given: str, kept: str) -> None:
    assert clean_name(given) == kept


@pytest.mark.parametrize("given", ["", "...", "/", "manifest.json", "MANIFEST.JSON"])
def test_names_that_cannot_be_kept_are_refused(given: str) -> None:
    with pytest.raises(BadRequestError):
        clean_name(given)


def test_an_upload_is_kept_and_listed_as_a_file_of_the_folder(settings: Path) -> None:
    [path] = store_uploads([("../rapport.pdf", io.BytesIO(b"%PDF-1.4 kort"))])
    assert path == upload_dir() / "rapport.pdf" and upload_dir().is_relative_to(settings)
    [item] = list_sources([str(path)])
    assert item.refusal is None and item.filename == "rapport.pdf"
    assert path_from_uri(item.location) == path
    [again] = store_uploads([("rapport.pdf", io.BytesIO(b"%PDF-1.4 rettet"))])
    [second] = list_sources([str(again)])
    assert second.source_uri == item.source_uri  # the same name, the same document
    assert again.read_bytes() == b"%PDF-1.4 rettet"


def test_an_upload_over_the_limit_is_refused_and_not_kept(settings: Path) -> None:
    with pytest.raises(PayloadTooLargeError, match=r"stor\.pdf"):
        store_uploads([("stor.pdf", io.BytesIO(b"x" * 101))])
    assert list(upload_dir().iterdir()) == []


def test_files_whose_names_become_the_same_are_refused_and_not_kept(settings: Path) -> None:
    """The second replaced the first, and the run listed one file with no word of the other."""
    account = Account(1, "upload@eksempel.dk", Role.CURATOR, None)
    files: list[tuple[str, BinaryIO]] = [
        ("rapport:1.pdf", io.BytesIO(b"%PDF-1.4 en")),
        ("rapport 1.pdf", io.BytesIO(b"%PDF-1.4 to")),
    ]
    with pytest.raises(BadRequestError, match=r"samme navn her \(rapport 1\.pdf\)"):
        upload(account, files)
    assert not upload_dir().exists() or list(upload_dir().iterdir()) == []


class _FullDisk:
    """A file on a disk that fills up: half of the first chunk is written, then ENOSPC."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def __enter__(self) -> "_FullDisk":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.out.close()

    def write(self, data: bytes) -> None:
        self.out.write(data[: len(data) // 2])
        self.out.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def _disk_full_at_third_file(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = 0
    fdopen = os.fdopen

    def fill_up(fd: int, mode: str) -> Any:
        nonlocal opened
        opened += 1
        return _FullDisk(fdopen(fd, mode)) if opened == 3 else fdopen(fd, mode)

    monkeypatch.setattr(os, "fdopen", fill_up)


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_kwargs: Any) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


@pytest.mark.parametrize("fault", [_disk_full_at_third_file, _read_only])
def test_an_upload_folder_that_cannot_be_written_takes_nothing_in(
    settings: Path, monkeypatch: pytest.MonkeyPatch, fault: Any
) -> None:
    """A full upload folder (ENOSPC) or a read-only one (EROFS) answered 500 "Der skete en
    uventet fejl", and the files written before the failing one stayed, replacing earlier
    uploads of their names, with no run to show for them."""
    [earlier] = store_uploads([("b.pdf", io.BytesIO(b"%PDF-1.4 tidligere"))])
    fault(monkeypatch)
    account = Account(1, "upload@eksempel.dk", Role.CURATOR, None)
    files: list[tuple[str, BinaryIO]] = [
        (name, io.BytesIO(b"%PDF-1.4 ny " + name.encode()))
        for name in ("a.pdf", "b.pdf", "c.pdf", "d.pdf")
    ]
    with pytest.raises(DependencyUnavailableError) as refused:
        upload(account, files)
    assert refused.value.status == 503
    assert refused.value.message.startswith("Filerne blev ikke modtaget")
    assert "Intet er indlæst" in refused.value.message
    assert list(upload_dir().iterdir()) == [earlier]
    assert earlier.read_bytes() == b"%PDF-1.4 tidligere"


def test_an_upload_with_the_queue_down_replaces_no_earlier_upload(
    settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files took the place of earlier uploads of their names, then the run was refused
    ("intet er sat i gang"): the next ingest of the folder read the new one, unasked."""
    [earlier] = store_uploads([("b.pdf", io.BytesIO(b"%PDF-1.4 tidligere"))])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("VB_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    get_settings.cache_clear()
    account = Account(1, "upload@eksempel.dk", Role.CURATOR, None)
    with pytest.raises(DependencyUnavailableError) as refused:
        upload(account, [("b.pdf", io.BytesIO(b"%PDF-1.4 ny"))])
    get_settings.cache_clear()
    assert refused.value.message.startswith("Filerne er ikke modtaget")
    assert earlier.read_bytes() == b"%PDF-1.4 tidligere"
