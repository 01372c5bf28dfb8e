"""Extractors on real files made here: PDFs with reportlab, HTML by hand."""

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from ingest.extract.registry import choose_extractor, extract
from vidensbank.errors import ExtractionError


def make_pdf(pages: list[list[str]], title: str = "Testrapport") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor("Anne Jensen; Per Holm")
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


TOPICS = ["efterværn", "samvær", "handleplaner", "underretninger"]
REPORT = [
    [
        "Børn i anbringelse",
        f"Kapitel {n}: inddragelse af børn i arbejdet med {topic}.",
        f"Om {topic} i det nye Part-",
        "nerskab og gå-",
        f"hjem-møder om {topic} for plejefamilier.",
        "VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd",
        f"Side {n}",
    ]
    for n, topic in enumerate(TOPICS, start=1)
]


def test_pdf_pages_are_numbered_and_cleaned() -> None:
    document = extract(make_pdf(REPORT), "rapport.pdf")
    assert document.extractor == "pdf"
    assert [page.number for page in document.pages] == [1, 2, 3, 4]
    first = document.pages[0].text
    assert "Om efterværn i det nye Partnerskab og gå-hjem-møder om efterværn" in first
    assert "inddragelse af børn i arbejdet med efterværn" in first
    assert "Side 1" not in first
    assert "Børn i anbringelse" not in first  # running header
    assert "Velfærd" not in first  # running footer
    assert document.metadata.title == "Testrapport"
    assert document.metadata.authors == ["Anne Jensen", "Per Holm"]


def test_encrypted_pdf_is_refused_with_reason() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(REPORT)))
    writer.encrypt(user_password="hemmelig", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ExtractionError) as error:
        extract(buffer.getvalue(), "krypteret.pdf")
    assert error.value.code == "encrypted"
    assert "adgangskode" in error.value.message


def test_truncated_pdf_is_refused() -> None:
    data = make_pdf(REPORT)
    with pytest.raises(ExtractionError) as error:
        extract(data[: len(data) * 2 // 5], "afkortet.pdf")
    assert error.value.code == "truncated"


def test_empty_file_is_refused() -> None:
    with pytest.raises(ExtractionError) as error:
        extract(b"", "tom.pdf")
    assert error.value.code == "empty"
    assert error.value.message == "Filen er tom (0 byte)."


def test_zip_named_pdf_is_refused_naming_both_types() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rapport.txt", "ikke en pdf")
    with pytest.raises(ExtractionError) as error:
        extract(buffer.getvalue(), "rapport.pdf")
    assert error.value.code == "wrong_type"
    assert ".pdf" in error.value.message and "ZIP" in error.value.message


def test_pdf_without_text_is_refused() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.rect(100, 100, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(ExtractionError) as error:
        extract(buffer.getvalue(), "scannet.pdf")
    assert error.value.code == "no_text"
    # Drawings are not read by OCR, so the message does not ask for it as if they were.
    assert "ikke tekst tegnet som figurer" in error.value.message
    assert "Bed udgiveren om en udgave med tekst" in error.value.message


def test_pdf_keeps_danish_letters() -> None:
    data = make_pdf([["Ældre, øer og åer: Socialstyrelsens rådgivning"]])
    assert "Ældre, øer og åer" in extract(data, "a.pdf").pages[0].text


HTML = """<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Dialogkort om trivsel | Børns Vilkår</title>
<meta name="dcterms.publisher" content="Børns Vilkår">
<meta name="dcterms.type" content="værktøj">
<meta name="dcterms.date" content="2023-05-01">
</head><body>
<header><nav><a href="/">Forside</a> <a href="/om">Om os</a></nav></header>
<main><h1>Dialogkort om trivsel</h1>
<p>Formål: at give børn i alderen 6-12 år ord for deres <b>trivsel</b>.</p>
<ul><li>Brug kortene i en rolig samtale.</li><li>Lad barnet vælge kort.</li></ul>
<table><tr><th>Målgruppe</th><td>Børn 6-12 år</td></tr></table>
<aside class="box"><h3>Fakta om kortene</h3><p>36 kort i en æske.</p></aside>
<aside><h3>Se også</h3><a href="/a">Samtaleguide om trivsel</a> <a href="/b">Film om mobning</a>
</aside></main>
<aside>Relaterede værktøjer</aside>
<footer>Kontakt: Børns Vilkår, Trekronergade 26</footer>
<script>var tracking = 1;</script>
</body></html>"""


def test_html_main_content_without_navigation_or_footer() -> None:
    document = extract(HTML.encode(), "dialogkort.html")
    text = document.pages[0].text
    assert document.extractor == "html"
    assert "Formål: at give børn i alderen 6-12 år ord for deres trivsel." in text
    assert "Brug kortene i en rolig samtale.\nLad barnet vælge kort." in text
    assert "Fakta om kortene\n36 kort i en æske." in text  # a box in the article is its text
    for boilerplate in ("Forside", "Om os", "Relaterede", "Trekronergade", "tracking", "Se også"):
        assert boilerplate not in text
    assert document.metadata.publisher == "Børns Vilkår"
    assert document.metadata.kind == "værktøj"
    assert str(document.metadata.published) == "2023-05-01"


def test_a_web_pages_superscript_numbers_are_not_glued_to_their_word() -> None:
    """ "børn<sup>1</sup>" was the text "børn1", one word a search could not find as "børn"."""
    page = (
        "<html><body><main><p>Anbragte børn<sup><a href='#n1'>1</a></sup> har ret til en "
        "bisidder.<sup> 2 </sup> Arealet er 40 m<sup>2</sup>; se <sup>note a</sup>.</p>"
        "</main></body></html>"
    )
    text = extract(page.encode(), "noter.html").pages[0].text
    assert text == "Anbragte børn¹ har ret til en bisidder.² Arealet er 40 m²; se note a."


def test_a_web_pages_notes_keep_their_numbers_and_lose_their_arrows() -> None:
    """An <ol> of notes came out as "Ankestyrelsen (2022): Børnesamtaler. ↩": the numbers were
    the list's, so "¹" in the text pointed nowhere. Other lists are left as they are."""
    page = (
        "<html><body><main><p>Anbragte børn<sup><a href='#fn1'>1</a></sup> har ret til en "
        "bisidder.<sup><a href='#fn2'>2</a></sup></p><ol><li>Første punkt</li></ol>"
        "<section class='footnotes'><ol><li id='fn1'><p>Ankestyrelsen (2022). "
        "<a href='#r1'>↩</a></p></li><li id='fn2'>VIVE (2023). "
        "<a href='#r2' role='doc-backlink'>tilbage</a></li></ol></section></main></body></html>"
    )
    assert extract(page.encode(), "noter.html").pages[0].text == (
        "Anbragte børn¹ har ret til en bisidder.²\nFørste punkt\n\n"
        "1\nAnkestyrelsen (2022).\n\n2\nVIVE (2023)."
    )
    # Known by its items' ids alone, and numbered by them: a page may list one note.
    page = "<main><p>Reglerne<sup>3</sup> gælder.</p><ol><li id='fn3'>Barnets lov.</li></ol></main>"
    assert extract(page.encode(), "note.html").pages[0].text == (
        "Reglerne³ gælder.\n\n3\nBarnets lov."
    )


def test_html_without_text_is_refused() -> None:
    with pytest.raises(ExtractionError) as error:
        extract(b"<html><body><nav>Menu</nav><script>x()</script></body></html>", "tom.html")
    assert error.value.code == "no_text"


def test_unsupported_type_is_refused() -> None:
    with pytest.raises(ExtractionError) as error:
        choose_extractor(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "billede.png")
    assert error.value.code == "unsupported"


def test_content_decides_over_a_misleading_name() -> None:
    assert choose_extractor(make_pdf([["tekst"]]), "rapport.html").name == "pdf"


def test_pdf_reader_sees_what_make_pdf_wrote() -> None:
    assert len(PdfReader(io.BytesIO(make_pdf(REPORT))).pages) == 4


def test_a_pdf_with_javascript_is_marked_active() -> None:
    from pypdf.actions import JavaScript

    plain = make_pdf([["Børn og unge"]])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.add_open_action(JavaScript("app.alert('hej')"))
    scripted = io.BytesIO()
    writer.write(scripted)
    assert extract(scripted.getvalue(), "script.pdf").active_content
    assert not extract(plain, "ren.pdf").active_content


PRESS_RELEASE = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">
<title>Pressemeddelelse</title></head><body>
<div class="cookie-notice"><p>Vi anvender cookies. <a href="/cookies">Cookiepolitik</a></p>
<a class="btn" href="#">Accepter</a> <a class="btn" href="#">Afvis</a></div>
<div class="topbar"><div class="logo"><a href="/">Børn i Pleje</a></div>
<ul class="menu"><li><a href="/om">Om os</a></li><li><a href="/stoet">Støt os</a></li></ul></div>
<div id="content"><h1>Hvert tredje plejebarn er aldrig blevet spurgt</h1>
<p>Et stort flertal af plejebørn ønsker mere indflydelse på samværet med forældrene.</p>
<p>Undersøgelsen bygger på svar fra 412 plejebørn og unge mellem 11 og 18 år.</p>
<p class="share">Del: <a href="#">Facebook</a> | <a href="#">LinkedIn</a></p></div>
<div class="bottom"><p>Børn i Pleje · Vesterbrogade 118 · CVR 31 23 45 67</p></div>
</body></html>"""


def test_a_page_without_main_keeps_only_its_content() -> None:
    """A press release without <main> kept its cookie banner, menu and address footer."""
    text = extract(PRESS_RELEASE.encode(), "presse.html").pages[0].text
    assert text.startswith("Hvert tredje plejebarn er aldrig blevet spurgt\n")
    assert "412 plejebørn" in text
    for furniture in ("cookies", "Accepter", "Om os", "Facebook", "CVR"):
        assert furniture not in text


ARTICLE = """<html><body><main>
<div class="breadcrumb"><a href="/">Forside</a> › <a href="/borger">Borger</a></div>
<article><h1>Unge i ungepanel</h1>
<p>Et nyt ungepanel i Odense Kommune skal give anbragte unge indflydelse.</p>
<div class="share">Del siden: <a href="#">Facebook</a></div></article>
<section class="comments"><h2>Kommentarer (1)</h2><div class="comment"><b>Hanne B.</b>
Endelig!</div></section>
<div class="newsletter"><h2>Få nyhederne</h2><p>Tilmeld dig vores nyhedsbrev.</p></div>
<div role="dialog" aria-label="Cookie-samtykke">Vi bruger cookies.</div>
</main></body></html>"""


def test_furniture_inside_main_is_left_out() -> None:
    """A breadcrumb trail, share links, comments (whose writer became a person entity) and a
    newsletter teaser stood in the text of pages with <main>."""
    text = extract(ARTICLE.encode(), "nyhed.html").pages[0].text
    assert text == (
        "Unge i ungepanel\n\nEt nyt ungepanel i Odense Kommune skal give anbragte unge indflydelse."
    )


CONSENT_SECTION = """<html><body><main><h1>Anbringelse</h1><p>Tekst.</p>
<section id="samtykke-fra-foraeldremyndigheden"><h2>Samtykke fra forældremyndigheden</h2>
<p>Kommunen skal have samtykke fra forældremyndighedens indehaver til anbringelsen.</p>
</section></main></body></html>"""


def test_a_section_whose_anchor_names_consent_is_kept() -> None:
    """A section about consent went with its heading's anchor id, "samtykke-…", as if it were
    a cookie banner: consent is a topic here, and ids are made from headings."""
    text = extract(CONSENT_SECTION.encode(), "anbringelse.html").pages[0].text
    assert "Samtykke fra forældremyndigheden" in text
    assert "Kommunen skal have samtykke" in text


SOCIAL_EFFORT = (
    '<html><body><section class="social-indsats"><h2>Den sociale indsats</h2>'
    + "<p>Kommunen iværksætter en social indsats for barnet og familien.</p>" * 10
    + '</section><div class="kontakt">Kontakt os</div></body></html>'
)


def test_a_page_without_main_keeps_a_section_named_by_its_topic() -> None:
    """A page without <main> came out as "Kontakt os": its one section, "social-indsats",
    was taken for share links."""
    text = extract(SOCIAL_EFFORT.encode(), "indsats.html").pages[0].text
    assert text.startswith("Den sociale indsats\n")
    assert text.count("Kommunen iværksætter en social indsats") == 10


RUNNING_TEXT_IN_A_BANNER = """<html><body><main><h1>Efterværn</h1>
<div class="menu"><a href="/">Forside</a> <a href="/om">Om os</a></div>
<div class="banner-tekst"><p>Unge, der har været anbragt, kan få efterværn til de fylder 23 år,
når det er nødvendigt for at støtte dem i overgangen til en selvstændig tilværelse.</p>
<p>Kommunen skal vurdere behovet, inden den unge fylder 17 år og 6 måneder, og inddrage
den unge i planlægningen af overgangen.</p></div></main></body></html>"""


def test_running_text_is_kept_whatever_its_box_is_named() -> None:
    """A box named as furniture ("banner") that holds paragraphs of running text is content;
    a short one of links ("menu") is not."""
    text = extract(RUNNING_TEXT_IN_A_BANNER.encode(), "eftervaern.html").pages[0].text
    assert "kan få efterværn til de fylder 23 år" in text
    assert "og inddrage" in text
    assert "Forside" not in text


def _page_with_notes(body: list[tuple[str, str, str]], notes: list[str]) -> bytes:
    """One page of lines, each its text, a footnote marker drawn smaller and raised (none where
    empty) and the text after it, with the notes at the page's foot."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for y, (before, marker, after) in zip(range(800, 0, -16), body, strict=False):
        text = pdf.beginText(72, y)
        text.setFont("Helvetica", 11)
        text.textOut(before)
        if marker:
            text.setFont("Helvetica", 7)
            text.setRise(4)
            text.textOut(marker)
            text.setFont("Helvetica", 11)
            text.setRise(0)
        text.textOut(after)
        pdf.drawText(text)
    pdf.setFont("Helvetica", 7)
    for y, note in zip(range(90, 0, -10), notes, strict=False):
        pdf.drawString(72, y, note)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_the_footnotes_end_the_page_as_the_reader_shows_them() -> None:
    """The notes at a page's foot stood mid-sentence where a sentence went on on the next
    page ("barnet får skriftlig og 1 Barnets Lov trådte i kraft …"). The markers are found
    by their smaller size: a number of the text's own size is none. A marker is written in
    superscript digits: glued to its word as plain digits ("myndighedsafdelinger2") it made
    one token of both, and the word was not found."""
    page = _page_with_notes(
        [
            ("barnets perspektiv skal fremgå af sagen.", "1", " Denne rapport undersøger"),
            ("blandt ledere af myndighedsafdelinger", "2", " en gennemgang af 240"),
            ("Kilde: Egen sagsgennemgang, n = 240.", "3", ""),
            (
                "I gennemsnit 2,5 samtaler pr. sag og 240 sager i alt, barnet får skriftlig og",
                "",
                "",
            ),
        ],
        [
            "1 Barnets Lov trådte i kraft den 1. januar 2024.",
            "2 Spørgeskemaet blev udsendt til 98 kommuner.",
            "3 Tallene er afrundede.",
        ],
    )
    text = extract(page, "rapport.pdf").pages[0].text
    assert "fremgå af sagen.¹ Denne rapport" in text
    assert "myndighedsafdelinger² en gennemgang af 240" in text
    assert "n = 240.³" in text
    assert "2,5 samtaler pr. sag og 240 sager" in text
    assert text.endswith(
        "barnet får skriftlig og\n\n1\nBarnets Lov trådte i kraft den 1. januar 2024.\n\n"
        "2\nSpørgeskemaet blev udsendt til 98 kommuner.\n\n3\nTallene er afrundede."
    )


def test_a_marker_of_several_notes_and_one_after_a_danish_quote_are_markers() -> None:
    """ "indsatser3,4" stayed one word no search for "indsatser" found, and "en anden.«3" a
    plain 3 (Danish quotes close with «)."""
    page = _page_with_notes(
        [
            ("Kommunerne iværksatte flere indsatser", "1,2", " end året før."),
            ("»Jeg vil ikke flytte,« sagde hun til en anden.«", "3", " Sådan lød det."),
        ],
        ["1 Ankestyrelsen 2024.", "2 VIVE 2023.", "3 Interview."],
    )
    text = extract(page, "noter.pdf").pages[0].text
    assert "flere indsatser¹,² end året før." in text
    assert "til en anden.«³ Sådan lød det." in text
    assert text.endswith("\n\n1\nAnkestyrelsen 2024.\n\n2\nVIVE 2023.\n\n3\nInterview.")


def _title_page(own_title: str | None, heading: str, font_size: int) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    if own_title is not None:
        pdf.setTitle(own_title)
    pdf.setFont("Helvetica", font_size)
    pdf.drawString(72, 700, heading)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 660, "Rapporten belyser, hvordan kommunerne tilrettelægger samværet for")
    pdf.drawString(72, 646, "børn, der er anbragt uden for hjemmet, og hvad børnene selv siger.")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("own_title", "heading", "font_size", "title"),
    [
        # No title of its own, or a placeholder: the title page's large text.
        (None, "Samvær under anbringelse", 24, "Samvær under anbringelse"),
        ("untitled", "Samvær under anbringelse", 24, "Samvær under anbringelse"),
        (
            "Microsoft Word - rapport_v3.docx",
            "Samvær under anbringelse",
            24,
            "Samvær under anbringelse",
        ),
        # A title of its own is kept; a heading no larger than the text is no title; one
        # large word is a label ("RAPPORT").
        ("Samvær for anbragte børn", "Samvær under anbringelse", 24, "Samvær for anbragte børn"),
        ("untitled", "Samvær under anbringelse", 12, "untitled"),
        ("untitled", "RAPPORT", 24, "untitled"),
    ],
)
def test_a_pdf_without_a_title_of_its_own_takes_its_title_pages(
    own_title: str | None, heading: str, font_size: int, title: str
) -> None:
    """A PDF that named no title was titled by its first line, a sentence cut at the line's end,
    and cited so."""
    assert extract(_title_page(own_title, heading, font_size), "r.pdf").metadata.title == title


def test_a_cover_of_a_photo_and_a_short_title_keeps_its_title_while_ocr_reads_it() -> None:
    """A cover of a full-page photo and a short title is read by OCR (as a stamped scan is):
    its title was lost, and the document titled by the next page's first line. A large year
    beside the title hid it as well."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle("untitled")
    width, height = A4
    photo = Image.new("RGB", (1000, 1400), (90, 120, 150))
    pdf.drawImage(ImageReader(photo), 0, 0, width=width, height=height)
    pdf.setFont("Helvetica", 40)
    pdf.drawString(72, 760, "2024")
    pdf.setFont("Helvetica", 28)
    pdf.drawString(72, 700, "Samvær under anbringelse")
    pdf.setFont("Helvetica", 9)
    pdf.drawString(72, 60, "VIVE")
    pdf.showPage()
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 760, "Udgivet af VIVE, 2024. ISBN 978-87-7582-000-0")
    pdf.showPage()
    pdf.save()
    extracted = extract(out.getvalue(), "forside.pdf")
    assert [page.needs_ocr for page in extracted.pages] == [True, False]
    assert extracted.metadata.title == "Samvær under anbringelse"
    assert "Samvær under anbringelse" in extracted.pages[0].text


def _page_of(lines: list[tuple[str, int]], strips: int = 0) -> bytes:
    """A one-page PDF titled "untitled" of these lines at these sizes, top down; with
    ``strips``, over a white scan stored as that many strips of 2480 × 438 pixels."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    width, height = A4
    for strip in range(strips):
        image = ImageReader(Image.new("L", (2480, 438), 255))
        pdf.drawImage(image, 0, height * strip / strips, width=width, height=height / strips)
    for row, (line, size) in enumerate(lines):
        pdf.setFont("Helvetica", size)
        pdf.drawString(72, 760 - 40 * row, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # A title over two lines, alone on its page: the whole of it (its first line was taken).
        (
            [("Trivsel blandt plejebørn", 28), ("i folkeskolens udskoling", 28)],
            "Trivsel blandt plejebørn i folkeskolens udskoling",
        ),
        # A large one-word label above the title: the title ("RAPPORT" was taken).
        (
            [("RAPPORT", 40), ("Sagsbehandlernes brug af netværksmøder", 24), ("Notat", 11)],
            "Sagsbehandlernes brug af netværksmøder",
        ),
        # A small line above a large title that has more letters: the title (the small line
        # was taken, the title being no larger than "most of the page's letters").
        (
            [("Delrapport 2", 10), ("Mentorordninger for udsatte drenge", 28)],
            "Mentorordninger for udsatte drenge",
        ),
    ],
)
def test_a_title_page_gives_its_whole_title(lines: list[tuple[str, int]], title: str) -> None:
    assert extract(_page_of(lines), "r.pdf").metadata.title == title


def test_a_stamped_scan_stored_in_strips_is_left_to_ocr() -> None:
    """A scanner stored the page as eight strips, none of them half the page: the stamp was
    its text and its title."""
    page = _page_of([("Modtaget 03.02.2024", 8)], strips=8)
    assert [p.needs_ocr for p in extract(page, "scan.pdf").pages] == [True]


def _labelled(data: bytes, labels: object) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    if callable(labels):
        labels(writer)
    else:
        writer._root_object[NameObject("/PageLabels")] = labels
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_page_carries_the_number_printed_on_it() -> None:
    def front_matter(writer: PdfWriter) -> None:
        writer.set_page_label(0, 1, style=PageLabelStyle.LOWERCASE_ROMAN)
        writer.set_page_label(2, 3, style=PageLabelStyle.DECIMAL, start=1)

    labelled = extract(_labelled(make_pdf(REPORT), front_matter), "rapport.pdf")
    assert [page.label for page in labelled.pages] == ["i", "ii", "1", "2"]
    # No labels, or labels that are not a number tree: the pages' places.
    assert [page.label for page in extract(make_pdf(REPORT), "rapport.pdf").pages] == [None] * 4
    broken = extract(_labelled(make_pdf(REPORT), NumberObject(7)), "rapport.pdf")
    assert [page.label for page in broken.pages] == [None] * 4
    assert broken.pages[0].text == extract(make_pdf(REPORT), "rapport.pdf").pages[0].text

    def cyclic(writer: PdfWriter) -> None:
        # A tree whose node is its own child: pypdf gives up ("Too deep nesting").
        node = DictionaryObject()
        reference = writer._add_object(node)
        node[NameObject("/Kids")] = ArrayObject([reference])
        node[NameObject("/Limits")] = ArrayObject([NumberObject(0), NumberObject(10)])
        writer._root_object[NameObject("/PageLabels")] = reference

    looped = extract(_labelled(make_pdf(REPORT), cyclic), "rapport.pdf")
    assert [page.label for page in looped.pages] == [None] * 4
