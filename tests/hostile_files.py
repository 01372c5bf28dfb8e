"""Hostile input files for the ingest pipeline, generated from code with a fixed seed.

``generate(folder)`` writes a little over 210 files into ``folder`` (and a few link targets into
a sibling folder ``<folder>-udenfor``) and returns, for each entry the run lists, which outcomes
are acceptable: ``"indexed"`` and/or the quarantine reason codes of
``vidensbank.errors.ReasonCode``. ``"failed"`` is never acceptable.

Nothing here touches the network or a binary committed to the repository: every PDF is written
by hand as bytes (with a correct xref table unless the point is that it is wrong) or with
ReportLab, every other format with the standard library. The same seed gives the same bytes.
All text is Danish.
"""

import gzip
import io
import json
import os
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

SEED = 20260509
INDEXED = "indexed"

# Entries the integration test checks beyond their outcome.
HUGE_HTML = "kæmpeside.html"
HUGE_PDF = "kæmpeside.pdf"
MANY_PAGES = "titusind-sider.pdf"
MANY_PAGES_COUNT = 10_001
# Word planted on the last page of each, and the page it stands on.
MARKERS = {
    HUGE_HTML: ("slutmarkørordet", 1),
    HUGE_PDF: ("pdfslutmarkøren", 1),
    MANY_PAGES: ("sidstesidemærket", MANY_PAGES_COUNT),
}
# HTML in legacy or UTF-16 encodings, correctly declared: the stored text must read "Børn".
DECLARED_ENCODINGS = (
    "tegnsæt-cp1252-meta.html",
    "tegnsæt-latin1-http-equiv.html",
    "tegnsæt-utf16-le-bom.html",
    "tegnsæt-utf16-be-bom.html",
    "tegnsæt-utf8-bom.html",
)
AUTHORS_AS_TEXT = "forfattere-som-tekst.html"
AUTHORS = ["Hansen, Anne", "Berg, Mads"]
PASSWD_LINK = "genvej-til-passwd.pdf"
# File names that are not UTF-8 on disk, as the run must show them.
NON_UTF8_NAMES = ("b�rn-rapport.pdf", "�ble-�rsberetning.html", "��-ugyldig-utf8.html")

# PDF objects are nested this deep where the point is the nesting.
DEEP = 100_000
BOMB_BYTES = 600 * 2**20


@dataclass(frozen=True)
class Hostile:
    """One entry of the run: its name as the run lists it, and what may become of it."""

    name: str
    category: str
    accept: frozenset[str]


# --- Danish text -----------------------------------------------------------------------------

_WORDS = [
    "børn",
    "unge",
    "familie",
    "forældre",
    "skole",
    "daginstitution",
    "kommune",
    "sagsbehandler",
    "anbringelse",
    "plejefamilie",
    "trivsel",
    "mistrivsel",
    "underretning",
    "inddragelse",
    "netværk",
    "fritid",
    "sundhedsplejerske",
    "pædagog",
    "lærer",
    "socialrådgiver",
    "udsatte",
    "indsats",
    "forebyggelse",
    "undersøgelse",
    "rapport",
    "analyse",
    "erfaringer",
    "tilbud",
    "støtte",
    "samarbejde",
    "bekymring",
    "hverdag",
    "søskende",
    "bedsteforældre",
    "ungdomsliv",
    "mobning",
    "ensomhed",
    "fællesskab",
    "læring",
    "udvikling",
    "sprog",
    "tidlig",
    "opsporing",
    "handleplan",
    "børnesamtale",
    "ungeråd",
    "rådgivning",
    "efterværn",
    "overgang",
    "voksenliv",
    "økonomi",
    "bolig",
    "psykiatri",
    "misbrug",
    "vold",
    "omsorgssvigt",
    "rettigheder",
    "høring",
    "kvalitet",
    "metode",
    "evaluering",
    "resultater",
    "anbefalinger",
]
_GLUE = [
    "og",
    "i",
    "på",
    "for",
    "med",
    "af",
    "til",
    "om",
    "at",
    "der",
    "som",
    "er",
    "har",
    "blev",
    "kan",
    "skal",
    "viser",
]


def _sentence(rng: random.Random, words: int = 12) -> str:
    parts = [rng.choice(_WORDS) if i % 3 else rng.choice(_GLUE) for i in range(words)]
    return parts[0].capitalize() + " " + " ".join(parts[1:]) + "."


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(_sentence(rng) for _ in range(4)) for _ in range(count)]


# --- PDF by hand -----------------------------------------------------------------------------

_HEADER = b"%PDF-1.4\n%\xe6\xf8\xe5\xc6\n"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_RESOURCES = b"/Resources << /Font << /F1 3 0 R >> >>"


def _pdf(objects: Sequence[bytes], trailer: bytes = b" /Root 1 0 R") -> bytes:
    """A PDF of ``objects`` (numbered from 1) with a correct xref table and trailer."""
    out = bytearray(_HEADER)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: Sequence[str]) -> bytes:
    shown = b" ".join(b"%s Tj T*" % _pdf_string(line) for line in lines)
    return b"BT /F1 10 Tf 12 TL 40 800 Td " + shown + b" ET"


def _page(parent: int, contents: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] %s /Contents %s%s >>" % (
        parent,
        _RESOURCES,
        contents,
        extra,
    )


def _text_pdf(pages: Sequence[Sequence[str]], page_extra: bytes = b"") -> bytes:
    """Catalog 1, Pages 2, font 3, then a page and its content stream for each page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", _FONT]
    kids = []
    for lines in pages:
        number = len(objects) + 1
        kids.append(b"%d 0 R" % number)
        objects.append(_page(2, b"%d 0 R" % (number + 1), page_extra))
        objects.append(_stream(_content(lines)))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return _pdf(objects)


def _one_page(lines: Sequence[str], *more: bytes, page: bytes | None = None) -> list[bytes]:
    """Objects of a one-page PDF (page 4, content 5); ``more`` become objects 6, 7, …"""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _FONT,
        page if page is not None else _page(2, b"5 0 R"),
        _stream(_content(lines)),
        *more,
    ]


def _reportlab_pdf(
    pages: Sequence[Sequence[str]], encrypt: StandardEncryption | None = None
) -> bytes:
    """A PDF as a real writer makes it (compressed streams), byte for byte reproducible."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, encrypt=encrypt)
    canvas.setTitle("Børn og unge i udsatte positioner")
    canvas.setAuthor("Hansen, Anne; Berg, Mads")
    for lines in pages:
        text = canvas.beginText(50, 800)
        text.setFont("Helvetica", 10)
        for line in lines:
            text.textLine(line)
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@cache
def _deflate_bomb(prefix: bytes, fill: int, size: int) -> bytes:
    """A zlib stream of ``prefix`` and then ``size`` bytes of ``fill``, built in a second.

    After a full flush, deflate forgets everything before it, so the compressed form of each
    further 1 MB chunk of the same bytes is the same block; it is computed once and repeated.
    """
    chunk = bytes([fill]) * 2**20
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(prefix + chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush()
    chunks = size // len(chunk)
    checksum = zlib.adler32(prefix + chunk)
    for _ in range(chunks - 1):
        checksum = zlib.adler32(chunk, checksum)
    return b"\x78\xda" + head + block * (chunks - 1) + tail + struct.pack(">I", checksum)


def _nested(depth: int, opening: bytes, closing: bytes) -> bytes:
    return opening * depth + closing * depth


# --- Other formats ---------------------------------------------------------------------------


def _html(title: str, body: str, head: str = '<meta charset="utf-8">') -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="da"><head>{head}<title>{title}</title></head>\n'
        f"<body><main><h1>{title}</h1>\n{body}\n</main></body></html>\n"
    )


def _html_paragraphs(rng: random.Random, title: str, count: int = 3) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in _paragraphs(rng, count))
    return _html(title, body).encode()


def _png() -> bytes:
    """A 2×2 grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip(rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("rapport.txt", date_time=(2024, 5, 1, 12, 0, 0))
        archive.writestr(info, "\n".join(_paragraphs(rng, 3)))
    return buffer.getvalue()


# --- Writing ---------------------------------------------------------------------------------


class _Writer:
    """Writes files into the folder and records what each may become."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: list[Hostile] = []

    def add(self, category: str, name: str, *accept: str) -> None:
        if any(entry.name == name for entry in self.entries):
            raise ValueError(f"two hostile entries are listed as {name!r}")
        self.entries.append(Hostile(name, category, frozenset(accept)))

    def file(self, category: str, name: str | bytes, data: bytes, *accept: str) -> None:
        """Write ``name`` (bytes for a name that is not UTF-8) and record it."""
        path = os.path.join(os.fsencode(self.folder), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        shown = os.fsdecode(name) if isinstance(name, bytes) else name
        listed = shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        self.add(category, listed.rsplit("/", 1)[-1], *accept)

    def link(self, category: str, name: str, target: str | Path, *accept: str) -> None:
        os.symlink(target, self.folder / name)
        self.add(category, name, *accept)


def _truncated(w: _Writer, rng: random.Random, bases: Sequence[bytes]) -> None:
    """PDFs cut short at offsets spread over the whole file: no %%EOF at the end."""
    for index, base in enumerate(bases):
        end = base.rindex(b"%%EOF") + 4  # cut inside "%%EOF" at the latest
        cuts = {16 + (end - 16) * k // 19 for k in range(20)}
        while len(cuts) < 20:
            cuts.add(rng.randrange(16, end))
        for cut in sorted(cuts):
            w.file("afkortet PDF", f"afkortet-{index}-{cut:06d}.pdf", base[:cut], "truncated")


def _mangled(w: _Writer, rng: random.Random, bases: Sequence[bytes], count: int) -> None:
    """PDFs with random bits flipped and bytes overwritten, deleted, doubled or inserted.

    The header and the last 32 bytes are left alone, so they still look like PDFs that end
    properly; whether one is still readable is chance, so ``indexed`` is accepted too.
    """
    for number in range(count):
        data = bytearray(bases[number % len(bases)])
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(16, len(data) - 32)
            span = rng.randint(1, 16)
            match rng.choice(("flip", "flip", "overwrite", "delete", "double", "insert")):
                case "flip":
                    data[at] ^= 1 << rng.randrange(8)
                case "overwrite":
                    data[at : at + span] = rng.randbytes(span)
                case "delete":
                    del data[at : at + span]
                case "double":
                    data[at:at] = data[at : at + span]
                case "insert":
                    data[at:at] = rng.randbytes(span)
        w.file(
            "bitfejl i PDF",
            f"bitfejl-{number:03d}.pdf",
            bytes(data),
            INDEXED,
            "corrupt",
            "no_pages",
        )


def _broken_structure(w: _Writer, lines: Sequence[str]) -> None:
    """Page trees and xref tables that loop or point nowhere."""
    category = "løkker og xref"
    page = _page(2, b"5 0 R")
    cases: dict[str, list[bytes]] = {
        # The Pages node lists itself among its kids.
        "kids-peger-på-sig-selv.pdf": [
            *_one_page(lines)[:1],
            b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>",
            *_one_page(lines)[2:],
        ],
        # A child Pages node lists its parent as its kid.
        "kids-peger-på-forælder.pdf": [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [6 0 R 4 0 R] /Count 2 >>",
            _FONT,
            page,
            _stream(_content(lines)),
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ],
        # A page without resources of its own is its own parent, so inheriting them loops.
        "parent-peger-på-sig-selv.pdf": _one_page(
            lines,
            page=b"<< /Type /Page /Parent 4 0 R /Contents 5 0 R >>",
        ),
        # Page → Pages → page via /Parent.
        "parent-løkke.pdf": _one_page(
            lines,
            b"<< /Type /Pages /Parent 4 0 R /Kids [4 0 R] /Count 1 >>",
            page=b"<< /Type /Page /Parent 6 0 R /Contents 5 0 R >>",
        ),
        # The contents of a second page are an object that is a reference to itself.
        "objekt-peger-på-sig-selv.pdf": [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>",
            _FONT,
            page,
            _stream(_content(lines)),
            _page(2, b"7 0 R"),
            b"7 0 R",
        ],
        # A stream whose /Length is a reference to an object that is a reference to itself.
        "længde-peger-på-sig-selv.pdf": [
            *_one_page(lines)[:4],
            b"<< /Length 6 0 R >>\nstream\n" + _content(lines) + b"\nendstream",
            b"6 0 R",
        ],
        "pages-er-et-tal.pdf": [b"<< /Type /Catalog /Pages 42 >>", b"<< >>", _FONT],
        "pages-findes-ikke.pdf": [b"<< /Type /Catalog /Pages 99 0 R >>", b"<< >>", _FONT],
    }
    for name, objects in cases.items():
        accept = ("corrupt", "no_pages") if name.startswith("pages-") else (INDEXED, "corrupt")
        w.file(category, name, _pdf(objects), *accept)

    good = _pdf(_one_page(lines))
    xref = good.rindex(b"\nxref\n") + 1
    w.file(
        category,
        "xref-nul-forskydninger.pdf",
        re.sub(rb"\d{10} 00000 n", b"0000000000 00000 n", good),
        INDEXED,
        "corrupt",
    )
    w.file(
        category,
        "startxref-uden-for-filen.pdf",
        good.replace(b"startxref\n%d" % xref, b"startxref\n99999999"),
        INDEXED,
        "corrupt",
    )
    w.file(
        category,
        "xref-prev-peger-på-sig-selv.pdf",
        good.replace(b"trailer\n<<", b"trailer\n<< /Prev %d" % xref),
        INDEXED,
        "corrupt",
    )
    w.file(
        category,
        "trailer-uden-root.pdf",
        good.replace(b" /Root 1 0 R", b""),
        INDEXED,
        "corrupt",
    )
    # A page tree 5,000 Pages nodes deep (objects 4, 5, …), with the one page at the bottom.
    depth = 5_000
    objects = [b"<< /Type /Catalog /Pages 4 0 R >>", b"null", _FONT]
    for number in range(4, 4 + depth):
        parent = b" /Parent %d 0 R" % (number - 1) if number > 4 else b""
        objects.append(b"<< /Type /Pages%s /Kids [%d 0 R] /Count 1 >>" % (parent, number + 1))
    objects.append(_page(3 + depth, b"%d 0 R" % (5 + depth)))
    objects.append(_stream(_content(lines)))
    w.file(category, "dybt-sidetræ.pdf", _pdf(objects), INDEXED, "corrupt")


def _bombs(w: _Writer, lines: Sequence[str]) -> None:
    """Small files whose streams inflate to hundreds of megabytes."""
    category = "dekomprimeringsbombe"
    text = _content(lines) + b"\n"
    zeros = _deflate_bomb(b"", 0, BOMB_BYTES)
    spaces = _deflate_bomb(text, 0x20, BOMB_BYTES)
    flate = b" /Filter /FlateDecode"
    w.file(
        category,
        "bombe-nuller.pdf",
        _pdf([*_one_page(lines)[:4], _stream(zeros, flate)]),
        "too_large",
    )
    w.file(
        category,
        "bombe-mellemrum-efter-tekst.pdf",
        _pdf([*_one_page(lines)[:4], _stream(spaces, flate)]),
        "too_large",
    )
    w.file(
        category,
        "bombe-dobbelt-flate.pdf",
        _pdf(
            [
                *_one_page(lines)[:4],
                _stream(zlib.compress(zeros, 9), b" /Filter [/FlateDecode /FlateDecode]"),
            ]
        ),
        "too_large",
    )
    w.file(
        category,
        "bombe-samme-strøm-tre-gange.pdf",
        _pdf(
            [*_one_page(lines, page=_page(2, b"[5 0 R 5 0 R 5 0 R]"))[:4], _stream(spaces, flate)]
        ),
        "too_large",
    )
    font = _FONT[:-2] + b" /ToUnicode 6 0 R >>"
    w.file(
        category,
        "bombe-i-tounicode.pdf",
        _pdf([*_one_page(lines)[:2], font, *_one_page(lines)[3:], _stream(zeros, flate)]),
        "too_large",
    )
    # An image nobody needs for the text: reading the text may skip it.
    image = _stream(
        zeros,
        b" /Type /XObject /Subtype /Image /Width 20000 /Height 30000 /ColorSpace "
        b"/DeviceGray /BitsPerComponent 8" + flate,
    )
    resources = b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >>"
    w.file(
        category,
        "bombe-i-billede.pdf",
        _pdf(
            [
                *_one_page(lines)[:3],
                _page(2, b"5 0 R").replace(_RESOURCES, resources),
                _stream(b"q 100 0 0 100 50 50 cm /Im1 Do Q " + _content(lines)),
                image,
            ]
        ),
        INDEXED,
        "too_large",
    )


def _deep_pdfs(w: _Writer, lines: Sequence[str]) -> None:
    category = "dybt indlejret PDF"
    accept = (INDEXED, "corrupt", "too_deep")
    arrays = _nested(DEEP, b"[", b"]")
    dicts = _nested(DEEP, b"<< /A ", b">>")
    w.file(
        category,
        "indlejrede-arrays-i-side.pdf",
        _pdf(_one_page(lines, page=_page(2, b"5 0 R", b" /Fjendtlig " + arrays))),
        *accept,
    )
    w.file(
        category,
        "indlejrede-ordbøger-i-side.pdf",
        _pdf(_one_page(lines, page=_page(2, b"5 0 R", b" /Fjendtlig " + dicts))),
        *accept,
    )
    w.file(
        category,
        "indlejrede-arrays-i-indhold.pdf",
        _pdf([*_one_page(lines)[:4], _stream(_content(lines) + b"\nBT " + arrays + b" TJ ET")]),
        *accept,
    )
    w.file(
        category,
        "indlejrede-arrays-i-trailer.pdf",
        _pdf(_one_page(lines), trailer=b" /Root 1 0 R /Fjendtlig " + arrays),
        *accept,
    )
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Fjendtlig %s >>" % _nested(10 * DEEP, b"[", b"]")
    w.file(
        category,
        "en-million-arrays-i-katalog.pdf",
        _pdf([catalog, *_one_page(lines)[1:]]),
        *accept,
    )


def _deep_html(w: _Writer, rng: random.Random) -> None:
    category = "dybt indlejret HTML"
    for tag, depth in (
        ("div", 100),
        ("div", 400),
        ("div", 600),
        ("div", 10_000),
        ("div", 100_000),
        ("div", 1_000_000),
        ("b", 100_000),
        ("table", 10_000),
    ):
        opening = "<table><tr><td>" if tag == "table" else f"<{tag}>"
        closing = "</td></tr></table>" if tag == "table" else f"</{tag}>"
        inner = f"<p>{_sentence(rng)} Børn i bunden af træet.</p>"
        body = f"<p>{_sentence(rng)}</p>" + opening * depth + inner + closing * depth
        accept = INDEXED if depth <= 400 else "too_deep"
        w.file(category, f"indlejret-{tag}-{depth}.html", _html("Dybt træ", body).encode(), accept)


def _misnamed(w: _Writer, rng: random.Random, pdf: bytes) -> None:
    category = "forkert filtype"
    html = _html_paragraphs(rng, "Forklædt side")
    text = "\n".join(_paragraphs(rng, 3)).encode()
    json_data = b'{"titel": "B\\u00f8rn og unge", "sider": [1, 2, 3]}\n'
    zipped, png = _zip(rng), _png()
    gzipped = gzip.compress(text, mtime=0)
    for suffix in (".pdf", ".html"):
        w.file(category, f"zip-som{suffix}", zipped, "wrong_type")
        w.file(category, f"png-som{suffix}", png, "wrong_type")
        w.file(category, f"gzip-som{suffix}", gzipped, "wrong_type")
        w.file(category, f"json-som{suffix}", json_data, "wrong_type")
    w.file(category, "tekst-som.pdf", text, "wrong_type")
    w.file(category, "tekst-som.html", text, INDEXED, "wrong_type")
    w.file(category, "html-som.pdf", html, INDEXED)
    w.file(category, "pdf-som.html", pdf, INDEXED)
    w.file(category, "pdf-som.txt", pdf, INDEXED)
    w.file(category, "zip-som.docx", zipped, "unsupported")
    w.file(category, "png-uden-endelse", png, "unsupported")
    w.file(category, "tilfældige-bytes.pdf", rng.randbytes(4096), "wrong_type")
    w.file(category, "kun-pdf-hoved.pdf", b"%PDF-1.7\n" + rng.randbytes(4096), "truncated")
    w.file(
        category,
        "pdf-hoved-og-slut-uden-indhold.pdf",
        b"%PDF-1.7\n" + rng.randbytes(4096) + b"\n%%EOF\n",
        "corrupt",
    )


def _encodings(w: _Writer, rng: random.Random) -> None:
    """HTML with Danish letters in the encodings Danish web sites have used."""
    category = "tegnsæt"
    body = (
        "<p>Børn og unge på døgninstitution – “trivsel” før og efter. Både pædagoger og "
        f"sagsbehandlere blev spurgt.</p><p>{_sentence(rng)}</p>"
    )
    title = "Børn og unge i Ærø og Åbenrå"
    cp1252_meta = '<meta charset="windows-1252">'
    latin1 = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    latin1_body = body.replace("–", "-").replace("“", '"').replace("”", '"')
    cases: list[tuple[str, bytes]] = [
        ("tegnsæt-cp1252-meta.html", _html(title, body, cp1252_meta).encode("cp1252")),
        ("tegnsæt-latin1-http-equiv.html", _html(title, latin1_body, latin1).encode("latin-1")),
        (
            "tegnsæt-utf16-le-bom.html",
            b"\xff\xfe" + _html(title, body, "").encode("utf-16-le"),
        ),
        (
            "tegnsæt-utf16-be-bom.html",
            b"\xfe\xff" + _html(title, body, "").encode("utf-16-be"),
        ),
        ("tegnsæt-utf8-bom.html", b"\xef\xbb\xbf" + _html(title, body, "").encode()),
        ("tegnsæt-utf8-uden-erklæring.html", _html(title, body, "").encode()),
        ("tegnsæt-cp1252-uden-erklæring.html", _html(title, body, "").encode("cp1252")),
        (
            "tegnsæt-forkert-erklæring.html",
            _html(title, latin1_body, '<meta charset="utf-8">').encode("latin-1"),
        ),
        (
            "tegnsæt-blandet.html",
            _html(title, body).encode() + _html(title, latin1_body, "").encode("latin-1"),
        ),
        (
            "tegnsæt-ukendt-navn.html",
            _html(title, body, '<meta charset="x-dansk-tegnsæt-9">').encode(),
        ),
    ]
    for name, data in cases:
        w.file(category, name, data, INDEXED)


def _odd_names(w: _Writer, rng: random.Random, pdf: bytes) -> None:
    category = "mærkelige filnavne"
    # 243 bytes: file names may have at most 255.
    long_name = "langt-navn-" + "børnerapport-" * 16 + "slut.pdf"
    names: list[str | bytes] = [
        b"b\xf8rn-rapport.pdf",
        b"\xe6ble-\xe5rsberetning.html",
        b"\xff\xfe-ugyldig-utf8.html",
        "linje\nskift.html",
        "mellem rum   og  flere.pdf",
        "citat-\"dobbelt\"-'enkelt'.html",
        "<img src=x onerror=alert(1)>.html",
        long_name,
        "-rf.pdf",
        "--help.html",
        "rapport#side=2?x=1.pdf",
        "procent-%2Fetc%2Fpasswd.html",
        "omvendt\\skråstreg.html",
        "nfd-bo\u0308rn.html",
    ]
    for name in names:
        raw = os.fsencode(name) if isinstance(name, str) else name
        data = pdf if raw.endswith(b".pdf") else _html_paragraphs(rng, "Mærkeligt navn")
        w.file(category, name, data, INDEXED)


def _links(w: _Writer, rng: random.Random, outside: Path) -> None:
    category = "genveje og specialfiler"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "udenfor.html").write_bytes(_html_paragraphs(rng, "Uden for mappen"))
    w.file(category, "genvejsmål.html", _html_paragraphs(rng, "Mål for en genvej"), INDEXED)
    # Sorted after its target, so the target is listed first; both have the same identity.
    w.link(category, "zz-genvej-indenfor.html", "genvejsmål.html", INDEXED, "duplicate")
    w.link(category, PASSWD_LINK, "/etc/passwd", "outside_root")
    w.link(category, "genvej-til-dev-zero.pdf", "/dev/zero", "outside_root", "not_regular")
    w.link(category, "genvej-udenfor.html", outside / "udenfor.html", "outside_root")
    w.link(
        category,
        "genvej-relativ-ud.html",
        f"../{outside.name}/udenfor.html",
        "outside_root",
    )
    w.link(category, "genvej-mappe-udenfor", outside, "not_regular", "outside_root")
    w.link(category, "genvej-til-roden", ".", "not_regular")
    w.link(category, "genvej-brudt.pdf", "findes-ikke.pdf", "missing")
    w.link(category, "genvej-løkke-a.pdf", "genvej-løkke-b.pdf", "missing", "unreadable")
    w.link(category, "genvej-løkke-b.pdf", "genvej-løkke-a.pdf", "missing", "unreadable")
    os.mkfifo(w.folder / "navngivet-kanal.pdf")
    w.add(category, "navngivet-kanal.pdf", "not_regular")


def _manifests(w: _Writer, rng: random.Random) -> None:
    """A folder whose manifest has bad entries, and folders whose manifest is itself bad."""
    category = "manifest"
    same_url = "https://eksempel.dk/udgivelser/samme-rapport"
    entries: dict[str, object] = {
        "titel-som-liste.html": {"title": ["Børn", "unge"]},
        "titel-for-lang.html": {"title": "Børn " * 1000},
        "faggruppe-som-objekt.html": {"professional": {"pædagog": True}},
        "faggruppe-med-tal.html": {"professional": [1, 2]},
        "dokumenttype-40-kb.html": {"kind": "rapport " * 5000},
        "dato-ugyldig.html": {"published": "ikke en dato"},
        "kilde-javascript.html": {"source_url": "javascript:alert(1)"},
        "kilde-fil.html": {"source_url": "file:///etc/passwd"},
        "ikke-et-objekt.html": "bare en tekst",
        AUTHORS_AS_TEXT: {
            "title": "Forældresamarbejde i daginstitutioner",
            "authors": "; ".join(AUTHORS),
            "source_url": "https://eksempel.dk/udgivelser/forældresamarbejde",
        },
        "dublet-a.html": {"title": "Samme rapport, første fil", "source_url": same_url},
        "dublet-b.html": {"title": "Samme rapport, anden fil", "source_url": same_url},
    }
    folder = w.folder / "manifest-felter"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    for name in entries:
        if name in (AUTHORS_AS_TEXT, "dublet-a.html"):
            accept: tuple[str, ...] = (INDEXED,)
        elif name == "dublet-b.html":
            accept = ("duplicate",)
        else:
            accept = ("bad_manifest",)
        w.file(category, f"manifest-felter/{name}", _html_paragraphs(rng, "Manifest"), *accept)

    bad: dict[str, bytes | None] = {
        "manifest-ugyldig-json": b'{"i-ugyldig-json.html": {"title": "B\xc3\xb8rn",}',
        "manifest-som-liste": b"[1, 2, 3]",
        "manifest-genvej": None,
    }
    for sub, content in bad.items():
        (w.folder / sub).mkdir()
        if content is None:
            os.symlink("/etc/passwd", w.folder / sub / "manifest.json")
            w.add(category, f"{sub}/manifest.json", "bad_manifest", "outside_root")
        else:
            (w.folder / sub / "manifest.json").write_bytes(content)
            w.add(category, f"{sub}/manifest.json", "bad_manifest")
        w.file(
            category,
            f"{sub}/i-{sub}.html",
            _html_paragraphs(rng, "Fil ved et dårligt manifest"),
            INDEXED,
            "bad_manifest",
        )


def _empty_and_blank(w: _Writer, lines: Sequence[str]) -> None:
    category = "tomme og blanke"
    for name in ("tom.pdf", "tom.html", "tom-uden-endelse"):
        w.file(category, name, b"", "empty")
    w.file(category, "kun-mellemrum.html", b"  \n\t\n  ", "empty", "no_text")
    w.file(
        category,
        "kun-script.html",
        _html("", "<script>var børn = 1;</script><style>p { color: red }</style>").encode(),
        "no_text",
    )
    w.file(
        category,
        "pdf-uden-sider.pdf",
        _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        "no_pages",
    )
    w.file(
        category,
        "blank-side.pdf",
        _pdf([*_one_page(lines)[:4], _stream(b"")]),
        "no_text",
    )
    grey = b"\x80" * 16
    image = _stream(
        grey,
        b" /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8",
    )
    resources = b"/Resources << /XObject << /Im1 6 0 R >> >>"
    w.file(
        category,
        "kun-billede.pdf",
        _pdf(
            [
                *_one_page(lines)[:3],
                _page(2, b"5 0 R").replace(_RESOURCES, resources),
                _stream(b"q 200 0 0 200 100 400 cm /Im1 Do Q"),
                image,
            ]
        ),
        "no_text",
    )


def _page_counts(w: _Writer, rng: random.Random) -> None:
    """A huge page in HTML and in PDF, 10,001 pages, and page trees that claim too many."""
    category = "store sider og mange sider"
    words = " ".join(rng.choice(_WORDS) for _ in range(160_000))
    marker = MARKERS[HUGE_HTML][0]
    body = f"<p>{words} {marker}.</p>"
    w.file(category, HUGE_HTML, _html("Én meget lang side", body).encode(), INDEXED)

    line_words = words.split()
    pdf_lines = [" ".join(line_words[i : i + 14]) for i in range(0, len(line_words), 14)]
    pdf_lines.append(f"Sidste linje: {MARKERS[HUGE_PDF][0]}.")
    w.file(category, HUGE_PDF, _text_pdf([pdf_lines]), INDEXED)

    sentences = [_sentence(rng) for _ in range(50)]
    pages = [[f"Side {n}", sentences[n % 50]] for n in range(1, MANY_PAGES_COUNT)]
    pages.append([f"Side {MANY_PAGES_COUNT}", f"Her står {MARKERS[MANY_PAGES][0]} til sidst."])
    w.file(category, MANY_PAGES, _text_pdf(pages), INDEXED)

    lines = [_sentence(rng)]
    # One page object listed 60,000 times: a small file that unfolds to 60,000 pages.
    kids = b" ".join([b"4 0 R"] * 60_000)
    objects = _one_page(lines)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count 60000 >>" % kids
    w.file(category, "samme-side-60000-gange.pdf", _pdf(objects), "too_many_pages", "corrupt")
    objects = _one_page(lines)
    objects[1] = b"<< /Type /Pages /Kids [4 0 R] /Count 1000000000 >>"
    w.file(
        category,
        "sidetal-en-milliard.pdf",
        _pdf(objects),
        INDEXED,
        "corrupt",
        "too_many_pages",
    )


def _encrypted(w: _Writer, rng: random.Random) -> None:
    category = "krypteret"
    pages = [[_sentence(rng) for _ in range(5)]]
    for name, encryption, accept in (
        ("krypteret-rc4-128.pdf", StandardEncryption("hemmelig", strength=128), ("encrypted",)),
        ("krypteret-rc4-40.pdf", StandardEncryption("hemmelig", strength=40), ("encrypted",)),
        # Anyone may open it (the user password is empty); only changes need the owner's.
        (
            "kun-ejerkode.pdf",
            StandardEncryption("", ownerPassword="ejer", strength=128),
            (INDEXED,),
        ),
    ):
        w.file(category, name, _reportlab_pdf(pages, encrypt=encryption), *accept)


def generate(folder: Path) -> list[Hostile]:
    """Write the hostile files into ``folder`` (created if needed) and return what each may
    become. Link targets outside it go into the sibling folder ``<folder>-udenfor``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    w = _Writer(folder)
    lines = [_sentence(rng) for _ in range(6)]
    handmade = _text_pdf([[_sentence(rng) for _ in range(8)] for _ in range(3)])
    written = _reportlab_pdf([[_sentence(rng) for _ in range(8)] for _ in range(3)])

    _truncated(w, rng, (handmade, written))
    _mangled(w, rng, (handmade, written), 60)
    _broken_structure(w, lines)
    _bombs(w, lines)
    _deep_pdfs(w, lines)
    _deep_html(w, rng)
    _misnamed(w, rng, written)
    _encodings(w, rng)
    _odd_names(w, rng, handmade)
    _links(w, rng, folder.parent / f"{folder.name}-udenfor")
    _manifests(w, rng)
    _empty_and_blank(w, lines)
    _page_counts(w, rng)
    _encrypted(w, rng)
    return w.entries
