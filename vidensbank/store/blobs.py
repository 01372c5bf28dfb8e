"""Content-addressed store of original files on the filesystem.

The key of a file is the SHA-256 of its bytes, so storing the same file twice costs nothing and
an original can never be overwritten by another. A file nothing refers to any more (the earlier
version of a replaced file) is removed once it has gone unstored for a day (``prune``).
"""

import hashlib
import os
import tempfile
import time
from collections.abc import Set
from pathlib import Path

from sqlalchemy import Connection, text

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
        try:
            # Stored again, it is as new: ``prune`` leaves it, until whatever stores it has
            # recorded its reference.
            os.utime(path)
            return key
        except FileNotFoundError:
            pass
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

    def prune(self, referenced: Set[str], *, unstored_for: float) -> tuple[int, int]:
        """Remove the files no key of ``referenced`` names that were last stored more than
        ``unstored_for`` seconds ago (and what an interrupted write left); return how many and
        their bytes. ``referenced`` is read before: a file stored again for a new reference
        is touched by ``put``, and that reference recorded long before ``unstored_for`` has
        passed, so no file is removed that a reference is on its way to."""
        cutoff = time.time() - unstored_for
        removed = freed = 0
        for path in self.root.glob("??/??/*"):
            if path.name in referenced:
                continue
            try:
                status = path.stat()
                if status.st_mtime >= cutoff:
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            removed += 1
            freed += status.st_size
        return removed, freed


def referenced_keys(connection: Connection) -> set[str]:
    """The keys of every original the database refers to: documents', the crawler's last copy
    of each address, and ingest items stored before they were read."""
    keys = set(connection.scalars(text("SELECT content_hash FROM documents")))
    keys |= set(
        connection.scalars(
            text("SELECT content_hash FROM crawl_addresses WHERE content_hash IS NOT NULL")
        )
    )
    locations = connection.scalars(
        text("SELECT location FROM ingest_items WHERE location LIKE :blob"),
        {"blob": f"{BLOB_SCHEME}%"},
    )
    return keys | {location.removeprefix(BLOB_SCHEME) for location in locations}
