"""How a document gets its id: from where it comes from, never from what it contains."""

import hashlib
from pathlib import Path


def document_id(source_uri: str) -> str:
    return hashlib.sha256(source_uri.encode("utf-8")).hexdigest()[:20]


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()
