"""Deliberately broken files for testing error handling, written to ``OUTDIR/broken/``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from reportlab import __file__ as _reportlab_file
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader

from sample_corpus.html_pages import render_empty_page
from sample_corpus.pdf import render_pdf
from sample_corpus.sources import DocSpec, source_url, write_manifest
from sample_corpus.text import plain
from sample_corpus.typesetting import PAGE_H, PAGE_W, fixed_date_canvas

VERA_TTF = Path(_reportlab_file).resolve().parent / "fonts" / "Vera.ttf"
ENCRYPTED_SOURCE_KIND = "rapport"
USER_PASSWORD = "vidensbank-laeser"
OWNER_PASSWORD = "vidensbank-ejer"


def _image_only_pdf(spec: DocSpec) -> bytes:
    """Pages that carry only a raster image of text (as a scan would), no text layer."""
    dpi = 110
    width_px, height_px = int(PAGE_W / 72 * dpi), int(PAGE_H / 72 * dpi)
    title_font = ImageFont.truetype(str(VERA_TTF), 30)
    body_font = ImageFont.truetype(str(VERA_TTF), 17)
    paragraphs = [plain(b["p"]) for s in spec.sections for b in s["blocks"] if "p" in b]
    margin = int(2.5 / 2.54 * dpi)
    max_w = width_px - 2 * margin
    line_h = 26
    pages: list[Image.Image] = []
    img = Image.new("L", (width_px, height_px), 255)
    draw = ImageDraw.Draw(img)
    y = margin
    draw.text((margin, y), spec.title, font=title_font, fill=0)
    y += 70
    for text in paragraphs:
        cur = ""
        lines = []
        for word in text.split():
            trial = f"{cur} {word}".strip()
            if body_font.getlength(trial) <= max_w or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
        for line in lines:
            if y > height_px - margin:
                pages.append(img)
                if len(pages) == 2:
                    break
                img = Image.new("L", (width_px, height_px), 255)
                draw = ImageDraw.Draw(img)
                y = margin
            draw.text((margin, y), line, font=body_font, fill=0)
            y += line_h
        if len(pages) == 2:
            break
        y += 12
    if len(pages) < 2:
        pages.append(img)
    buf = io.BytesIO()
    canv = fixed_date_canvas(spec.published)(buf, pagesize=A4)
    canv.setTitle(spec.title)
    canv.setAuthor(spec.imprint_full)
    for page in pages:
        png = io.BytesIO()
        page.save(png, format="PNG", optimize=False)
        png.seek(0)
        canv.drawImage(ImageReader(png), 0, 0, width=PAGE_W, height=PAGE_H)
        canv.showPage()
    canv.save()
    return buf.getvalue()


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        members = {
            "rapport/indhold.txt": "Arbejdsmappe med udkast til kapitel 3 om børnesamtaler.\n",
            "rapport/tabeller.csv": "kommune;antal_anbringelser\nAarhus;1210\nOdense;830\n",
            "rapport/README.txt": "Denne mappe blev sendt som zip, men navngivet .pdf.\n",
        }
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2021, 6, 10, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content.encode("utf-8"))
    return buf.getvalue()


def render_broken(
    outdir: Path, docs: Sequence[DocSpec], rendered: dict[str, bytes]
) -> dict[str, Any]:
    """Write the deliberately broken files and return their manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    pdfs = [d for d in docs if d.fmt == "pdf"]
    reports = [d for d in pdfs if d.kind == ENCRYPTED_SOURCE_KIND] or pdfs
    enc_src = reports[0]
    cut_src = max(reports, key=lambda d: len(rendered[d.filename]))
    img_src = min(pdfs, key=lambda d: (d.published, d.slug))  # "scanned" oldest document
    html_src = next((d for d in docs if d.kind == "værktøj"), docs[0])

    def entry(src: DocSpec, slug: str, title: str | None = None) -> dict[str, Any]:
        item = src.manifest_entry()
        item["title"] = title or src.title
        item["source_url"] = source_url(src.publisher, slug)
        return item

    files: dict[str, bytes] = {}
    manifest: dict[str, Any] = {}
    encrypt = StandardEncryption(USER_PASSWORD, ownerPassword=OWNER_PASSWORD, strength=128)
    files["krypteret-rapport.pdf"] = render_pdf(enc_src, encrypt=encrypt)
    manifest["krypteret-rapport.pdf"] = entry(enc_src, "krypteret-rapport")
    full = rendered[cut_src.filename]
    files["afkortet-rapport.pdf"] = full[: int(len(full) * 0.4)]
    manifest["afkortet-rapport.pdf"] = entry(cut_src, "afkortet-rapport")
    files["tom-fil.pdf"] = b""
    manifest["tom-fil.pdf"] = entry(img_src, "tom-fil", "Tom fil (0 bytes)")
    files["zip-forklaedt.pdf"] = _zip_bytes()
    manifest["zip-forklaedt.pdf"] = entry(cut_src, "zip-forklaedt", "Arbejdsmappe (zip-arkiv)")
    files["kun-billeder.pdf"] = _image_only_pdf(img_src)
    manifest["kun-billeder.pdf"] = entry(img_src, "kun-billeder")
    files["ødelagt-side.html"] = render_empty_page().encode("utf-8")
    manifest["ødelagt-side.html"] = entry(html_src, "oedelagt-side", "Side uden indhold")
    for name, content in files.items():
        (outdir / name).write_bytes(content)
    write_manifest(outdir, manifest)
    return manifest
