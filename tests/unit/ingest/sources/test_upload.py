"""Uploaded files: kept under a clean name in the upload folder, refused over the size limit
before they are kept, and listed as a file of that folder would be."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from ingest.runs import list_sources
from ingest.sources.upload import clean_name, store_upload, upload_dir
from search_api.api.runs import upload
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, PayloadTooLargeError
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
    path = store_upload("../rapport.pdf", io.BytesIO(b"%PDF-1.4 kort"))
    assert path == upload_dir() / "rapport.pdf" and upload_dir().is_relative_to(settings)
    [item] = list_sources([str(path)])
    assert item.refusal is None and item.filename == "rapport.pdf"
    assert path_from_uri(item.location) == path
    again = store_upload("rapport.pdf", io.BytesIO(b"%PDF-1.4 rettet"))
    [second] = list_sources([str(again)])
    assert second.source_uri == item.source_uri  # the same name, the same document
    assert again.read_bytes() == b"%PDF-1.4 rettet"


def test_an_upload_over_the_limit_is_refused_and_not_kept(settings: Path) -> None:
    with pytest.raises(PayloadTooLargeError, match=r"stor\.pdf"):
        store_upload("stor.pdf", io.BytesIO(b"x" * 101))
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
