"""Render the out-of-domain entity documents as pages, and write their gold entity lists.

    .venv/bin/python nlp_models/training/data/ood/render.py [--src DIR] [--out DIR] [--no-pdf]

``--src`` is a folder of annotated source files (default: this folder, the frozen test set;
``../ood_train`` renders the training pool the same way). ``--out`` (default ``build/ood`` or
``build/ood_train`` under the checkout) receives, per document:

- ``<slug>.html`` — the page as a user sees it: chrome in ``<header>``/``<nav>``/``<footer>``,
  the text in ``<main><article>``, boxes in ``<aside>``, figures, tables, footnotes;
- ``<slug>.pdf`` — for documents whose header says ``# render: html+pdf``: A4 pages with a
  running header, page numbers and hyphenated line breaks (reportlab);
- ``<slug>.gold.json`` — the plain text of the whole document (chrome included), every gold
  mention with offsets into that text, the distinct entities (text, label, kb id) and the distinct
  linked records;

and ``index.json`` with the documents, their genres and counts. The output is deterministic:
the same sources give the same bytes. The format of the sources is described in
``GUIDELINES.md`` beside this script. The parser here is the markup of
``nlp_models/training/corpus.py``, kept in this file so the frozen set does not change with it.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("PER", "ORG", "LOC", "LAW", "INITIATIVE", "DATE", "MONEY")
GENRES = (
    "pressemeddelelse",
    "vejledning-faq",
    "kommunal-side",
    "folketingssvar",
    "nyhedsartikel",
    "organisationsside",
    "rapportuddrag",
)
CHROME_KINDS = (
    "chrome-top",
    "chrome-nav",
    "chrome-share",
    "chrome-cookie",
    "chrome-related",
    "chrome-bottom",
)
CONTENT_KINDS = (
    "title",
    "meta",
    "letterhead",
    "heading",
    "subheading",
    "body",
    "box",
    "figure",
    "table",
    "toc",
    "footnotes",
    "references",
)
KINDS = CHROME_KINDS + CONTENT_KINDS
HEADER_KEYS = ("slug", "genre", "render", "running-header", "note")

_MARKUP = re.compile(r"\[\[([^\[\]|]+)\|([A-Z]+)(?:\|([a-z0-9._-]+))?\]\]")
_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_DIGITS = str.maketrans(_SUPERSCRIPT, "0123456789")
_SUP_RUN = re.compile(f"[{_SUPERSCRIPT}]+")
_CELL = " | "

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]


class FormatError(ValueError):
    pass


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str
    kb_id: str | None


@dataclass(frozen=True)
class Line:
    text: str
    mentions: tuple[Mention, ...]
    number: int


@dataclass
class Section:
    kind: str
    lines: list[Line] = field(default_factory=list)

    @property
    def chrome(self) -> bool:
        return self.kind.startswith("chrome-")


@dataclass
class Document:
    slug: str
    genre: str
    pdf: bool
    running_header: str
    sections: list[Section]

    @property
    def title(self) -> str:
        for section in self.sections:
            if section.kind == "title" and section.lines:
                return section.lines[0].text
        return self.slug


def parse_markup(raw: str, number: int = 0, source: str = "") -> Line:
    """Plain text of one line and its mentions (offsets into the plain text)."""
    parts: list[str] = []
    mentions: list[Mention] = []
    position = length = 0
    for match in _MARKUP.finditer(raw):
        before = raw[position : match.start()]
        parts.append(before)
        length += len(before)
        surface, label, kb_id = match.group(1), match.group(2), match.group(3)
        if label not in LABELS:
            raise FormatError(f"{source}:{number}: unknown label {label!r}")
        if surface != surface.strip():
            raise FormatError(f"{source}:{number}: space around {surface!r}")
        mentions.append(Mention(length, length + len(surface), surface, label, kb_id))
        parts.append(surface)
        length += len(surface)
        position = match.end()
    parts.append(raw[position:])
    text = "".join(parts)
    if "[[" in text or "]]" in text:
        raise FormatError(f"{source}:{number}: unbalanced markup")
    return Line(text, tuple(mentions), number)


def parse_document(path: Path) -> Document:
    """Read one source file: header lines, then ``## kind`` sections of annotated lines."""
    header: dict[str, str] = {}
    sections: list[Section] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("## "):
            kind = stripped[3:].strip()
            if kind not in KINDS:
                raise FormatError(f"{path.name}:{number}: unknown section {kind!r}")
            sections.append(Section(kind))
            continue
        if stripped.startswith("#"):
            if not sections and ":" in stripped:
                key, value = stripped.lstrip("# ").split(":", 1)
                if key.strip() not in HEADER_KEYS:
                    raise FormatError(f"{path.name}:{number}: unknown header {key.strip()!r}")
                header[key.strip()] = value.strip()
            continue
        if not sections:
            raise FormatError(f"{path.name}:{number}: text before the first section")
        line = parse_markup(stripped, number, path.name)
        if sections[-1].chrome and line.mentions:
            raise FormatError(f"{path.name}:{number}: chrome is never annotated")
        sections[-1].lines.append(line)
    slug = header.get("slug", "")
    if slug != path.stem:
        raise FormatError(f"{path.name}: header slug {slug!r} differs from the file name")
    genre = header.get("genre", "")
    if genre not in GENRES:
        raise FormatError(f"{path.name}: unknown genre {genre!r}")
    render = header.get("render", "")
    if render not in ("html", "html+pdf"):
        raise FormatError(f"{path.name}: render must be html or html+pdf, not {render!r}")
    if not any(s.kind == "title" for s in sections):
        raise FormatError(f"{path.name}: no title section")
    if any(not s.lines for s in sections):
        raise FormatError(f"{path.name}: empty section")
    return Document(slug, genre, render == "html+pdf", header.get("running-header", ""), sections)


def read_documents(folder: Path) -> list[Document]:
    return [parse_document(path) for path in sorted(folder.glob("*.txt"))]


# --- gold lists ---------------------------------------------------------------------------


def mentions(document: Document) -> list[tuple[Section, Line, Mention]]:
    """Every gold mention of a document, in reading order."""
    return [
        (section, line, mention)
        for section in document.sections
        for line in section.lines
        for mention in line.mentions
    ]


def distinct_entities(document: Document) -> Counter[tuple[str, str, str | None]]:
    """Each (text, label, kb id) of a document once, with its number of mentions."""
    return Counter((m.text, m.label, m.kb_id) for _, _, m in mentions(document))


def gold(document: Document) -> dict[str, object]:
    """Plain text, mentions with offsets, distinct entities and linked records of a document."""
    text_parts: list[str] = []
    found: list[dict[str, object]] = []
    sections: list[dict[str, object]] = []
    offset = 0
    for section in document.sections:
        start = offset
        for line in section.lines:
            found.extend(
                {
                    "start": offset + m.start,
                    "end": offset + m.end,
                    "text": m.text,
                    "label": m.label,
                    "kb_id": m.kb_id,
                    "section": section.kind,
                    "line": line.number,
                }
                for m in line.mentions
            )
            text_parts.append(line.text + "\n")
            offset += len(line.text) + 1
        sections.append(
            {"kind": section.kind, "chrome": section.chrome, "start": start, "end": offset}
        )
    distinct = distinct_entities(document)
    linked: dict[tuple[str, str], set[str]] = {}
    for text, label, kb_id in distinct:
        if kb_id:
            linked.setdefault((label, kb_id), set()).add(text)
    return {
        "slug": document.slug,
        "genre": document.genre,
        "title": document.title,
        "renderings": ["html", "pdf"] if document.pdf else ["html"],
        "text": "".join(text_parts),
        "sections": sections,
        "mentions": found,
        "entities": [
            {"text": t, "label": lab, "kb_id": k, "mentions": n}
            for (t, lab, k), n in sorted(distinct.items(), key=lambda i: (i[0][1], i[0][0]))
        ],
        "linked": [
            {"label": lab, "kb_id": k, "surfaces": sorted(s)}
            for (lab, k), s in sorted(linked.items())
        ],
    }


def counts(documents: Iterable[Document]) -> dict[str, dict[str, dict[str, int]]]:
    """Documents, distinct entities and mentions, per label and per genre."""
    per_label: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    per_genre: dict[str, Counter[str]] = {genre: Counter() for genre in GENRES}
    for document in documents:
        genre = per_genre[document.genre]
        genre["documents"] += 1
        genre["pdf"] += document.pdf
        for (_, label, kb_id), n in distinct_entities(document).items():
            per_label[label]["entities"] += 1
            per_label[label]["mentions"] += n
            per_label[label]["linked_entities"] += kb_id is not None
            genre["entities"] += 1
            genre["mentions"] += n
    return {
        "per_label": {k: dict(v) for k, v in per_label.items()},
        "per_genre": {k: dict(v) for k, v in per_genre.items() if v},
    }


# --- HTML ---------------------------------------------------------------------------------

_LINK = re.compile(
    r"(https?://[^\s<]+[^\s<.,;:)]|www\.[^\s<]+[^\s<.,;:)]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)

    def link(match: re.Match[str]) -> str:
        target = match.group(0)
        if "@" in target and "/" not in target:
            href = "mailto:" + target
        elif target.startswith("www."):
            href = "https://" + target
        else:
            href = target
        return f'<a href="{html.escape(href)}">{target}</a>'

    escaped = _LINK.sub(link, escaped)
    return _SUP_RUN.sub(lambda m: f"<sup>{m.group(0).translate(_TO_DIGITS)}</sup>", escaped)


def _paragraphs(lines: Sequence[Line]) -> list[str]:
    out: list[str] = []
    items: list[str] = []
    for line in lines:
        if line.text.startswith("• "):
            items.append(f"<li>{_inline(line.text[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        out.append(f"<p>{_inline(line.text)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return out


def _chrome_html(section: Section) -> str:
    inner = "".join(f"<p>{_inline(line.text)}</p>" for line in section.lines)
    if section.kind == "chrome-top":
        return f'<header class="site-header">{inner}</header>'
    if section.kind == "chrome-cookie":
        return f'<header class="cookie-banner" role="region" aria-label="Cookies">{inner}</header>'
    if section.kind == "chrome-bottom":
        return f'<footer class="site-footer">{inner}</footer>'
    label = {"chrome-nav": "Brødkrumme", "chrome-share": "Del", "chrome-related": "Læs også"}
    return f'<nav class="{section.kind}" aria-label="{label[section.kind]}">{inner}</nav>'


def _table_html(lines: Sequence[Line]) -> str:
    caption = _inline(lines[0].text)
    rows = [line.text.split(_CELL) for line in lines[1:] if _CELL in line.text]
    notes = [line for line in lines[1:] if _CELL not in line.text]
    out = [f"<table><caption>{caption}</caption>"]
    if rows:
        out.append(
            "<thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in rows[0]) + "</tr></thead>"
        )
        out.append("<tbody>")
        for row in rows[1:]:
            out.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
        out.append("</tbody>")
    out.append("</table>")
    out.extend(f'<p class="table-note">{_inline(n.text)}</p>' for n in notes)
    return "".join(out)


def _figure_html(lines: Sequence[Line]) -> str:
    data = [line.text.split(_CELL) for line in lines[1:] if _CELL in line.text]
    notes = [line for line in lines[1:] if _CELL not in line.text]
    values = [_number(row[-1]) for row in data]
    top = max(values, default=0.0) or 1.0
    bars = "".join(
        f'<div class="bar"><span class="bar-label">{_inline(row[0])}</span>'
        f'<span class="bar-fill" style="width:{round(60 * v / top, 1)}%"></span>'
        f'<span class="bar-value">{_inline(row[-1])}</span></div>'
        for row, v in zip(data, values, strict=True)
    )
    note_html = "".join(f'<p class="figure-note">{_inline(n.text)}</p>' for n in notes)
    return (
        f"<figure><figcaption>{_inline(lines[0].text)}</figcaption>"
        f'<div class="chart">{bars}</div>{note_html}</figure>'
    )


def _toc_html(lines: Sequence[Line]) -> str:
    items = []
    for line in lines:
        match = _TOC_LINE.match(line.text)
        if match:
            number, title, page = match.groups()
            items.append(
                f'<li><span class="toc-no">{_inline(number or "")}</span> {_inline(title)}'
                f' <span class="toc-page">{page}</span></li>'
            )
        else:
            items.append(f"<li>{_inline(line.text)}</li>")
    return '<section class="toc"><h2>Indhold</h2><ol>' + "".join(items) + "</ol></section>"


_STYLE = (
    "body{font-family:Georgia,serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1b1b1b}"
    "header.site-header,footer.site-footer{font-family:Arial,sans-serif;font-size:.9rem;"
    "background:#eef1f4;padding:.5rem 1rem}"
    "nav{font-family:Arial,sans-serif;font-size:.85rem;color:#555}"
    ".cookie-banner{border:1px solid #999;padding:.5rem;font-size:.85rem}"
    ".meta{color:#555;font-size:.9rem}.letterhead{font-size:.9rem;border-bottom:1px solid #ccc}"
    "aside.box{background:#f3efe6;border-left:4px solid #b08d3c;padding:.5rem 1rem;margin:1rem 0}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #bbb;padding:.2rem .5rem}"
    ".bar{display:flex;gap:.5rem;align-items:center}.bar-label{width:12rem}"
    ".bar-fill{display:inline-block;height:.8rem;background:#4a6f94}"
    ".footnotes,.references{font-size:.85rem}"
)


def render_html(document: Document) -> str:
    """The page: chrome around the article, as a reader meets it on the web."""
    before: list[str] = []
    after: list[str] = []
    article: list[str] = []
    seen_content = False
    for section in document.sections:
        if section.chrome:
            rendered = _chrome_html(section)
            if section.kind == "chrome-bottom":
                after.append(rendered)
            elif seen_content:
                article.append(rendered)
            else:
                before.append(rendered)
            continue
        seen_content = True
        lines = section.lines
        if section.kind == "title":
            article.append(f"<h1>{_inline(lines[0].text)}</h1>")
            article.extend(f'<p class="meta">{_inline(line.text)}</p>' for line in lines[1:])
        elif section.kind == "meta":
            article.extend(f'<p class="meta">{_inline(line.text)}</p>' for line in lines)
        elif section.kind == "letterhead":
            inner = "".join(f"<p>{_inline(line.text)}</p>" for line in lines)
            article.append(f'<div class="letterhead">{inner}</div>')
        elif section.kind == "heading":
            article.extend(f"<h2>{_inline(line.text)}</h2>" for line in lines)
        elif section.kind == "subheading":
            article.extend(f"<h3>{_inline(line.text)}</h3>" for line in lines)
        elif section.kind == "body":
            article.extend(_paragraphs(lines))
        elif section.kind == "box":
            inner = f"<h3>{_inline(lines[0].text)}</h3>" + "".join(_paragraphs(lines[1:]))
            article.append(f'<aside class="box">{inner}</aside>')
        elif section.kind == "figure":
            article.append(_figure_html(lines))
        elif section.kind == "table":
            article.append(_table_html(lines))
        elif section.kind == "toc":
            article.append(_toc_html(lines))
        elif section.kind == "footnotes":
            inner = "".join(f"<p>{_inline(line.text)}</p>" for line in lines)
            article.append(f'<section class="footnotes"><h2>Noter</h2>{inner}</section>')
        elif section.kind == "references":
            inner = "".join(f"<p>{_inline(line.text)}</p>" for line in lines)
            article.append(f'<section class="references"><h2>Litteratur</h2>{inner}</section>')
    return (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(document.title, quote=False)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(before)
        + "\n<main>\n<article>\n"
        + "\n".join(article)
        + "\n</article>\n</main>\n"
        + "\n".join(after)
        + "\n</body>\n</html>\n"
    )


# --- PDF ----------------------------------------------------------------------------------

_TOC_LINE = re.compile(r"^(?:(\d+(?:\.\d+)*|Bilag \d+)\s+)?(.+?)\s+(\d+)$")
_VOWELS = set("aeiouyæøåAEIOUYÆØÅéÉ")
_ONSETS = (
    "str",
    "skr",
    "spr",
    "spl",
    "st",
    "sk",
    "sp",
    "sl",
    "sm",
    "sn",
    "sv",
    "tr",
    "dr",
    "kr",
    "pr",
    "br",
    "gr",
    "fr",
    "bl",
    "kl",
    "pl",
    "fl",
    "gl",
    "kn",
    "tv",
    "dv",
    "kv",
)
_WORD = re.compile(r"^([(«»\"'„“]*)([A-Za-zÆØÅæøåéÉüÜöÖäÄ-]+)([)»«\"'“”.,;:!?]*)$")


def _number(text: str) -> float:
    digits = re.sub(r"[^0-9,]", "", text.replace(".", "")).replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return 0.0


def hyphenation_points(word: str) -> list[int]:
    """Where a word may be broken with a hyphen: after an existing hyphen, and between syllables
    by a simple Danish rule (a single consonant between vowels starts the next syllable; in a
    longer cluster the last consonant or a common onset does). At least three letters stay on
    each side. Deterministic, no dictionary."""
    points: set[int] = set()
    for i, char in enumerate(word):
        if char == "-" and 2 <= i < len(word) - 3:
            points.add(i + 1)
    for part_start, part in _parts(word):
        if len(part) < 6 or not part.isalpha():
            continue
        vowels = [i for i, c in enumerate(part) if c in _VOWELS]
        for a, b in itertools.pairwise(vowels):
            cluster = part[a + 1 : b]
            if not cluster:
                continue
            cut = b - 1
            for onset in _ONSETS:
                if len(onset) <= len(cluster) and cluster.lower().endswith(onset):
                    cut = b - len(onset)
                    break
            if len(cluster) == 1:
                cut = a + 1
            if cut <= a:
                continue
            if 3 <= cut <= len(part) - 3:
                points.add(part_start + cut)
    return sorted(points)


def _parts(word: str) -> list[tuple[int, str]]:
    parts: list[tuple[int, str]] = []
    start = 0
    for chunk in word.split("-"):
        parts.append((start, chunk))
        start += len(chunk) + 1
    return parts


class _Pdf:
    """A small page layout on a reportlab canvas: wrapped and hyphenated lines, boxes, figures,
    tables, running headers and page numbers."""

    width: float
    height: float

    def __init__(self, path: Path, document: Document) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.pdfgen.canvas import Canvas

        self.canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=0)
        self.canvas.setTitle(document.title)
        self.canvas.setSubject(document.genre)
        self.canvas.setCreator("Vidensbank OOD render.py")
        self.width, self.height = A4
        self.mm = mm
        self.left = 28 * mm
        self.right = self.width - 28 * mm
        self.top = self.height - 25 * mm
        self.bottom = 22 * mm
        self.document = document
        self.cover = document.genre == "rapportuddrag"
        self.page = 0
        self.y = self.top
        self._new_page()

    # pages
    def _new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.y = self.top
        c = self.canvas
        if self.document.running_header and not (self.cover and self.page == 1):
            c.setFont("Helvetica", 8)
            c.setFillGray(0.35)
            c.drawString(self.left, self.height - 14 * self.mm, self.document.running_header)
            c.setLineWidth(0.4)
            c.setStrokeGray(0.6)
            c.line(
                self.left, self.height - 15.5 * self.mm, self.right, self.height - 15.5 * self.mm
            )
        c.setFont("Helvetica", 8)
        c.setFillGray(0.35)
        c.drawCentredString(self.width / 2, 12 * self.mm, str(self.page))
        c.setFillGray(0)
        c.setStrokeGray(0)

    def _need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self._new_page()

    # measuring and drawing text with superscript footnote markers
    def _width(self, text: str, font: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        total = 0.0
        for chunk, sup in _runs(text):
            total += stringWidth(chunk, font, size * 0.65 if sup else size)
        return total

    def _draw(self, x: float, y: float, text: str, font: str, size: float) -> None:
        t = self.canvas.beginText(x, y)
        for chunk, sup in _runs(text):
            if sup:
                t.setFont(font, size * 0.65)
                t.setRise(size * 0.35)
                t.textOut(chunk)
                t.setRise(0)
            else:
                t.setFont(font, size)
                t.textOut(chunk)
        self.canvas.drawText(t)

    def wrap(self, text: str, font: str, size: float, width: float, hyphenate: bool) -> list[str]:
        words = text.split(" ")
        lines: list[str] = []
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if self._width(candidate, font, size) <= width:
                current = candidate
                continue
            if hyphenate:
                head, tail = self._split(word, current, font, size, width)
                if head:
                    lines.append(f"{current} {head}" if current else head)
                    current = tail
                    continue
            if current:
                lines.append(current)
            current = word
        if current:
            lines.append(current)
        return lines

    def _split(
        self, word: str, current: str, font: str, size: float, width: float
    ) -> tuple[str, str]:
        match = _WORD.match(word)
        if not match:
            return "", word
        lead, core, trail = match.groups()
        for point in reversed(hyphenation_points(core)):
            head = lead + core[:point]
            if not head.endswith("-"):
                head += "-"
            candidate = f"{current} {head}" if current else head
            if self._width(candidate, font, size) <= width:
                return head, core[point:] + trail
        return "", word

    # blocks
    def text_block(
        self,
        text: str,
        font: str = "Helvetica",
        size: float = 10.5,
        leading: float = 15,
        indent: float = 0,
        hanging: float = 0,
        hyphenate: bool = True,
        space_after: float = 5,
        background: float | None = None,
    ) -> None:
        width = self.right - self.left - indent - hanging
        for i, line in enumerate(self.wrap(text, font, size, width, hyphenate)):
            self._need(leading)
            if background is not None:
                self._band(leading, background)
            x = self.left + indent + (hanging if i else 0)
            self._draw(x, self.y - size, line, font, size)
            self.y -= leading
        if background is not None and space_after:
            self._need(space_after)
            self._band(space_after, background)
        self.y -= space_after

    def _band(self, height: float, gray: float) -> None:
        c = self.canvas
        c.setFillGray(gray)
        c.rect(self.left, self.y - height, self.right - self.left, height, stroke=0, fill=1)
        c.setFillGray(0)

    def rule(self, length: float) -> None:
        self._need(8)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(self.left, self.y - 2, self.left + length, self.y - 2)
        self.y -= 8

    def figure(self, lines: Sequence[Line]) -> None:
        self.text_block(lines[0].text, "Helvetica-Bold", 9.5, 13, hyphenate=False, space_after=3)
        data = [line.text.split(_CELL) for line in lines[1:] if _CELL in line.text]
        values = [_number(row[-1]) for row in data]
        top = max(values, default=0.0) or 1.0
        label_width = 55 * self.mm
        bar_room = self.right - self.left - label_width - 20 * self.mm
        c = self.canvas
        for row, value in zip(data, values, strict=True):
            self._need(14)
            self._draw(self.left, self.y - 9, row[0], "Helvetica", 8.5)
            length = bar_room * value / top
            c.setFillColorRGB(0.29, 0.44, 0.58)
            c.rect(self.left + label_width, self.y - 10, length, 8, stroke=0, fill=1)
            c.setFillGray(0)
            self._draw(self.left + label_width + length + 4, self.y - 9, row[-1], "Helvetica", 8.5)
            self.y -= 14
        self.y -= 3
        for line in lines[1:]:
            if _CELL not in line.text:
                self.text_block(line.text, "Helvetica-Oblique", 8, 11, space_after=2)
        self.y -= 6

    def table(self, lines: Sequence[Line]) -> None:
        self.text_block(lines[0].text, "Helvetica-Bold", 9.5, 13, hyphenate=False, space_after=3)
        rows = [line.text.split(_CELL) for line in lines[1:] if _CELL in line.text]
        if rows:
            columns = max(len(r) for r in rows)
            longest = [
                max((len(r[i]) if i < len(r) else 0) for r in rows) + 4 for i in range(columns)
            ]
            total = sum(longest)
            widths = [(self.right - self.left) * n / total for n in longest]
            c = self.canvas
            for number, row in enumerate(rows):
                font = "Helvetica-Bold" if number == 0 else "Helvetica"
                cells = [
                    self.wrap(cell, font, 8.5, widths[i] - 6, hyphenate=False)
                    for i, cell in enumerate(row)
                ]
                height = max(len(cell) for cell in cells) * 11 + 4
                self._need(height)
                if number == 0:
                    c.setLineWidth(0.8)
                    c.line(self.left, self.y, self.right, self.y)
                x = self.left
                for i, cell in enumerate(cells):
                    for j, text in enumerate(cell):
                        self._draw(x + 3, self.y - 10 - 11 * j, text, font, 8.5)
                    x += widths[i]
                self.y -= height
                c.setLineWidth(0.8 if number in (0, len(rows) - 1) else 0.3)
                c.line(self.left, self.y, self.right, self.y)
            self.y -= 4
        for line in lines[1:]:
            if _CELL not in line.text:
                self.text_block(line.text, "Helvetica-Oblique", 8, 11, space_after=2)
        self.y -= 6

    def toc(self, lines: Sequence[Line]) -> None:
        self.text_block("Indhold", "Helvetica-Bold", 13, 18, hyphenate=False, space_after=6)
        for line in lines:
            match = _TOC_LINE.match(line.text)
            self._need(15)
            if not match:
                self.text_block(line.text, space_after=2)
                continue
            number, title, page = match.groups()
            number = number or ""
            font = "Helvetica-Bold" if "." not in number else "Helvetica"
            indent = 0 if "." not in number else 8 * self.mm
            self._draw(self.left + indent, self.y - 10, number, font, 10)
            column = max(12 * self.mm, self._width(number, font, 10) + 6)
            self._draw(self.left + indent + column, self.y - 10, title, font, 10)
            start = self.left + indent + column + self._width(title, font, 10) + 4
            end = self.right - self._width(page, font, 10) - 4
            dots = "." * max(int((end - start) / self._width(".", "Helvetica", 10)), 0)
            self._draw(start, self.y - 10, dots, "Helvetica", 10)
            self._draw(self.right - self._width(page, font, 10), self.y - 10, page, font, 10)
            self.y -= 15
        self.y -= 8

    def render(self) -> None:
        for section in self.document.sections:
            if section.chrome:
                continue
            lines = section.lines
            kind = section.kind
            if kind == "title":
                self.text_block(lines[0].text, "Helvetica-Bold", 18, 23, hyphenate=False)
                for line in lines[1:]:
                    self.text_block(line.text, "Helvetica", 9, 12, space_after=2)
                self.y -= 6
            elif kind == "meta":
                for line in lines:
                    self.text_block(line.text, "Helvetica", 9, 12, space_after=2)
                self.y -= 6
            elif kind == "letterhead":
                for line in lines:
                    self.text_block(line.text, "Helvetica", 9, 11.5, hyphenate=False, space_after=0)
                self.y -= 12
            elif kind == "heading":
                for line in lines:
                    self._need(40)
                    self.y -= 6
                    self.text_block(line.text, "Helvetica-Bold", 13, 17, hyphenate=False)
            elif kind == "subheading":
                for line in lines:
                    self._need(34)
                    self.text_block(line.text, "Helvetica-Bold", 11, 15, hyphenate=False)
            elif kind == "body":
                for line in lines:
                    if line.text.startswith("• "):
                        self._draw(self.left + 2, self.y - 10, "•", "Helvetica", 10)
                        self.text_block(line.text[2:], indent=5 * self.mm, space_after=3)
                    else:
                        self.text_block(line.text)
            elif kind == "box":
                self._need(60)
                self._band(6, 0.92)
                self.y -= 6
                self.text_block(
                    lines[0].text, "Helvetica-Bold", 10, 14, indent=4 * self.mm,
                    hyphenate=False, space_after=3, background=0.92,
                )  # fmt: skip
                for line in lines[1:]:
                    text = line.text[2:] if line.text.startswith("• ") else line.text
                    prefix = "• " if line.text.startswith("• ") else ""
                    self.text_block(
                        prefix + text, "Helvetica", 9.5, 13, indent=4 * self.mm,
                        space_after=4, background=0.92,
                    )  # fmt: skip
                self.y -= 10
            elif kind == "figure":
                self._need(80)
                self.figure(lines)
            elif kind == "table":
                self._need(80)
                self.table(lines)
            elif kind == "toc":
                if self.cover and self.page == 1:
                    self._new_page()
                self.toc(lines)
                self._new_page()
            elif kind == "footnotes":
                self.y -= 4
                self.rule(40 * self.mm)
                for line in lines:
                    self.text_block(line.text, "Helvetica", 8, 10.5, space_after=2)
                self.y -= 6
            elif kind == "references":
                self.text_block("Litteratur", "Helvetica-Bold", 13, 18, hyphenate=False)
                for line in lines:
                    self.text_block(line.text, "Helvetica", 9, 12, hanging=6 * self.mm)
        self.canvas.save()


def _runs(text: str) -> list[tuple[str, bool]]:
    """Split text into (chunk, is_superscript) runs; superscripts become ASCII digits."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _SUP_RUN.finditer(text):
        if match.start() > position:
            runs.append((text[position : match.start()], False))
        runs.append((match.group(0).translate(_TO_DIGITS), True))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], False))
    return runs


def render_pdf(document: Document, path: Path) -> None:
    _Pdf(path, document).render()


# --- command line ---------------------------------------------------------------------------


def render_all(source: Path, out: Path, pdf: bool = True) -> list[Document]:
    documents = read_documents(source)
    out.mkdir(parents=True, exist_ok=True)
    index = []
    for document in documents:
        (out / f"{document.slug}.html").write_text(render_html(document), encoding="utf-8")
        if pdf and document.pdf:
            render_pdf(document, out / f"{document.slug}.pdf")
        record = gold(document)
        (out / f"{document.slug}.gold.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        index.append(
            {
                "slug": document.slug,
                "genre": document.genre,
                "title": document.title,
                "files": [f"{document.slug}.html"]
                + ([f"{document.slug}.pdf"] if pdf and document.pdf else []),
                "gold": f"{document.slug}.gold.json",
                "entities": len(distinct_entities(document)),
                "mentions": len(mentions(document)),
            }
        )
    summary = {"source": source.name, "documents": index, "counts": counts(documents)}
    (out / "index.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return documents


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", type=Path, default=HERE)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args(argv)
    source = args.src.resolve()
    out = args.out or ROOT / "build" / source.name
    documents = render_all(source, out, pdf=not args.no_pdf)
    print(f"{len(documents)} documents from {source} rendered to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
