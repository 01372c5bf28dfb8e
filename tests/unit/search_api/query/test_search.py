"""The parts of running a search that need no index: fusion, the spelling suggestion and the
cache of what is known of each word."""

import pytest

from search_api.query import search
from search_api.query.builder import Expansion, QueryOptions, Unit
from search_api.query.expansion import WordAnalysis, expand
from search_api.query.parser import parse_query
from search_api.query.search import (
    DENSE_WEIGHT,
    RRF_K,
    _did_you_mean,
    _found_by_meaning,
    _fuse_rankings,
    _unranked_by_meaning,
    _without_missing_words,
    fuse,
)


def test_fusion_favours_documents_both_rankings_put_high() -> None:
    fused = fuse([(["a", "b", "c"], 1.0), (["c", "b", "d"], 0.5)], k=60)
    assert list(fused) == ["b", "c", "a", "d"]
    assert fused["a"] == 1.0 / 61


def test_a_lighter_ranking_moves_documents_less() -> None:
    assert list(fuse([(["a", "b"], 1.0), (["b"], 0.01)], k=60)) == ["a", "b"]


def typo(text: str, *corrections: str) -> Unit:
    """A word no document has, as typed or by its stem."""
    return Unit(
        text=text, corrections=list(corrections), known=False, spelt_right=False, found=False
    )


def test_did_you_mean_replaces_misspelt_words_but_not_in_english() -> None:
    typos = Expansion(units=[typo("anbringlese", "anbringelse"), Unit(text="i")])
    assert _did_you_mean(typos, "anbringlese i netværket") == "anbringelse i netværket"
    english = Expansion(units=[typo("placed", "placeret")], english=True)
    assert _did_you_mean(english, "children placed with relatives") is None
    assert _did_you_mean(Expansion(units=[Unit(text="samvær")]), "samvær") is None


def test_did_you_mean_leaves_words_known_by_their_stem_and_abbreviations() -> None:
    """ "værktøj" (the texts say "værktøjet") was offered "værktøjet"; "ADHD" "aged", and
    was searched by it too (a document with "aged" was its one result)."""
    stem_known = Unit(text="værktøj", corrections=["værktøjet"], known=False)
    assert _did_you_mean(Expansion(units=[stem_known]), "værktøj") is None

    def lookup(words: list[str]) -> dict[str, WordAnalysis]:
        return {
            w: WordAnalysis(
                parts=[], stop=False, corrections=["aged"], known=False, spelt_right=False
            )
            for w in words
        }

    for typed, corrections, offered in (("ADHD", [], None), ("adhd", ["aged"], "aged")):
        expansion = expand(parse_query(typed), QueryOptions(), lookup)
        assert [unit.corrections for unit in expansion.units] == [corrections]
        assert _did_you_mean(expansion, typed) == offered


def test_did_you_mean_replaces_the_word_not_its_letters_inside_another() -> None:
    typos = Expansion(units=[Unit(text="anbringelse"), typo("anbring", "anbringe")])
    assert _did_you_mean(typos, "anbringelse anbring") == "anbringelse anbringe"
    typos = Expansion(units=[Unit(text="børnetelefonen"), typo("telefo", "telefon")])
    assert _did_you_mean(typos, "børnetelefonen telefo") == "børnetelefonen telefon"


def test_each_word_is_analysed_once_whatever_query_it_comes_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[str, ...]] = []

    def analyse(words: tuple[str, ...], target: str) -> dict[str, WordAnalysis]:
        asked.append(words)
        return {w: WordAnalysis(parts=[], stop=w == "og") for w in words}

    monkeypatch.setattr(search, "_analyze", analyse)
    monkeypatch.setattr(search, "_WORDS", search._WordCache())
    first = search.analyze_words(["børn", "og", "anbringelse"], "indeks")
    second = search.analyze_words(["anbringelse", "og", "samvær", "samvær"], "indeks")
    search.analyze_words(["samvær"], "et-andet-indeks")
    assert asked == [("børn", "og", "anbringelse"), ("samvær",), ("samvær",)]
    assert list(second) == ["anbringelse", "og", "samvær"]
    assert second["og"].stop and not first["børn"].stop


def test_an_english_document_stands_in_meanings_ranking_where_the_words_put_it() -> None:
    """For an English query meaning cannot see English documents: one the words found gets
    meaning's share at its words' rank, also where meaning ranked it low among the Danish
    ones (the guide "Conversation guide: Your rights when you live in care" was 8th for its
    own title); Danish documents are left as fused."""
    words, meaning = ["da1", "en1", "da2"], ["da2", "da1", "en1"]
    hits = [
        {"_id": "da1", "fields": {"language": ["da"], "embedded": [True]}},
        {"_id": "en1", "fields": {"language": ["en"], "embedded": [True]}},
        {"_id": "da2", "fields": {"language": ["da"], "embedded": [True]}},
    ]
    english = Expansion(units=[Unit(text="anbringelse")], english=True)
    unranked = _unranked_by_meaning({"hits": {"hits": hits}}, english)
    assert unranked == {"en1"}
    placed = _fuse_rankings(words, meaning, unranked)
    assert placed["en1"] == 1.0 / (RRF_K + 2) + DENSE_WEIGHT / (RRF_K + 2)
    fused = fuse([(words, 1.0), (meaning, DENSE_WEIGHT)], k=RRF_K)
    assert placed["da1"] == fused["da1"] and placed["da2"] == fused["da2"]
    assert list(placed)[:2] == ["da1", "en1"]
    danish = Expansion(units=[Unit(text="anbringelse")])
    assert _unranked_by_meaning({"hits": {"hits": hits}}, danish) == set()
    assert _fuse_rankings(words, meaning, set()) == fused


def test_a_document_not_embedded_yet_stands_in_meanings_ranking_where_the_words_put_it() -> None:
    """A new document, searchable by its words at once, ranked behind every document both
    rankings found until its passages were embedded: its exact title came 7th."""
    words = ["ny", "a", "b", "c"]
    meaning = ["a", "b", "c"]
    assert next(iter(fuse([(words, 1.0), (meaning, DENSE_WEIGHT)], k=RRF_K))) == "a"
    hits = [
        {"_id": "ny", "fields": {"language": ["da"]}},
        *({"_id": i, "fields": {"language": ["da"], "embedded": [True]}} for i in meaning),
    ]
    danish = Expansion(units=[Unit(text="samvær")])
    unranked = _unranked_by_meaning({"hits": {"hits": hits}}, danish)
    assert next(iter(_fuse_rankings(words, meaning, unranked))) == "ny"


def test_words_no_document_has_are_left_out_when_others_are_left() -> None:
    """ "bitcoin kurs" listed results found by "kurs" alone, and said nothing of "bitcoin";
    "børn qzxwv" found 17 of the 87 documents of "børn", and said they were found without it."""
    query = Expansion(
        units=[typo("bitcoin"), typo("kurs", "kort"), Unit(text="børn")],
        english_units=[Unit(text="bitcoin"), Unit(text="kurs"), Unit(text="børn")],
    )
    searched = _without_missing_words(query)
    assert searched.missing == ["bitcoin"]
    assert [u.text for u in searched.units] == ["kurs", "børn"]
    assert [u.text for u in searched.english_units] == ["kurs", "børn"]
    with_or = Expansion(units=[typo("bitcoin")], any_of=[[Unit(text="a"), Unit(text="b")]])
    assert _without_missing_words(with_or).missing == ["bitcoin"]
    # Nothing else to search by (the page says nothing was found); a compound is found by
    # its parts; English is searched by its Danish words.
    for kept in (
        Expansion(units=[typo("bitcoin")]),
        Expansion(units=[typo("bitcoin"), typo("qzxwv")]),
        Expansion(units=[typo("qwxz"), typo("vbnq", "vand")]),  # beside a typo only
        Expansion(units=[typo("x").model_copy(update={"parts": ["a", "b"]}), Unit(text="børn")]),
        Expansion(units=[typo("bitcoin"), Unit(text="børn")], english=True),
        # Among the authors only; a name of the knowledge base (its other names are searched).
        Expansion(units=[typo("Holm").model_copy(update={"found": True}), Unit(text="børn")]),
        Expansion(units=[typo("sfi").model_copy(update={"kb_id": "org.vive"}), Unit(text="børn")]),
    ):
        assert _without_missing_words(kept) == kept


def test_did_you_mean_corrects_the_words_of_an_or_too() -> None:
    """ "plejefamile OR netværk" got no suggestion, "plejefamile" alone did."""
    group = [typo("plejefamile", "plejefamilie"), Unit(text="netværk")]
    assert _did_you_mean(Expansion(any_of=[group]), "plejefamile OR netværk") == (
        "plejefamilie OR netværk"
    )


def test_autocomplete_keeps_places_for_names_among_many_titles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Titles came first and the list was cut at eight: eight titles left no name."""
    options = {
        "titles": [{"text": f"Anbringelse {n}"} for n in range(8)],
        "names": [{"text": "Anbringelsesreformen"}, {"text": "Anbringelse 1"}],
    }

    class Answers:
        def search(self, **_request: object) -> dict[str, object]:
            return {"suggest": {name: [{"options": o}] for name, o in options.items()}}

    monkeypatch.setattr(search, "get_client", Answers)
    suggestions = search.autocomplete("anbr").suggestions
    assert len(suggestions) == 8 and "Anbringelsesreformen" in suggestions
    assert suggestions[:5] == [f"Anbringelse {n}" for n in range(5)]


def test_the_documents_without_a_year_are_read_from_the_year_facet() -> None:
    """Counted as the facets count: edition groups, not their members."""
    facet = {"missing": {"doc_count": 5, "groups": {"value": 4}}}
    assert search._without_year({"aggregations": {"year": facet}}) == 4
    assert search._without_year({"aggregations": {}}) == 0


def test_a_name_alone_is_not_searched_by_meaning() -> None:
    """ "Radikale Venstre" found 33 documents by meaning where 2 name the party; a question
    about it still is."""
    hits = {"hits": {"hits": [{"_id": f"d{i}", "_score": 0.95} for i in range(5)]}}
    name = Expansion(units=[Unit(text="Radikale Venstre", kb_id="org.radikale-venstre")])
    assert _found_by_meaning([hits], parse_query("Radikale Venstre"), name) == []
    asked = Expansion(units=[*name.units, Unit(text="børnepolitik")])
    found = _found_by_meaning([hits], parse_query("Radikale Venstre børnepolitik"), asked)
    assert len(found) == 5


def test_a_word_left_out_of_the_query_counts_for_nothing_found_by_meaning() -> None:
    """ "børn qzxwv" found a document without "børn" by the meaning of both words (67 results
    against 66 for "børn"): the one word left is matched by its words alone."""
    hits = {"hits": {"hits": [{"_id": f"d{i}", "_score": 0.95} for i in range(5)]}}
    parsed = parse_query("børn qzxwv")
    left_out = Expansion(units=[Unit(text="børn")], missing=["qzxwv"])
    assert _found_by_meaning([hits], parsed, left_out) == []
    both = Expansion(units=[Unit(text="børn"), Unit(text="samvær")])
    assert len(_found_by_meaning([hits], parse_query("børn samvær"), both)) == 5


def test_a_snippet_of_the_english_chain_is_told_english() -> None:
    """The page showed an English page's snippet without ``lang="en"``."""
    hit = {
        "inner_hits": {
            "pages": {
                "hits": {
                    "hits": [
                        {"fields": {"pages.number": [2]}, "highlight": {"pages.text_en": ["a"]}},
                        {"fields": {"pages.number": [5]}, "highlight": {"pages.text": ["b"]}},
                    ]
                }
            }
        }
    }
    assert [(h.page, h.highlight, h.language) for h in search._page_hits(hit)] == [
        (2, "a", "en"),
        (5, "b", None),
    ]


def test_numbers_and_signs_are_no_words_for_meaning() -> None:
    """ "§ 50" found 23 documents by meaning without "50" in them, "barnets lov § 47" 28
    without the paragraph: a paragraph is a number, and a name with one is a name alone."""
    hits = {"hits": {"hits": [{"_id": f"d{i}", "_score": 0.95} for i in range(5)]}}
    law = Unit(text="barnets lov", kb_id="law.barnets-lov")
    for typed, units in (
        ("§ 50", [Unit(text="§"), Unit(text="50")]),
        ("barnets lov § 47", [law, Unit(text="47")]),
        (
            "serviceloven § 52",
            [Unit(text="serviceloven", kb_id="law.serviceloven"), Unit(text="52")],
        ),
    ):
        assert _found_by_meaning([hits], parse_query(typed), Expansion(units=units)) == []
    asked = Expansion(units=[law, Unit(text="samvær")])
    assert len(_found_by_meaning([hits], parse_query("barnets lov samvær"), asked)) == 5


def test_a_word_no_document_has_beside_a_paragraph_is_left_out() -> None:
    """ "§ 52 qzxwv" found nothing: the one unit beside the reference was kept, and required."""
    expansion = Expansion(units=[typo("qzxwv")], paragraphs=["52"])
    assert _without_missing_words(expansion).units == []
    assert _without_missing_words(expansion).missing == ["qzxwv"]
