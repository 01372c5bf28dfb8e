"""Bar charts drawn on the server as accessible SVG.

The numbers become geometry here, in pure functions; ``templates/_charts.html`` turns the
geometry into markup, so every label reaches the page through Jinja's autoescaping. A chart is
an ``<svg role="img">`` with a Danish ``<title>`` and ``<desc>``, followed by the same numbers as
a folded table for anyone who would rather read them.

The SVG has no ``viewBox``: horizontal positions are percentages of the drawing's width and
vertical ones are pixels, so the bars stretch with the page while the text keeps its size on a
phone. Each year label carries the narrowest drawing it fits in, and ``static/charts.css``
hides it in narrower ones; the table always has every number.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from search_api.api.schemas import EntityPage, MonthUsage, PublisherUsage
from search_api.query.results import FacetValue
from vidensbank.danish import DOCUMENTS, MONTHS, Noun, danish_number

# The drawing widths (px) labels are spaced for, narrowest first: a phone's column, half a
# desktop's, a desktop's. A label carries the narrowest it fits in, and ``static/charts.css``
# hides it in a narrower drawing (a container query for each width but the first).
PLOT_WIDTHS = (320, 480, 720)
# The room one label needs (px): a year, or a count of a few digits.
YEAR_LABEL_PX = 36
DIGIT_PX = 8
COUNT_PADDING_PX = 6

# Columns (counts per year). Vertical sizes in px.
COLUMN_CHART_HEIGHT = 200
COLUMN_TOP = 22  # room for the count above the highest column
COLUMN_BOTTOM = 26  # room for the years under the columns
COLUMN_SHARE = 0.7  # of its slot a column fills; the rest is the gap between columns
MIN_COLUMN_PX = 2  # a count above zero stays visible beside a much larger one
# Many years are grouped into periods of the smallest of these lengths that fits.
MAX_COLUMNS = 40
PERIOD_YEARS = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
# Label every n-th column, n from these: each divides the next, so the labels a phone shows are
# among those a desktop shows.
LABEL_INTERVALS = (1, 5, 10, 50, 100)

# Months: a label such as "sep. 2026", and labels on every month, quarter, half year or year.
MONTH_LABEL_PX = 64
MONTH_LABEL_INTERVALS = (1, 3, 6, 12)
SHORT_MONTHS = (
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
)

# Rows (counts per publisher): the name above its bar, the count after it.
ROW_HEIGHT = 44
ROW_LABEL_BASELINE = 15
ROW_BAR_TOP = 21
ROW_BAR_HEIGHT = 16
ROW_BAR_MAX = 82.0  # percent of the width the longest bar takes; the rest holds its count
MAX_ROWS = 20
MAX_LABEL_CHARS = 40

UNKNOWN_PUBLISHER = "Ukendt udgiver"


MENTIONS = Noun("omtale", "omtaler")
USES = Noun("visning eller download", "visninger og downloads")
VIEWS = Noun("visning", "visninger")
DOWNLOADS = Noun("download", "downloads")
PUBLISHERS = Noun("udgiver", "udgivere")


def danish_list(items: Sequence[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


@dataclass(frozen=True)
class Column:
    label: str  # the year or period, as the axis and the table show it
    value: int
    x: float  # left edge, percent of the width
    width: float  # percent of the width
    center: float  # percent of the width
    slot_x: float  # percent: the column with its share of the gaps, where a pointer shows its count
    slot_width: float  # percent
    y: float  # top edge, px
    height: float  # px
    label_from: int | None  # the narrowest of PLOT_WIDTHS the year is drawn on; None: never
    value_from: int | None  # the same for the count above the column


@dataclass(frozen=True)
class Row:
    label: str  # in full, as the table and the tooltip show it
    short_label: str  # as the drawing shows it
    value: int
    width: float  # percent of the width
    label_y: float  # px: the baseline of the name
    bar_y: float  # px: the top of the bar
    value_y: float  # px: the baseline of the count


@dataclass(frozen=True)
class BarChart:
    """What the template needs to draw a chart and its table."""

    id: str  # unique on the page: the ids of the title and description derive from it
    title: str
    description: str
    category: str  # the table's first heading ("År", "Udgiver")
    noun: Noun
    height: int  # px
    table: list[tuple[str, int]]  # the numbers, in the order the chart shows them


@dataclass(frozen=True)
class ColumnChart(BarChart):
    columns: list[Column]
    baseline: float  # px: the axis the columns stand on
    label_y: float  # px: the baseline of the years
    kind: Literal["columns"] = "columns"
    unknown: int = 0  # counted without a year, so in no column


@dataclass(frozen=True)
class RowChart(BarChart):
    rows: list[Row]
    bar_height: int  # px
    kind: Literal["rows"] = "rows"


def _year(key: str | int) -> int | None:
    text = str(key).strip()
    return int(text) if text.isdigit() else None


def _period_length(first: int, last: int) -> int:
    return next(
        (step for step in PERIOD_YEARS if last // step - first // step + 1 <= MAX_COLUMNS),
        PERIOD_YEARS[-1],
    )


def _labelled(
    ordinals: Sequence[int], label_px: int, plot_px: int, intervals: Sequence[int]
) -> set[int]:
    """The columns (by index) labelled in a drawing ``plot_px`` wide, so that labels
    ``label_px`` wide do not overlap: every n-th, n from ``intervals`` so the labels fall
    on round years (2010, 2015, 2020) or quarters, and the first and last column when they are
    far enough from those, so the axis says where it starts and ends."""
    slots = len(ordinals)
    needed = math.ceil(slots * label_px / plot_px)  # slots between two labels' centres
    every = next((n for n in intervals if n >= needed), intervals[-1])
    labelled = {i for i, ordinal in enumerate(ordinals) if ordinal % every == 0}
    for end in (0, slots - 1):
        if all(abs(end - i) >= needed for i in labelled if i != end):
            labelled.add(end)
    return labelled


def _labels_from(
    ordinals: Sequence[int], label_px: int, intervals: Sequence[int]
) -> list[int | None]:
    """For each column, the narrowest of ``PLOT_WIDTHS`` from which on its label is drawn
    (it is drawn on that width and every wider one); ``None``: never."""
    labelled = {width: _labelled(ordinals, label_px, width, intervals) for width in PLOT_WIDTHS}
    widths: list[int | None] = []
    for i in range(len(ordinals)):
        narrowest = None
        for width in reversed(PLOT_WIDTHS):
            if i not in labelled[width]:
                break
            narrowest = width
        widths.append(narrowest)
    return widths


def years_bar_chart(
    counts: Mapping[str, int] | Mapping[int, int],
    *,
    chart_id: str,
    title: str,
    noun: Noun,
) -> ColumnChart | None:
    """A column per year from the first year to the last, years without any as zero.

    Keys that are not years (``"ukendt"``) are counted apart and named in the description and
    the table. Spans too long for one column a year get one column a period (``2000–2009``).
    ``None`` when no year has a count.
    """
    by_year: Counter[int] = Counter()
    unknown = 0
    for key, value in counts.items():
        year = _year(key)
        if year is None:
            unknown += value
        else:
            by_year[year] += value
    if not by_year:
        return None
    first, last = min(by_year), max(by_year)
    step = _period_length(first, last)
    ordinals = range(first // step, last // step + 1)
    values = [sum(by_year[y] for y in range(o * step, (o + 1) * step)) for o in ordinals]
    labels = [str(o) if step == 1 else f"{o * step}–{(o + 1) * step - 1}" for o in ordinals]
    chart = _column_chart(
        labels,
        values,
        ordinals,
        label_px=YEAR_LABEL_PX * (1 if step == 1 else 2),
        intervals=LABEL_INTERVALS,
        chart_id=chart_id,
        title=title,
        noun=noun,
        per="år" if step == 1 else f"periode på {step} år",
        category="År" if step == 1 else "Periode",
    )
    if unknown:
        return replace(
            chart,
            description=f"{chart.description} Derudover {noun.count(unknown)} uden kendt år.",
            table=[*chart.table, ("Ukendt år", unknown)],
            unknown=unknown,
        )
    return chart


def months_bar_chart(
    counts: Sequence[tuple[str, int]], *, chart_id: str, title: str, noun: Noun
) -> ColumnChart | None:
    """A column per month (``"2026-05"``) in the order given: every month of a period, those
    without any as zero. ``None`` when no month has a count."""
    if not any(value for _, value in counts):
        return None
    ordinals = [int(month[:4]) * 12 + int(month[5:7]) - 1 for month, _ in counts]
    return _column_chart(
        [month_label(month) for month, _ in counts],
        [value for _, value in counts],
        ordinals,
        label_px=MONTH_LABEL_PX,
        intervals=MONTH_LABEL_INTERVALS,
        chart_id=chart_id,
        title=title,
        noun=noun,
        per="måned",
        category="Måned",
    )


def month_label(month: str) -> str:
    """``"2026-09"`` → ``"sep. 2026"``, for a table's column or a chart's axis."""
    return f"{SHORT_MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def month_name(month: str) -> str:
    """``"2026-09"`` → ``"september 2026"``, for running text."""
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def _column_chart(
    labels: Sequence[str],
    values: Sequence[int],
    ordinals: Sequence[int],
    *,
    label_px: int,
    intervals: Sequence[int],
    chart_id: str,
    title: str,
    noun: Noun,
    per: str,
    category: str,
) -> ColumnChart:
    """The columns of ``values`` side by side, each labelled and described."""
    slots = len(values)
    slot = 100 / slots
    baseline = COLUMN_CHART_HEIGHT - COLUMN_BOTTOM
    plot_height = baseline - COLUMN_TOP
    highest = max(values) or 1
    labels_from = _labels_from(ordinals, label_px, intervals)
    count_px = len(danish_number(highest)) * DIGIT_PX + COUNT_PADDING_PX
    counts_from = next((width for width in PLOT_WIDTHS if width / slots >= count_px), None)
    columns = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = max(value / highest * plot_height, MIN_COLUMN_PX) if value else 0.0
        columns.append(
            Column(
                label=label,
                value=value,
                x=round(slot * (i + (1 - COLUMN_SHARE) / 2), 3),
                width=round(slot * COLUMN_SHARE, 3),
                center=round(slot * (i + 0.5), 3),
                slot_x=round(slot * i, 3),
                slot_width=round(slot, 3),
                y=round(baseline - height, 1),
                height=round(height, 1),
                label_from=labels_from[i],
                value_from=counts_from,
            )
        )
    peak = max(values)
    peaks = [label for label, value in zip(labels, values, strict=True) if value == peak]
    description = (
        f"Søjlediagram over {noun.plural} pr. {per} fra {labels[0]} til {labels[-1]}. "
        f"Flest i {danish_list(peaks)}: {noun.count(peak)}{' hver' if len(peaks) > 1 else ''}. "
        f"I alt {noun.count(sum(values))}."
    )
    return ColumnChart(
        id=chart_id,
        title=title,
        description=description,
        category=category,
        noun=noun,
        height=COLUMN_CHART_HEIGHT,
        table=list(zip(labels, values, strict=True)),
        columns=columns,
        baseline=baseline,
        label_y=COLUMN_CHART_HEIGHT - 8,
    )


def _shorten(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def categories_bar_chart(
    counts: Iterable[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    noun: Noun,
    category: Noun,
) -> RowChart | None:
    """A bar per category (a publisher), the largest first. ``None`` when there is nothing."""
    merged: Counter[str] = Counter()
    for label, value in counts:
        merged[label] += value
    ordered = sorted(
        ((label, value) for label, value in merged.items() if value > 0),
        key=lambda item: (-item[1], item[0]),
    )[:MAX_ROWS]
    if not ordered:
        return None
    highest = ordered[0][1]
    rows = [
        Row(
            label=label,
            short_label=_shorten(label),
            value=value,
            width=round(value / highest * ROW_BAR_MAX, 3),
            label_y=i * ROW_HEIGHT + ROW_LABEL_BASELINE,
            bar_y=i * ROW_HEIGHT + ROW_BAR_TOP,
            value_y=i * ROW_HEIGHT + ROW_BAR_TOP + ROW_BAR_HEIGHT - 3,
        )
        for i, (label, value) in enumerate(ordered)
    ]
    top = [label for label, value in ordered if value == highest]
    description = (
        f"Liggende søjlediagram over {noun.plural} pr. {category.singular}, "
        f"{category.count(len(ordered))} i alt. "
        f"Flest fra {danish_list(top)}: {noun.count(highest)}{' hver' if len(top) > 1 else ''}. "
        f"I alt {noun.count(sum(value for _, value in ordered))}."
    )
    return RowChart(
        id=chart_id,
        title=title,
        description=description,
        category=category.singular.capitalize(),
        noun=noun,
        height=len(rows) * ROW_HEIGHT,
        table=ordered,
        rows=rows,
        bar_height=ROW_BAR_HEIGHT,
    )


def search_years_chart(
    values: Iterable[FacetValue], without_year: int, *, chart_id: str, title: str
) -> ColumnChart | None:
    """Documents per year of a search, from its ``year`` facet, and how many have no year."""
    return years_bar_chart(
        {value.value: value.count for value in values} | {"ukendt": without_year},
        chart_id=chart_id,
        title=title,
        noun=DOCUMENTS,
    )


def search_publishers_chart(
    values: Iterable[FacetValue], *, chart_id: str, title: str
) -> RowChart | None:
    """Documents per publisher of a search, from its ``publisher`` facet."""
    return categories_bar_chart(
        ((value.label, value.count) for value in values),
        chart_id=chart_id,
        title=title,
        noun=DOCUMENTS,
        category=PUBLISHERS,
    )


@dataclass(frozen=True)
class EntityCharts:
    mentions: ColumnChart | None
    years: ColumnChart | None
    publishers: RowChart | None


def entity_charts(entity: EntityPage) -> EntityCharts:
    """Mentions over time, and the documents that mention the entity by year and publisher."""
    years: Counter[str] = Counter(
        str(document.published.year) if document.published else "ukendt"
        for document in entity.documents
    )
    return EntityCharts(
        mentions=years_bar_chart(
            entity.mentions_by_year, chart_id="omtale", title="Omtale over tid", noun=MENTIONS
        ),
        years=years_bar_chart(
            years, chart_id="dokumenter-aar", title="Dokumenter pr. år", noun=DOCUMENTS
        ),
        publishers=categories_bar_chart(
            Counter(
                document.publisher or UNKNOWN_PUBLISHER for document in entity.documents
            ).most_common(),
            chart_id="dokumenter-udgiver",
            title="Dokumenter pr. udgiver",
            noun=DOCUMENTS,
            category=PUBLISHERS,
        ),
    )


@dataclass(frozen=True)
class UsageCharts:
    views: ColumnChart | None
    downloads: ColumnChart | None
    publishers: RowChart | None


def usage_charts(
    months: Sequence[MonthUsage], publishers: Sequence[PublisherUsage] = ()
) -> UsageCharts:
    """Views and downloads per month, and the uses per publisher."""
    return UsageCharts(
        views=months_bar_chart(
            [(m.month, m.views) for m in months],
            chart_id="visninger-maaned",
            title="Visninger pr. måned",
            noun=VIEWS,
        ),
        downloads=months_bar_chart(
            [(m.month, m.downloads) for m in months],
            chart_id="downloads-maaned",
            title="Downloads pr. måned",
            noun=DOWNLOADS,
        ),
        publishers=categories_bar_chart(
            ((p.publisher or UNKNOWN_PUBLISHER, p.views + p.downloads) for p in publishers),
            chart_id="brug-udgiver",
            title="Visninger og downloads pr. udgiver",
            noun=USES,
            category=PUBLISHERS,
        ),
    )


# The functions the chart macros call (``templates/_charts.html``).
TEMPLATE_GLOBALS = {
    "danish_number": danish_number,
    "danish_list": danish_list,
    "month_label": month_label,
    "month_name": month_name,
    "search_years_chart": search_years_chart,
    "search_publishers_chart": search_publishers_chart,
}
