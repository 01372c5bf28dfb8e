"""Render the bundled sample corpus into PDF and HTML files.

Usage::

    python -m sample_corpus.render OUTDIR

Reads ``sample_corpus/documents/*.yaml`` and writes one file per document into ``OUTDIR``,
``OUTDIR/manifest.json`` and a set of deliberately broken files in ``OUTDIR/broken/`` (with a
manifest of the same shape). Output is deterministic: PDFs are written in ReportLab's invariant
mode with the creation date set to the document's publication date.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import html
import io
import json
import re
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont
from reportlab import __file__ as _reportlab_file
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"

PUBLISHERS = ("VIVE", "Børns Vilkår", "Socialstyrelsen")
DOMAINS = {
    "VIVE": "www.vive.dk",
    "Børns Vilkår": "bornsvilkar.dk",
    "Socialstyrelsen": "www.socialstyrelsen.dk",
}
# kind -> (allowed publishers, format)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "rapport": (("VIVE",), "pdf"),
    "værktøj": (("Børns Vilkår",), "html"),
    "analyse": (("Børns Vilkår",), "pdf"),
    "nyhed": (("Socialstyrelsen",), "html"),
    "nyhedsbrev": (("Socialstyrelsen",), "pdf"),
    "kommissorium": (("Socialstyrelsen",), "pdf"),
    "folketingssvar": (("Socialstyrelsen",), "pdf"),
    "vejledning": (("Socialstyrelsen",), "pdf"),
}
KIND_LABELS = {
    "rapport": "Rapport",
    "værktøj": "Værktøj",
    "analyse": "Analyse",
    "nyhed": "Nyhed",
    "nyhedsbrev": "Nyhedsbrev",
    "kommissorium": "Kommissorium",
    "folketingssvar": "Folketingssvar",
    "vejledning": "Vejledning",
}
# imprint (the name printed on the document) -> (short name, full name)
IMPRINTS: dict[str, tuple[str, str]] = {
    "VIVE": ("VIVE", "VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd"),
    "SFI": ("SFI", "SFI – Det Nationale Forskningscenter for Velfærd"),
    "KORA": (
        "KORA",
        "KORA – Det Nationale Institut for Kommuners og Regioners Analyse og Forskning",
    ),
    "Børns Vilkår": ("Børns Vilkår", "Børns Vilkår"),
    "Socialstyrelsen": ("Socialstyrelsen", "Socialstyrelsen"),
    "Social- og Boligstyrelsen": ("Social- og Boligstyrelsen", "Social- og Boligstyrelsen"),
}
IMPRINT_PUBLISHER = {
    "VIVE": "VIVE",
    "SFI": "VIVE",
    "KORA": "VIVE",
    "Børns Vilkår": "Børns Vilkår",
    "Socialstyrelsen": "Socialstyrelsen",
    "Social- og Boligstyrelsen": "Socialstyrelsen",
}
PUBLISHER_ADDRESS = {
    "VIVE": "Herluf Trolles Gade 11 · 1052 København K",
    "Børns Vilkår": "Trekronergade 26 · 2500 Valby",
    "Socialstyrelsen": "Edisonsvej 1 · 5000 Odense C",
}
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
REQUIRED_KEYS = ("slug", "format", "publisher", "kind", "title", "published")
OPTIONAL_KEYS = (
    "authors",
    "target_age",
    "professional",
    "sections",
    "subtitle",
    "imprint",
    "isbn",
    "project",
    "funding",
    "running_header",
    "lead",
    "tool_format",
    "duration",
    "related",
    "contact",
    "letterhead",
    "masthead",
    "series",
)
BLOCK_TYPES = ("p", "h", "bullets", "steps", "quote", "table", "box")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FOOTNOTE_RE = re.compile(r"\s*\[\[fn:\s*(.+?)\]\]", re.S)
MUST_BREAK_RE = re.compile(r"(?<!\S)\^(?=\w)")
COVER_KINDS = ("rapport", "analyse", "vejledning")


# --------------------------------------------------------------------------- loading


@dataclass
class DocSpec:
    """One source document, validated."""

    data: dict[str, Any]
    path: Path

    @property
    def slug(self) -> str:
        return str(self.data["slug"])

    @property
    def fmt(self) -> str:
        return str(self.data["format"])

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def publisher(self) -> str:
        return str(self.data["publisher"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def published(self) -> dt.date:
        value = self.data["published"]
        assert isinstance(value, dt.date)
        return value

    @property
    def authors(self) -> list[str]:
        return [str(a) for a in self.data.get("authors") or []]

    @property
    def imprint(self) -> str:
        return str(self.data.get("imprint") or self.publisher)

    @property
    def imprint_short(self) -> str:
        return IMPRINTS[self.imprint][0]

    @property
    def imprint_full(self) -> str:
        return IMPRINTS[self.imprint][1]

    @property
    def filename(self) -> str:
        return f"{self.slug}.{self.fmt}"

    @property
    def source_url(self) -> str:
        return f"https://{DOMAINS[self.publisher]}/{self.slug}"

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(self.data.get("sections") or [])

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "publisher": self.publisher,
            "kind": self.kind,
            "published": self.published.isoformat(),
            "authors": self.authors,
            "source_url": self.source_url,
            "target_age": self.data.get("target_age"),
            "professional": [str(p) for p in self.data.get("professional") or []],
        }


def _fail(path: Path, msg: str) -> None:
    raise ValueError(f"{path.name}: {msg}")


def validate(data: Any, path: Path) -> DocSpec:
    """Check one parsed YAML document against the schema described in README.md."""
    if not isinstance(data, dict):
        _fail(path, "top level must be a mapping")
    for key in REQUIRED_KEYS:
        if key not in data:
            _fail(path, f"missing key {key!r}")
    unknown = set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if unknown:
        _fail(path, f"unknown keys {sorted(unknown)}")
    slug = data["slug"]
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or slug != path.stem:
        _fail(path, "slug must be ascii kebab-case and equal the file name stem")
    if data["publisher"] not in PUBLISHERS:
        _fail(path, f"unknown publisher {data['publisher']!r}")
    if data["kind"] not in KINDS:
        _fail(path, f"unknown kind {data['kind']!r}")
    publishers, fmt = KINDS[data["kind"]]
    if data["publisher"] not in publishers or data["format"] != fmt:
        _fail(path, f"kind {data['kind']} needs publisher in {publishers} and format {fmt}")
    if not isinstance(data["published"], dt.date):
        _fail(path, "published must be a YYYY-MM-DD date")
    imprint = data.get("imprint", data["publisher"])
    if imprint not in IMPRINTS or IMPRINT_PUBLISHER[imprint] != data["publisher"]:
        _fail(path, f"imprint {imprint!r} does not fit publisher {data['publisher']!r}")
    if data["kind"] == "værktøj":
        if not data.get("target_age") or not data.get("professional"):
            _fail(path, "tools need target_age and professional")
    elif "target_age" in data or "professional" in data:
        _fail(path, "target_age/professional are for tools only")
    if data["kind"] == "folketingssvar" and not data.get("letterhead"):
        _fail(path, "folketingssvar needs a letterhead")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        _fail(path, "sections must be a non-empty list")
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("blocks"), list):
            _fail(path, "every section needs a blocks list")
        for block in section["blocks"]:
            if not isinstance(block, dict) or len(block) != 1:
                _fail(path, f"a block must be a one-key mapping, got {block!r}")
            (btype,) = block
            if btype not in BLOCK_TYPES:
                _fail(path, f"unknown block type {btype!r}")
    return DocSpec(data=data, path=path)


def load_documents(directory: Path = DOCUMENTS_DIR) -> list[DocSpec]:
    """Load and validate all YAML documents, sorted by slug."""
    docs = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            docs.append(validate(yaml.safe_load(fh), path))
    slugs = [d.slug for d in docs]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate slugs")
    return docs


# --------------------------------------------------------------------------- text helpers


def danish_date(day: dt.date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def numeric_date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def plain(text: str) -> str:
    """Text without markup (footnotes, "~" break marks and "^" must-break marks removed)."""
    return MUST_BREAK_RE.sub("", FOOTNOTE_RE.sub("", str(text))).replace("~", "")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


# Hyphenation points for frequent words of the field. "~" marks a permitted break; a leading "~"
# allows a break before the stem when it is the second part of a compound, a trailing "~" one
# after it. Breaks are only used when the stem occurs in a word; manual "~" in the source text
# add further points.
_HYPHEN_PATTERNS = """
an~brin~gel~ses~ an~brin~gel~se an~brag~te ~ind~dra~gel~ses~ ~ind~dra~gel~se ~ind~dra~ge
~un~der~ret~nin~ger ~un~der~ret~ning ~un~der~sø~gel~se ~ple~je~fa~mi~lie ~fa~mi~li~er
~fa~mi~lie ~kom~mu~ner~nes ~kom~mu~ner ~kom~mu~ne ~sags~be~hand~le~re ~sags~be~hand~ler
~sags~be~hand~ling ~be~hand~ling ~for~an~stalt~nin~ger ~for~an~stalt~ning ~ef~ter~vær~net
~ef~ter~værn ~so~ci~al~sty~rel~sen ~sty~rel~sen ~an~ke~sty~rel~sen ~part~ner~ska~bet
~part~ner~skab ~kom~mis~so~ri~um ~net~værks~ ~fag~per~so~ner ~fag~per~son ~pro~fes~sio~nel~le
~med~ar~bej~de~re ~hand~le~pla~nen ~hand~le~plan ~bør~ne~ ~sam~ta~ler ~sam~ta~le ~sam~vær
~fo~re~byg~gel~se ~op~spo~ring ~ind~sat~ser ~ind~sats ~ud~dan~nel~se ~ret~tig~he~der
~for~valt~ning ~or~ga~ni~sa~tio~ner ~or~ga~ni~sa~tion ~vej~led~ning ~be~slut~nin~ger
~be~slut~ning ~op~følg~ning ~bi~sid~der ~for~æl~dre~ ~ud~vik~ling ~kva~li~tet ~pæ~da~go~g
~vel~fær~d ~ana~ly~se ~rap~por~ten ~forsk~nings~ ~forsk~ning ~in~sti~tu~tio~ner
~in~sti~tu~tion ~me~to~der ~me~to~de ~sam~ar~bej~de ~plan~læg~ning ~si~tu~a~tion ~lov~giv~ning
~mi~ni~ste~ri~et ~un~der~vis~ning ~op~hol~ds~ ~døgn~ ~ple~je~ ~in~ter~view ~spør~ge~ske~ma
~myn~dig~he~der ~af~gø~rel~ser ~af~gø~rel~se ~kon~ven~tio~nen ~stra~te~gi ~im~ple~men~te~ring
~kon~takt~per~son ~rå~d~gi~ver ~so~ci~al~rå~d~gi~ve~re ~op~vækst ~skole~ ~fra~vær ~triv~sel
"""


def _compile_patterns(source: str) -> list[tuple[str, tuple[int, ...], bool, bool]]:
    compiled = []
    for raw in source.split():
        stem = raw.replace("~", "")
        lead = raw.startswith("~")
        trail = raw.endswith("~") and len(raw) > 1
        inner = raw.strip("~")
        offsets = []
        pos = 0
        for ch in inner:
            if ch == "~":
                offsets.append(pos)
            else:
                pos += 1
        compiled.append((stem, tuple(offsets), lead, trail))
    compiled.sort(key=lambda item: -len(item[0]))
    return compiled


HYPHEN_PATTERNS = _compile_patterns(_HYPHEN_PATTERNS)


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def hyphenation_points(token: str) -> tuple[str, tuple[tuple[int, bool], ...]]:
    """Return the token without "~" and its break points as (index, after_real_hyphen)."""
    clean = token.replace("~", "")
    points: dict[int, bool] = {}
    if any(mark in clean for mark in ("@", "www", "://", "/")):
        return clean, ()
    idx = 0
    for ch in token:
        if ch == "~":
            points[idx] = False
        else:
            idx += 1
    for i, ch in enumerate(clean):
        if ch == "-" and 0 < i < len(clean) - 1:
            points[i + 1] = True
    lower = clean.lower()
    if not clean.isupper():
        for stem, offsets, lead, trail in HYPHEN_PATTERNS:
            start = lower.find(stem)
            while start >= 0:
                if lead and start > 0:
                    points.setdefault(start, False)
                for off in offsets:
                    points.setdefault(start + off, False)
                if trail:
                    points.setdefault(start + len(stem), False)
                start = lower.find(stem, start + 1)
    valid = []
    for pos, hard in sorted(points.items()):
        left, right = clean[:pos], clean[pos:]
        if _letters(left) < 2 or sum(1 for ch in right if ch.isalpha()) < 2:
            continue
        if not hard and ("-" in (left[-1:], right[:1]) or not left[-1:].isalpha()):
            continue
        if not right[:1].isalnum():
            continue
        valid.append((pos, hard))
    return clean, tuple(valid)


_VOWELS = frozenset("aeiouyæøåéAEIOUYÆØÅÉ")
_CORE_RE = re.compile(r"^(\W*)([A-Za-zÆØÅæøåé]+)\W*$")


def generic_breaks(token: str) -> tuple[int, ...]:
    """Fallback break points by the Danish pronunciation rule (one consonant moves on).

    Between two vowels the last consonant goes to the next line: ta-le, fis-ke, part-ner. Used
    only where a paragraph needs extra freedom to put a marked word at a line end.
    """
    m = _CORE_RE.match(token)
    if not m or token.isupper():
        return ()
    lead, core = len(m.group(1)), m.group(2)
    return tuple(
        lead + i
        for i in range(2, len(core) - 1)
        if core[i] not in _VOWELS
        and core[i + 1] in _VOWELS
        and any(ch in _VOWELS for ch in core[:i])
    )


@dataclass(frozen=True)
class Word:
    text: str
    breaks: tuple[tuple[int, bool], ...]
    notes: tuple[tuple[int, str], ...] = ()
    must_break: bool = False
    weak: tuple[int, ...] = ()  # generic break points, used only by the constrained breaker


@dataclass
class NoteCounter:
    """Numbers footnotes consecutively through one PDF."""

    value: int = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def to_words(text: str, notes: NoteCounter | None) -> list[Word]:
    """Split marked-up text into words; footnotes become superscript numbers on a word.

    A token starting with "^" is a word that the line breaker should, if at all possible, break
    at the end of a line (see HyphParagraph); "~" inside a token marks extra break points.
    """
    words: list[Word] = []
    parts = FOOTNOTE_RE.split(str(text))
    for i, part in enumerate(parts):
        if i % 2 == 1:
            if not words:
                raise ValueError(f"footnote without a preceding word: {part!r}")
            number = notes.next() if notes else 0
            last = words[-1]
            note = (number, plain(part).strip())
            words[-1] = Word(
                last.text, last.breaks, (*last.notes, note), last.must_break, last.weak
            )
            continue
        for token in part.split():
            must = token.startswith("^") and len(token) > 1
            clean, breaks = hyphenation_points(token[1:] if must else token)
            strong = {pos for pos, _hard in breaks}
            weak = tuple(p for p in generic_breaks(clean) if p not in strong)
            words.append(Word(clean, breaks, (), must and bool(breaks), weak))
    return words


# --------------------------------------------------------------------------- PDF flowables


@dataclass(frozen=True)
class TextStyle:
    font: str = "Helvetica"
    size: float = 10.5
    leading: float = 14.5
    justify: bool = True
    left_indent: float = 0.0
    right_indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 7.0
    color: Any = colors.black


@dataclass
class _Piece:
    word: int
    start: int
    end: int
    hyphen: bool


@dataclass
class _Line:
    pieces: list[_Piece] = field(default_factory=list)
    natural: float = 0.0  # width including normal inter-word spaces (greedy breaker only)
    ink: float = 0.0  # width of the pieces alone, without inter-word spaces


# Limits for the constrained breaker: inter-word space between TIGHTEST and LOOSEST times normal.
TIGHTEST = 0.8
LOOSEST = 2.5


class HyphParagraph(Flowable):
    """A justified paragraph with our own line breaking and visible end-of-line hyphenation.

    Each line is drawn as one text run with PDF word spacing, so text extraction yields the words
    of the line separated by single spaces, and a hyphenated word comes out as "Part-" at the end
    of one line and "nerskab" at the start of the next. Footnote numbers are drawn as raised
    small digits and the footnote texts are registered on the canvas for the page's footer.
    """

    def __init__(
        self,
        words: Sequence[Word],
        style: TextStyle,
        bullet: str | None = None,
        start: tuple[int, int] = (0, 0),
        limit: int | None = None,
    ) -> None:
        super().__init__()
        self.words = list(words)
        self.style = style
        self.bullet = bullet
        self.start = start
        self.limit = limit
        self.spaceBefore = style.space_before if start == (0, 0) else 0.0
        self.spaceAfter = style.space_after if limit is None else 0.0
        self._cache: dict[float, list[_Line]] = {}
        self._lines: list[_Line] = []
        self._width = 0.0

    # measurement -------------------------------------------------------------------------
    def _sw(self, text: str) -> float:
        return stringWidth(text, self.style.font, self.style.size)

    def _note_width(self, word: Word) -> float:
        if not word.notes:
            return 0.0
        label = ",".join(str(n) for n, _ in word.notes)
        return stringWidth(label, self.style.font, self.style.size * 0.62)

    def _break_lines(self, width: float) -> list[_Line]:
        """Greedy first-fit line breaking."""
        space = self._sw(" ")
        lines: list[_Line] = []
        cur = _Line()
        wi, off = self.start
        while wi < len(self.words):
            word = self.words[wi]
            seg_w = self._sw(word.text[off:]) + self._note_width(word)
            gap = space if cur.pieces else 0.0
            if cur.natural + gap + seg_w <= width + 0.01:
                cur.pieces.append(_Piece(wi, off, len(word.text), False))
                cur.natural += gap + seg_w
                cur.ink += seg_w
                wi, off = wi + 1, 0
                continue
            slack = width - cur.natural - gap
            chosen: tuple[int, bool] | None = None
            for pos, hard in reversed(word.breaks):
                if pos <= off + 1:
                    break
                prefix = word.text[off:pos] + ("" if hard else "-")
                if cur.natural + gap + self._sw(prefix) <= width + 0.01:
                    chosen = (pos, hard)
                    break
            # break at a real hyphen whenever it helps; a soft break only on a loose line
            if chosen and cur.pieces and not word.must_break:
                threshold = space if chosen[1] else max(2.5 * space, 0.05 * width)
                if slack <= threshold:
                    chosen = None
            if chosen is None and cur.pieces and slack > 0.2 * width:
                # a very loose line (narrow columns): fall back to the generic syllable breaks
                for pos in reversed(word.weak):
                    if (
                        pos > off + 1
                        and cur.natural + gap + self._sw(word.text[off:pos] + "-") <= width + 0.01
                    ):
                        chosen = (pos, False)
                        break
            if chosen is not None:
                pos, hard = chosen
                prefix_w = self._sw(word.text[off:pos] + ("" if hard else "-"))
                cur.pieces.append(_Piece(wi, off, pos, not hard))
                cur.natural += gap + prefix_w
                cur.ink += prefix_w
                lines.append(cur)
                cur = _Line()
                off = pos
                continue
            if cur.pieces:
                lines.append(cur)
                cur = _Line()
                continue
            # a single word wider than the line and without usable breaks: let it overflow
            cur.pieces.append(_Piece(wi, off, len(word.text), False))
            cur.natural += seg_w
            cur.ink += seg_w
            wi, off = wi + 1, 0
        if cur.pieces:
            lines.append(cur)
        return lines

    def _constrained_lines(self, width: float) -> list[_Line] | None:
        """Best-fit line breaking in which every "^" word is split at the end of a line.

        A small dynamic programme over break positions (in the spirit of Knuth and Plass): lines
        may be set tighter (down to 80 % of the normal space) or looser (up to 250 %), and the
        cheapest layout that satisfies the constraint wins. Returns None if there is none.
        """
        space = self._sw(" ")
        words = self.words
        start = self.start
        if not any(w.must_break for w in words[start[0] :]):
            return None
        end_pos = (len(words), 0)
        best: dict[tuple[int, int], tuple[float, tuple[int, int] | None, _Line | None]] = {
            start: (0.0, None, None)
        }
        frontier = [start]
        seen: set[tuple[int, int]] = set()
        while frontier:
            frontier.sort()
            pos = frontier.pop(0)
            if pos in seen or pos == end_pos:
                continue
            seen.add(pos)
            base = best[pos][0]
            for line, nxt, cost in self._line_options(pos, width, space):
                total = base + cost
                if nxt not in best or total < best[nxt][0] - 1e-9:
                    best[nxt] = (total, pos, line)
                    frontier.append(nxt)
        if end_pos not in best:
            return None
        lines: list[_Line] = []
        pos = end_pos
        while pos != start:
            _cost, prev, step = best[pos]
            assert prev is not None and step is not None
            lines.append(step)
            pos = prev
        return lines[::-1]

    def _line_options(
        self, pos: tuple[int, int], width: float, space: float
    ) -> Iterable[tuple[_Line, tuple[int, int], float]]:
        """All acceptable lines starting at ``pos``: (line, next position, cost)."""
        words = self.words
        wi, off = pos
        pieces: list[_Piece] = []
        ink = 0.0
        while wi < len(words):
            word = words[wi]
            n_spaces = len(pieces)
            # candidate: end the line inside this word, at one of its break points
            candidates = [(b, hard, 5.0 if hard else 30.0) for b, hard in word.breaks]
            if not word.must_break:
                candidates += [(b, False, 60.0) for b in word.weak]
            elif any(hard for _b, hard in word.breaks):
                # a marked compound with real hyphens is to be broken at one of them
                candidates = [c for c in candidates if c[1]]
            for bpos, hard, penalty in candidates:
                if bpos <= off + 1:
                    continue
                prefix_w = self._sw(word.text[off:bpos] + ("" if hard else "-"))
                cost = self._line_cost(ink + prefix_w, n_spaces, width, space, last=False)
                if cost is not None:
                    line = _Line([*pieces, _Piece(wi, off, bpos, not hard)], 0.0, ink + prefix_w)
                    yield line, (wi, bpos), cost + penalty
            seg_w = self._sw(word.text[off:]) + self._note_width(word)
            if word.must_break and off == 0:
                return  # the whole word may not sit inside a line
            pieces = [*pieces, _Piece(wi, off, len(word.text), False)]
            ink += seg_w
            wi, off = wi + 1, 0
            last = wi == len(words)
            if ink + TIGHTEST * space * (len(pieces) - 1) > width + 0.01:
                return
            cost = self._line_cost(ink, len(pieces) - 1, width, space, last=last)
            if cost is not None:
                yield _Line(list(pieces), 0.0, ink), (wi, off), cost

    @staticmethod
    def _line_cost(
        ink: float, n_spaces: int, width: float, space: float, last: bool
    ) -> float | None:
        if ink + TIGHTEST * space * n_spaces > width + 0.01:
            return None
        if last:
            return 0.0 if ink + space * n_spaces <= width + 0.01 else 10.0
        if n_spaces == 0:
            return None if ink < 0.8 * width else 50.0
        ratio = (width - ink) / (n_spaces * space)
        if ratio > LOOSEST:
            return None
        return 100.0 * abs(ratio - 1.0) ** 3

    def layout(self, width: float) -> list[_Line]:
        """Break into lines for ``width`` (cached)."""
        key = round(width, 2)
        if key in self._cache:
            return self._cache[key]
        lines = self._constrained_lines(width) or self._break_lines(width)
        if self.limit is not None:
            lines = lines[: self.limit]
        self._cache[key] = lines
        return lines

    def _text_width(self, avail: float) -> float:
        return avail - self.style.left_indent - self.style.right_indent

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = self._text_width(availWidth)
        self._lines = self.layout(self._width)
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.layout(self._text_width(availWidth))
        fit = int((availHeight + 0.01) // self.style.leading)
        if fit >= len(lines):
            return [self]
        if fit < 2:
            return []
        if len(lines) - fit == 1 and fit > 2:
            fit -= 1
        nxt = lines[fit].pieces[0]
        first = HyphParagraph(self.words, self.style, self.bullet, self.start, fit)
        first.spaceBefore = self.spaceBefore
        rest = HyphParagraph(self.words, self.style, None, (nxt.word, nxt.start), None)
        return [first, rest]

    # drawing -----------------------------------------------------------------------------
    def _runs(self, line: _Line) -> list[tuple[str, bool]]:
        runs: list[tuple[str, bool]] = []
        for i, piece in enumerate(line.pieces):
            word = self.words[piece.word]
            text = (" " if i else "") + word.text[piece.start : piece.end]
            if piece.hyphen:
                text += "-"
            if runs and not runs[-1][1]:
                runs[-1] = (runs[-1][0] + text, False)
            else:
                runs.append((text, False))
            if piece.end == len(word.text) and word.notes:
                runs.append((",".join(str(n) for n, _ in word.notes), True))
        return runs

    def draw(self) -> None:
        st = self.style
        canv = self.canv
        registry = getattr(canv, "_vb_footnotes", None)
        last_is_end = self.limit is None
        space = self._sw(" ")
        for idx, line in enumerate(self._lines):
            y = self.height - idx * st.leading - st.size
            x = st.left_indent
            if idx == 0 and self.bullet and self.start == (0, 0):
                canv.setFillColor(st.color)
                if self.bullet == "•":
                    # drawn as a graphic, as many word processors do: no glyph in the text layer
                    canv.circle(x - 7, y + st.size * 0.32, st.size * 0.16, stroke=0, fill=1)
                else:
                    canv.setFont(st.font, st.size)
                    canv.drawRightString(x - 4, y, self.bullet)
            spaces = len(line.pieces) - 1
            is_last = idx == len(self._lines) - 1 and last_is_end
            word_space = 0.0
            if spaces > 0:
                # extra (or, for tight lines, reduced) spacing on top of the space glyph
                word_space = (self._width - line.ink - spaces * space) / spaces
                if is_last or not st.justify:
                    word_space = min(0.0, word_space)
            tx = canv.beginText(x, y)
            tx.setFillColor(st.color)
            tx.setWordSpace(word_space)
            for text, sup in self._runs(line):
                if sup:
                    tx.setFont(st.font, st.size * 0.62)
                    tx.setRise(st.size * 0.38)
                    tx.textOut(text)
                    tx.setRise(0)
                else:
                    tx.setFont(st.font, st.size)
                    tx.textOut(text)
            tx.setWordSpace(0)
            canv.drawText(tx)
            if registry is not None:
                for piece in line.pieces:
                    word = self.words[piece.word]
                    if piece.end == len(word.text):
                        registry.extend(word.notes)


class Heading(Paragraph):
    """A heading that is entered in the table of contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, toc: bool = True) -> None:
        super().__init__(esc(text), style)
        self.toc_text = text
        self.toc_level = level
        self.in_toc = toc


# --------------------------------------------------------------------------- PDF layout

PAGE_W, PAGE_H = A4
MARGIN_X = 2.5 * cm
FRAME_TOP = PAGE_H - 2.6 * cm
FRAME_BOTTOM = 4.3 * cm
HEADER_Y = PAGE_H - 1.6 * cm
FOOTER_Y = 1.4 * cm
FOOTER_RULE_Y = 1.9 * cm
BODY_W = PAGE_W - 2 * MARGIN_X
COL_GAP = 0.8 * cm
GREY = colors.HexColor("#555555")
ACCENT = {
    "VIVE": colors.HexColor("#1f4e79"),
    "Børns Vilkår": colors.HexColor("#c0392b"),
    "Socialstyrelsen": colors.HexColor("#2e6b4f"),
}

BODY = TextStyle()
BODY_SMALL = TextStyle(size=9.0, leading=12.0, space_after=5.0)
QUOTE = TextStyle(
    font="Helvetica-Oblique",
    left_indent=18,
    right_indent=18,
    space_before=2,
    space_after=9,
    color=colors.HexColor("#333333"),
)
QUOTE_SMALL = TextStyle(
    font="Helvetica-Oblique",
    size=9.0,
    leading=12.0,
    left_indent=10,
    space_after=6,
    color=colors.HexColor("#333333"),
)
LIST_ITEM = TextStyle(left_indent=16, space_after=3.5)
LIST_ITEM_SMALL = TextStyle(size=9.0, leading=12.0, left_indent=12, space_after=3)


def _pstyle(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": "Helvetica", "fontSize": 10.5, "leading": 14.5}
    base.update(kw)
    return ParagraphStyle(name, **base)


def _styles(accent: Any, small: bool) -> dict[str, ParagraphStyle]:
    k = 0.86 if small else 1.0
    return {
        "h1": _pstyle(
            "h1",
            fontName="Helvetica-Bold",
            fontSize=17 * k,
            leading=21 * k,
            spaceBefore=4,
            spaceAfter=10,
            textColor=accent,
            keepWithNext=1,
        ),
        "h2": _pstyle(
            "h2",
            fontName="Helvetica-Bold",
            fontSize=12.5 * k,
            leading=16 * k,
            spaceBefore=9,
            spaceAfter=5,
            textColor=accent,
            keepWithNext=1,
        ),
        "h3": _pstyle(
            "h3",
            fontName="Helvetica-Bold",
            fontSize=10.5 * k,
            leading=14 * k,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "caption": _pstyle(
            "caption",
            fontName="Helvetica-Bold",
            fontSize=9,
            leading=12,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "note": _pstyle(
            "note",
            fontName="Helvetica-Oblique",
            fontSize=8,
            leading=10,
            spaceBefore=3,
            spaceAfter=9,
            textColor=GREY,
        ),
        "cell": _pstyle("cell", fontSize=8.5, leading=11),
        "cellhead": _pstyle(
            "cellhead", fontName="Helvetica-Bold", fontSize=8.5, leading=11, textColor=colors.white
        ),
        "kicker": _pstyle(
            "kicker",
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            textColor=accent,
            spaceAfter=14,
        ),
        "title": _pstyle(
            "title",
            fontName="Helvetica-Bold",
            fontSize=25,
            leading=30,
            spaceAfter=12,
            textColor=accent,
        ),
        "subtitle": _pstyle(
            "subtitle", fontSize=14, leading=18, spaceAfter=18, textColor=colors.HexColor("#333333")
        ),
        "authors": _pstyle("authors", fontSize=11, leading=15, spaceAfter=6),
        "meta": _pstyle("meta", fontSize=8.5, leading=11.5, textColor=GREY),
        "doctitle": _pstyle(
            "doctitle",
            fontName="Helvetica-Bold",
            fontSize=18,
            leading=22,
            spaceAfter=6,
            textColor=accent,
        ),
        "toc0": _pstyle(
            "toc0",
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=15,
            leftIndent=0,
            firstLineIndent=0,
        ),
        "toc1": _pstyle("toc1", fontSize=10, leading=13.5, leftIndent=16, firstLineIndent=0),
        "letter": _pstyle("letter", fontSize=9, leading=12),
        "letterbold": _pstyle("letterbold", fontName="Helvetica-Bold", fontSize=9, leading=12),
        "mast": _pstyle(
            "mast", fontName="Helvetica-Bold", fontSize=28, leading=32, textColor=accent
        ),
        "mastsub": _pstyle("mastsub", fontSize=10, leading=13, textColor=GREY),
    }


def _fixed_date_canvas(published: dt.date) -> type[Canvas]:
    """A Canvas class writing invariant PDFs whose creation date is the publication date."""
    stamp_t = calendar.timegm((published.year, published.month, published.day, 9, 0, 0))

    class _Canvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            stamp = TimeStamp(invariant=1)
            stamp.t = stamp_t
            stamp.lt = time.gmtime(stamp_t)
            stamp.YMDhms = tuple(stamp.lt)[:6]
            self._doc._timeStamp = stamp

    return _Canvas


class CorpusDoc(BaseDocTemplate):
    """Page templates with running header, footnote area and footer on every page."""

    def __init__(self, buf: io.BytesIO, spec: DocSpec, encrypt: Any = None) -> None:
        self.spec = spec
        authors = "; ".join(spec.authors) or spec.imprint_full
        super().__init__(
            buf,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=PAGE_H - FRAME_TOP,
            bottomMargin=FRAME_BOTTOM,
            title=spec.title,
            author=authors,
            subject=f"{KIND_LABELS[spec.kind]} · {spec.publisher}",
            creator=spec.publisher,
            keywords=[spec.publisher, spec.kind, spec.published.isoformat()],
            invariant=1,
            lang="da-DK",
            encrypt=encrypt,
        )
        self.header_text = plain(spec.data.get("running_header") or spec.title)
        self.accent = ACCENT[spec.publisher]
        self._outline_level = -1
        self._heading_no = 0
        height = FRAME_TOP - FRAME_BOTTOM
        one = [
            Frame(
                MARGIN_X,
                FRAME_BOTTOM,
                BODY_W,
                height,
                id="one",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
        ]
        templates = [PageTemplate("one", one, onPage=self._page_start, onPageEnd=self._page_end)]
        for ncol in (2, 3):
            gap = COL_GAP if ncol == 2 else 0.6 * cm
            col_w = (BODY_W - (ncol - 1) * gap) / ncol
            frames = [
                Frame(
                    MARGIN_X + i * (col_w + gap),
                    FRAME_BOTTOM,
                    col_w,
                    height,
                    id=f"c{i}",
                    leftPadding=0,
                    rightPadding=0,
                    topPadding=0,
                    bottomPadding=0,
                )
                for i in range(ncol)
            ]
            templates.append(
                PageTemplate(
                    f"cols{ncol}", frames, onPage=self._page_start, onPageEnd=self._page_end
                )
            )
            mast_h = 3.2 * cm
            mast = Frame(
                MARGIN_X,
                FRAME_TOP - mast_h,
                BODY_W,
                mast_h,
                id="mast",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            first = [mast] + [
                Frame(
                    f.x1,
                    FRAME_BOTTOM,
                    f.width,
                    height - mast_h - 0.4 * cm,
                    id=f"m{i}",
                    leftPadding=0,
                    rightPadding=0,
                    topPadding=0,
                    bottomPadding=0,
                )
                for i, f in enumerate(frames)
            ]
            templates.append(
                PageTemplate(
                    f"mast{ncol}", first, onPage=self._page_start, onPageEnd=self._page_end
                )
            )
        self.addPageTemplates(templates)
        if spec.kind == "nyhedsbrev":
            # the first page of a newsletter carries the masthead above the columns
            ncol = int((spec.data.get("masthead") or {}).get("columns", 3))
            ids = [t.id for t in templates]
            self._firstPageTemplateIndex = ids.index(f"mast{ncol}")

    # decorations ---------------------------------------------------------------------------
    def _page_start(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv._vb_footnotes = []
        canv.saveState()
        canv.setFont("Helvetica", 8)
        canv.setFillColor(GREY)
        header = self.header_text
        if stringWidth(header, "Helvetica", 8) > BODY_W - 90:
            while stringWidth(header + " …", "Helvetica", 8) > BODY_W - 90:
                header = header[:-1]
            header = header.rstrip() + " …"
        canv.drawString(MARGIN_X, HEADER_Y, header)
        canv.drawRightString(PAGE_W - MARGIN_X, HEADER_Y, self.spec.imprint_short)
        canv.setStrokeColor(self.accent)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, HEADER_Y - 5, PAGE_W - MARGIN_X, HEADER_Y - 5)
        canv.restoreState()

    def _page_end(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        notes: list[tuple[int, str]] = getattr(canv, "_vb_footnotes", [])
        canv.saveState()
        if notes:
            y = FRAME_BOTTOM - 0.35 * cm
            canv.setStrokeColor(GREY)
            canv.setLineWidth(0.4)
            canv.line(MARGIN_X, y, MARGIN_X + 4 * cm, y)
            y -= 9
            for number, text in notes:
                lines = _wrap_simple(text, "Helvetica", 7.5, BODY_W - 12)
                for i, line in enumerate(lines):
                    if y < FOOTER_RULE_Y + 4:
                        raise RuntimeError(
                            f"{self.spec.slug}: footnotes overflow on page {canv.getPageNumber()}"
                        )
                    canv.setFont("Helvetica", 7.5)
                    canv.setFillColor(colors.black)
                    if i == 0:
                        canv.drawString(MARGIN_X, y, str(number))
                    canv.drawString(MARGIN_X + 12, y, line)
                    y -= 9
        canv.setStrokeColor(self.accent)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, FOOTER_RULE_Y, PAGE_W - MARGIN_X, FOOTER_RULE_Y)
        canv.setFont("Helvetica", 8)
        canv.setFillColor(GREY)
        canv.drawString(MARGIN_X, FOOTER_Y, self.spec.imprint_full)
        canv.drawRightString(PAGE_W - MARGIN_X, FOOTER_Y, f"Side {canv.getPageNumber()}")
        canv.restoreState()
        canv._vb_footnotes = []

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Heading):
            return
        self._heading_no += 1
        key = f"h{self._heading_no}"
        level = min(flowable.toc_level, self._outline_level + 1)
        self._outline_level = level
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.toc_text, key, level=level, closed=True)
        if flowable.in_toc:
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, key))

    def beforeDocument(self) -> None:
        self._outline_level = -1
        self._heading_no = 0


def _wrap_simple(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if stringWidth(trial, font, size) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines


class StoryBuilder:
    """Turns a DocSpec into a list of flowables."""

    def __init__(self, spec: DocSpec) -> None:
        self.spec = spec
        self.notes = NoteCounter()
        self.small = spec.kind == "nyhedsbrev"
        self.st = _styles(ACCENT[spec.publisher], self.small)
        self.columns = 1

    @property
    def width(self) -> float:
        if self.columns == 1:
            return BODY_W
        gap = COL_GAP if self.columns == 2 else 0.6 * cm
        return (BODY_W - (self.columns - 1) * gap) / self.columns

    def para(
        self, text: str, style: TextStyle | None = None, bullet: str | None = None
    ) -> Flowable:
        if style is None:
            style = BODY_SMALL if self.small or self.columns > 2 else BODY
        return HyphParagraph(to_words(text, self.notes), style, bullet)

    def blocks(self, blocks: Iterable[dict[str, Any]]) -> list[Flowable]:
        out: list[Flowable] = []
        small = self.small or self.columns > 2
        for block in blocks:
            ((btype, value),) = block.items()
            if btype == "p":
                out.append(self.para(value))
            elif btype == "h":
                out.append(Heading(plain(value), self.st["h2"], 1, toc=not self.small))
            elif btype in ("bullets", "steps"):
                item_style = LIST_ITEM_SMALL if small else LIST_ITEM
                for i, item in enumerate(value, 1):
                    mark = "•" if btype == "bullets" else f"{i}."
                    out.append(self.para(item, item_style, bullet=mark))
                out.append(Spacer(1, 5))
            elif btype == "quote":
                out.append(self.para(value, QUOTE_SMALL if small else QUOTE))
            elif btype == "table":
                out.extend(self.table(value))
            elif btype == "box":
                out.append(self.box(value))
        return out

    def table(self, spec: dict[str, Any]) -> list[Flowable]:
        st = self.st
        columns = [plain(c) for c in spec["columns"]]
        rows = [[plain(str(c)) for c in row] for row in spec["rows"]]
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"{self.spec.slug}: table row {row} does not match columns")
        weights = spec.get("widths") or [2.2] + [1.0] * (len(columns) - 1)
        total = float(sum(weights))
        widths = [self.width * w / total for w in weights]
        data = [[Paragraph(esc(c), st["cellhead"]) for c in columns]]
        data += [[Paragraph(esc(c), st["cell"]) for c in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        accent = ACCENT[self.spec.publisher]
        style = [
            ("BACKGROUND", (0, 0), (-1, 0), accent),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, accent),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for r in range(2, len(data), 2):
            style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#eef2f6")))
        table.setStyle(TableStyle(style))
        parts: list[Flowable] = []
        if spec.get("caption"):
            parts.append(Paragraph(esc(plain(spec["caption"])), st["caption"]))
        parts.append(table)
        if spec.get("note"):
            parts.append(Paragraph(esc(plain(spec["note"])), st["note"]))
        else:
            parts.append(Spacer(1, 9))
        return [KeepTogether(parts)] if len(rows) < 14 else parts

    def box(self, spec: dict[str, Any]) -> Flowable:
        content: list[Flowable] = [Paragraph(esc(plain(spec["title"])), self.st["h3"])]
        for text in spec.get("p", []):
            content.append(self.para(text, BODY_SMALL))
        for item in spec.get("bullets", []):
            content.append(self.para(item, LIST_ITEM_SMALL, bullet="•"))
        table = Table([[content]], colWidths=[self.width])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef2f6")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 7),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        table.spaceAfter = 10
        table.spaceBefore = 4
        return table

    # whole documents -------------------------------------------------------------------------
    def cover(self) -> list[Flowable]:
        spec, st = self.spec, self.st
        data = spec.data
        out: list[Flowable] = [Spacer(1, 3.2 * cm)]
        kicker = KIND_LABELS[spec.kind].upper()
        if data.get("series"):
            kicker += f" · {plain(data['series'])}"
        out.append(Paragraph(esc(kicker), st["kicker"]))
        out.append(Paragraph(esc(spec.title), st["title"]))
        if data.get("subtitle"):
            out.append(Paragraph(esc(plain(data["subtitle"])), st["subtitle"]))
        if spec.authors:
            out.append(Paragraph(esc(_join_names(spec.authors)), st["authors"]))
        out.append(Spacer(1, 5.5 * cm))
        meta = [
            f"<b>{esc(spec.imprint_full)}</b>",
            f"Udgivet {esc(danish_date(spec.published))}",
        ]
        if data.get("isbn"):
            meta.append(f"ISBN: {esc(str(data['isbn']))} (e-bog)")
        if data.get("project"):
            meta.append(f"Projekt: {esc(plain(data['project']))}")
        if data.get("funding"):
            meta.append(f"Finansiering: {esc(plain(data['funding']))}")
        owner = spec.imprint_short
        meta.append(
            f"© {esc(owner)} {spec.published.year}. Publikationen kan frit citeres med "
            "tydelig kildeangivelse."
        )
        meta.append(f"Publikationen kan hentes fra {esc(spec.source_url)}")
        out.append(Paragraph("<br/>".join(meta), st["meta"]))
        out.append(PageBreak())
        toc = TableOfContents()
        toc.levelStyles = [st["toc0"], st["toc1"]]
        toc.dotsMinLevel = 0
        out.append(Paragraph("Indhold", st["h1"]))
        out.append(toc)
        return out

    def title_block(self) -> list[Flowable]:
        spec, st = self.spec, self.st
        out: list[Flowable] = [
            Paragraph(esc(KIND_LABELS[spec.kind].upper()), st["kicker"]),
            Paragraph(esc(spec.title), st["doctitle"]),
        ]
        if spec.data.get("subtitle"):
            out.append(Paragraph(esc(plain(spec.data["subtitle"])), st["subtitle"]))
        line = f"{spec.imprint_full} · {numeric_date(spec.published)}"
        if spec.authors:
            line += " · " + _join_names(spec.authors)
        out.append(Paragraph(esc(line), st["meta"]))
        out.append(Spacer(1, 12))
        return out

    def letterhead(self) -> list[Flowable]:
        spec, st = self.spec, self.st
        lh = spec.data["letterhead"]
        recipient = lh.get("recipient") or [
            "Folketingets Social- og Boligudvalg",
            "Christiansborg",
            "1240 København K",
        ]
        left = [Paragraph(esc(plain(r)), st["letter"]) for r in recipient]
        sender = [
            Paragraph(esc(spec.imprint_full), st["letterbold"]),
            Paragraph(esc(PUBLISHER_ADDRESS[spec.publisher].replace(" · ", ", ")), st["letter"]),
            Paragraph(esc(lh.get("phone", "Tlf. 72 42 37 00")), st["letter"]),
            Spacer(1, 8),
            Paragraph(f"Sagsnr. {esc(str(lh['sagsnr']))}", st["letter"]),
            Paragraph(f"Doknr. {esc(str(lh['doknr']))}", st["letter"]),
            Paragraph(f"Dato {numeric_date(spec.published)}", st["letter"]),
        ]
        if lh.get("contact"):
            sender.append(Paragraph(esc(plain(lh["contact"])), st["letter"]))
        table = Table([[left, sender]], colWidths=[BODY_W * 0.62, BODY_W * 0.38])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("LINEBEFORE", (1, 0), (1, 0), 0.6, ACCENT[spec.publisher]),
                    ("LEFTPADDING", (1, 0), (1, 0), 8),
                ]
            )
        )
        return [
            table,
            Spacer(1, 1.0 * cm),
            Paragraph(esc(spec.title), st["doctitle"]),
            Spacer(1, 6),
        ]

    def masthead(self, ncol: int) -> list[Flowable]:
        spec, st = self.spec, self.st
        mh = spec.data.get("masthead") or {}
        name = plain(mh.get("name", "Nyhedsbrev"))
        issue = plain(mh.get("issue", danish_date(spec.published)))
        return [
            Paragraph(esc(name), st["mast"]),
            Spacer(1, 4),
            Paragraph(esc(f"{spec.imprint_full} · {issue} · {spec.title}"), st["mastsub"]),
            FrameBreak(),
        ]

    def story(self) -> list[Flowable]:
        spec = self.spec
        kind = spec.kind
        out: list[Flowable] = []
        if kind == "nyhedsbrev":
            ncol = int((spec.data.get("masthead") or {}).get("columns", 3))
            self.columns = ncol
            out.append(NextPageTemplate(f"cols{ncol}"))
            out.extend(self.masthead(ncol))
            for section in spec.sections:
                if section.get("heading"):
                    out.append(Heading(plain(section["heading"]), self.st["h2"], 0, toc=False))
                out.extend(self.blocks(section["blocks"]))
            return out
        cover = kind in COVER_KINDS
        if cover:
            out.extend(self.cover())
        elif kind == "folketingssvar":
            out.extend(self.letterhead())
        else:
            out.extend(self.title_block())
        current = 1
        first = True
        for section in spec.sections:
            want = 2 if section.get("two_column") else 1
            new_page = bool(section.get("new_page", cover and section.get("heading")))
            if cover and first:
                new_page = True
            if want != current:
                out.append(NextPageTemplate("one" if want == 1 else "cols2"))
                out.append(PageBreak())
                current = want
            elif new_page:
                out.append(PageBreak())
            else:
                out.append(CondPageBreak(3 * cm))
            first = False
            self.columns = current
            if section.get("heading"):
                level = int(section.get("level", 1)) - 1
                style = self.st["h1"] if level == 0 else self.st["h2"]
                out.append(
                    Heading(plain(section["heading"]), style, level, toc=section.get("toc", True))
                )
            out.extend(self.blocks(section["blocks"]))
        return out


def _join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def render_pdf(spec: DocSpec, encrypt: Any = None) -> bytes:
    buf = io.BytesIO()
    doc = CorpusDoc(buf, spec, encrypt=encrypt)
    story = StoryBuilder(spec).story()
    canvas_cls = _fixed_date_canvas(spec.published)
    if spec.kind in COVER_KINDS:
        doc.multiBuild(story, canvasmaker=canvas_cls)
    else:
        doc.build(story, canvasmaker=canvas_cls)
    return buf.getvalue()


# --------------------------------------------------------------------------- HTML

SITE_NAV = {
    "Børns Vilkår": [
        ("Forside", "/"),
        ("Børns rettigheder", "/boerns-rettigheder"),
        ("Fagfolk", "/fagfolk"),
        ("Værktøjer", "/fagfolk/vaerktoejer"),
        ("Analyser", "/analyser"),
        ("BørneTelefonen", "/boernetelefonen"),
        ("Om os", "/om-os"),
    ],
    "Socialstyrelsen": [
        ("Forside", "/"),
        ("Børn og unge", "/boern-og-unge"),
        ("Udsatte voksne", "/udsatte"),
        ("Handicap", "/handicap"),
        ("Viden og værktøjer", "/viden"),
        ("Nyheder", "/nyheder"),
        ("Om os", "/om-os"),
    ],
}
SITE_FOOTER = {
    "Børns Vilkår": [
        "Børns Vilkår",
        "Trekronergade 26, 2500 Valby",
        "Fagligt sekretariat: fagfolk@bornsvilkar.dk",
        "BørneTelefonen for børn og unge: 116 111 – åben hele døgnet",
    ],
    "Socialstyrelsen": [
        "Edisonsvej 1, 5000 Odense C",
        "Tlf. 72 42 37 00",
        "Hverdage kl. 9-15",
        "Presse: presse@socialstyrelsen.dk",
    ],
}


def _html_text(text: str, notes: list[str]) -> str:
    out = []
    parts = FOOTNOTE_RE.split(str(text))
    for i, part in enumerate(parts):
        if i % 2 == 1:
            notes.append(plain(part).strip())
            n = len(notes)
            out.append(f'<sup><a href="#note-{n}" id="ref-{n}">{n}</a></sup>')
        else:
            out.append(esc(plain(part)))
    return "".join(out)


def _html_blocks(blocks: Iterable[dict[str, Any]], notes: list[str], indent: str) -> list[str]:
    out = []
    for block in blocks:
        ((btype, value),) = block.items()
        if btype == "p":
            out.append(f"{indent}<p>{_html_text(value, notes)}</p>")
        elif btype == "h":
            out.append(f"{indent}<h3>{esc(plain(value))}</h3>")
        elif btype in ("bullets", "steps"):
            tag = "ul" if btype == "bullets" else "ol"
            out.append(f"{indent}<{tag}>")
            out.extend(f"{indent}  <li>{_html_text(item, notes)}</li>" for item in value)
            out.append(f"{indent}</{tag}>")
        elif btype == "quote":
            out.append(f"{indent}<blockquote><p>{_html_text(value, notes)}</p></blockquote>")
        elif btype == "table":
            out.append(f'{indent}<table class="data">')
            if value.get("caption"):
                out.append(f"{indent}  <caption>{esc(plain(value['caption']))}</caption>")
            cells = "".join(f"<th>{esc(plain(c))}</th>" for c in value["columns"])
            out.append(f"{indent}  <thead><tr>{cells}</tr></thead>")
            out.append(f"{indent}  <tbody>")
            for row in value["rows"]:
                cells = "".join(f"<td>{esc(plain(str(c)))}</td>" for c in row)
                out.append(f"{indent}    <tr>{cells}</tr>")
            out.append(f"{indent}  </tbody>")
            out.append(f"{indent}</table>")
            if value.get("note"):
                out.append(f'{indent}<p class="table-note">{esc(plain(value["note"]))}</p>')
        elif btype == "box":
            out.append(f'{indent}<div class="factbox">')
            out.append(f"{indent}  <h3>{esc(plain(value['title']))}</h3>")
            out.extend(f"{indent}  <p>{_html_text(p, notes)}</p>" for p in value.get("p", []))
            if value.get("bullets"):
                out.append(f"{indent}  <ul>")
                out.extend(f"{indent}    <li>{_html_text(b, notes)}</li>" for b in value["bullets"])
                out.append(f"{indent}  </ul>")
            out.append(f"{indent}</div>")
    return out


def _audience(target_age: str) -> str:
    numbers = [int(n) for n in re.findall(r"\d+", target_age)]
    if not numbers:
        return "Børn og unge"
    if max(numbers) <= 12:
        return "Børn"
    if min(numbers) >= 13:
        return "Unge"
    return "Børn og unge"


def render_html(spec: DocSpec, titles: dict[str, DocSpec]) -> str:
    data = spec.data
    pub = spec.publisher
    site = spec.imprint_full
    date_iso = spec.published.isoformat()
    notes: list[str] = []
    e = html.escape
    head = [
        "<!DOCTYPE html>",
        '<html lang="da">',
        "<head>",
        '  <meta charset="utf-8">',
        '  <meta name="viewport" content="width=device-width, initial-scale=1">',
        f"  <title>{e(spec.title)} | {e(site)}</title>",
        f'  <meta name="dcterms.title" content="{e(spec.title)}">',
        f'  <meta name="dcterms.publisher" content="{e(pub)}">',
        f'  <meta name="dcterms.type" content="{e(spec.kind)}">',
        f'  <meta name="dcterms.date" content="{date_iso}">',
        '  <meta name="dcterms.language" content="da">',
    ]
    head.extend(f'  <meta name="dcterms.creator" content="{e(a)}">' for a in spec.authors)
    if data.get("lead"):
        head.append(f'  <meta name="description" content="{e(plain(data["lead"]))}">')
    if spec.kind == "værktøj":
        head.append(f'  <meta name="vb.target_age" content="{e(str(data["target_age"]))}">')
        head.append(
            f'  <meta name="vb.professional" content="{e(", ".join(data["professional"]))}">'
        )
        if data.get("tool_format"):
            head.append(f'  <meta name="vb.format" content="{e(str(data["tool_format"]))}">')
    head += [
        f'  <meta property="og:site_name" content="{e(site)}">',
        f'  <link rel="canonical" href="{e(spec.source_url)}">',
        '  <link rel="stylesheet" href="/static/css/site.min.css">',
        '  <script src="/static/js/consent.js" defer></script>',
        "</head>",
    ]
    nav_items = "".join(
        f'<li><a href="https://{DOMAINS[pub]}{href}">{e(label)}</a></li>'
        for label, href in SITE_NAV[pub]
    )
    body = [
        f'<body class="{"tool" if spec.kind == "værktøj" else "article"}-page">',
        '  <div class="cookie-banner" role="dialog">Vi bruger cookies til statistik og til at '
        "forbedre hjemmesiden. <button>Accepter</button> <button>Afvis</button></div>",
        '  <header class="site-header">',
        f'    <a class="logo" href="https://{DOMAINS[pub]}/">{e(site)}</a>',
        f'    <nav class="site-nav" aria-label="Hovedmenu"><ul>{nav_items}</ul></nav>',
        '    <form class="site-search" action="/soeg"><input name="q" '
        'placeholder="Søg på sitet"></form>',
        "  </header>",
    ]
    if spec.kind == "værktøj":
        crumbs = [("Forside", "/"), ("Fagfolk", "/fagfolk"), ("Værktøjer", "/fagfolk/vaerktoejer")]
    else:
        crumbs = [("Forside", "/"), ("Nyheder", "/nyheder")]
    crumb_html = " › ".join(
        f'<a href="https://{DOMAINS[pub]}{href}">{e(label)}</a>' for label, href in crumbs
    )
    body.append(
        f'  <nav class="breadcrumb" aria-label="Brødkrummesti">{crumb_html} › '
        f"<span>{e(spec.title)}</span></nav>"
    )
    body += ["  <main>", "    <article>", f"      <h1>{e(spec.title)}</h1>"]
    body.append(
        f'      <p class="dateline">Publiceret <time datetime="{date_iso}">'
        f"{danish_date(spec.published)}</time>"
        + (f" · {e(_join_names(spec.authors))}" if spec.authors else "")
        + "</p>"
    )
    if data.get("lead"):
        body.append(f'      <p class="lead">{_html_text(data["lead"], notes)}</p>')
    if spec.kind == "værktøj":
        age = str(data["target_age"])
        facts = [
            ("Målgruppe", f"{_audience(age)} {age}"),
            ("Fagperson", ", ".join(data["professional"])),
        ]
        if data.get("tool_format"):
            facts.append(("Format", str(data["tool_format"]).capitalize()))
        if data.get("duration"):
            facts.append(("Tidsforbrug", str(data["duration"])))
        body.append('      <dl class="tool-facts">')
        for label, val in facts:
            body.append(f"        <dt>{label}</dt><dd>{e(val)}</dd>")
        body.append("      </dl>")
    for section in spec.sections:
        body.append("      <section>")
        if section.get("heading"):
            body.append(f"        <h2>{e(plain(section['heading']))}</h2>")
        body.extend(_html_blocks(section["blocks"], notes, "        "))
        body.append("      </section>")
    if notes:
        body.append('      <ol class="footnotes">')
        body.extend(f'        <li id="note-{i}">{e(n)}</li>' for i, n in enumerate(notes, 1))
        body.append("      </ol>")
    body += ["    </article>", "  </main>"]
    body.append('  <aside class="related">')
    if data.get("related"):
        body.append("    <h2>Relateret indhold</h2>")
        body.append("    <ul>")
        for slug in data["related"]:
            other = titles[slug]
            body.append(
                f'      <li><a href="{e(other.source_url)}">{e(other.title)}</a> '
                f"<span>({KIND_LABELS[other.kind].lower()})</span></li>"
            )
        body.append("    </ul>")
    contact = data.get("contact")
    if contact:
        body.append('    <div class="contact">')
        body.append("      <h2>Kontakt</h2>")
        body.extend(f"      <p>{e(plain(line))}</p>" for line in contact)
        body.append("    </div>")
    body.append("  </aside>")
    footer_lines = "".join(f"<li>{e(line)}</li>" for line in SITE_FOOTER[pub])
    body += [
        '  <footer class="site-footer">',
        f"    <p>{e(site)}</p>",
        f"    <ul>{footer_lines}</ul>",
        '    <p class="legal"><a href="/privatlivspolitik">Privatlivspolitik</a> · '
        '<a href="/tilgaengelighed">Tilgængelighedserklæring</a> · '
        '<a href="/cookies">Cookies</a></p>',
        "  </footer>",
        '  <script>window.dataLayer=window.dataLayer||[];dataLayer.push({"page":"'
        + spec.slug
        + '"});</script>',
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body) + "\n"


# --------------------------------------------------------------------------- broken files

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
    canv = _fixed_date_canvas(spec.published)(buf, pagesize=A4)
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


EMPTY_HTML = """<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title></title>
<link rel="stylesheet" href="/static/css/app.9c1e.css">
<script src="/static/js/vendor.4f2a.js" defer></script>
<style>#root{min-height:100vh}</style>
</head>
<body>
<div id="root"><div class="spinner" aria-hidden="true"></div></div>
<noscript></noscript>
<script>window.__INITIAL_STATE__={"route":"/fagfolk/vaerktoejer/ukendt","items":[]};</script>
<script src="/static/js/app.9c1e.js" defer></script>
</body>
</html>
"""


def render_broken(outdir: Path, docs: Sequence[DocSpec], rendered: dict[str, bytes]) -> dict:
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
        item["source_url"] = f"https://{DOMAINS[src.publisher]}/{slug}"
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
    files["ødelagt-side.html"] = EMPTY_HTML.encode("utf-8")
    manifest["ødelagt-side.html"] = entry(html_src, "oedelagt-side", "Side uden indhold")
    for name, content in files.items():
        (outdir / name).write_bytes(content)
    _write_manifest(outdir, manifest)
    return manifest


# --------------------------------------------------------------------------- driver


def _write_manifest(outdir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=2)
    (outdir / "manifest.json").write_text(text + "\n", encoding="utf-8")


def render_corpus(
    outdir: Path,
    docs: Sequence[DocSpec] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Render every document into ``outdir``; returns the manifest that was written."""
    docs = list(docs) if docs is not None else load_documents()
    outdir.mkdir(parents=True, exist_ok=True)
    by_slug = {d.slug: d for d in docs}
    for d in docs:
        for slug in d.data.get("related") or []:
            if slug not in by_slug:
                raise ValueError(f"{d.slug}: related slug {slug!r} does not exist")
    manifest: dict[str, Any] = {}
    rendered: dict[str, bytes] = {}
    for spec in docs:
        if spec.fmt == "pdf":
            content = render_pdf(spec)
        else:
            content = render_html(spec, by_slug).encode("utf-8")
        rendered[spec.filename] = content
        (outdir / spec.filename).write_bytes(content)
        manifest[spec.filename] = spec.manifest_entry()
        if progress:
            progress(spec.filename)
    _write_manifest(outdir, manifest)
    render_broken(outdir / "broken", docs, rendered)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, help="directory to write the corpus into")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = render_corpus(args.outdir, progress=print if args.verbose else None)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {len(manifest)} documents + broken/ to {args.outdir} in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
