"""Files a curator uploads in the browser.

Each is kept in the upload folder under its own (cleaned) name and goes in as a file of that
folder would, with the same checks, limits and quarantine reasons. Its name is its identity:
uploading a corrected file under the same name replaces the document that name brought in.
"""

import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from ingest.sources.manifest import MANIFEST
from vidensbank.errors import BadRequestError, DependencyUnavailableError, PayloadTooLargeError
from vidensbank.settings import get_settings

log = logging.getLogger(__name__)

# File systems take names of 255 bytes; a Danish letter takes two in UTF-8.
MAX_NAME_BYTES = 240
CHUNK_BYTES = 1024 * 1024
# Path separators, control characters and the characters Windows refuses in a name; and the
# marks that change the direction of text ("rapport\u202efdp.exe" shows as "rapportexe.pdf").
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\u200e\u200f\u202a-\u202e\u2066-\u2069]')


def upload_dir() -> Path:
    return get_settings().var / "uploads"


def clean_name(filename: str) -> str:
    """The name an upload is kept under: its last part only, without characters a path would
    read as more than a name."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = " ".join(_UNSAFE.sub(" ", name).split()).lstrip(".")
    if not name:
        raise BadRequestError("Filen har intet brugbart navn; omdøb den, og prøv igen.")
    if name.lower() == MANIFEST:
        # A manifest in the upload folder would set the metadata of every other upload.
        raise BadRequestError(f"En fil må ikke hedde {MANIFEST}; omdøb den, og prøv igen.")
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode()) > 10:
        stem, suffix = name, ""
    if len(name.encode()) > MAX_NAME_BYTES:
        room = MAX_NAME_BYTES - (len(suffix.encode()) + 1 if suffix else 0)
        stem = stem.encode()[:room].decode("utf-8", "ignore")
        name = f"{stem}.{suffix}" if suffix else stem
    return name


def store_uploads(files: Sequence[tuple[str, BinaryIO]]) -> list[Path]:
    """Keep uploaded files in the upload folder, each under its cleaned name (replacing an
    earlier upload of that name), and return their paths.

    Every file is written whole before any takes its place, so a file over the size limit, or a
    folder that is full or cannot be written, leaves nothing of the upload behind and replaces
    no earlier upload."""
    folder = upload_dir()
    names = [clean_name(filename) for filename, _data in files]
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, (_filename, data) in zip(names, files, strict=True):
            written.append(_write_whole(folder, name, data))
        for name, temporary in zip(names, written, strict=True):
            os.replace(temporary, folder / name)
    except OSError as exc:
        log.warning("uploaded files not stored in %s: %s", folder, exc)
        raise DependencyUnavailableError(
            "Filerne blev ikke modtaget: serveren kan ikke gemme dem lige nu (disken er fuld, "
            "eller der kan ikke skrives på den). Intet er indlæst. Prøv igen senere; sker det "
            "igen, så kontakt dem, der driver Vidensbank."
        ) from exc
    finally:
        # After a failure, the files written so far; after success none is left (each took
        # its place).
        for temporary in written:
            temporary.unlink(missing_ok=True)
    return [folder / name for name in names]


def _write_whole(folder: Path, name: str, data: BinaryIO) -> Path:
    """Write an upload to a temporary file in ``folder`` and return its path; refused over the
    size limit, and removed when it cannot be written whole."""
    limit = get_settings().max_file_bytes
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            while chunk := data.read(CHUNK_BYTES):
                written += len(chunk)
                if written > limit:
                    raise PayloadTooLargeError(
                        f"»{name}« er større end de {limit // (1024 * 1024)} MB, en fil må fylde."
                    )
                out.write(chunk)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)
