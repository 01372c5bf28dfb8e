"""ReportLab typesetting: the hyphenating paragraph, paragraph styles and the page template.

Nothing here knows about the corpus: ``pdf.py`` turns a source document into flowables and
hands them to ``CorpusDoc`` with the running header, footer and accent colour of its publisher.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import io
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from sample_corpus.hyphenation import Word


def esc(text: str) -> str:
    """Escape text for ReportLab's paragraph markup."""
    return html.escape(text, quote=False)


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


# A4 page geometry, shared by the page templates and the column widths of tables and boxes.
PAGE_W, PAGE_H = A4
MARGIN_X = 2.5 * cm
FRAME_TOP = PAGE_H - 2.6 * cm
FRAME_BOTTOM = 4.3 * cm
HEADER_Y = PAGE_H - 1.6 * cm
FOOTER_Y = 1.4 * cm
FOOTER_RULE_Y = 1.9 * cm
BODY_W = PAGE_W - 2 * MARGIN_X
COLUMN_GAP = {1: 0.0, 2: 0.8 * cm, 3: 0.6 * cm}
GREY = colors.HexColor("#555555")


def column_width(ncol: int) -> float:
    return (BODY_W - (ncol - 1) * COLUMN_GAP[ncol]) / ncol


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


def paragraph_styles(accent: colors.Color, small: bool) -> dict[str, ParagraphStyle]:
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


def fixed_date_canvas(published: dt.date) -> type[Canvas]:
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


@dataclass(frozen=True)
class Furniture:
    """What every page of a document carries around its body."""

    header: str  # running header, left
    imprint: str  # short imprint, right of the header
    imprint_full: str  # footer, left of the page number
    accent: colors.Color


class CorpusDoc(BaseDocTemplate):
    """Page templates with running header, footnote area and footer on every page.

    The templates are "one" (one column), "cols2" and "cols3", and "mast2" and "mast3": a
    masthead frame above two or three columns, for the first page of a newsletter.
    """

    def __init__(
        self,
        buf: io.BytesIO,
        name: str,
        furniture: Furniture,
        *,
        title: str,
        author: str,
        subject: str,
        creator: str,
        keywords: list[str],
        first_template: str = "one",
        encrypt: Any = None,
        lang: str = "da-DK",
    ) -> None:
        self._name = name  # for error messages
        self.furniture = furniture
        super().__init__(
            buf,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=PAGE_H - FRAME_TOP,
            bottomMargin=FRAME_BOTTOM,
            title=title,
            author=author,
            subject=subject,
            creator=creator,
            keywords=keywords,
            invariant=1,
            lang=lang,
            encrypt=encrypt,
        )
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
            gap = COLUMN_GAP[ncol]
            col_w = column_width(ncol)
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
        self._firstPageTemplateIndex = [t.id for t in templates].index(first_template)

    # decorations ---------------------------------------------------------------------------
    def _page_start(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv._vb_footnotes = []
        canv.saveState()
        canv.setFont("Helvetica", 8)
        canv.setFillColor(GREY)
        header = self.furniture.header
        if stringWidth(header, "Helvetica", 8) > BODY_W - 90:
            while stringWidth(header + " …", "Helvetica", 8) > BODY_W - 90:
                header = header[:-1]
            header = header.rstrip() + " …"
        canv.drawString(MARGIN_X, HEADER_Y, header)
        canv.drawRightString(PAGE_W - MARGIN_X, HEADER_Y, self.furniture.imprint)
        canv.setStrokeColor(self.furniture.accent)
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
                            f"{self._name}: footnotes overflow on page {canv.getPageNumber()}"
                        )
                    canv.setFont("Helvetica", 7.5)
                    canv.setFillColor(colors.black)
                    if i == 0:
                        canv.drawString(MARGIN_X, y, str(number))
                    canv.drawString(MARGIN_X + 12, y, line)
                    y -= 9
        canv.setStrokeColor(self.furniture.accent)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, FOOTER_RULE_Y, PAGE_W - MARGIN_X, FOOTER_RULE_Y)
        canv.setFont("Helvetica", 8)
        canv.setFillColor(GREY)
        canv.drawString(MARGIN_X, FOOTER_Y, self.furniture.imprint_full)
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
