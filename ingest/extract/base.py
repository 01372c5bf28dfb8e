"""What every extractor returns, and the interface it implements."""

import datetime as dt
import re
from typing import Annotated, ClassVar, Protocol

from pydantic import BaseModel, BeforeValidator, Field

from ingest.extract.cleanup import visible_line

# What a word processor writes as the author when nobody is named: cited, "anonymous. (2026)."
PLACEHOLDER_AUTHORS = frozenset(
    {
        "admin",
        "administrator",
        "anonym",
        "anonymous",
        "author",
        "bruger",
        "default",
        "ejer",
        "forfatter",
        "microsoft office user",
        "microsoft office-bruger",
        "owner",
        "ukendt",
        "unknown",
        "user",
        "windows user",
        "windows-bruger",
    }
)


def split_authors(text: str) -> list[str]:
    """The people a one-string author field names: "Hansen, A.; Berg, M." is two of them; a
    word processor's placeholder ("anonymous", "Microsoft Office User") is nobody."""
    parts = (" ".join(p.split()) for p in text.split(";"))
    return [part for part in parts if part and part.casefold() not in PLACEHOLDER_AUTHORS]


def _clip(limit: int) -> BeforeValidator:
    """A file's own metadata is whatever its maker typed: one line of visible text a database
    takes, cut to what a column holds; nothing left is no value."""
    return BeforeValidator(
        lambda value: visible_line(value)[:limit] or None if isinstance(value, str) else value
    )


def _names(value: object) -> object:
    """Authors as ``_clip`` keeps a value, at most 200 of them, the empty ones left out."""
    if not isinstance(value, list):
        return value
    names = (visible_line(name)[:300] if isinstance(name, str) else name for name in value)
    return [name for name in names if name][:200]


class ExtractedPage(BaseModel):
    number: int
    text: str
    # An image of text without a text layer: the OCR step reads it.
    needs_ocr: bool = False
    # The number the file prints on the page ("iii", "12"), where it is not its place in the file.
    label: str | None = None


# What a word processor or converter writes as the title of a file nobody gave one: its own
# name for the file ("Microsoft Word - rapport_final_v3.docx"), a file name
# ("rapport_final.docx", "endelig_version"), a numbered new file ("Dokument1",
# "Presentation2") or a placeholder.
_CONVERTER_TITLE = re.compile(r"Microsoft[ \w]{0,20} - ", re.IGNORECASE)
_FILE_NAME = re.compile(r".*\.[^\W\d_]\w{1,4}|\S*_\S*")
_NEW_FILE = re.compile(r"[^\W\d_]+\d{1,3}")
PLACEHOLDER_TITLES = frozenset(
    {"untitled", "uden titel", "ingen titel", "no title", "title", "titel", "unknown", "ukendt"}
)


def plausible_title(title: str) -> bool:
    """Whether a file's own title is a title, not what its software wrote for none."""
    normal = " ".join(title.split())
    return not (
        _CONVERTER_TITLE.match(normal)
        or _FILE_NAME.fullmatch(normal)
        or _NEW_FILE.fullmatch(normal)
        or normal.casefold().strip(" .-") in PLACEHOLDER_TITLES
    )


class EmbeddedMetadata(BaseModel):
    """Metadata a file carries itself (PDF info dictionary, HTML meta tags)."""

    title: Annotated[str | None, _clip(1000)] = None
    publisher: Annotated[str | None, _clip(200)] = None
    kind: Annotated[str | None, _clip(100)] = None
    published: dt.date | None = None
    # The file's date is the day the file was made (a PDF's creation date), which a report
    # exported again or made from a template gives years after it was published.
    dated_by_file: bool = False
    authors: Annotated[list[str], BeforeValidator(_names)] = Field(default_factory=list)
    # A language other than Danish and English the file declares (see ``declared_language``).
    language: str | None = None


class ExtractedDocument(BaseModel):
    mime_type: str
    extractor: str
    extractor_version: str
    pages: list[ExtractedPage]
    metadata: EmbeddedMetadata = Field(default_factory=EmbeddedMetadata)
    # Scripts or actions a viewer would run (a PDF's JavaScript, launch actions): the original
    # is then only offered as a download.
    active_content: bool = False


class Extractor(Protocol):
    name: ClassVar[str]
    label: ClassVar[str]  # the file in a Danish sentence: "PDF-filen"
    version: ClassVar[str]
    mime_types: ClassVar[frozenset[str]]
    extensions: ClassVar[frozenset[str]]

    def extract(self, data: bytes) -> ExtractedDocument: ...
