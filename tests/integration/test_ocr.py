"""OCR on the real stack: a scan and a PDF with one scanned page go through ``vidensbank ingest
--wait`` with a real worker consuming the OCR queue, Tesseract and Elasticsearch; the scan is
found by a word that stands only on it, and its pages are marked as OCR with their confidence."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy import select

from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.scans import SCAN_TEXT, SECOND_TEXT, character_accuracy, render_scan, scan_pdf
from tests.stacks import Stack, own_stack
from vidensbank.store.documents import Page


def mixed_pdf(scan: Image.Image) -> bytes:
    """A text page, then a scanned one."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.drawString(72, 760, "Bilag til undersøgelsen om børns inddragelse: metode og tak.")
    pdf.showPage()
    width, height = A4
    pdf.drawImage(ImageReader(scan), 0, 0, width=width, height=height)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scanned(stack: None, run_dir: Path) -> Iterator[tuple[Stack, dict[str, Any], str]]:
    folder = run_dir / "skanninger"
    folder.mkdir()
    (folder / "skannet-rapport.pdf").write_bytes(scan_pdf([render_scan(SCAN_TEXT)]))
    (folder / "bilag.pdf").write_bytes(mixed_pdf(render_scan(SECOND_TEXT, angle=-1.0)))
    # A page of OCR takes seconds: the tests' 30 s visibility timeout would leave a task 17 s.
    with own_stack("ocr", run_dir, VB_BROKER_VISIBILITY_TIMEOUT="150") as own:
        # Started like every worker, without -Q: it consumes the OCR queue too.
        worker = start_worker("ocr", run_dir / "ocr-worker.log", concurrency=2, env=own.env)
        try:
            report = ingest(folder, env=own.env)
            with own.serve(run_dir / "ocr-api.log") as url:
                yield own, report, url
        finally:
            stop_worker(worker)


def test_scans_are_read_indexed_and_found_by_a_word_only_on_them(
    scanned: tuple[Stack, dict[str, Any], str],
) -> None:
    _own, report, url = scanned
    by_name = {d["filename"]: d for d in report["documents"]}
    assert {name: d["status"] for name, d in by_name.items()} == {
        "skannet-rapport.pdf": "indexed",
        "bilag.pdf": "indexed",
    }
    found = httpx.get(f"{url}/api/search", params={"q": "hyldebærsaften"}).json()
    assert [hit["id"] for hit in found["results"]] == [by_name["skannet-rapport.pdf"]["id"]]
    assert [hit["page"] for hit in found["results"][0]["hits"]] == [1]
    # The mixed PDF's scanned page is searchable; its text page kept its text layer.
    found = httpx.get(f"{url}/api/search", params={"q": "forældremyndighedens"}).json()
    assert [hit["id"] for hit in found["results"]] == [by_name["bilag.pdf"]["id"]]


def test_ocr_pages_are_marked_with_their_confidence(
    scanned: tuple[Stack, dict[str, Any], str],
) -> None:
    own, report, url = scanned
    ids = {d["filename"]: d["id"] for d in report["documents"]}
    scan = httpx.get(f"{url}/api/documents/{ids['skannet-rapport.pdf']}").json()
    (page,) = scan["pages"]
    assert page["ocr"]["status"] == "read"
    assert page["ocr"]["confidence"] >= 80
    assert character_accuracy(page["text"], SCAN_TEXT) >= 0.95
    html = httpx.get(f"{url}/dokument/{ids['skannet-rapport.pdf']}").text
    assert f"sikkerhed {round(page['ocr']['confidence'])} %" in html

    mixed = httpx.get(f"{url}/api/documents/{ids['bilag.pdf']}").json()
    assert mixed["pages"][0]["ocr"] is None and "metode og tak" in mixed["pages"][0]["text"]
    assert mixed["pages"][1]["ocr"]["status"] == "read"
    assert character_accuracy(mixed["pages"][1]["text"], SECOND_TEXT) >= 0.95
    with own.session() as session:
        stored = session.execute(select(Page.document_id, Page.number, Page.ocr)).all()
    assert sorted(stored) == sorted(
        [
            (ids["skannet-rapport.pdf"], 1, "read"),
            (ids["bilag.pdf"], 1, None),
            (ids["bilag.pdf"], 2, "read"),
        ]
    )
