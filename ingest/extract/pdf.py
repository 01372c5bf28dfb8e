"""PDF text, page by page, with pypdf. Page numbers are kept: researchers cite pages."""

import datetime as dt
import io
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, NamedTuple

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

from ingest.extract import cleanup
from ingest.extract.base import (
    EmbeddedMetadata,
    ExtractedDocument,
    ExtractedPage,
    plausible_title,
    split_authors,
)
from ingest.language import declared_language
from vidensbank.errors import ExtractionError, ReasonCode
from vidensbank.settings import get_settings

log = logging.getLogger(__name__)

# A PDF ends with %%EOF; writers may add a little trailing whitespace or junk after it.
_EOF_WINDOW = 2048
# Pages looked at for drawings when a PDF has no text at all.
_DRAWN_PAGES = 50


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except (PyPdfError, DependencyError, NotImplementedError, ValueError):
        return False


class _Repairs(logging.Handler):
    """Counts what pypdf had to repair while reading: a sign that the file is damaged."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def _counting_repairs() -> Iterator[_Repairs]:
    handler = _Repairs()
    pypdf_log = logging.getLogger("pypdf")
    pypdf_log.addHandler(handler)
    try:
        yield handler
    finally:
        pypdf_log.removeHandler(handler)


# A footnote marker: a number drawn smaller than the text it follows, right after a word or
# a sentence's punctuation ("sagen.1", "myndighedsafdelinger2"). The text has it in superscript
# digits ("myndighedsafdelinger²"): pypdf writes it as plain digits glued to the word, which made
# one token of word and number, so the word was not found; a search's tokenizer passes
# superscript digits over, as set apart (" [2]") the number was a word of the text, which lowered
# the judged queries' inflection and synonym scores below their bars. Its number finds the
# page's notes (``cleanup.set_apart_footnotes``).
# Several notes at one place are one marker ("indsatser3,4").
_MARKER = re.compile(r"\d{1,3}(?:,\d{1,3})*")
_MARKER_SIZE = 0.85  # at most this share of the size of the text before it
# (Danish quotes close with « as often as with »: "»… til en anden.«3".)
_BEFORE_MARKER = re.compile(r"[^\W\d_]|[.,;:!?)\]»«”’\"']")


def _drawn_size(font_size: float, tm: list[float], cm: list[float]) -> float:
    """The height text is drawn at: the font size scaled by the text and page matrices."""
    return abs(font_size) * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])


class _PageText(NamedTuple):
    text: str
    markers: list[int]  # the numbers of its footnote markers, in their order
    heading: str | None  # its largest text, when it stands out (``_heading``)


# A title page sets its title larger than the rest: its largest letters, at most a short
# title's worth, a quarter larger than most of its smaller letters, are a heading; on a page
# with letters of one size only (a cover: a photo and its title), when they are a heading's size.
_HEADING_SIZE = 1.25
_HEADING_ALONE_SIZE = 16.0
_HEADING_CHARS = 300
_HEADING_LETTERS = 200


def _heading(pieces: list[tuple[str, float]]) -> str | None:
    """The text drawn largest on a page, when it is short and clearly larger than the rest.
    A one-word label above it ("RAPPORT", "NOTAT") is passed over for the next size down."""
    letters: Counter[float] = Counter()
    for piece, size in pieces:
        # Sizes of letters only: a large "2024" or bullet is no heading, and hides none.
        if count := sum(char.isalpha() for char in piece):
            letters[round(size, 1)] += count
    for largest in sorted(letters, reverse=True):
        if largest <= 0 or letters[largest] > _HEADING_LETTERS:
            return None
        smaller = sorted(size for size in letters.elements() if size < 0.95 * largest)
        if largest < (
            _HEADING_SIZE * smaller[len(smaller) // 2] if smaller else _HEADING_ALONE_SIZE
        ):
            return None
        heading = " ".join(
            " ".join(
                piece for piece, size in pieces if abs(size - largest) <= 0.05 * largest
            ).split()
        )
        if len([word for word in heading.split() if any(c.isalpha() for c in word)]) > 1:
            return heading[:_HEADING_CHARS]
    return None


def _page_text(page: PageObject, *, title_page: bool = False) -> _PageText:
    """A page's text, the numbers of its footnote markers and, for the ``title_page``, its
    heading (only the first page's gives a title: no other page pays for it).

    pypdf hands each run of text it writes to a visitor with the size it is drawn at; the
    runs make up the text it returns. Where they do not (a pypdf that writes differently),
    no markers or heading are found."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        try:
            drawn = _drawn_size(float(size), tm, cm)
        except (TypeError, ValueError, IndexError):
            drawn = 0.0
        pieces.append((text, drawn))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(piece for piece, _ in pieces) != text:
        return _PageText(text, [], None)
    markers: list[int] = []
    written: list[str] = []
    last, size_before = "", 0.0
    for index, (piece, size) in enumerate(pieces):
        number = piece.rstrip()
        following = pieces[index + 1][0][:1] if index + 1 < len(pieces) else ""
        if (
            _MARKER.fullmatch(number)
            and _BEFORE_MARKER.fullmatch(last)
            and 0 < size < _MARKER_SIZE * size_before
            and not following.isalnum()
        ):
            markers += [int(one) for one in number.split(",")]
            piece = cleanup.superscript(number) + piece[len(number) :]
        elif piece.strip():
            size_before = size
        written.append(piece)
        last = piece[-1:] or last
    heading = _heading(pieces) if title_page else None
    return _PageText("".join(written), markers, heading)


def _shows_image(page: PageObject) -> bool:
    try:
        return bool(len(page.images))
    except Exception:  # a damaged image dictionary is still no readable text
        return False


def _without_text_layer(text: str) -> bool:
    """No usable text layer: not one letter (a scanner's stamped page number is not text)."""
    return not any(char.isalpha() for char in text)


# A scan stamped by a scanner or a case system ("Side 1", "Modtaget i Socialforvaltningen
# 12.03.2024") has a few words of text layer over a page-sized image, and was indexed with the
# stamp alone. Such a page is read by OCR too (pdfium renders the stamp with the scan). A page
# of a report has more words than that, or a smaller figure; a cover with a photo and a short
# title is read by OCR as well, which costs a page's OCR and loses none of its words.
_STAMP_LETTERS = 60
# Images of at least this many pixels together (A4 at 72 dpi is 0.48 million) drawn over at
# least this share of the page together: a scanner may store a page as strips.
_SCAN_PIXELS = 400_000
_SCAN_COVER = 0.5


def _images_drawn(page: PageObject) -> tuple[int, float]:
    """The pixels of the images the page draws, and the share of the page they are drawn
    over, both summed over every time one is drawn (read from the image dictionaries and the
    drawing operators, not decoded)."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return 0, 0.0
        images = {
            str(name): int(image.get("/Width", 0)) * int(image.get("/Height", 0))
            for name, reference in xobjects.get_object().items()
            if (image := reference.get_object()).get("/Subtype") == "/Image"
        }
        if not images:
            return 0, 0.0
        pixels, drawn = 0, 0.0

        def visit(operator: bytes, operands: list[Any], cm: list[float], tm: list[float]) -> None:
            nonlocal pixels, drawn
            if operator == b"Do" and operands and str(operands[0]) in images:
                pixels += images[str(operands[0])]
                drawn += abs(cm[0] * cm[3] - cm[1] * cm[2])

        page.extract_text(visitor_operand_before=visit)
        box = page.mediabox
        area = abs(float(box.width) * float(box.height)) or 1.0
        return pixels, drawn / area
    except Exception:  # a damaged resource dictionary is no scan we can tell
        return 0, 0.0


def _scanned(page: PageObject, text: str) -> bool:
    """Whether a page is an image of text, to be read by OCR."""
    if _without_text_layer(text):
        return _shows_image(page)
    if sum(char.isalpha() for char in text) >= _STAMP_LETTERS:
        return False
    pixels, cover = _images_drawn(page)
    return pixels >= _SCAN_PIXELS and cover >= _SCAN_COVER


def _drawings(pages: list[PageObject]) -> bool | None:
    """Whether the pages draw anything; ``None`` when a content stream cannot be read."""
    drawn = False
    for page in pages[:_DRAWN_PAGES]:
        try:
            contents = page.get_contents()
            drawn = drawn or (contents is not None and bool(contents.get_data().strip()))
        except Exception:  # any failure to read a content stream is damage
            return None
    return drawn


def _beyond_limits(exc: LimitReachedError) -> ExtractionError:
    """pypdf stops at its limits: a stream that inflates far beyond any real page, or a
    structure that loops or nests without end."""
    if "decompress" in str(exc).lower():
        return ExtractionError(
            ReasonCode.TOO_LARGE,
            "PDF-filen indeholder data, der pakker sig ud til langt mere, end en PDF "
            "med tekst fylder (en dekomprimeringsbombe), og er ikke læst.",
        )
    return ExtractionError(
        ReasonCode.CORRUPT,
        "PDF-filen er beskadiget: dens opbygning løber i ring eller er indlejret dybere, end "
        "den kan læses.",
    )


# Dictionary keys of what a viewer would run or open: scripts, actions on opening or on events,
# launching programs, embedded files and forms that submit.
_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/RichMedia",
        "/XFA",
        "/EmbeddedFiles",
        "/SubmitForm",
        "/ImportData",
    }
)
# A PDF with more objects than this is not searched for scripts: it is treated as having some.
_MAX_SCANNED_OBJECTS = 500_000


def _active_content(reader: PdfReader) -> bool:
    """Whether any object of the file, compressed object streams included, holds a script or an
    action. Names are compared as pypdf decodes them, so an escaped ``/J#53`` is found too."""
    numbers = [
        (number, generation) for generation, objects in reader.xref.items() for number in objects
    ]
    numbers += [(number, 0) for number in reader.xref_objStm]
    if len(numbers) > _MAX_SCANNED_OBJECTS:
        return True
    for number, generation in numbers:
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception:  # an unreadable object runs nothing
            continue
        if isinstance(obj, DictionaryObject) and not _ACTIVE_KEYS.isdisjoint(obj.keys()):
            return True
    return False


class PDFExtractor:
    name: ClassVar[str] = "pdf"
    label: ClassVar[str] = "PDF-filen"
    version: ClassVar[str] = "pdf-19"
    mime_types: ClassVar[frozenset[str]] = frozenset({"application/pdf"})
    extensions: ClassVar[frozenset[str]] = frozenset({".pdf"})

    def extract(self, data: bytes) -> ExtractedDocument:
        # Padding after the end (NULs, spaces) is not part of the window a writer's junk gets.
        if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n\x0c")[-_EOF_WINDOW:]:
            raise ExtractionError(
                ReasonCode.TRUNCATED,
                "PDF-filen er afkortet: den slutter, før PDF'en er færdig. "
                "Hent filen igen fra kilden.",
            )
        max_pages = get_settings().max_pages
        with _counting_repairs() as repairs:
            try:
                reader = PdfReader(io.BytesIO(data))
                # Many reports are "encrypted" only against changes: the password to open
                # them is empty, and any viewer opens them without asking.
                if reader.is_encrypted and not _opens_without_password(reader):
                    raise ExtractionError(
                        ReasonCode.ENCRYPTED,
                        "PDF-filen er beskyttet med adgangskode og kan ikke læses. "
                        "Bed udgiveren om en ubeskyttet udgave.",
                    )
                pages = list(reader.pages)
                if len(pages) > max_pages:
                    raise ExtractionError(
                        ReasonCode.TOO_MANY_PAGES,
                        f"PDF-filen har {len(pages)} sider; Vidensbank indlæser højst "
                        f"{max_pages} sider pr. dokument.",
                    )
                read = [_page_text(page, title_page=n == 0) for n, page in enumerate(pages)]
                raw_pages = [page.text for page in read]
                metadata = _metadata(reader)
                labels = _page_labels(reader, len(pages))
                active = _active_content(reader)
                # Pages that are images of text are left to OCR; a mixed PDF keeps its text.
                scanned = [
                    _scanned(page, text) for page, text in zip(pages, raw_pages, strict=True)
                ]
            except LimitReachedError as exc:
                raise _beyond_limits(exc) from exc
        if not raw_pages:
            raise ExtractionError(ReasonCode.NO_PAGES, "PDF-filen har ingen sider.")
        if not any(scanned) and not any(text.strip() for text in raw_pages):
            raise _without_text(pages, repairs.count)
        own_title = cleanup.visible_line(metadata.title or "")
        # (A cover read by OCR too, a photo and a short title, still has its title's text.)
        if read[0].heading and not (own_title and plausible_title(own_title)):
            # A file that names no title: its title page's, rather than its first line (a
            # sentence cut at the line's end).
            metadata.title = read[0].heading
        texts = cleanup.remove_running_lines(
            [
                # A page left to OCR keeps what words it has (a stamp, a cover's title) until
                # OCR reads it, and if OCR reads nothing.
                ""
                if needs_ocr and _without_text_layer(text)
                else cleanup.normalize_whitespace(text)
                for text, needs_ocr in zip(raw_pages, scanned, strict=True)
            ],
            notes=[page.markers for page in read],
        )
        texts = cleanup.join_page_breaks(texts)
        texts = [
            cleanup.set_apart_footnotes(text, markers)
            for text, (_, markers, _) in zip(texts, read, strict=True)
        ]
        return ExtractedDocument(
            mime_type="application/pdf",
            extractor=self.name,
            extractor_version=self.version,
            pages=[
                ExtractedPage(
                    number=number,
                    text=cleanup.join_hyphenation(text),
                    needs_ocr=needs_ocr,
                    label=label,
                )
                for number, (text, needs_ocr, label) in enumerate(
                    zip(texts, scanned, labels, strict=True), 1
                )
            ],
            metadata=metadata,
            active_content=active,
        )


def _without_text(pages: list[PageObject], repairs: int) -> ExtractionError:
    """Why a PDF without text or images cannot be indexed: damaged, or simply blank.

    (Pages that show images are scans, read by OCR.) A file pypdf had to repair is called
    damaged; one that draws without text may hold text as outlines."""
    drawings = _drawings(pages)
    if repairs or drawings is None:
        return ExtractionError(
            ReasonCode.CORRUPT,
            "PDF-filen er beskadiget: der kunne hverken læses tekst eller billeder i den.",
        )
    if drawings:
        return ExtractionError(
            ReasonCode.NO_TEXT,
            "PDF-filen indeholder ingen tekst, kun grafik. Vidensbank læser kun indscannede "
            "billeder med tekstgenkendelse (OCR), ikke tekst tegnet som figurer. Bed udgiveren "
            "om en udgave med tekst, og indlæs den igen.",
        )
    return ExtractionError(
        ReasonCode.NO_TEXT, "PDF-filen indeholder hverken tekst eller billeder; siderne er tomme."
    )


def _metadata(reader: PdfReader) -> EmbeddedMetadata:
    language = declared_language(_declared_lang(reader))
    info = reader.metadata
    if info is None:
        return EmbeddedMetadata(language=language, dated_by_file=True)
    created: dt.date | None = None
    try:
        if info.creation_date is not None:
            created = info.creation_date.date()
    except ValueError:
        created = None
    authors = split_authors(str(info.author or ""))
    return EmbeddedMetadata(
        title=str(info.title or "").strip() or None,
        published=created,
        dated_by_file=True,
        authors=authors,
        language=language,
    )


_LABEL_CHARS = 32


def _page_labels(reader: PdfReader, count: int) -> list[str | None]:
    """The number each page has in print, from the file's page labels (a report's front matter
    "i", "ii", then "1" on its sixth page); None where it is the page's place in the file, or
    where the file has no labels or labels that cannot be read."""
    try:
        if "/PageLabels" not in reader.root_object:
            return [None] * count
        labels = list(reader.page_labels)
    except Exception:  # a tree pypdf cannot read (cyclic, too deep) is no labels
        return [None] * count
    if len(labels) != count:
        return [None] * count
    found: list[str | None] = []
    for number, label in enumerate(labels, 1):
        label = cleanup.visible_line(str(label))[:_LABEL_CHARS]
        found.append(label if label and label != str(number) else None)
    return found


def _declared_lang(reader: PdfReader) -> str | None:
    """The document catalog's ``/Lang``, when it is a string."""
    try:
        lang = reader.root_object.get("/Lang")
    except (KeyError, AttributeError, PyPdfError):
        return None
    return str(lang) if isinstance(lang, str) else None
