"""Search quality on the out-of-domain sets, against the real pipeline: CI fails below the bars.

The two sets in ``tests/relevance/ood/`` and ``tests/relevance/ood2/`` are texts of genres the
team did not write the sample corpus in (press releases, legal guides, municipal pages,
parliamentary answers, news, reports with boxes and footnotes), written and judged by helpers
who did not tune the search, and frozen before any tuning
(``tests/unit/test_judgements_frozen.py``).
Each is ingested through the real pipeline into a stack of its own (``tests/relevance/pool.py``:
a database, index prefix, queue and Celery worker of its own, embedded for meaning), so the
judged documents are all its index holds, and searched with the shipped configuration.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search_api.query.relevance import JudgedQuery, load_queries, ndcg, recall, reciprocal_rank
from tests.helpers import PROJECT_ROOT
from tests.quality import report

RELEVANCE = PROJECT_ROOT / "tests" / "relevance"

# nDCG@10 / recall@20 / MRR over all queries ("all", "recall", "mrr") and nDCG@10 per form:
# each 0.03 below the lower of two runs of the shipped search on 2026-12-05, rounded down
# (bench/RESULTS.md, "Session 31"). An index built anew ranks a few queries differently, and a
# form of five queries moves with them (ood2's synonyms gave 0.549 and 0.515).
BARS: dict[str, dict[str, float]] = {
    "ood": {
        "all": 0.84,
        "recall": 0.83,
        "mrr": 0.89,
        "abbreviation": 0.70,
        "compound": 0.89,
        "english": 0.85,
        "inflection": 0.90,
        "law": 0.66,
        "name": 0.95,
        "plain": 0.96,
        "question": 0.77,
        "spelling": 0.95,
        "synonym": 0.83,
        "typo": 0.76,
    },
    "ood2": {
        "all": 0.81,
        "recall": 0.78,
        "mrr": 0.84,
        "abbreviation": 0.74,
        "compound": 0.80,
        "english": 0.64,
        "inflection": 0.91,
        "law": 0.77,
        "name": 0.92,
        "plain": 0.95,
        "question": 0.87,
        "spelling": 0.91,
        "synonym": 0.48,
        "typo": 0.95,
    },
}


def rankings(corpus: str, tmp: Path) -> dict[str, list[str]]:
    """Query id → the slugs of the shipped search's top 20 on the corpus ingested alone."""
    out = tmp / f"{corpus}.json"
    result = subprocess.run(
        [
            sys.executable,
            str(RELEVANCE / "pool.py"),
            "search",
            corpus,
            str(RELEVANCE / corpus / "queries.yaml"),
            "--only",
            "danish",
            "--json",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    pools = json.loads(out.read_text(encoding="utf-8"))
    return {query_id: by_configuration["danish"] for query_id, by_configuration in pools.items()}


def figures(queries: list[JudgedQuery], ranked: dict[str, list[str]]) -> dict[str, float]:
    """nDCG@10 / recall@20 / MRR over all queries ("all", "recall", "mrr") and nDCG@10 by form."""

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    result = {
        "all": mean([ndcg(ranked[q.id], q.judgements) for q in queries]),
        "recall": mean([recall(ranked[q.id], q.judgements) for q in queries]),
        "mrr": mean([reciprocal_rank(ranked[q.id], q.judgements) for q in queries]),
    }
    for form in sorted({form for q in queries for form in q.forms}):
        result[form] = mean([ndcg(ranked[q.id], q.judgements) for q in queries if form in q.forms])
    return result


@pytest.mark.parametrize("corpus", ["ood", "ood2"])
def test_out_of_domain_search_meets_its_bars(
    corpus: str, stack: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    queries = load_queries(RELEVANCE / corpus / "queries.yaml")
    measured = figures(queries, rankings(corpus, tmp_path_factory.mktemp(corpus)))
    bars = BARS[corpus]
    assert set(bars) == set(measured), "every form of the set has its bar"
    report(
        f"search relevance out of domain, {corpus} (nDCG@10 unless named, bar)",
        [f"{name:<13} {value:.3f}  ≥ {bars[name]:.3f}" for name, value in measured.items()],
    )
    below = {name: round(value, 3) for name, value in measured.items() if value < bars[name]}
    assert not below, f"below their bars: {below}"
