"""The parts of running a search that need no index: fusion and the spelling suggestion."""

from search_api.query.builder import Expansion, Unit
from search_api.query.search import _did_you_mean, fuse


def test_fusion_favours_documents_both_rankings_put_high() -> None:
    fused = fuse([(["a", "b", "c"], 1.0), (["c", "b", "d"], 0.5)], k=60)
    assert list(fused) == ["b", "c", "a", "d"]
    assert fused["a"] == 1.0 / 61


def test_a_lighter_ranking_moves_documents_less() -> None:
    assert list(fuse([(["a", "b"], 1.0), (["b"], 0.01)], k=60)) == ["a", "b"]


def test_did_you_mean_replaces_misspelt_words_but_not_in_english() -> None:
    typo = Expansion(units=[Unit(text="anbringlese", corrections=["anbringelse"]), Unit(text="i")])
    assert _did_you_mean(typo, "anbringlese i netværket") == "anbringelse i netværket"
    english = Expansion(units=[Unit(text="placed", corrections=["placeret"])], english=True)
    assert _did_you_mean(english, "children placed with relatives") is None
    assert _did_you_mean(Expansion(units=[Unit(text="samvær")]), "samvær") is None
