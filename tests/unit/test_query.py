import pytest
from pydantic import ValidationError

from search_api.query import MAX_PAGE_SIZE, SearchParams, build_query


def test_text_goes_only_into_match_queries() -> None:
    body = build_query(SearchParams(q='inddragelse "af børn" OR {"script": 1}'))
    must = body["query"]["bool"]["must"][0]["bool"]["should"]
    metadata, pages = must
    assert metadata["multi_match"]["query"] == 'inddragelse "af børn" OR {"script": 1}'
    assert (
        pages["nested"]["query"]["match"]["pages.text"]["query"] == metadata["multi_match"]["query"]
    )


def test_empty_query_lists_newest_first() -> None:
    body = build_query(SearchParams())
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert next(iter(body["sort"][0])) == "published"


def test_filters_and_paging() -> None:
    params = SearchParams(q="anbringelse", publisher=["VIVE"], year=[2021, 2022], page=3, size=20)
    body = build_query(params)
    assert {"terms": {"publisher": ["VIVE"]}} in body["query"]["bool"]["filter"]
    assert {"terms": {"year": [2021, 2022]}} in body["query"]["bool"]["filter"]
    assert body["from"] == 40 and body["size"] == 20
    assert set(body["aggs"]) == {"publisher", "kind", "year"}


def test_page_hits_are_highlighted_with_html_escaping() -> None:
    nested = build_query(SearchParams(q="børn"))["query"]["bool"]["must"][0]["bool"]["should"][1]
    highlight = nested["nested"]["inner_hits"]["highlight"]
    assert highlight["encoder"] == "html"
    assert highlight["pre_tags"] == ["<mark>"]


@pytest.mark.parametrize(
    "bad",
    [
        {"size": MAX_PAGE_SIZE + 1},
        {"size": 0},
        {"page": 0},
        {"page": "abc"},
        {"q": "x" * 1001},
        {"sort": "random"},
        {"year": ["tyve"]},
    ],
)
def test_bad_parameters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SearchParams.model_validate(bad)


def test_whitespace_is_collapsed() -> None:
    assert SearchParams(q="  anbragte \n unge ").text == "anbragte unge"
