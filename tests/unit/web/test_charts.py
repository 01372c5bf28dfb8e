"""The server-drawn charts: the numbers they show, and the SVG and table the macros render."""

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from search_api.api.schemas import EntityDocument, EntityPage
from search_api.query.results import FacetValue
from web.charts import (
    DOCUMENTS,
    MAX_COLUMNS,
    MENTIONS,
    PLOT_WIDTHS,
    PUBLISHERS,
    ColumnChart,
    categories_bar_chart,
    danish_list,
    danish_number,
    entity_charts,
    years_bar_chart,
)
from web.templating import templates

SVG = "{http://www.w3.org/2000/svg}"


def render(source: str, **context: Any) -> str:
    return templates.env.from_string(source).render(**context)


def parse(html: str) -> ET.Element:
    """The rendered markup as a tree: the macros write well-formed markup."""
    return ET.fromstring(f"<root>{html}</root>")


def facet(counts: dict[str, int]) -> list[FacetValue]:
    return [FacetValue(value=k, label=k, count=n) for k, n in counts.items()]


def years_chart(counts: dict[str, int]) -> ColumnChart:
    chart = years_bar_chart(counts, chart_id="test", title="Test", noun=DOCUMENTS)
    assert chart is not None
    return chart


def test_years_are_in_order_with_the_gaps_as_zero() -> None:
    chart = years_chart({"2014": 3, "2010": 1, "2012": 2})
    assert [(c.label, c.value) for c in chart.columns] == [
        ("2010", 1),
        ("2011", 0),
        ("2012", 2),
        ("2013", 0),
        ("2014", 3),
    ]
    assert chart.table == [("2010", 1), ("2011", 0), ("2012", 2), ("2013", 0), ("2014", 3)]


def test_columns_share_the_width_and_stand_on_one_baseline() -> None:
    chart = years_chart({"2020": 4, "2021": 2, "2022": 0, "2023": 1})
    first, second, gap, last = chart.columns
    assert first.x > 0 and last.x + last.width < 100
    assert first.height == chart.baseline - first.y
    assert second.height == first.height / 2
    assert gap.height == 0 and gap.y == chart.baseline
    # A count much smaller than the largest still shows.
    small = years_chart({"2020": 1000, "2021": 1})
    assert small.columns[1].height >= 2


def test_years_not_known_are_named_apart() -> None:
    chart = years_chart({"2021": 2, "ukendt": 3})
    assert [c.label for c in chart.columns] == ["2021"]
    assert chart.table[-1] == ("Ukendt år", 3)
    assert "Derudover 3 dokumenter uden kendt år." in chart.description
    assert years_bar_chart({"ukendt": 3}, chart_id="x", title="x", noun=DOCUMENTS) is None
    assert years_bar_chart({}, chart_id="x", title="x", noun=DOCUMENTS) is None


def test_a_long_span_is_drawn_by_period() -> None:
    chart = years_chart({"1901": 1, "1955": 2, "2024": 5})
    assert len(chart.columns) <= MAX_COLUMNS
    assert chart.category == "Periode"
    assert chart.columns[0].label == "1900–1904"
    assert sum(c.value for c in chart.columns) == 8
    assert "pr. periode på 5 år" in chart.description


def test_the_description_says_in_danish_what_the_chart_shows() -> None:
    chart = years_chart({"2019": 1, "2020": 6, "2021": 6})
    assert chart.description == (
        "Søjlediagram over dokumenter pr. år fra 2019 til 2021. "
        "Flest i 2020 og 2021: 6 dokumenter hver. I alt 13 dokumenter."
    )
    one = years_bar_chart({"2020": 1}, chart_id="x", title="x", noun=MENTIONS)
    assert one is not None and "Flest i 2020: 1 omtale. I alt 1 omtale." in one.description


def test_danish_numbers_and_lists() -> None:
    assert danish_number(1234567) == "1.234.567"
    assert danish_list(["a"]) == "a"
    assert danish_list(["a", "b", "c"]) == "a, b og c"
    assert DOCUMENTS.count(1) == "1 dokument" and DOCUMENTS.count(2000) == "2.000 dokumenter"


def test_labels_on_a_phone_fall_on_round_years_and_a_desktop_shows_more() -> None:
    chart = years_chart({str(year): 1 for year in range(2008, 2027)})
    narrowest, *_, widest = PLOT_WIDTHS
    on_phone = [c.label for c in chart.columns if c.label_from == narrowest]
    on_desktop = [c.label for c in chart.columns if c.label_from is not None]
    assert on_phone == ["2010", "2015", "2020", "2025"]
    assert on_desktop == [c.label for c in chart.columns]
    assert {c.label_from for c in chart.columns} <= {*PLOT_WIDTHS}
    # The first and the last year are labelled too where there is room beside the round ones.
    decade = years_chart({str(year): 1 for year in range(2017, 2027)})
    assert [c.label for c in decade.columns if c.label_from == narrowest] == [
        "2017",
        "2020",
        "2025",
    ]
    assert all(c.value_from is not None and c.value_from <= widest for c in chart.columns)


def test_categories_are_largest_first() -> None:
    chart = categories_bar_chart(
        [("Socialstyrelsen", 2), ("VIVE", 5), ("Børns Vilkår", 2), ("Tom", 0)],
        chart_id="u",
        title="Udgivere",
        noun=DOCUMENTS,
        category=PUBLISHERS,
    )
    assert chart is not None
    assert [(r.label, r.value) for r in chart.rows] == [
        ("VIVE", 5),
        ("Børns Vilkår", 2),
        ("Socialstyrelsen", 2),
    ]
    assert chart.rows[0].width > chart.rows[1].width > 0
    assert chart.rows[1].bar_y > chart.rows[0].bar_y
    assert chart.description.startswith(
        "Liggende søjlediagram over dokumenter pr. udgiver, 3 udgivere i alt. "
        "Flest fra VIVE: 5 dokumenter."
    )


def test_the_years_macro_draws_an_accessible_svg_with_a_table_of_the_same_numbers() -> None:
    # A search's year facet comes ordered by count, not by year.
    values = facet({"2021": 6, "2023": 6, "2019": 5, "2020": 0, "2018": 1})
    html = render(
        '{% from "_charts.html" import years_chart %}{{ years_chart(values) }}', values=values
    )
    figure = parse(html).find("figure")
    assert figure is not None
    svg = figure.find(f"{SVG}svg")
    assert svg is not None and svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")
    assert title.text == "Udgivelser pr. år"
    assert desc.text is not None and "fra 2018 til 2023" in desc.text
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert len(bars) == 4  # the years without any (2020, 2022) draw no bar
    assert all(r.get("x", "").endswith("%") and r.get("width", "").endswith("%") for r in bars)
    years = [
        t.text or "" for t in svg.iter(f"{SVG}text") if "chart-label" in (t.get("class") or "")
    ]
    assert years == ["2018", "2019", "2020", "2021", "2022", "2023"]
    # Every column, gaps included, names its count to a pointer.
    tips = [g.findtext(f"{SVG}title") for g in svg.iter(f"{SVG}g")]
    assert tips == [
        "2018: 1 dokument",
        "2019: 5 dokumenter",
        "2020: 0 dokumenter",
        "2021: 6 dokumenter",
        "2022: 0 dokumenter",
        "2023: 6 dokumenter",
    ]
    details = figure.find("details")
    assert details is not None
    summary = details.find("summary")
    assert summary is not None and "Vis tallene som tabel" in "".join(summary.itertext())
    rows = [
        (row.findtext("th"), row.findtext("td"))
        for row in details.iter("tr")
        if row.find("td") is not None
    ]
    assert rows == [
        ("2018", "1"),
        ("2019", "5"),
        ("2020", "0"),
        ("2021", "6"),
        ("2022", "0"),
        ("2023", "6"),
    ]
    assert [th.text for th in details.iter("th")][:2] == ["År", "Dokumenter"]


def test_a_search_chart_says_how_many_documents_have_no_year() -> None:
    html = render(
        '{% from "_charts.html" import years_chart %}{{ years_chart(values, 4) }}',
        values=facet({"2021": 6, "2019": 5}),
    )
    figure = parse(html).find("figure")
    assert figure is not None
    assert figure.findtext("p") == "Derudover 4 dokumenter uden kendt år."
    assert ("Ukendt år", "4") in [(r.findtext("th"), r.findtext("td")) for r in figure.iter("tr")]
    no_note = render(
        '{% from "_charts.html" import years_chart %}{{ years_chart(values) }}',
        values=facet({"2021": 6}),
    )
    assert "uden kendt år" not in no_note


def test_the_macros_draw_nothing_without_numbers() -> None:
    html = render(
        '{% from "_charts.html" import years_chart, publishers_chart %}'
        "{{ years_chart([]) }}{{ publishers_chart([]) }}"
    )
    assert "<svg" not in html and html.strip() == ""


def test_labels_are_escaped_everywhere_they_appear() -> None:
    hostile = '<script>alert("x")</script> & Co'
    html = render(
        '{% from "_charts.html" import publishers_chart %}'
        "{{ publishers_chart(values, title=title) }}",
        values=[FacetValue(value=hostile, label=hostile, count=3)],
        title="<b>Udgivere</b>",
    )
    assert "<script>" not in html and "<b>" not in html
    figure = parse(html).find("figure")
    assert figure is not None
    texts = [t.text for t in figure.iter(f"{SVG}text")]
    assert hostile in texts
    assert figure.findtext(f"{SVG}svg/{SVG}title") == "<b>Udgivere</b>"
    assert any(th.text == hostile for th in figure.iter("th"))


def test_two_charts_on_one_page_have_their_own_ids() -> None:
    html = render(
        '{% from "_charts.html" import years_chart, publishers_chart %}'
        "{{ years_chart(years) }}{{ publishers_chart(publishers) }}",
        years=facet({"2020": 1}),
        publishers=facet({"VIVE": 1}),
    )
    ids = [element.get("id") for element in parse(html).iter() if element.get("id")]
    assert len(ids) == len(set(ids)) == 6


def test_an_entity_gets_mentions_over_time_and_its_documents_by_year_and_publisher() -> None:
    def document(year: int | None, publisher: str | None, count: int) -> EntityDocument:
        published = dt.date(year, 5, 1) if year else None
        return EntityDocument(
            id=f"d{year}{publisher}",
            title="T",
            publisher=publisher,
            kind=None,
            published=published,
            count=count,
            pages=[1],
        )

    entity = EntityPage(
        kb_id="org.vive",
        label="ORG",
        name="VIVE",
        aliases=[],
        former_names=[],
        description=None,
        parent=None,
        documents=[document(2018, "VIVE", 4), document(2020, "VIVE", 1), document(None, None, 2)],
        co_occurring=[],
        mentions_by_year={"2018": 4, "2020": 1, "ukendt": 2},
    )
    charts = entity_charts(entity)
    assert charts.mentions is not None and charts.years is not None
    assert charts.publishers is not None
    assert charts.mentions.table == [("2018", 4), ("2019", 0), ("2020", 1), ("Ukendt år", 2)]
    assert charts.mentions.title == "Omtale over tid" and charts.mentions.noun == MENTIONS
    assert charts.years.table == [("2018", 1), ("2019", 0), ("2020", 1), ("Ukendt år", 1)]
    assert charts.publishers.table == [("VIVE", 2), ("Ukendt udgiver", 1)]
    assert len({charts.mentions.id, charts.years.id, charts.publishers.id}) == 3
