"""PDF text, page by page, with pypdf. Page numbers are kept: researchers cite pages."""

import datetime as dt
import io
import logging
from typing import ClassVar

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ingest.extract import cleanup
from ingest.extract.base import EmbeddedMetadata, ExtractedDocument, ExtractedPage
from vidensbank.errors import ExtractionError

log = logging.getLogger(__name__)

# A PDF ends with %%EOF; writers may add a little trailing whitespace or junk after it.
_EOF_WINDOW = 2048


class PDFExtractor:
    name: ClassVar[str] = "pdf"
    version: ClassVar[str] = "pdf-1"
    mime_types: ClassVar[frozenset[str]] = frozenset({"application/pdf"})
    extensions: ClassVar[frozenset[str]] = frozenset({".pdf"})

    def extract(self, data: bytes) -> ExtractedDocument:
        if b"%%EOF" not in data[-_EOF_WINDOW:]:
            raise ExtractionError(
                "truncated",
                "PDF-filen er afkortet: den slutter, før PDF'en er færdig. "
                "Hent filen igen fra kilden.",
            )
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ExtractionError(
                    "encrypted",
                    "PDF-filen er beskyttet med adgangskode og kan ikke læses. "
                    "Bed udgiveren om en ubeskyttet udgave.",
                )
            raw_pages = [page.extract_text() or "" for page in reader.pages]
            metadata = _metadata(reader)
        except PyPdfError as exc:
            log.info("pypdf could not read the file: %s", exc)
            raise ExtractionError("corrupt", "PDF-filen er beskadiget og kan ikke læses.") from exc
        if not raw_pages:
            raise ExtractionError("no_pages", "PDF-filen har ingen sider.")
        if not any(text.strip() for text in raw_pages):
            raise ExtractionError(
                "no_text",
                "PDF-filen indeholder ingen tekst, kun billeder. Den skal have tekstgenkendelse "
                "(OCR), før den kan indlæses.",
            )
        texts = cleanup.remove_running_lines(
            [cleanup.normalize_whitespace(text) for text in raw_pages]
        )
        pages = [
            ExtractedPage(number=number, text=cleanup.join_hyphenation(text))
            for number, text in enumerate(texts, start=1)
        ]
        return ExtractedDocument(
            mime_type="application/pdf",
            extractor=self.name,
            extractor_version=self.version,
            pages=pages,
            metadata=metadata,
        )


def _metadata(reader: PdfReader) -> EmbeddedMetadata:
    info = reader.metadata
    if info is None:
        return EmbeddedMetadata()
    created: dt.date | None = None
    try:
        if info.creation_date is not None:
            created = info.creation_date.date()
    except ValueError:
        created = None
    authors = [a.strip() for a in (info.author or "").split(";") if a.strip()]
    return EmbeddedMetadata(
        title=(info.title or "").strip() or None, published=created, authors=authors
    )
