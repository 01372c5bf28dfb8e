"""OCR speed and accuracy: Vidensbank's OCR of scanned pages against bare Tesseract on the same
rendered pages, and (with ``--ingest``) the whole ``vidensbank ingest --wait`` of a small scan.

    .venv/bin/python bench/ocr_speed.py [--pages 4] [--processes 1 2] [--ingest]

The pages are the tests' scans (tests/scans.py): Danish text at 200 dpi, turned and noisy, each
page its own angle (1.5°, -1.5°, 3°, -3°, …). For N processes (a ``multiprocessing`` pool, as
a worker's children):

(a) bare Tesseract: the page as pdfium renders it at ``VB_OCR_DPI``, given to the ``tesseract``
    command (``-l dan``), once with its default threads and once with ``OMP_THREAD_LIMIT=1``;
(b) Vidensbank's ``read_page``: the same rendering, cleaned (median filter, deskew), read with
    Tesseract's word data, one thread.

Accuracy is the share of the source text's characters read right (tests/scans.py). With
``--ingest`` (Elasticsearch and Redis running) the scan is ingested by ``vidensbank ingest
--wait --json`` through a worker started here on a queue, database and index of its own (the
worker's start is not timed). Prints one JSON object; the figures go into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

# The checkout too (this folder is on the path already, for ingest_speed): the tests' scans.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest_speed import Isolation, machine, start_worker, stop_worker

from ingest.extract.ocr import read_page, render_page
from tests.scans import (
    SCAN_TEXT,
    SECOND_TEXT,
    character_accuracy,
    render_scan,
    scan_pdf,
)
from vidensbank.settings import get_settings

ANGLES = (1.5, -1.5, 3.0, -3.0, 0.5, -0.5)
VIDENSBANK = str(Path(sys.executable).parent / "vidensbank")


def sources(pages: int) -> list[str]:
    return [SCAN_TEXT if i % 2 == 0 else SECOND_TEXT for i in range(pages)]


def bare(job: tuple[str, int, str, bool]) -> tuple[float, str]:
    pdf_path, number, png_dir, one_thread = job
    settings = get_settings()
    pdf = pdfium.PdfDocument(pdf_path)
    image = render_page(pdf, number, settings.ocr_dpi)
    pdf.close()
    png = Path(png_dir) / f"page-{number}-{os.getpid()}.png"
    image.save(png)
    env = dict(os.environ)
    env.pop("OMP_THREAD_LIMIT", None)
    if one_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    start = time.perf_counter()
    text = subprocess.run(
        ["tesseract", str(png), "-", "-l", settings.ocr_language, "--dpi", str(settings.ocr_dpi)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return time.perf_counter() - start, text


def ours(job: tuple[str, int]) -> tuple[float, str]:
    pdf_path, number = job
    settings = get_settings()
    start = time.perf_counter()
    pdf = pdfium.PdfDocument(pdf_path)
    reading = read_page(
        pdf,
        number,
        language=settings.ocr_language,
        dpi=settings.ocr_dpi,
        timeout=settings.ocr_page_seconds,
    )
    pdf.close()
    return time.perf_counter() - start, reading.text


def measure(kind: str, jobs: list[Any], texts: list[str], processes: int) -> dict[str, Any]:
    function = ours if kind == "vidensbank" else bare
    start = time.perf_counter()
    with Pool(processes) as pool:
        results = pool.map(function, jobs)
    wall = time.perf_counter() - start
    accuracy = [
        character_accuracy(text, source) for (_s, text), source in zip(results, texts, strict=True)
    ]
    return {
        "pages_per_s": round(len(jobs) / wall, 3),
        "seconds_per_page": round(sum(seconds for seconds, _ in results) / len(results), 2),
        "accuracy_min": round(min(accuracy), 4),
        "accuracy_mean": round(sum(accuracy) / len(accuracy), 4),
    }


def ingest(pdf_path: Path, folder: Path) -> dict[str, Any]:
    isolation = Isolation.create(f"bench-ocr-{os.getpid()}", folder / "stack")
    subprocess.run([VIDENSBANK, "init"], env=isolation.env, check=True, capture_output=True)
    worker = start_worker(isolation, 2, folder / "worker.log")
    try:
        start = time.perf_counter()
        result = subprocess.run(
            [VIDENSBANK, "ingest", "--wait", "--json", str(pdf_path)],
            env=isolation.env,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - start
    finally:
        stop_worker(worker)
        isolation.cleanup()
    report = json.loads(result.stdout)
    return {
        "status": [document["status"] for document in report["documents"]],
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ingest", action="store_true")
    args = parser.parse_args()
    texts = sources(args.pages)
    report: dict[str, Any] = {
        "machine": machine(),
        "pages": args.pages,
        "dpi": get_settings().ocr_dpi,
        "language": get_settings().ocr_language,
    }
    with tempfile.TemporaryDirectory(prefix="vidensbank-bench-ocr-") as tmp:
        folder = Path(tmp)
        pdf_path = folder / "skannet.pdf"
        scans = [
            render_scan(text, angle=ANGLES[i % len(ANGLES)], seed=i) for i, text in enumerate(texts)
        ]
        pdf_path.write_bytes(scan_pdf(scans))
        numbers = range(1, args.pages + 1)
        for processes in args.processes:
            report[f"processes_{processes}"] = {
                "tesseract_default_threads": measure(
                    "bare", [(str(pdf_path), n, tmp, False) for n in numbers], texts, processes
                ),
                "tesseract_one_thread": measure(
                    "bare", [(str(pdf_path), n, tmp, True) for n in numbers], texts, processes
                ),
                "vidensbank": measure(
                    "vidensbank", [(str(pdf_path), n) for n in numbers], texts, processes
                ),
            }
        if args.ingest:
            report["ingest_wait"] = ingest(pdf_path, folder)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
