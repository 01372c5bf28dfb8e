"""How a document gets its id: from where it comes from, never from what it contains."""

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit


def document_id(source_uri: str) -> str:
    return hashlib.sha256(source_uri.encode("utf-8")).hexdigest()[:20]


def file_uri(path: Path) -> str:
    """A ``file:`` URI for an absolute path; bytes that are not UTF-8 are percent-encoded, so
    any file name fits in the database and comes back unchanged through ``path_from_uri``."""
    return path.as_uri()


def path_from_uri(uri: str) -> Path:
    return Path(os.fsdecode(unquote_to_bytes(urlsplit(uri).path)))


def display_name(name: str) -> str:
    """A file name as text people can read: bytes that are not UTF-8 become '�'."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def public_source_uri(source_uri: str) -> str | None:
    """The source address people may see: a web address, never a path on the server."""
    return source_uri if source_uri.startswith(("http://", "https://")) else None
