"""PDF rendering: the story of flowables for each kind of document, typeset by ``typesetting``."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from sample_corpus.hyphenation import NoteCounter, to_words
from sample_corpus.profiles import KINDS, LETTERHEAD, PUBLISHERS
from sample_corpus.sources import LANGUAGES, DocSpec
from sample_corpus.text import danish_date, join_names, numeric_date, plain
from sample_corpus.typesetting import (
    BODY,
    BODY_SMALL,
    BODY_W,
    LIST_ITEM,
    LIST_ITEM_SMALL,
    QUOTE,
    QUOTE_SMALL,
    CorpusDoc,
    Furniture,
    Heading,
    HyphParagraph,
    TextStyle,
    column_width,
    esc,
    fixed_date_canvas,
    paragraph_styles,
)

# kinds that open with a cover and a table of contents
COVER_KINDS = ("rapport", "analyse", "vejledning")


def _accent(spec: DocSpec) -> colors.Color:
    return colors.HexColor(PUBLISHERS[spec.publisher].accent)


def _newsletter_columns(spec: DocSpec) -> int:
    return int((spec.data.get("masthead") or {}).get("columns", 3))


class StoryBuilder:
    """Turns a DocSpec into a list of flowables."""

    def __init__(self, spec: DocSpec) -> None:
        self.spec = spec
        self.notes = NoteCounter()
        self.small = spec.kind == "nyhedsbrev"
        self.accent = _accent(spec)
        self.st = paragraph_styles(self.accent, self.small)
        self.columns = 1

    @property
    def width(self) -> float:
        return column_width(self.columns)

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
        style = [
            ("BACKGROUND", (0, 0), (-1, 0), self.accent),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, self.accent),
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
        kicker = KINDS[spec.kind].label.upper()
        if data.get("series"):
            kicker += f" · {plain(data['series'])}"
        out.append(Paragraph(esc(kicker), st["kicker"]))
        out.append(Paragraph(esc(spec.title), st["title"]))
        if data.get("subtitle"):
            out.append(Paragraph(esc(plain(data["subtitle"])), st["subtitle"]))
        if spec.authors:
            out.append(Paragraph(esc(join_names(spec.authors)), st["authors"]))
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
        meta.append(
            f"© {esc(spec.imprint)} {spec.published.year}. Publikationen kan frit citeres med "
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
            Paragraph(esc(KINDS[spec.kind].label.upper()), st["kicker"]),
            Paragraph(esc(spec.title), st["doctitle"]),
        ]
        if spec.data.get("subtitle"):
            out.append(Paragraph(esc(plain(spec.data["subtitle"])), st["subtitle"]))
        line = f"{spec.imprint_full} · {numeric_date(spec.published)}"
        if spec.authors:
            line += " · " + join_names(spec.authors)
        out.append(Paragraph(esc(line), st["meta"]))
        out.append(Spacer(1, 12))
        return out

    def letterhead(self) -> list[Flowable]:
        spec, st = self.spec, self.st
        lh = spec.data["letterhead"]
        recipient = lh.get("recipient") or LETTERHEAD.recipient
        left = [Paragraph(esc(plain(r)), st["letter"]) for r in recipient]
        sender = [
            Paragraph(esc(spec.imprint_full), st["letterbold"]),
            Paragraph(esc(PUBLISHERS[spec.publisher].address.replace(" · ", ", ")), st["letter"]),
            Paragraph(esc(lh.get("phone", LETTERHEAD.phone)), st["letter"]),
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
                    ("LINEBEFORE", (1, 0), (1, 0), 0.6, self.accent),
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

    def masthead(self) -> list[Flowable]:
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
            ncol = _newsletter_columns(spec)
            self.columns = ncol
            out.append(NextPageTemplate(f"cols{ncol}"))
            out.extend(self.masthead())
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


def render_pdf(spec: DocSpec, encrypt: Any = None) -> bytes:
    buf = io.BytesIO()
    furniture = Furniture(
        header=plain(spec.data.get("running_header") or spec.title),
        imprint=spec.imprint,
        imprint_full=spec.imprint_full,
        accent=_accent(spec),
    )
    doc = CorpusDoc(
        buf,
        spec.slug,
        furniture,
        title=spec.title,
        author="; ".join(spec.authors) or spec.imprint_full,
        subject=f"{KINDS[spec.kind].label} · {spec.publisher}",
        creator=spec.publisher,
        keywords=[spec.publisher, spec.kind, spec.published.isoformat()],
        lang=LANGUAGES[spec.language],
        # the first page of a newsletter carries the masthead above the columns
        first_template=f"mast{_newsletter_columns(spec)}" if spec.kind == "nyhedsbrev" else "one",
        encrypt=encrypt,
    )
    story = StoryBuilder(spec).story()
    canvas_cls = fixed_date_canvas(spec.published)
    if spec.kind in COVER_KINDS:
        doc.multiBuild(story, canvasmaker=canvas_cls)
    else:
        doc.build(story, canvasmaker=canvas_cls)
    return buf.getvalue()
