"""A local folder or file, with an optional ``manifest.json`` beside the files.

The manifest maps a file name to the publisher's metadata (title, publisher, kind, published,
authors, source_url, …), as a mirror of the publisher's landing pages would. When it gives a
``source_url``, that URL is the document's identity, so the same report keeps its id wherever
the mirror lies on disk.

The folder is a boundary: only regular files inside it are read. A link is followed only when
it points at a regular file inside the same folder; links out of it, links to folders, devices
and named pipes are listed as refused, with the reason, so the run shows them.
"""

import os
import stat
import unicodedata
from pathlib import Path
from typing import Any

from ingest.sources.base import SourceItem
from ingest.sources.manifest import MANIFEST, parse_entry, read_manifest
from vidensbank.errors import ExtractionError, ReasonCode
from vidensbank.identity import display_name, file_uri

_NOT_REGULAR = (
    "Stien er ikke en almindelig fil (men fx en mappe, en enhed eller en navngivet kanal) og er "
    "ikke læst."
)
_MANIFEST_ALONE = (
    "manifest.json er metadata om filerne i sin mappe, ikke et dokument. Indlæs mappen, så "
    "bruges den."
)


def _plain(path: Path, name: str | None = None) -> SourceItem:
    uri = file_uri(path)
    return SourceItem(filename=display_name(name or path.name), location=uri, source_uri=uri)


def _refused(path: Path, code: ReasonCode, reason: str, name: str | None = None) -> SourceItem:
    return _plain(path, name).refuse(ExtractionError(code, reason))


def _manifest(folder: Path, relative: str) -> tuple[dict[str, Any], SourceItem | None]:
    """The folder's manifest entries, or a refused item saying why the manifest is unusable."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return {}, None
    try:
        return read_manifest(fd), None
    except ExtractionError as error:
        return {}, _plain(folder / MANIFEST, f"{relative}{MANIFEST}").refuse(error)
    finally:
        os.close(fd)


def _file(path: Path, root: Path, manifest: dict[str, Any], name: str) -> SourceItem:
    """The item for one directory entry, refused unless it is a regular file inside ``root``."""
    try:
        info = os.lstat(path)
    except OSError:
        return _refused(path, ReasonCode.UNREADABLE, "Filen kan ikke læses.", name)
    target = path
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
            info = os.stat(target)
        except (OSError, RuntimeError):
            return _refused(
                path, ReasonCode.MISSING, "Filen er en genvej til noget, der ikke findes.", name
            )
        if not target.is_relative_to(root):
            return _refused(
                path,
                ReasonCode.OUTSIDE_ROOT,
                "Filen er en genvej til en fil uden for den mappe, der indlæses, og er ikke læst.",
                name,
            )
    if not stat.S_ISREG(info.st_mode):
        return _refused(path, ReasonCode.NOT_REGULAR, _NOT_REGULAR, name)
    item = _plain(target, name)
    if (key := unicodedata.normalize("NFC", path.name)) in manifest:
        try:
            metadata = parse_entry(manifest[key])
        except ExtractionError as error:
            return item.refuse(error)
        uri = metadata.get("source_url") or item.source_uri
        item = item.model_copy(update={"metadata": metadata, "source_uri": uri})
    return item


def _walk(root: Path) -> list[SourceItem]:
    items: list[SourceItem] = []

    def unreadable(error: OSError) -> None:
        folder = Path(str(error.filename))
        relative = os.path.relpath(folder, root) if folder != root else folder.name
        items.append(
            _refused(folder, ReasonCode.UNREADABLE, "Mappen kan ikke læses.", f"{relative}/")
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        folder = Path(dirpath)
        prefix = "" if folder == root else os.path.relpath(folder, root) + "/"
        manifest, refusal = _manifest(folder, display_name(prefix))
        if refusal is not None:
            items.append(refusal)
        # Hidden folders (.git, .cache) are not part of a collection; linked folders are not
        # followed, and are listed so the run says so.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            if (folder / name).is_symlink():
                dirnames.remove(name)
                items.append(
                    _refused(
                        folder / name,
                        ReasonCode.NOT_REGULAR,
                        "Genveje til mapper følges ikke; kun filer inde i den valgte mappe "
                        "indlæses.",
                        display_name(f"{prefix}{name}"),
                    )
                )
        for name in sorted(filenames):
            if name == MANIFEST or name.startswith("."):
                continue
            items.append(_file(folder / name, root, manifest, display_name(name)))
    return items


def items_from_path(path: Path) -> list[SourceItem]:
    """The files under ``path`` (recursively, sorted), or ``path`` itself when it is a file.

    A path that does not exist, or cannot be read, still becomes an item, so the run reports it
    as quarantined instead of silently skipping it.
    """
    given = Path(os.path.abspath(path))
    try:
        # The path the user names may itself be a link: that is their choice of root.
        info = os.stat(given)
    except FileNotFoundError:
        return [_refused(given, ReasonCode.MISSING, "Filen findes ikke; tjek stien.")]
    except OSError:
        return [_refused(given, ReasonCode.UNREADABLE, "Stien kan ikke læses.")]
    root = given.resolve()
    if stat.S_ISDIR(info.st_mode):
        return _walk(root)
    if not stat.S_ISREG(info.st_mode):
        return [_refused(given, ReasonCode.NOT_REGULAR, _NOT_REGULAR)]
    manifest, refusal = _manifest(root.parent, "")
    if given.name == MANIFEST:
        # "Prøv igen" of a refused manifest gives the manifest itself: its reason again.
        return [refusal or _refused(given, ReasonCode.UNSUPPORTED, _MANIFEST_ALONE)]
    return [_file(root, root.parent, manifest, display_name(given.name))]


def manifest_refusal(path: Path) -> SourceItem | None:
    """Why the manifest beside a file given alone cannot be used, as an entry of the run (the
    file goes in without its metadata); None for a folder, or a usable or missing manifest."""
    given = Path(os.path.abspath(path))
    if given.name == MANIFEST or not given.is_file():
        return None
    return _manifest(given.resolve().parent, "")[1]
