"""Content-addressed store of original files on the filesystem.

The key of a file is the SHA-256 of its bytes, so storing the same file twice costs nothing and
an original can never be overwritten by another.
"""

import hashlib
import os
import tempfile
from pathlib import Path

# An ingest item whose file is already in the store (a crawl's download) is located by its key.
BLOB_SCHEME = "blob:"


def blob_location(key: str) -> str:
    """The location of a file already in the blob store."""
    return f"{BLOB_SCHEME}{key}"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not a blob key: {key!r}")
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = content_hash(data)
        path = self.path_for(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        return self.path_for(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path_for(key).exists()
