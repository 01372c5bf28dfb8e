"""Content-addressed store of original files on the filesystem.

The key of a file is the SHA-256 of its bytes, so storing the same file twice costs nothing and
an original can never be overwritten by another. A file nothing refers to any more (the earlier
version of a replaced file) is removed once it has gone unstored for a day (``prune``).
"""

import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Set
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text

from vidensbank.store.runs import ItemStatus

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
        except PermissionError:
            return key  # another user's file (restored as root): kept as it is
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

    @contextmanager
    def lock(self, *, exclusive: bool) -> Iterator[bool]:
        """The store held against ``prune`` (shared: a backup, from reading its references
        to copying the last original) or for it (exclusive, not waited for); whether it is
        held. A backup whose original was pruned meanwhile failed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def prune(self, referenced: Set[str], *, unstored_for: float) -> tuple[int, int]:
        """Remove the files no key of ``referenced`` names that were last stored more than
        ``unstored_for`` seconds ago (and what an interrupted write left); return how many and
        their bytes. Call it holding the store (``lock``), with ``referenced`` read after:
        a file stored again for a new reference is touched by ``put``, and that reference is
        recorded long before ``unstored_for`` has passed."""
        for aside in self.root.glob(f"??/??/.*{_ASIDE}"):
            # Left by a prune that stopped between moving a file aside and deciding on it.
            os.replace(aside, aside.with_name(aside.name[1 : -len(_ASIDE)]))
        cutoff = time.time() - unstored_for
        removed = freed = 0
        for path in self.root.glob("??/??/[!.]*"):
            if path.name not in referenced and (size := _remove_unstored(path, cutoff)):
                removed += 1
                freed += size
        return removed, freed


_ASIDE = ".pruning"


def _remove_unstored(path: Path, cutoff: float) -> int | None:
    """Remove a file last stored before ``cutoff``; its size, or None when it is kept. It is
    first moved aside and its time read again: stored again between the first look and the
    move (``put`` touches it), it goes back; stored again after the move, ``put`` finds it
    gone and writes it anew."""
    aside = path.with_name(f".{path.name}{_ASIDE}")
    try:
        if path.stat().st_mtime >= cutoff:
            return None
        os.rename(path, aside)
    except FileNotFoundError:
        return None
    status = aside.stat()
    if status.st_mtime >= cutoff:
        os.replace(aside, path)
        return None
    aside.unlink()
    return status.st_size


def referenced_keys(connection: Connection) -> set[str]:
    """The keys of every original the database needs: documents', the crawler's last copy of
    each address, and ingest items' that may still be read."""
    keys = set(connection.scalars(text("SELECT content_hash FROM documents")))
    keys |= set(
        connection.scalars(
            text("SELECT content_hash FROM crawl_addresses WHERE content_hash IS NOT NULL")
        )
    )
    # An item's own copy, while it may be read: before it is, and for a failed or quarantined
    # file's run again. One read into its document is the document's (or, replaced since, no
    # longer wanted): counted, every crawled version stayed for good.
    locations = connection.scalars(
        text(
            "SELECT location FROM ingest_items WHERE location LIKE :blob "
            "AND status NOT IN (:indexed, :unchanged, :withdrawn, :held)"
        ),
        {
            "blob": f"{BLOB_SCHEME}%",
            "indexed": ItemStatus.INDEXED.value,
            "unchanged": ItemStatus.UNCHANGED.value,
            "withdrawn": ItemStatus.WITHDRAWN.value,
            "held": ItemStatus.HELD.value,
        },
    )
    return keys | {location.removeprefix(BLOB_SCHEME) for location in locations}
