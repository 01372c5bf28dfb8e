"""A batch search's table as a download: CSV or XLSX, one row per hit.

The CSV is written the way Danish Excel writes and opens its own "CSV (semikolonsepareret)":
UTF-8 with a byte order mark (without it Excel reads æøå as Windows-1252), fields separated by
semicolons and decimals written with a comma (Danish Excel reads a comma-separated file into one
column, and "0.5" as text). Programs read it as ``sep=";"``, ``decimal=","``; the XLSX keeps
numbers as numbers for everyone.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from search_api.api.schemas import BatchSearchResponse

COLUMNS = (
    "Nr.",
    "Søgning",
    "Resultater i alt",
    "Placering",
    "Titel",
    "År",
    "Udgiver",
    "Type",
    "Sider",
    # As the page shows it: the raw scores of different queries are on different scales.
    "Relativ score (første resultat = 1)",
    "Link",
)
# Text columns as wide as a reader needs them in the XLSX (the rest keep Excel's width).
WIDTHS = {"B": 40, "E": 60, "G": 20, "I": 16, "K": 50}

Cell = str | int | float | None


def rows(response: BatchSearchResponse) -> Iterator[list[Cell]]:
    """The table's rows: one per hit, and one for a query that found nothing."""
    for result in response.results:
        start: list[Cell] = [result.number, result.query, result.total]
        if not result.hits:
            yield [*start, *[None] * (len(COLUMNS) - len(start))]
        for hit in result.hits:
            yield [
                *start,
                hit.rank,
                hit.title,
                hit.year,
                hit.publisher,
                hit.kind,
                ", ".join(map(str, hit.pages)) or None,
                result.relative_score(hit),
                hit.url,
            ]


def as_text(value: str) -> str:
    """A value a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str):
        return as_text(value)
    return str(value)


def excel_csv(table: Iterable[Sequence[object]]) -> bytes:
    """A CSV file that a Danish Excel opens in columns: semicolons between the cells (its list
    separator, the comma being the decimal sign) and a byte-order mark (without one it reads
    UTF-8 as Windows-1252: "BÃ¸rns VilkÃ¥r")."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(table)
    return out.getvalue().encode("utf-8-sig")


def as_csv(response: BatchSearchResponse) -> bytes:
    return excel_csv([COLUMNS, *([_csv_cell(value) for value in row] for row in rows(response))])


def as_xlsx(response: BatchSearchResponse) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Søgninger")
    sheet.freeze_panes = "A2"
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows(response):
        cells = []
        for value in row:
            # XML 1.0, which XLSX is written in, has no control characters: a query pasted
            # with one keeps the rest of its text.
            text = ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
            cell = WriteOnlyCell(sheet, value=text)
            if isinstance(value, str):
                # Text stays text: openpyxl would store "=…" (a query or a title) as a formula.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Format:
    media_type: str
    render: Callable[[BatchSearchResponse], bytes]


FORMATS = {
    "csv": Format("text/csv; charset=utf-8", as_csv),
    "xlsx": Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", as_xlsx),
}


def filename(extension: str, today: dt.date | None = None) -> str:
    """``soegning-2026-12-02.csv``: ASCII, so every browser and system keeps it as it is."""
    return f"soegning-{(today or dt.date.today()).isoformat()}.{extension}"
