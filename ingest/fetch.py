"""Fetch a source item's bytes from disk, over HTTP, or from the blob store.

A crawl downloads its files itself (politely, conditionally) and keeps them in the blob store:
its items point there (``vidensbank.store.blobs.blob_location``), so nothing is downloaded
twice. A local file is opened without following links and read only when it is still the
regular file the listing found: a file swapped for a link or a pipe after the run started is
refused.
"""

import os
import stat

from ingest.sources import SourceItem, fetch_url, is_web_address
from vidensbank.errors import ExtractionError, ReasonCode
from vidensbank.identity import path_from_uri
from vidensbank.settings import get_settings
from vidensbank.store.blobs import BLOB_SCHEME, BlobStore

_TOO_LARGE = "Filen er for stor til at blive indlæst (højst {limit} MB)."


def fetch(item: SourceItem) -> bytes:
    if is_web_address(item.location):
        return fetch_url(item.location)
    if item.location.startswith(BLOB_SCHEME):
        return _read_blob(item.location.removeprefix(BLOB_SCHEME))
    return _read_local(item.location)


def _read_blob(key: str) -> bytes:
    store = BlobStore(get_settings().blob_dir)
    try:
        return store.get(key)
    except (OSError, ValueError) as exc:
        raise ExtractionError(
            ReasonCode.MISSING, "Den hentede fil findes ikke længere i Vidensbanks arkiv."
        ) from exc


def _read_local(location: str) -> bytes:
    limit = get_settings().max_file_bytes
    path = path_from_uri(location)
    if os.path.realpath(path) != str(path):
        raise ExtractionError(
            ReasonCode.OUTSIDE_ROOT,
            "Filen er blevet erstattet af en genvej, efter indlæsningen begyndte, og er ikke læst.",
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise ExtractionError(ReasonCode.MISSING, "Filen findes ikke (længere).") from exc
    except PermissionError as exc:
        raise ExtractionError(
            ReasonCode.UNREADABLE, "Filen kan ikke læses (ingen adgang)."
        ) from exc
    except OSError as exc:
        raise ExtractionError(ReasonCode.UNREADABLE, "Filen kan ikke læses.") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ExtractionError(
                ReasonCode.NOT_REGULAR, "Stien er ikke en almindelig fil og er ikke læst."
            )
        if info.st_size > limit:
            raise ExtractionError(ReasonCode.TOO_LARGE, _TOO_LARGE.format(limit=limit // 2**20))
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise ExtractionError(ReasonCode.UNREADABLE, "Filen kan ikke læses.") from exc
    if len(data) > limit:
        raise ExtractionError(ReasonCode.TOO_LARGE, _TOO_LARGE.format(limit=limit // 2**20))
    return data
