"""Fetch a source item's bytes from disk or over HTTP."""

from pathlib import Path

from ingest.sources import SourceItem, fetch_url
from vidensbank.errors import ExtractionError
from vidensbank.settings import get_settings


def fetch(item: SourceItem) -> bytes:
    if item.location.startswith(("http://", "https://")):
        return fetch_url(item.location)
    path = Path(item.location)
    try:
        if path.stat().st_size > get_settings().max_file_bytes:
            raise ExtractionError("too_large", "Filen er for stor til at blive indlæst.")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ExtractionError("missing", f"Filen findes ikke: {item.location}") from exc
    except IsADirectoryError as exc:
        raise ExtractionError(
            "missing", f"Stien er en mappe, ikke en fil: {item.location}"
        ) from exc
    except PermissionError as exc:
        raise ExtractionError("unreadable", "Filen kan ikke læses (ingen adgang).") from exc
