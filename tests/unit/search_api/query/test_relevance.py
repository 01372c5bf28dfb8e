import math

import pytest

from search_api.query.relevance import ndcg, recall, reciprocal_rank


def test_perfect_ranking_has_ndcg_one() -> None:
    judgements = {"a": 3, "b": 2, "c": 1}
    assert ndcg(["a", "b", "c", "x"], judgements) == pytest.approx(1.0)


def test_ndcg_of_a_swapped_ranking() -> None:
    judgements = {"a": 3, "b": 1}
    ideal = 7 + 1 / math.log2(3)
    assert ndcg(["b", "a"], judgements) == pytest.approx((1 + 7 / math.log2(3)) / ideal)


def test_nothing_found() -> None:
    assert ndcg(["x", "y"], {"a": 3}) == 0.0
    assert recall(["x"], {"a": 3}) == 0.0
    assert reciprocal_rank(["x"], {"a": 3}) == 0.0


def test_recall_counts_only_the_first_k() -> None:
    ranked = [f"d{i}" for i in range(30)]
    assert recall(ranked, {"d1": 1, "d25": 3}, k=20) == 0.5


def test_reciprocal_rank_needs_a_highly_relevant_document() -> None:
    assert reciprocal_rank(["x", "a", "b"], {"a": 1, "b": 2}) == pytest.approx(1 / 3)
