from pathlib import Path

from vidensbank.identity import document_id, file_uri
from vidensbank.store.blobs import BlobStore, content_hash


def test_document_id_depends_only_on_source_identity() -> None:
    uri = "https://www.vive.dk/da/udgivelser/inddragelse-af-boern"
    assert document_id(uri) == document_id(uri)
    assert document_id(uri) != document_id(uri + "?v=2")
    assert len(document_id(uri)) == 20


def test_file_uri_is_absolute(tmp_path: Path) -> None:
    assert file_uri(tmp_path / "a b.pdf").startswith("file:///")


def test_blob_store_is_content_addressed(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    key = store.put(b"rapport")
    assert key == content_hash(b"rapport")
    assert store.put(b"rapport") == key
    assert store.get(key) == b"rapport"
    assert store.path_for(key).parent.parent.parent == tmp_path


def test_blob_store_refuses_keys_that_are_not_hashes(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    for bad in ("../../etc/passwd", "abc", "Z" * 64):
        try:
            store.path_for(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")
