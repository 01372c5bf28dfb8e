"""The fetch step: the file name a document gets, and what becomes of a replaced file's
original (real SQLite and blob store)."""

import os
import time
from pathlib import Path

import pytest

from ingest.extract.registry import EXTRACTORS
from ingest.runs import record_run
from ingest.tasks import _fetch_items, prune_originals
from search_api.query.results import file_format
from vidensbank.identity import document_id, file_uri
from vidensbank.settings import get_settings
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import BlobStore, blob_location, referenced_keys
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document
from vidensbank.store.runs import ItemStatus, NewItem

PAGE = (
    b"<!DOCTYPE html><html lang='da'><head><title>Skolev\xc3\xa6gring</title></head>"
    b"<body><main><h1>Skolev\xc3\xa6gring</h1><p>Et redskab til fagfolk.</p></main></body></html>"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
TOOLS = "https://bornsvilkar.dk/fagfolk/vaerktoejer/"


def test_every_extractor_reads_files_named_by_its_own_extension() -> None:
    for extractor in EXTRACTORS:
        assert f".{extractor.name}" in extractor.extensions


def test_a_file_named_by_its_web_address_gets_its_formats_extension(tmp_path: Path) -> None:
    """A crawled tool page at ".../skolevaegring-web" was stored under that name: the pages
    called its format "Fil", and its saved copy downloaded with no extension."""
    migrate()
    blobs = BlobStore(get_settings().blob_dir)
    local = tmp_path / "noter"
    local.write_bytes(PAGE)
    # (name, location, address) of what a crawl kept in the blob store, and of a local file.
    sources = [
        ("skolevaegring-web", blob_location(blobs.put(PAGE)), TOOLS + "skolevaegring-web"),
        ("hent", blob_location(blobs.put(PDF)), TOOLS + "hent"),
        ("rapport.pdf", blob_location(blobs.put(PDF + b"%")), TOOLS + "rapport.pdf"),
        ("noter", file_uri(local), file_uri(local)),
    ]
    with session_scope() as session:
        _run_id, item_ids = record_run(
            session,
            items=[
                NewItem(filename=name, location=location, source_uri=uri, source_metadata={})
                for name, location, uri in sources
            ],
        )
    _fetch_items(item_ids)
    with session_scope() as session:
        names = [
            session.get_one(Document, document_id(uri)).filename
            for _name, _location, uri in sources
        ]
    assert names == ["skolevaegring-web.html", "hent.pdf", "rapport.pdf", "noter"]
    assert file_format(names[0]) == "Webside"


def test_a_replaced_files_earlier_original_is_removed_once_nothing_refers_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each replaced file (a corrected upload, a publisher's revised PDF) left its earlier
    version in the blob store for good: 224 of 467 originals after a day of replacements."""
    monkeypatch.setenv("VB_DATABASE_URL", f"sqlite:///{tmp_path / 'vidensbank.db'}")
    monkeypatch.setenv("VB_BLOB_DIR", str(tmp_path / "blobs"))
    get_settings.cache_clear()
    migrate()
    blobs = BlobStore(get_settings().blob_dir)
    report = tmp_path / "rapport.html"

    def ingest(page: bytes) -> str:
        report.write_bytes(page)
        with session_scope() as session:
            _run, item_ids = record_run(
                session,
                items=[
                    NewItem(
                        filename="rapport.html",
                        location=file_uri(report),
                        source_uri=file_uri(report),
                        source_metadata={},
                    )
                ],
            )
        _fetch_items(item_ids)
        with session_scope() as session:
            return session.get_one(Document, document_id(file_uri(report))).content_hash

    try:
        first = ingest(PAGE)
        second = ingest(PAGE.replace(b"fagfolk", b"fagfolk og forvaltninger"))
        stored_again = blobs.put(PDF)  # stored a moment ago: its reference may be on its way
        two_days_ago = time.time() - 2 * 24 * 3600
        for key in (first, second, stored_again):
            os.utime(blobs.path_for(key), (two_days_ago, two_days_ago))
        assert blobs.put(PDF) == stored_again
        prune_originals()
        assert not blobs.exists(first)
        assert blobs.exists(second) and blobs.exists(stored_again)
    finally:
        get_settings.cache_clear()


def test_an_original_stored_again_while_it_is_pruned_stays(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Between the prune's look at a file and its removal, a worker stored the same file again
    for a new reference (``put`` touches it and records it as kept): it was removed all the
    same, and the new reference had no original."""
    blobs = BlobStore(tmp_path)
    key = blobs.put(PDF)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(blobs.path_for(key), (two_days_ago, two_days_ago))
    move = os.rename

    def stored_again_first(source: Path, target: Path) -> None:
        assert blobs.put(PDF) == key
        move(source, target)

    monkeypatch.setattr("vidensbank.store.blobs.os.rename", stored_again_first)
    assert blobs.prune(set(), unstored_for=24 * 3600) == (0, 0)
    assert blobs.get(key) == PDF


def test_no_original_is_pruned_while_a_backup_reads_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A backup reads its references first and copies the originals after; pruned meanwhile,
    one of them failed the backup."""
    monkeypatch.setenv("VB_BLOB_DIR", str(tmp_path / "blobs"))
    get_settings.cache_clear()
    try:
        blobs = BlobStore(get_settings().blob_dir)
        key = blobs.put(b"%PDF-1.4 en fil, som intet henviser til")
        two_days_ago = time.time() - 2 * 24 * 3600
        os.utime(blobs.path_for(key), (two_days_ago, two_days_ago))
        with blobs.lock(exclusive=False):
            prune_originals()
            assert blobs.exists(key)
        prune_originals()
        assert not blobs.exists(key)
    finally:
        get_settings.cache_clear()


def test_an_items_copy_is_kept_while_the_item_may_be_read_again(tmp_path: Path) -> None:
    """Every ingest item's copy counted as referenced for good, so no crawled version was ever
    pruned: only one not yet read, or failed or quarantined (run again with one click), is."""
    migrate()
    blobs = BlobStore(tmp_path)
    keys = {status: blobs.put(f"{status}".encode()) for status in ItemStatus}
    with session_scope() as session:
        _run, item_ids = record_run(
            session,
            items=[
                NewItem(
                    filename=f"{status}.pdf",
                    location=blob_location(key),
                    source_uri=f"https://eksempel.dk/{status}.pdf",
                    source_metadata={},
                )
                for status, key in keys.items()
            ],
        )
        for item_id, status in zip(item_ids, keys, strict=True):
            run_store.finish_item(session, item_id=item_id, status=status)
    with session_scope() as session:
        referenced = referenced_keys(session.connection())
    kept = {ItemStatus.PENDING, ItemStatus.FAILED, ItemStatus.QUARANTINED}
    assert {status for status, key in keys.items() if key in referenced} == kept
