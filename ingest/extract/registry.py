"""Pick the extractor for a file from its content, checked against its name, and turn anything
a parser raises into a quarantine reason: a file can be broken in more ways than any parser
names, and none of them is a system failure."""

from pathlib import PurePosixPath

import magic
from celery.exceptions import SoftTimeLimitExceeded

from ingest.extract.base import ExtractedDocument, Extractor
from ingest.extract.html import HTMLExtractor
from ingest.extract.pdf import PDFExtractor
from vidensbank.errors import ExtractionError, ReasonCode

EXTRACTORS: tuple[Extractor, ...] = (PDFExtractor(), HTMLExtractor())

# Danish names of content types a misnamed file often turns out to be.
_KNOWN_TYPES = {
    "application/zip": "en ZIP-fil",
    "application/x-zip-compressed": "en ZIP-fil",
    "application/gzip": "en gzip-komprimeret fil",
    "application/msword": "et Word-dokument",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "et Word-dokument",
    "image/png": "et PNG-billede",
    "image/jpeg": "et JPEG-billede",
    "text/plain": "ren tekst",
    "application/json": "JSON-data",
    "application/octet-stream": "ukendte binære data",
}


def sniff_mime(data: bytes) -> str:
    return str(magic.from_buffer(data[:65536], mime=True))


def _describe(mime: str) -> str:
    return _KNOWN_TYPES.get(mime, f"af typen {mime}")


def choose_extractor(data: bytes, filename: str) -> Extractor:
    """The extractor whose MIME type the content has; the name only breaks ties for text.

    A file whose name promises one format while its content is another ("rapport.pdf" that is
    a ZIP archive) is refused with a message naming both.
    """
    if not data:
        raise ExtractionError(ReasonCode.EMPTY, "Filen er tom (0 byte).")
    mime = sniff_mime(data)
    suffix = PurePosixPath(filename).suffix.lower()
    by_name = next((e for e in EXTRACTORS if suffix in e.extensions), None)
    by_content = next((e for e in EXTRACTORS if mime in e.mime_types), None)
    if by_content is not None:
        return by_content
    if by_name is not None and mime.startswith("text/") and by_name.name == "html":
        return by_name
    if by_name is not None:
        raise ExtractionError(
            ReasonCode.WRONG_TYPE,
            f"Filen hedder {suffix}, men indholdet er {_describe(mime)}. "
            "Tjek, at det er den rigtige fil.",
        )
    raise ExtractionError(
        ReasonCode.UNSUPPORTED,
        f"Filtypen understøttes ikke ({_describe(mime)}). Vidensbank læser PDF og HTML.",
    )


def with_extension(filename: str, extractor: Extractor) -> str:
    """``filename`` ending in an extension of the format ``extractor`` reads: one that has none
    of them gets the format's own (``.pdf``, ``.html``, the extractor's name)."""
    if PurePosixPath(filename).suffix.lower() in extractor.extensions:
        return filename
    return f"{filename}.{extractor.name}"


def extract(data: bytes, filename: str) -> ExtractedDocument:
    """The pages of a file, or ``ExtractionError`` with the reason it cannot be read."""
    extractor = choose_extractor(data, filename)
    try:
        return extractor.extract(data)
    except (ExtractionError, SoftTimeLimitExceeded):
        raise
    except RecursionError as exc:
        raise ExtractionError(
            ReasonCode.TOO_DEEP,
            f"{extractor.label} er bygget så dybt indlejret, at den ikke kan læses sikkert.",
        ) from exc
    except MemoryError as exc:
        raise ExtractionError(
            ReasonCode.TOO_LARGE, f"{extractor.label} kræver for meget hukommelse at læse."
        ) from exc
    except Exception as exc:
        raise ExtractionError(
            ReasonCode.CORRUPT, f"{extractor.label} er beskadiget og kan ikke læses."
        ) from exc
