"""OCR of PDF pages that are images of text: render the page with pdfium, clean the scan, read
it with Tesseract.

Measured on a 200 dpi scan of Danish text with salt-and-pepper and Gaussian noise (bench/):
- A 3×3 median filter removes the salt-and-pepper that otherwise costs Tesseract words.
- Tesseract reads a page turned 1.5° either way, but one turned 3° clockwise not at all (0 %
  of its characters), so the skew is measured and turned back first: the angle at which the
  dark pixels' rows are sharpest (a projection profile), found in ~30 ms on a thumbnail.
- Pages turned a quarter or half turn are told by Tesseract's orientation detection (OSD),
  which costs as much as reading the page: it runs only when the first reading is poor.
- One Tesseract thread per page: its OpenMP threads fight the worker's other processes, and on
  two busy cores a page took 10–18 s with them against 2.5 s without.
"""

import math
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image, ImageFilter

from vidensbank.store.documents import OCRStatus

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# The largest page image rendered: an A3 page at 300 dpi is 17 million pixels. A page's size is
# whatever its file claims (up to 200 inches a side), so a huge one is rendered at less.
_MAX_PIXELS = 20_000_000
# Skew searched for: up to this many degrees either way, coarse then fine.
_MAX_SKEW = 10.0
_COARSE_STEP = 0.5
_FINE_STEP = 0.05
_THUMBNAIL = 800
_DARK = 128
# Below this mean word confidence the page may be turned: OSD is asked, and the better of the
# two readings kept.
_DOUBTFUL = 60.0
# OSD's confidence in an orientation before the page is turned for it.
_OSD_SURE = 2.0
# pytesseract hands Tesseract a page through files in the temp folder ("tess_…", about 1 MB a
# page) and removes them after, which a killed process (a task's hard time limit, the
# out-of-memory killer) never does. Files of its older than any page may take are left over.
_TEMP_PREFIX = "tess_"
_STALE_TEMP_SECONDS = 3600


@dataclass(frozen=True)
class PageReading:
    """What OCR made of one page: its text, Tesseract's mean word confidence (0–100, none
    without words) and whether it was read at all."""

    text: str
    confidence: float | None
    status: OCRStatus


def render_page(pdf: pdfium.PdfDocument, number: int, dpi: int) -> Image.Image:
    """Page ``number`` (from 1) as a greyscale image at ``dpi``, or less on a page so large
    that the image would pass ``_MAX_PIXELS``."""
    page = pdf[number - 1]
    try:
        width, height = page.get_size()
        scale = min(dpi / 72, math.sqrt(_MAX_PIXELS / max(width * height, 1.0)))
        bitmap = page.render(scale=scale, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        page.close()


def skew_angle(image: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) the page's lines of text are turned by."""
    small = image.copy()
    small.thumbnail((_THUMBNAIL, _THUMBNAIL))
    ys, xs = np.nonzero(np.asarray(small) < _DARK)
    if len(ys) < 100:
        return 0.0
    ys = ys - ys.mean()
    xs = xs - xs.mean()

    def sharpness(degrees: float) -> float:
        theta = np.deg2rad(degrees)
        rows = ys * np.cos(theta) - xs * np.sin(theta)
        counts = np.bincount((rows - rows.min()).astype(np.int64)).astype(np.float64)
        return float((counts**2).sum())

    coarse = max(np.arange(-_MAX_SKEW, _MAX_SKEW + _FINE_STEP, _COARSE_STEP), key=sharpness)
    fine = np.arange(coarse - _COARSE_STEP, coarse + _COARSE_STEP + _FINE_STEP, _FINE_STEP)
    return -float(max(fine, key=sharpness))


def clean(image: Image.Image) -> Image.Image:
    """The scan without its salt-and-pepper, turned straight."""
    image = image.filter(ImageFilter.MedianFilter(3))
    angle = skew_angle(image)
    if abs(angle) < _FINE_STEP:
        return image
    return image.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def _read(image: Image.Image, language: str, dpi: int, timeout: float) -> PageReading:
    data = pytesseract.image_to_data(
        image,
        lang=language,
        config=f"--dpi {dpi}",
        timeout=timeout,
        output_type=pytesseract.Output.DICT,
    )
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        word_confidence = float(data["conf"][i])
        if not word or word_confidence < 0:
            continue
        confidences.append(word_confidence)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
    paragraphs: dict[tuple[int, int], list[str]] = {}
    for (block, paragraph, _line), words in lines.items():
        paragraphs.setdefault((block, paragraph), []).append(" ".join(words))
    text = "\n\n".join("\n".join(paragraph) for paragraph in paragraphs.values())
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return PageReading(text=text, confidence=mean, status=OCRStatus.READ)


def _turn(image: Image.Image, timeout: float) -> int:
    """How many degrees OSD would turn the page (0 when unsure or without enough text)."""
    try:
        osd = pytesseract.image_to_osd(
            image, config="--psm 0", timeout=timeout, output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError:  # too few characters to tell
        return 0
    return int(osd["rotate"]) if float(osd["orientation_conf"]) >= _OSD_SURE else 0


class _OutOfTime(Exception):
    pass


def read_image(image: Image.Image, *, language: str, dpi: int, timeout: float) -> PageReading:
    """The text on a scanned page image; a page that takes longer than ``timeout`` seconds in
    all, or that Tesseract fails on, has none and says so."""
    deadline = time.monotonic() + timeout

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _OutOfTime
        return remaining

    try:
        image = clean(image)
        reading = _read(image, language, dpi, left())
        if reading.confidence is None or reading.confidence < _DOUBTFUL:
            turn = _turn(image, left())
            if turn:
                turned = _read(image.rotate(-turn, expand=True), language, dpi, left())
                if (turned.confidence or 0) > (reading.confidence or 0):
                    reading = turned
    except _OutOfTime:
        return PageReading(text="", confidence=None, status=OCRStatus.TIMED_OUT)
    except RuntimeError as exc:  # pytesseract stopped Tesseract at its timeout
        if "timeout" not in str(exc).lower():
            raise
        return PageReading(text="", confidence=None, status=OCRStatus.TIMED_OUT)
    except pytesseract.TesseractError:
        return PageReading(text="", confidence=None, status=OCRStatus.FAILED)
    return reading


def remove_stale_temp_files() -> int:
    """Remove what Tesseract's killed readings left in the temp folder; return how many."""
    cutoff = time.time() - _STALE_TEMP_SECONDS
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{_TEMP_PREFIX}*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # gone already, or another user's
            continue
    return removed


def read_page(
    pdf: pdfium.PdfDocument, number: int, *, language: str, dpi: int, timeout: float
) -> PageReading:
    return read_image(render_page(pdf, number, dpi), language=language, dpi=dpi, timeout=timeout)
