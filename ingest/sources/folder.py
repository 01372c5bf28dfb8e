"""A local folder or file, with an optional ``manifest.json`` beside the files.

The manifest maps a file name to the publisher's metadata (title, publisher, kind, published,
authors, source_url, …), as a mirror of the publisher's landing pages would. When it gives a
``source_url``, that URL is the document's identity, so the same report keeps its id wherever
the mirror lies on disk.
"""

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from ingest.sources.base import SourceItem
from vidensbank.identity import file_uri

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@cache
def _manifest(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable manifest %s: %s", path, exc)
        return {}
    return (
        {str(k): v for k, v in data.items() if isinstance(v, dict)}
        if isinstance(data, dict)
        else {}
    )


def _item(path: Path) -> SourceItem:
    path = path.resolve()
    metadata = dict(_manifest(path.parent).get(path.name, {}))
    source_uri = str(metadata.get("source_url") or file_uri(path))
    return SourceItem(
        filename=path.name, location=str(path), source_uri=source_uri, metadata=metadata
    )


def items_from_path(path: Path) -> list[SourceItem]:
    """The files under ``path`` (recursively, sorted), or ``path`` itself when it is a file.

    A path that does not exist still becomes an item, so the run reports it as quarantined
    instead of silently skipping it.
    """
    _manifest.cache_clear()
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
        )
        return [_item(p) for p in files]
    return [_item(path)]
