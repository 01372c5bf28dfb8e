"""``manifest.json``: the publisher's metadata for the files of a folder, checked field by field.

A mirror of the publisher's landing pages maps each file name to an entry. An entry that breaks
the rules below refuses its file with a reason naming the field, instead of reaching the
database or the index as a list where a title belongs.
"""

import datetime as dt
import json
import os
import stat
import unicodedata
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from ingest.extract.base import split_authors
from ingest.extract.cleanup import visible_line
from ingest.language import is_language_code
from vidensbank.errors import ExtractionError, ReasonCode

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 20 * 1024 * 1024


def _one_line(value: Any) -> Any:
    """Free text as one line of what a reader sees, as a file's own title and a curator's
    correction are kept: a line break in a publisher or a kind was stored as it came, became
    a record of its own in a RIS export and a kind of its own among the search's facets."""
    return visible_line(value) if isinstance(value, str) else value


OneLine = BeforeValidator(_one_line)
ShortText = Annotated[str, OneLine, Field(min_length=1, max_length=300)]

# Danish names of the manifest's fields, for the reasons a user reads.
FIELD_NAMES = {
    "title": "title (titel)",
    "publisher": "publisher (udgiver)",
    "kind": "kind (dokumenttype)",
    "published": "published (udgivelsesdato)",
    "authors": "authors (forfattere)",
    "source_url": "source_url (kildeadresse)",
    "target_age": "target_age (målgruppe)",
    "professional": "professional (faggruppe)",
    "isbn": "isbn (ISBN)",
    "target_group": "target_group (målgruppe med udgiverens ord)",
    "language": "language (sprog)",
}


class ManifestEntry(BaseModel):
    """What a publisher says of one file. The limits match the database columns and keep every
    value well inside what the search index accepts."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: Annotated[str | None, OneLine] = Field(default=None, min_length=1, max_length=1000)
    publisher: Annotated[str | None, OneLine] = Field(default=None, min_length=1, max_length=200)
    kind: Annotated[str | None, OneLine] = Field(default=None, min_length=1, max_length=100)
    published: dt.date | None = None
    authors: list[ShortText] = Field(default_factory=list, max_length=200)
    source_url: str | None = Field(
        default=None, max_length=2000, pattern=r"^https?://[^\s]+$", description="http(s) URL"
    )
    target_age: Annotated[str | None, OneLine] = Field(default=None, min_length=1, max_length=100)
    professional: list[ShortText] = Field(default_factory=list, max_length=50)
    isbn: str | None = Field(default=None, min_length=10, max_length=20, pattern=r"^[0-9Xx -]+$")
    target_group: Annotated[str | None, OneLine] = Field(default=None, min_length=1, max_length=300)
    # The language the publisher says the document is in; it wins over the detected one.
    language: str | None = Field(default=None, description="ISO 639-1 code")

    @field_validator("authors", mode="before")
    @classmethod
    def _split_authors(cls, value: Any) -> Any:
        # "Hansen, A.; Berg, M." is one string naming two people, not a list of letters.
        return split_authors(value) if isinstance(value, str) else value

    @field_validator("language")
    @classmethod
    def _iso_639_1(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.lower()  # "NB" is the same code in capitals
        if not is_language_code(code):
            raise ValueError("not an ISO 639-1 code")
        return code

    @field_validator("published", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        # A year alone, or a timestamp, is common in publishers' data.
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            if 1000 <= value <= 9999:
                return dt.date(value, 1, 1)
            # A timestamp, in seconds or milliseconds since 1970; a small number is neither
            # (0 dated a report 1970-01-01).
            for unit in (1, 1000):
                if 10**8 <= value / unit < 10**10:
                    return dt.datetime.fromtimestamp(value / unit, dt.UTC).date()
            raise ValueError("not a year or a timestamp")
        if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
            return value[:10]
        return value


def explain(error: ValidationError, *, where: str = "i manifestet") -> str:
    """The first problem of an entry, in Danish, naming its field (``where`` says where the
    entry comes from: the manifest, or a publisher's site). "Feltet" is neuter, so are the
    adjectives after it."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    name = FIELD_NAMES.get(field, field)
    kind = first["type"]
    if kind in ("string_too_long", "too_long"):
        problem = "er for langt"
    elif kind in ("string_type", "list_type", "date_type"):
        problem = "har en forkert type"
    elif field == "published":
        problem = "skal være en dato som 2021-05-11 (eller et årstal)"
    elif field == "language":
        problem = "skal være en sprogkode på to bogstaver som da, en eller nb (ISO 639-1)"
    elif kind == "string_pattern_mismatch" and field == "isbn":
        problem = "er ikke et ISBN"
    elif kind == "string_pattern_mismatch":
        problem = "skal være en http- eller https-adresse"
    elif kind == "string_too_short" and first.get("input"):
        problem = "er for kort" + (" til at være et ISBN" if field == "isbn" else "")
    elif kind == "string_too_short":
        problem = "er tomt"
    else:
        problem = "er ugyldigt"
    return f"Feltet {name} {where} {problem}."


def _has_nul(value: Any) -> bool:
    """Whether a NUL character is anywhere in parsed JSON (without recursion: arrays nested
    a few thousand deep are valid JSON)."""
    waiting = [value]
    while waiting:
        value = waiting.pop()
        if isinstance(value, str) and "\x00" in value:
            return True
        if isinstance(value, dict):
            waiting.extend(value.keys())
            waiting.extend(value.values())
        elif isinstance(value, list):
            waiting.extend(value)
    return False


def read_manifest(folder_fd: int) -> dict[str, dict[str, Any]]:
    """The entries of the manifest in an open folder (none when it has no manifest).

    Read through the folder's descriptor without following a link, so a manifest that is a link
    to a file elsewhere is refused rather than read.
    """
    try:
        fd = os.open(MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST,
            "manifest.json kan ikke læses (det er en genvej eller ikke en almindelig fil).",
        ) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ExtractionError(
                ReasonCode.BAD_MANIFEST, "manifest.json er ikke en almindelig fil."
            )
        if info.st_size > MAX_MANIFEST_BYTES:
            raise ExtractionError(ReasonCode.BAD_MANIFEST, "manifest.json er for stor.")
        raw = handle.read(MAX_MANIFEST_BYTES + 1)
    try:
        # "-sig": Notepad and Excel save UTF-8 with a byte order mark first.
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST, "manifest.json er ikke gemt som UTF-8."
        ) from exc
    except json.JSONDecodeError as exc:
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST,
            f"manifest.json er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}).",
        ) from exc
    except RecursionError as exc:
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST, "manifest.json har lister eller objekter i for mange lag."
        ) from exc
    except ValueError as exc:
        # Python reads no integer of more than 4300 digits.
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST, "manifest.json har et tal med for mange cifre."
        ) from exc
    if not isinstance(data, dict):
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST,
            "manifest.json skal være et objekt med et filnavn som nøgle for hver fil.",
        )
    if _has_nul(data):
        # PostgreSQL stores no text with it: every file of the folder would fail on it.
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST, "manifest.json indeholder et nultegn (\\u0000); fjern det."
        )
    # Keys by the composed form of their letters, as file names are looked up (a name typed on
    # a Mac may come decomposed: "å" as a and a ring).
    return {unicodedata.normalize("NFC", name): entry for name, entry in data.items()}


def parse_entry(entry: Any) -> dict[str, Any]:
    """An entry as metadata for the pipeline, or ``ExtractionError`` naming the bad field."""
    if not isinstance(entry, dict):
        raise ExtractionError(
            ReasonCode.BAD_MANIFEST, "Manifestets oplysninger om filen er ikke et objekt."
        )
    try:
        parsed = ManifestEntry.model_validate(entry)
    except ValidationError as exc:
        raise ExtractionError(ReasonCode.BAD_MANIFEST, explain(exc)) from exc
    return parsed.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
