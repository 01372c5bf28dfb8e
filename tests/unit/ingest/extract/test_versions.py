"""An extractor's version names what it makes of a file: a stored document is extracted again
only when the version differs (``ingest/tasks.py``). The cleanup of invisible titles, NUL
characters and lone surrogates, and browsers' encoding labels, changed the text of documents
while the versions stayed, so documents read before kept their old text through every re-ingest.

This test extracts a fixed set of awkward files and compares a digest of everything the
extractors made of them with the digest recorded for their versions. When it fails because the
output changed on purpose, give the extractor a new version and record the new digest.
"""

import hashlib
import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import NameObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ingest.extract.html import HTMLExtractor
from ingest.extract.pdf import PDFExtractor
from ingest.extract.registry import extract
from sample_corpus.broken import VERA_TTF

# Each version with the digest of what it makes. A new output is a new line with a new
# version; a line is never edited (the same version with two digests fails below).
HISTORY = [
    ("html-4", "d9132a886ec4bd6f"),
    ("pdf-5", "8abff2bac12c2860"),
    # Control characters in the text (a BEL, an ESC) as spaces.
    ("html-5", "202cbf189faa4f2d"),
    ("pdf-6", "c62d500c3bac71e6"),
    # A word processor's placeholder author ("anonymous", "Microsoft Office User") left out
    # (the fixtures name one now).
    ("html-6", "b4c9313f98209844"),
    ("pdf-7", "926f2e1c246fad6c"),
    # A page's furniture (cookie banner, menu, footer) left out, also without <main>; the
    # title without the site's name, dates and authors from the usual tags; a publisher only
    # as stated (the fixtures have a page of each). Page numbers and the footer of a short
    # PDF left out, a title page's first line kept, footnotes as paragraphs of their own.
    ("html-7", "c39775d394c99f77"),
    ("pdf-8", "fa6546435c42ebc8"),
    # A scan with a stamp's few words of text layer read by OCR (the fixture has one now).
    ("pdf-9", "37a2aa3d60b6b9f0"),
    # A file that names no title has its title page's largest text as its title, not its first
    # line (the fixtures have such a file now).
    ("pdf-10", "892a2846888377af"),
    # A page left to OCR keeps the words of its text layer (the stamp) until OCR reads it.
    ("pdf-11", "ddca30db0a5b28ee"),
    # A language other than Danish and English the file declares (the fixtures have one each).
    ("html-8", "6c83a694e001dc38"),
    ("pdf-12", "f7db6f56c022873a"),
    # The number printed on each page, from the file's page labels (the PDF fixtures have them;
    # a web page has none, but its output names the field).
    ("pdf-13", "96cad4f613763c00"),
    ("html-9", "5628ccaa5bf15e67"),
    # Only header- and footer-like lines go: a caption, a source line or a footnote whose
    # numbers change otherwise than the page number stays, and so do a table's first and last
    # rows, a card deck's cards and a page that would be left empty (the fixtures have a yearly
    # appendix now).
    ("pdf-14", "b13367cf00b04537"),
    # A footnote's marker in superscript digits ("børn²", a word a search finds, not "børn2");
    # a web page's <sup> numbers too (the fixtures have a page with footnotes).
    ("pdf-15", "8fce4aedcbee3cd2"),
    ("html-10", "94835de7a39a571d"),
    # A footnote's number alone on its line kept where the notes' numbers grow with the pages;
    # a header on alternate pages or a chapter's pages removed; a word a page break splits
    # joined; a marker of several notes ("3,4") or after "«" found.
    ("pdf-16", "745eadfcada19bc8"),
    # A list of notes numbered as the PDF extractor writes notes, without its arrows back.
    ("html-11", "ffc5f52cefe0ab4a"),
    # Whether the file's date is the day the file was made (a PDF's), for the colophon's date.
    ("pdf-17", "29c4d58bccbe641a"),
    ("html-12", "aed56686888e28df"),
    # A line repeated a few pages apart goes only from the top of the pages after its first,
    # a word a page break splits is joined only where the next page keeps text; a note list
    # known by its items' ids and numbered by them.
    ("pdf-18", "cbed7359eb881ac7"),
    ("html-13", "2a0a0711e3322cc6"),
    # A typesetter's ligatures as their letters ("ﬁnansiering" was no "finansiering"), and no
    # zero-width space or word joiner inside a word (the fixtures have both now).
    ("pdf-19", "de82af9589d73a74"),
    ("html-14", "2dc9c3faea53f58b"),
]

HTML_FILES = {
    "usynlig-titel.html": (
        "<html><head><title>\u200b\u2060\u202e</title></head><body><main><h1>Samvær</h1>"
        "<p>Barnet har ret til samvær med sine forældre.\u00ad Tekst\x07 med styretegn.</p>"
        "<p>Skole\u200bbørn og \ufb01nansiering af \ufb02ytning\u2060.</p>"
        "</main></body></html>"
    ).encode(),
    "tegnsaet.html": (
        '<html><head><meta charset="windows-1252"><title>Børnesamtalen</title>'
        '<meta name="description" content="charset=cp500"></head><body><nav>Menu</nav>'
        "<article><h2>Før samtalen</h2><p>Forbered barnet på, hvad der skal ske.</p>"
        "<ul><li>Hvem</li><li>Hvornår</li></ul><table><tr><td>År</td><td>2024</td></tr>"
        "</table></article><footer>Kontakt os</footer></body></html>"
    ).encode("cp1252"),
    "fodnoter.html": (
        "<html><body><main><p>Anbragte børn<sup><a href='#n1'>1</a></sup> har ret til en "
        "bisidder.<sup>2</sup> Arealet er 40 m<sup>2</sup>.</p><ol class='footnotes'>"
        "<li id='n1'>Ankestyrelsen 2022. <a href='#r1'>↩</a></li><li id='n2'>VIVE 2023.</li>"
        "</ol></main></body></html>"
    ).encode(),
    "tegnreferencer.html": (
        '<html><head><meta name="dcterms.creator" content="anonymous; Børns Vilkår"></head>'
        "<body><p>Efterværn for unge &#0; &#xD800; over 18</p></body></html>"
    ).encode(),
    "uden-main.html": (
        "<html><head><title>Nyt ungepanel | Eksempel Kommune</title>"
        '<meta property="og:site_name" content="Eksempel Kommune">'
        '<meta property="article:published_time" content="2025-11-14T09:00:00+01:00">'
        '<meta name="author" content="Katrine Holm"></head><body>'
        '<div class="cookie-banner"><p>Vi bruger cookies.</p><button>Accepter</button></div>'
        '<ul class="menu"><li><a href="/">Forside</a></li><li><a href="/om">Om os</a></li></ul>'
        '<div class="indhold"><h1>Nyt ungepanel</h1><p>Kommunen samler unge, der har været '
        "anbragt, i et panel, som rådgiver om efterværn.</p><p>Panelet mødes fire gange om "
        'året.</p></div><footer class="site-footer">Rådhuset, CVR 12345678</footer>'
        "</body></html>"
    ).encode(),
    "svensk.html": (
        '<html lang="sv-SE"><head><title>Barnets röst</title></head><body><main>'
        "<p>Barn som är placerade ska få komma till tals i frågor som rör dem.</p>"
        "</main></body></html>"
    ).encode(),
}


def _pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle("\u200b")
    canvas.setAuthor("VIVE;  Socialstyrelsen; Microsoft Office User")
    canvas.setSubject("Inddragelse af børn")
    for lines in [
        ["Inddragelse af børn i egen sag", "Rapport fra 2023", "Side 1"],
        ["Kapitel 2. Børnesamtalen", "Socialrådgiveren taler med bar-", "net alene.", "Side 2"],
    ]:
        for row, line in enumerate(lines):
            canvas.drawString(72, 770 - 18 * row, line)
        canvas.showPage()
    # A scan with a case system's stamp over it.
    width, height = A4
    canvas.drawImage(ImageReader(Image.new("L", (900, 1000), 255)), 0, 0, width, height)
    canvas.drawString(72, 810, "Modtaget 12.03.2024")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _untitled_pdf() -> bytes:
    """A report whose file names no title: its title page sets it large."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setFont("Helvetica", 24)
    canvas.drawString(72, 700, "Samvær under anbringelse")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(
        72, 660, "En undersøgelse af, hvordan kommunerne tilrettelægger samværet, når"
    )
    canvas.drawString(72, 646, "et barn er anbragt uden for hjemmet.")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _norwegian_pdf() -> bytes:
    """A file whose catalog declares its language ("nb-NO")."""
    writer = PdfWriter(clone_from=io.BytesIO(_untitled_pdf()))
    writer._root_object[NameObject("/Lang")] = TextStringObject("nb-NO")
    writer.set_page_label(0, 0, style=PageLabelStyle.LOWERCASE_ROMAN, start=3)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _appendix_pdf() -> bytes:
    """A yearly appendix: a caption, a table and a source line a page, and a running footer."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    for number, year in enumerate(range(2021, 2025), 1):
        canvas.drawString(72, 770, f"Tabel B.{number}. Anbragte børn pr. 1.000 0-17-årige, {year}")
        for row, town in enumerate(["Aarhus", "Odense", "Vejle"]):
            canvas.drawString(72, 750 - 14 * row, f"{town} Kommune")
            canvas.drawRightString(300, 750 - 14 * row, f"{number + row},{year % 10}")
        canvas.drawString(72, 700, f"Kilde: Danmarks Statistik, {year}.")
        canvas.drawString(72, 40, f"VIVE · Bilagstabeller | {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _ligature_pdf() -> bytes:
    """A page set in a font with ligatures ("ﬁ", "ﬂ"), as typesetters' PDFs give them."""
    pdfmetrics.registerFont(TTFont("Vera", str(VERA_TTF)))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle("O\ufb00entlig \ufb01nansiering")
    canvas.setFont("Vera", 11)
    canvas.drawString(72, 770, "Offentlig \ufb01nansiering af \ufb02ytning mellem skoler")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _digest(files: dict[str, bytes]) -> str:
    made = [extract(data, name).model_dump_json() for name, data in sorted(files.items())]
    return hashlib.sha256("\n".join(made).encode()).hexdigest()[:16]


def test_what_the_extractors_make_is_what_their_versions_recorded() -> None:
    found = {
        (HTMLExtractor.version, _digest(HTML_FILES)),
        (
            PDFExtractor.version,
            _digest(
                {
                    "rapport.pdf": _pdf(),
                    "uden-titel.pdf": _untitled_pdf(),
                    "norsk.pdf": _norwegian_pdf(),
                    "bilag.pdf": _appendix_pdf(),
                    "ligaturer.pdf": _ligature_pdf(),
                }
            ),
        ),
    }
    assert found <= set(HISTORY), (
        "An extractor's output changed: give it a new version (so stored documents are "
        "extracted again) and add a line for it to HISTORY."
    )
    versions = [version for version, _digest in HISTORY]
    assert len(versions) == len(set(versions)), "a version may make one output only"
