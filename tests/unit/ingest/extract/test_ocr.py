"""OCR of scanned pages: a Danish page drawn by the test at 200 dpi, turned 1.5° and noisy, read
back by the real Tesseract with its Danish data."""

import io
import os
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from ingest.extract.ocr import (
    read_image,
    read_page,
    remove_stale_temp_files,
    render_page,
    skew_angle,
)
from ingest.extract.registry import extract
from tests.scans import SCAN_TEXT, character_accuracy, render_scan, scan_pdf
from vidensbank.settings import get_settings
from vidensbank.store.documents import OCRStatus


@pytest.fixture(scope="module")
def scan() -> Image.Image:
    return render_scan(SCAN_TEXT)


def test_a_scan_is_left_to_ocr_and_read_with_95_percent_of_its_characters(
    scan: Image.Image,
) -> None:
    data = scan_pdf([scan])
    extracted = extract(data, "skannet.pdf")
    assert [(page.text, page.needs_ocr) for page in extracted.pages] == [("", True)]

    settings = get_settings()
    pdf = pdfium.PdfDocument(data)
    reading = read_page(
        pdf,
        1,
        language=settings.ocr_language,
        dpi=settings.ocr_dpi,
        timeout=settings.ocr_page_seconds,
    )
    pdf.close()
    assert reading.status == OCRStatus.READ
    assert character_accuracy(reading.text, SCAN_TEXT) >= 0.95
    assert "hyldebærsaften" in reading.text
    assert reading.confidence is not None and 80 <= reading.confidence <= 100


def test_accuracy_measure_counts_every_kind_of_mistake() -> None:
    assert character_accuracy("Børn  og\nunge", "Børn og unge") == 1.0
    assert character_accuracy("Born og unge", "Børn og unge") == pytest.approx(11 / 12)
    assert character_accuracy("Børn og unge og mere", "Børn og unge") == pytest.approx(12 / 20)
    assert character_accuracy("", "Børn") == 0.0


@pytest.mark.parametrize("angle", [1.5, -3.0, 6.0])
def test_the_skew_of_a_page_is_measured(angle: float) -> None:
    # Clockwise 3° is a page Tesseract alone reads nothing of (measured: bench/RESULTS.md).
    assert skew_angle(render_scan(SCAN_TEXT, angle=angle)) == pytest.approx(angle, abs=0.2)


def test_a_page_out_of_time_gets_no_text_and_says_so(scan: Image.Image) -> None:
    reading = read_image(scan, language="dan", dpi=200, timeout=0.05)
    assert (reading.text, reading.confidence, reading.status) == ("", None, OCRStatus.TIMED_OUT)


def test_a_mixed_pdf_keeps_its_text_pages_and_leaves_only_the_scan_to_ocr(
    scan: Image.Image,
) -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.drawString(72, 760, "Forord: rapporten om børns inddragelse i egen sag.")
    pdf.showPage()
    width, height = A4
    pdf.drawImage(ImageReader(scan), 0, 0, width=width, height=height)
    # A scanner's stamped page number is no text layer.
    pdf.drawString(width / 2, 20, "2")
    pdf.showPage()
    pdf.save()
    pages = extract(buffer.getvalue(), "blandet.pdf").pages
    assert [page.needs_ocr for page in pages] == [False, True]
    assert "børns inddragelse" in pages[0].text and pages[1].text == ""


def test_a_blank_image_is_read_as_a_page_without_words() -> None:
    blank = Image.new("L", (1654, 2339), 255)
    reading = read_image(blank, language="dan", dpi=200, timeout=30)
    assert (reading.text, reading.confidence) == ("", None)


def test_a_page_of_200_inches_a_side_is_rendered_at_a_bounded_size() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(14400, 14400))
    pdf.drawString(72, 72, "Kæmpeside")
    pdf.showPage()
    pdf.save()
    document = pdfium.PdfDocument(buffer.getvalue())
    width, height = render_page(document, 1, 300).size
    document.close()
    assert width * height <= 20_100_000


@pytest.mark.parametrize("stamp", ["Modtaget i Socialforvaltningen 12.03.2024", "Side 1"])
def test_a_stamped_scan_is_left_to_ocr_and_a_page_of_text_with_a_figure_is_not(
    scan: Image.Image, stamp: str
) -> None:
    """A case system's stamp over a scan was taken for the page's text layer: the page was
    indexed with the stamp alone (or, with "Side 1" removed as a running line, empty)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    pdf.drawImage(ImageReader(scan), 0, 0, width=width, height=height)
    pdf.drawString(72, height - 30, stamp)
    pdf.showPage()
    pdf.drawImage(ImageReader(scan), 72, 300, width=width - 144, height=400)
    pdf.drawString(72, 200, "Figur 3 viser, hvor mange børn der blev inddraget i egen sag i 2023.")
    pdf.showPage()
    pdf.save()
    pages = extract(buffer.getvalue(), "stemplet.pdf").pages
    assert [page.needs_ocr for page in pages] == [True, False]
    assert "inddraget i egen sag" in pages[1].text


def test_what_a_killed_reading_left_in_the_temp_folder_is_removed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pytesseract removes its page files after a reading, which a killed process never does:
    a page image of about 1 MB was left for good at every kill."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = tmp_path / "tess_gdw0yxs7_input.PNG"
    reading = tmp_path / "tess_k2j4h1aa_input.PNG"
    other = tmp_path / "noget-andet.png"
    for path in (left, reading, other):
        path.write_bytes(b"x")
    hours_ago = time.time() - 2 * 3600
    for path in (left, other):
        os.utime(path, (hours_ago, hours_ago))
    assert remove_stale_temp_files() == 1
    assert not left.exists() and reading.exists() and other.exists()
    # A page being read takes far less than an hour: its files stay.
    assert remove_stale_temp_files() == 0
