"""The filter table drives the parameters, the query, the facets, the form and the messages."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from ingest.metadata import AgeRange, parse_age_range, stored_age_range
from nlp_models.knowledge_base import apply_edits, load_records
from search_api.query.builder import FACET_VALUES, Expansion, SearchParams, build_query
from search_api.query.filters import FILTERS, FILTERS_BY_NAME, RangeFilter
from search_api.query.parser import parse_query
from tests.helpers import PROJECT_ROOT
from vidensbank.settings import get_settings
from web.app import app
from web.errors import PARAMETER_NAMES, explain_validation_error

NAMES = [
    "publisher",
    "kind",
    "language",
    "year",
    "year_from",
    "year_to",
    "target_age",
    "professional",
    "entity",
]
# The filters with a facet: all but the ends of the range of years.
FACETS = ["publisher", "kind", "language", "year", "target_age", "professional", "entity"]
# One value of each filter, as the sample corpus has them.
EVERY_FILTER: dict[str, list[Any]] = {
    "publisher": ["Børns Vilkår"],
    "kind": ["værktøj"],
    "language": ["en"],
    "year": [2021],
    "year_from": [2020],
    "year_to": [2022],
    "target_age": ["10"],
    "professional": ["lærer", "pædagog"],
    "entity": ["ini.boernetelefonen"],
}


def params(**values: Any) -> SearchParams:
    return SearchParams.model_validate(values)


def any_of(field: str, *values: str) -> dict[str, Any]:
    """A text filter's clause: any of its values, in any case."""
    terms = [{"term": {field: {"value": v, "case_insensitive": True}}} for v in values]
    return {"bool": {"should": terms, "minimum_should_match": 1}}


def filter_clauses(**values: Any) -> list[dict[str, Any]]:
    """The filters narrow the results after the facets are counted (a post filter)."""
    body = build_query(params(**values), Expansion.plain(parse_query("")))
    assert "filter" not in body["query"]["bool"]
    return list(body.get("post_filter", {"bool": {"filter": []}})["bool"]["filter"])


def facet(name: str, **values: Any) -> dict[str, Any]:
    return dict(build_query(params(**values), Expansion.plain(parse_query("")))["aggs"][name])


def test_the_table_holds_the_filters_in_the_order_the_page_shows_them() -> None:
    assert [f.name for f in FILTERS] == NAMES
    assert all(f.label and f.noun for f in FILTERS)


def test_every_filter_is_a_parameter_of_the_search_and_nothing_else_is() -> None:
    assert set(SearchParams.model_fields) == {"q", "page", "size", "sort", *NAMES}
    parameters = TestClient(app).get("/openapi.json").json()["paths"]["/api/search"]["get"]
    described = {p["name"]: p for p in parameters["parameters"]}
    for f in FILTERS:
        assert described[f.name]["schema"]["type"] == "array", f.name
        assert described[f.name]["description"].startswith(f"Filtrér på {f.noun}")


def test_unknown_parameters_are_not_filters() -> None:
    assert filter_clauses(author=["Hansen"]) == []


def test_values_are_or_ed_within_a_filter_and_and_ed_across_filters() -> None:
    clauses = filter_clauses(publisher=["VIVE", "Børns Vilkår"], year=[2021, 2022])
    assert clauses == [
        any_of("publisher", "VIVE", "Børns Vilkår"),
        {"terms": {"year": [2021, 2022]}},
    ]


def test_every_filter_set_gives_one_clause_each() -> None:
    clauses = filter_clauses(**EVERY_FILTER)
    assert len(clauses) == len(FILTERS)
    assert any_of("entities.kb_id", "ini.boernetelefonen") in clauses
    assert any_of("professional", "lærer", "pædagog") in clauses


def test_an_age_finds_the_documents_whose_target_age_holds_it() -> None:
    [clause] = filter_clauses(target_age=["10"])
    assert clause == {
        "bool": {
            "should": [
                {"range": {"target_age_range": {"gte": 10, "lte": 10, "relation": "contains"}}}
            ],
            "minimum_should_match": 1,
        }
    }


def test_a_range_of_ages_finds_the_target_ages_that_hold_all_of_it() -> None:
    [clause] = filter_clauses(target_age=["6-12 år", "14+ år"])
    assert [c["range"]["target_age_range"] for c in clause["bool"]["should"]] == [
        {"gte": 6, "lte": 12, "relation": "contains"},
        {"gte": 14, "relation": "contains"},
    ]


def test_every_filter_but_a_range_end_has_a_facet_and_target_age_counts_the_stated_ages() -> None:
    aggs = build_query(params(), Expansion.plain(parse_query("")))["aggs"]
    # Besides the facets, the count of edition groups the results hold (the total).
    assert list(aggs) == [*FACETS, "groups"]
    assert aggs["target_age"]["aggs"][FACET_VALUES]["terms"]["field"] == "target_age"
    assert aggs["entity"]["aggs"][FACET_VALUES]["terms"]["field"] == "entities.kb_id"


def test_a_facet_counts_what_every_other_filter_lets_through() -> None:
    publishers = facet("publisher", publisher=["VIVE"], kind=["rapport"])
    assert publishers["filter"] == {"bool": {"filter": [any_of("kind", "rapport")]}}
    kinds = facet("kind", publisher=["VIVE"], kind=["rapport"])
    assert kinds["filter"] == {"bool": {"filter": [any_of("publisher", "VIVE")]}}


def test_years_are_listed_newest_first_and_other_facets_by_count() -> None:
    assert facet("year")["aggs"][FACET_VALUES]["terms"]["order"] == {"_key": "desc"}
    # A value counts edition groups, as the results list them: two editions of one report
    # are one.
    publishers = facet("publisher")["aggs"][FACET_VALUES]
    assert publishers["terms"]["order"] == [{"groups": "desc"}, {"_key": "asc"}]
    assert publishers["aggs"]["groups"]["cardinality"]["field"] == "edition_group"


def test_a_range_of_years_narrows_the_results_and_the_years_facet() -> None:
    clauses = filter_clauses(year_from=[2015], year_to=[2020])
    assert clauses == [{"range": {"year": {"gte": 2015}}}, {"range": {"year": {"lte": 2020}}}]
    assert facet("year", year_from=[2015], year_to=[2020])["filter"]["bool"]["filter"] == clauses


def test_a_range_of_years_given_backwards_is_put_in_order() -> None:
    """ "Fra 2025, til 2010" found nothing and said nothing: it means the years between."""
    backwards = SearchParams.model_validate({"year_from": ["2025"], "year_to": ["2010"]})
    assert (
        backwards.values(FILTERS_BY_NAME["year_from"]),
        backwards.values(FILTERS_BY_NAME["year_to"]),
    ) == ([2010], [2025])
    assert filter_clauses(year_from=[2025], year_to=[2010]) == filter_clauses(
        year_from=[2010], year_to=[2025]
    )


def test_of_several_ends_of_a_range_the_widest_counts() -> None:
    assert filter_clauses(year_from=[2018, 2015], year_to=[2019, 2021]) == [
        {"range": {"year": {"gte": 2015}}},
        {"range": {"year": {"lte": 2021}}},
    ]


def test_an_empty_value_from_a_form_sets_nothing() -> None:
    search = params(year_from=[""], year_to=["", "2020"], target_age=[" "], publisher=[""])
    assert search.values(FILTERS_BY_NAME["year_from"]) == []
    assert search.values(FILTERS_BY_NAME["year_to"]) == [2020]
    assert filter_clauses(year_from=[""], target_age=[""]) == []


def test_a_bad_year_of_a_range_gets_a_danish_400() -> None:
    response = TestClient(app).get("/api/search", params={"year_from": "sidste år"})
    assert response.status_code == 400
    assert response.json()["error"] == "Første år skal være et helt tal."
    response = TestClient(app).get("/api/search", params={"year_to": "99999"})
    assert response.json()["error"] == "Sidste år må højst være 9999."


def test_professionals_are_filtered_without_regard_to_case_and_shown_capitalised() -> None:
    professional = FILTERS_BY_NAME["professional"]
    assert filter_clauses(professional=["Lærer"]) == [any_of("professional", "Lærer")]
    terms = facet("professional")["aggs"][FACET_VALUES]["terms"]
    assert terms["field"] == "professional.as_written"
    assert professional.show("lærer") == "Lærer"
    assert professional.show("AKT-lærer") == "AKT-lærer"
    assert FILTERS_BY_NAME["kind"].show("værktøj") == "Værktøj"
    assert FILTERS_BY_NAME["publisher"].show("VIVE") == "VIVE"


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("6-12 år", AgeRange(6, 12)),
        ("0-6 år", AgeRange(0, 6)),
        ("13-17 år", AgeRange(13, 17)),
        ("14+ år", AgeRange(14, None)),
        ("under 10 år", AgeRange(0, 9)),
        ("over 14 år", AgeRange(15, None)),
        ("fra 3 år", AgeRange(3, None)),
        ("6 til 12 år", AgeRange(6, 12)),
        ("6–12-årige", AgeRange(6, 12)),
        (" 10  År ", AgeRange(10, 10)),
        ("10", AgeRange(10, 10)),
        ("12-6 år", None),
        ("200 år", None),
        ("under 0 år", None),
        ("børn og unge", None),
        ("", None),
    ],
)
def test_target_ages_are_read_as_numbers(text: str, ages: AgeRange | None) -> None:
    assert parse_age_range(text) == ages


def test_every_target_age_of_the_sample_corpus_is_read_as_numbers() -> None:
    found = set()
    for path in (PROJECT_ROOT / "sample_corpus" / "documents").glob("*.yaml"):
        target_age = yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("target_age")
        if target_age:
            found.add(target_age)
            assert parse_age_range(target_age) is not None, (path.name, target_age)
    assert found


def test_stored_ages_come_first_and_older_documents_fall_back_to_the_text() -> None:
    assert stored_age_range(
        {"target_age": "6-12 år", "target_age_from": 6, "target_age_to": 12}
    ) == AgeRange(6, 12)
    assert stored_age_range({"target_age": "14+ år"}) == AgeRange(14, None)
    assert stored_age_range({"target_age": "alle aldre"}) is None
    assert stored_age_range({}) is None


@pytest.mark.parametrize("bad", ["ti år", "12-6", "200"])
def test_a_target_age_that_names_no_ages_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        params(target_age=[bad])


def test_every_filter_has_a_danish_name_in_messages() -> None:
    named = {name: noun.text for name, noun in PARAMETER_NAMES.items()}
    assert {f.name: f.noun for f in FILTERS}.items() <= named.items()
    assert explain_validation_error(
        {"loc": ("query", "target_age", 0), "type": "filter_value"}
    ) == (400, "Målgruppe skal være en alder i år (fx 10) eller et aldersspænd (fx 6-12 år).")


def test_a_bad_target_age_gets_a_danish_400() -> None:
    response = TestClient(app).get("/api/search", params={"target_age": "ti år"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("Målgruppe skal være en alder i år")


def test_an_age_facet_counts_what_choosing_each_value_finds() -> None:
    ages = FILTERS_BY_NAME["target_age"]
    assert isinstance(ages, RangeFilter)
    counted = {"10-14 år": 1, "6-17 år": 2, "12-17 år": 4, "14+ år": 3, "0-99 år": 0}
    # "10-14 år" is held by "6-17 år" too; "14+ år" only by itself; the most first.
    assert ages.holding(counted) == {
        "12-17 år": 6,
        "10-14 år": 3,
        "14+ år": 3,
        "6-17 år": 2,
        "0-99 år": 0,
    }


def test_a_record_merged_into_another_is_filtered_as_that_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After SFI was merged into VIVE, "/?entity=org.sfi" found nothing (its documents were
    found again as VIVE's), and "entity=org.vive" missed SFI's until they were."""
    kb = apply_edits(load_records(get_settings().kb_dir), [("org.sfi", "merge", "org.vive")])
    monkeypatch.setattr("search_api.query.filters.current_knowledge_base", lambda: kb)
    entity = FILTERS_BY_NAME["entity"]
    for asked in ("org.sfi", "org.vive"):
        [*terms] = entity.clause([asked])["bool"]["should"]
        assert {t["term"]["entities.kb_id"]["value"] for t in terms} == {"org.sfi", "org.vive"}
    [alone] = entity.clause(["org.kl"])["bool"]["should"]
    assert alone["term"]["entities.kb_id"]["value"] == "org.kl"
