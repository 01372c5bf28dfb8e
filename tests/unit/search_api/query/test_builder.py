import json
from typing import Any

import pytest
from pydantic import ValidationError

from search_api.query import builder
from search_api.query.builder import (
    ENGLISH_TITLE_BOOST,
    MAX_PAGE_SIZE,
    Expansion,
    QueryOptions,
    SearchParams,
    Unit,
    build_query,
    hit_has_editions,
    hit_id,
    snippets_query,
)
from search_api.query.expansion import expand
from search_api.query.filters import FILTERS_BY_NAME
from search_api.query.parser import parse_query


def body_for(q: str, options: QueryOptions | None = None, **params: object) -> dict[str, Any]:
    search = SearchParams.model_validate({"q": q, **params})
    return build_query(search, Expansion.plain(parse_query(q)), options)


def test_user_text_only_becomes_match_text() -> None:
    hostile = '{"script": "x"} inddragelse'
    body = json.dumps(body_for(hostile))
    assert '"script":' not in body.replace('\\"script\\"', "")
    assert "query_string" not in body and "simple_query_string" not in body


def test_empty_query_lists_newest_first() -> None:
    body = body_for("")
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert next(iter(body["sort"][0])) == "published"
    assert "suggest" not in body


def test_filters_and_paging() -> None:
    body = body_for(
        "anbringelse",
        publisher=["VIVE"],
        year=[2021, 2022],
        entity=["org.kl"],
        page=3,
        size=20,
        sort="newest",
    )
    # The filters narrow the results after the facets are counted.
    filters = body["post_filter"]["bool"]["filter"]
    assert FILTERS_BY_NAME["publisher"].clause(["VIVE"]) in filters
    assert {"terms": {"year": [2021, 2022]}} in filters
    assert FILTERS_BY_NAME["entity"].clause(["org.kl"]) in filters
    assert body["from"] == 40 and body["size"] == 20
    assert {"publisher", "kind", "year", "entity", "target_age", "professional"} <= set(
        body["aggs"]
    )


def test_relevance_gives_the_fusion_a_window_of_ids_from_the_top() -> None:
    search = SearchParams(q="anbringelse", page=3, size=20)
    body = build_query(search, Expansion.plain(parse_query("anbringelse")), size=80)
    assert (body["from"], body["size"]) == (0, 80)
    # Ids, edition groups and languages from doc values: no stored field is read, so no
    # document is decompressed.
    assert (body["stored_fields"], body["docvalue_fields"], "_source" in body) == (
        "_none_",
        ["id", "edition_group", "has_editions", "language", "embedded"],
        False,
    )
    assert hit_id({"_score": 1.0, "fields": {"id": ["abc"]}}) == "abc"
    # Whether to ask for a hit's other editions: only when the index says it has some, or
    # cannot say (an index built before it said).
    assert not hit_has_editions({"fields": {"id": ["abc"], "has_editions": [False]}})
    assert hit_has_editions({"fields": {"id": ["abc"], "has_editions": [True]}})
    assert not hit_has_editions({"_source": {"id": "abc", "has_editions": False}})
    assert hit_has_editions({"_source": {"id": "abc"}})


def test_documents_found_by_meaning_join_the_words_without_score() -> None:
    expansion = Expansion.plain(parse_query("støtte efter 18"))
    body = build_query(SearchParams(q="støtte efter 18"), expansion, None, ["a", "b"], size=50)
    retrievals = body["query"]["bool"]["should"]
    assert {"ids": {"values": ["a", "b"], "boost": 0.0}} in retrievals
    assert body["query"]["bool"]["minimum_should_match"] == 1
    words_only = build_query(SearchParams(q="x"), expansion, QueryOptions(lexical=False), size=5)
    assert words_only["query"]["bool"]["should"] == [{"match_none": {}}]


def test_a_word_most_documents_have_ranks_but_does_not_decide() -> None:
    expansion = Expansion(units=[Unit(text="inddragelse"), Unit(text="børn", common=True)])
    text = build_query(SearchParams(q="inddragelse børn"), expansion)["query"]["bool"]["should"][0]
    [required] = text["bool"]["must"][0]["bool"]["must"]
    assert "børn" not in json.dumps(required, ensure_ascii=False)
    assert "børn" in json.dumps(text["bool"]["must"][0]["bool"]["should"], ensure_ascii=False)
    both_common = Expansion(units=[Unit(text="børn", common=True), Unit(text="unge", common=True)])
    text = build_query(SearchParams(q="børn unge"), both_common)["query"]["bool"]["should"][0]
    assert text["bool"]["must"][0]["bool"]["must"][0]["bool"]["minimum_should_match"] == "100%"


def test_a_word_the_corpus_lacks_also_searches_its_nearest_words() -> None:
    typo = Expansion(units=[Unit(text="eftervearn", corrections=["efterværn", "eftervær"])])
    body = json.dumps(build_query(SearchParams(q="eftervearn"), typo), ensure_ascii=False)
    assert (
        '"query": "efterværn", "fields": ["title.exact^3", "body.exact", "authors.exact^1.5"]'
        in body
    )
    assert "fuzziness" not in body and '"suggest"' not in body
    off = build_query(SearchParams(q="eftervearn"), typo, QueryOptions(fuzzy=False))
    assert "efterværn" not in json.dumps(off, ensure_ascii=False)


def test_phrases_exclusions_and_or() -> None:
    body = body_for('"inddragelse af børn" -plejefamilie samvær OR besøg')
    words = body["query"]["bool"]["should"][0]
    # The Danish chain's query, or the typed words' in English text.
    danish, english = words["bool"]["must"][0]["bool"]["should"]
    must = danish["bool"]["must"]
    assert len(must) == 2  # the words/phrases, and the OR group
    assert "body_en" in json.dumps(english) and "body_en" not in json.dumps(danish)
    text = json.dumps(must, ensure_ascii=False)
    assert '"type": "phrase"' in text and "inddragelse af børn" in text
    assert body["query"]["bool"]["must_not"][0]["multi_match"]["query"] == "plejefamilie"


def test_alternatives_parts_and_fuzziness_widen_a_unit() -> None:
    expansion = Expansion(
        units=[
            Unit(text="KL", alternatives=["Kommunernes Landsforening"], kb_id="org.kl"),
            Unit(text="børneinddragelse", parts=["børn", "inddragelse"]),
            Unit(text="bisider", corrections=["bisidder"]),
        ]
    )
    body = json.dumps(
        build_query(SearchParams(q="KL børneinddragelse"), expansion), ensure_ascii=False
    )
    assert "Kommunernes Landsforening" in body and '"entities.kb_id"' in body
    assert '"query": "bisidder"' in body
    off = json.dumps(
        build_query(
            SearchParams(q="x"),
            expansion,
            QueryOptions(synonyms=False, decompounding=False, fuzzy=False),
        )
    )
    assert "Kommunernes Landsforening" not in off and '"query": "bisidder"' not in off
    assert '"query": "inddragelse"' not in off


def test_page_hits_are_highlighted_with_html_escaping_for_the_shown_page_only() -> None:
    expansion = Expansion.plain(parse_query("børn"))
    assert "inner_hits" not in json.dumps(build_query(SearchParams(q="børn"), expansion, size=50))
    body = snippets_query(["a", "b"], expansion, QueryOptions())
    assert body["query"]["bool"]["filter"] == [{"ids": {"values": ["a", "b"]}}]
    nested = body["query"]["bool"]["should"][0]["nested"]
    highlight = nested["inner_hits"]["highlight"]
    assert highlight["encoder"] == "html" and highlight["pre_tags"] == ["<mark>"]


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


def test_english_words_search_english_text_through_the_english_chain() -> None:
    expansion = Expansion(
        units=[Unit(text="anbringelse")],
        english=True,
        english_units=[Unit(text="placements"), Unit(text="foster care", phrase=True)],
    )
    body = build_query(SearchParams(q='placements "foster care"'), expansion)
    danish, english = body["query"]["bool"]["should"][0]["bool"]["must"][0]["bool"]["should"]
    assert "placements" not in json.dumps(danish)
    assert english["bool"]["should"] == [
        {
            "multi_match": {
                "query": "placements",
                "fields": ["title_en^3", "body_en"],
                "operator": "and",
            }
        },
        {
            "multi_match": {
                "query": "foster care",
                "fields": ["title_en^3", "body_en"],
                "type": "phrase",
            }
        },
    ]
    # English pages are matched and highlighted on their English field.
    pages = json.dumps(body["query"]["bool"]["should"][0]["bool"]["should"][1])
    assert '"pages.text_en"' in pages and '"placements"' in pages
    # An English document whose English title has every word is the one asked for: its
    # English fields score on the few English documents' statistics, far below the Danish.
    should = body["query"]["bool"]["should"][0]["bool"]["should"]
    title = {"match": {"title_en": {"query": "placements foster care", "operator": "and"}}}
    assert {"constant_score": {"filter": title, "boost": ENGLISH_TITLE_BOOST}} in should
    # Not for a Danish query whose words are also looked for in English text, nor for two
    # words beside function words: a subject ("the foster care"), which would put every
    # English document named by it above the Danish ones on it.
    danish = expansion.model_copy(update={"english": False})
    assert "constant_score" not in json.dumps(build_query(SearchParams(q="anbringelse"), danish))
    subject = expansion.model_copy(
        update={"english_units": [Unit(text="the"), Unit(text="foster care", phrase=True)]}
    )
    assert "constant_score" not in json.dumps(build_query(SearchParams(q="x"), subject))
    # Without English words, the words' query is the Danish chain's alone.
    danish_only = Expansion(units=[Unit(text="anbringelse")])
    plain = build_query(SearchParams(q="anbringelse"), danish_only)
    assert "body_en" not in json.dumps(plain["query"]["bool"]["should"][0]["bool"]["must"])


def test_the_language_facet_counts_and_filters_by_code() -> None:
    body = body_for("", language=["en"])
    assert FILTERS_BY_NAME["language"].clause(["en"]) in body["post_filter"]["bool"]["filter"]
    assert body["aggs"]["language"]["aggs"]["values"]["terms"]["field"] == "language"


def test_a_typos_pages_are_those_of_its_nearest_word_only() -> None:
    """ "samvr" showed pages of "sager", "samme" and "sammen" beside "samvær"."""
    typo = Expansion(units=[Unit(text="samvr", corrections=["samvær", "sager", "samme"])])
    pages = json.dumps(build_query(SearchParams(q="samvr"), typo)["query"], ensure_ascii=False)
    nested = pages[pages.index('"nested"') :]
    assert '"query": "samvær", "fields": ["pages.text"], "boost": 0.0' in nested
    assert '"query": "sager", "fields": ["pages.text"]' not in nested


def test_a_paragraph_reference_is_a_condition_on_the_paragraphs_referred_to() -> None:
    """ "§ 52" was the number 52 (the tokenizer drops "§"), found in every table that had it."""
    words = {
        "§ 52": ([], ["52"]),
        "§§ 41 og 42 efterværn": (["efterværn"], ["41", "42"]),
        "serviceloven § 52, stk. 3": (["serviceloven"], ["52"]),
        "§ 50-undersøgelse": (["undersøgelse"], ["50"]),
        "§ alene": (["§", "alene"], []),
        "hvad siger § 52?": (["hvad", "siger"], ["52"]),
    }
    for query, (units, paragraphs) in words.items():
        expansion = expand(parse_query(query), QueryOptions(synonyms=False))
        assert ([u.text for u in expansion.units], expansion.paragraphs) == (units, paragraphs)
    expansion = expand(parse_query("§ 52"), QueryOptions(synonyms=False))
    body = build_query(SearchParams(q="§ 52"), expansion)
    lexical = body["query"]["bool"]["should"][0]["bool"]
    assert lexical["must"] == [{"terms": {"paragraphs": ["52"]}}]
    # Its pages with the number are the ones shown.
    assert '"query": "52"' in json.dumps(lexical["should"][1])
    # Beside other words it ranks (a document on the law that does not cite the paragraph
    # may answer too: required, out-of-domain recall@20 fell from 0.863 to 0.836).
    expansion = expand(parse_query("efterværn § 76"), QueryOptions(synonyms=False))
    lexical = build_query(SearchParams(q="efterværn § 76"), expansion)["query"]["bool"]
    lexical = lexical["should"][0]["bool"]
    assert "paragraphs" not in json.dumps(lexical["must"])
    assert {"terms": {"paragraphs": ["76"]}} in [
        clause.get("constant_score", {}).get("filter") for clause in lexical["should"]
    ]


def test_an_abbreviation_in_capitals_requires_its_record_or_another_name() -> None:
    """ "KL" matched "kl. 14" in the lower-cased index; "kl" as typed still does."""

    def filters(text: str) -> list[Any]:
        unit = Unit(text=text, kb_id="org.kl", alternatives=["Kommunernes Landsforening"])
        body = build_query(SearchParams(q=text), Expansion(units=[unit], english_units=[unit]))
        found: list[Any] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                found.extend(node.get("filter", []) if "must" in node else [])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(body["query"])
        return found

    named = filters("KL")
    assert named and all('"entities.kb_id": "org.kl"' in json.dumps(f) for f in named)
    assert all("Kommunernes Landsforening" in json.dumps(f) for f in named)
    assert filters("kl") == []


def test_a_word_the_analyzer_cuts_in_several_needs_all_of_them() -> None:
    """One typed word matched either of its analyzed parts: "Høje-Taastrup" found 22 documents
    by "høje" where none has "Taastrup", "e-mail" every "e-bog", "forældre/værge" every
    "forældre"."""
    assert builder._match("Høje-Taastrup", ["body"], False) == {
        "multi_match": {"query": "Høje-Taastrup", "fields": ["body"], "type": "phrase"}
    }
    assert builder._match("forældre/værge", ["body"], False) == {
        "multi_match": {"query": "forældre/værge", "fields": ["body"], "operator": "and"}
    }
    # Its parts are its last piece's: matched by them, "corona" was not needed.
    unit = Unit(text="Corona-hjælpepakke", parts=["hjælpe", "pakke"])
    assert builder.unit_clause(unit, ["body"], QueryOptions(fuzzy=False)) == {
        "multi_match": {"query": "Corona-hjælpepakke", "fields": ["body"], "type": "phrase"}
    }
    # A coordination's first part ("børne- og") is no hyphenated word.
    assert builder._match("børne-", ["body"], False)["multi_match"]["operator"] == "and"
