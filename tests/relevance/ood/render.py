"""Render the PDF documents of the out-of-domain set from their source texts.

    .venv/bin/python tests/relevance/ood/render.py [FOLDER]

Reads ``FOLDER/sources/<slug>.txt`` and writes ``FOLDER/documents/<slug>.pdf`` beside the HTML
documents, in ReportLab's invariant mode, so the same source always gives the same bytes. FOLDER
is a judged set's folder (e.g. ``tests/relevance/ood2``); without it, this script's own folder.

A source file starts with ``key: value`` lines (``title``, ``subtitle``, ``organisation``,
``date``, ``running_header``, ``footer``, ``cover: yes``, ``toc: yes``, ``letterhead: a | b``)
and a line ``---``. The body is blocks separated by blank lines:

- ``# Heading`` and ``## Sub-heading`` (headings of level 1 go into the table of contents);
- ``- item`` (bullets) and ``1. item`` (numbered items), one item a line;
- ``> text``: a quote; ``| a | b |``: table rows, the first row the header;
- ``[box: Title]`` … ``[/box]``: a framed box holding paragraphs and bullets;
- ``(pagebreak)``; any other block is a paragraph.

Footnote markers ``[^n]`` in the text become superscript numbers; their texts, written as
``[^n]: text`` blocks, are printed in small type as notes at the end of the chapter they belong to.
"""

import re
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

rl_config.invariant = 1

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DOCUMENTS = HERE / "documents"

BASE = getSampleStyleSheet()
STYLES = {
    "body": ParagraphStyle("body", parent=BASE["BodyText"], fontSize=10, leading=14),
    "h1": ParagraphStyle("h1", parent=BASE["Heading1"], fontSize=15, leading=19, spaceBefore=12),
    "h2": ParagraphStyle("h2", parent=BASE["Heading2"], fontSize=12, leading=15, spaceBefore=8),
    "title": ParagraphStyle("title", parent=BASE["Title"], fontSize=24, leading=29),
    "subtitle": ParagraphStyle("subtitle", parent=BASE["Heading2"], fontSize=14, leading=18),
    "meta": ParagraphStyle("meta", parent=BASE["BodyText"], fontSize=11, leading=15),
    "quote": ParagraphStyle(
        "quote", parent=BASE["BodyText"], fontSize=10, leading=14, leftIndent=24, rightIndent=24
    ),
    "note": ParagraphStyle("note", parent=BASE["BodyText"], fontSize=8, leading=10),
    "cell": ParagraphStyle("cell", parent=BASE["BodyText"], fontSize=9, leading=11),
    "letterhead": ParagraphStyle(
        "letterhead", parent=BASE["BodyText"], fontSize=9, leading=12, alignment=TA_RIGHT
    ),
}
FOOTNOTE = re.compile(r"\[\^(\d+)\]")


def inline(text: str) -> str:
    """Paragraph markup for a line of source text: escaped, with superscript note numbers."""
    return FOOTNOTE.sub(r"<super>\1</super>", escape(text))


class Document(BaseDocTemplate):
    def __init__(self, path: Path, meta: dict[str, str]) -> None:
        super().__init__(
            str(path),
            pagesize=A4,
            leftMargin=2.5 * cm,
            rightMargin=2.5 * cm,
            topMargin=2.5 * cm,
            bottomMargin=2.5 * cm,
            title=meta.get("title", ""),
            author=meta.get("organisation", ""),
            creator="Vidensbank relevance test set",
            invariant=1,
        )
        self.meta = meta
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self.furniture)])

    def furniture(self, canvas: Canvas, doc: Any) -> None:
        """Running header, footer and page number; the cover page has none."""
        if self.meta.get("cover") == "yes" and doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        width, height = A4
        if header := self.meta.get("running_header"):
            canvas.drawString(2.5 * cm, height - 1.5 * cm, header)
            canvas.line(2.5 * cm, height - 1.6 * cm, width - 2.5 * cm, height - 1.6 * cm)
        if footer := self.meta.get("footer"):
            canvas.drawString(2.5 * cm, 1.3 * cm, footer)
        canvas.drawRightString(width - 2.5 * cm, 1.3 * cm, f"Side {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


def parse(source: str) -> tuple[dict[str, str], list[str]]:
    head, _, body = source.partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", body) if block.strip()]
    return meta, blocks


def bullets(lines: list[str], numbered: bool) -> ListFlowable:
    items = [
        ListItem(Paragraph(inline(re.sub(r"^(- |\d+\. )", "", line)), STYLES["body"]))
        for line in lines
    ]
    if numbered:
        return ListFlowable(items, bulletType="1", bulletFontSize=10, leftIndent=18)
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=18)


def table(lines: list[str]) -> Table:
    rows = [
        [Paragraph(inline(cell.strip()), STYLES["cell"]) for cell in line.strip("|").split("|")]
        for line in lines
    ]
    result = Table(rows, repeatRows=1, hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ea")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result


def block(text: str) -> list[Flowable]:
    lines = text.splitlines()
    first = lines[0]
    if first.startswith("## "):
        return [Paragraph(inline(first[3:]), STYLES["h2"])]
    if first.startswith("# "):
        return [Paragraph(inline(first[2:]), STYLES["h1"])]
    if first.startswith("- "):
        return [bullets(lines, numbered=False), Spacer(1, 4)]
    if re.match(r"\d+\. ", first):
        return [bullets(lines, numbered=True), Spacer(1, 4)]
    if first.startswith("> "):
        return [Paragraph(inline(" ".join(line[2:] for line in lines)), STYLES["quote"])]
    if first.startswith("|"):
        return [table(lines), Spacer(1, 8)]
    if first == "(pagebreak)":
        return [PageBreak()]
    return [Paragraph(inline(" ".join(lines)), STYLES["body"])]


def boxed(title: str, blocks: list[str]) -> Flowable:
    content: list[Flowable] = [Paragraph(f"<b>{escape(title)}</b>", STYLES["body"])]
    for text in blocks:
        content.extend(block(text))
    box = Table([[content]], colWidths=[15.5 * cm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#33506b")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef2f5")),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6), box, Spacer(1, 6)])


def notes(pending: list[str]) -> list[Flowable]:
    if not pending:
        return []
    story: list[Flowable] = [Spacer(1, 8), Paragraph("<b>Noter</b>", STYLES["note"])]
    story.extend(Paragraph(inline(note), STYLES["note"]) for note in pending)
    pending.clear()
    return story


def story(meta: dict[str, str], blocks: list[str]) -> list[Flowable]:
    result: list[Flowable] = []
    if meta.get("letterhead"):
        lines = [escape(line.strip()) for line in meta["letterhead"].split("|")]
        result += [Paragraph("<br/>".join(lines), STYLES["letterhead"]), Spacer(1, 18)]
    if meta.get("cover") == "yes":
        result += [Spacer(1, 5 * cm), Paragraph(escape(meta["title"]), STYLES["title"])]
        if subtitle := meta.get("subtitle"):
            result.append(Paragraph(escape(subtitle), STYLES["subtitle"]))
        result += [
            Spacer(1, 3 * cm),
            Paragraph(escape(meta.get("organisation", "")), STYLES["meta"]),
            Paragraph(escape(meta.get("date", "")), STYLES["meta"]),
            PageBreak(),
        ]
    else:
        result.append(Paragraph(escape(meta["title"]), STYLES["h1"]))
        if subtitle := meta.get("subtitle"):
            result.append(Paragraph(escape(subtitle), STYLES["subtitle"]))
    if meta.get("toc") == "yes":
        contents = TableOfContents()
        contents.levelStyles = [STYLES["body"]]
        result += [Paragraph("<b>Indhold</b>", STYLES["subtitle"]), contents, PageBreak()]
    pending: list[str] = []
    box: tuple[str, list[str]] | None = None
    for text in blocks:
        if box is not None:
            if text == "[/box]":
                result.append(boxed(*box))
                box = None
            else:
                box[1].append(text)
            continue
        if match := re.match(r"\[box: (.*)\]$", text):
            box = (match.group(1), [])
        elif match := re.match(r"\[\^(\d+)\]: (.*)", text, re.DOTALL):
            pending.append(f"{match.group(1)} {' '.join(match.group(2).split())}")
        else:
            if text.startswith("# "):
                result += notes(pending)
            result += block(text)
    return result + notes(pending)


def render(source: Path, documents: Path = DOCUMENTS) -> Path:
    meta, blocks = parse(source.read_text(encoding="utf-8"))
    target = documents / f"{source.stem}.pdf"
    Document(target, meta).multiBuild(story(meta, blocks))
    return target


def main() -> None:
    folder = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    for source in sorted((folder / "sources").glob("*.txt")):
        print(render(source, folder / "documents").relative_to(folder))


if __name__ == "__main__":
    main()
