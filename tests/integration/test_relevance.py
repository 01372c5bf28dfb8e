"""Search quality on the judged queries, against the real index: CI fails below the bars.

Two sets: the team's own judged queries (``queries.yaml``, forms of Danish spelling) and the
questions and English queries an independent judge wrote and froze before any tuning
(``questions.yaml``). Every form has its bar."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from search_api.index.elastic import get_client
from search_api.index.indexer import build_index
from search_api.index.lifecycle import alias_name
from search_api.query.relevance import (
    CONFIGURATIONS,
    JudgedQuery,
    Metrics,
    load_queries,
    measure,
    search_run,
)
from tests.helpers import QUERIES_PATH, QUESTIONS_PATH
from tests.quality import report

# Measured on 2026-11-24 (bench/RESULTS.md): nDCG@10 0.869, recall@20 0.889, MRR 0.931, and
# 0.620 / 0.607 / 0.702 for the standard analyzer. Set a little below, so a regression fails.
NDCG_BAR = 0.84
RECALL_BAR = 0.86
MRR_BAR = 0.90
# How much better than the plain standard analyzer the Danish chain must be, in nDCG@10.
MARGIN_OVER_STANDARD = 0.15
# nDCG@10 per form: no form more than 0.02 below its figure before hybrid search (words only,
# 2026-11-24, bench/RESULTS.md); questions and English queries at the bars of issue 12 (they
# were 0.773 and 0.000).
FORM_BARS = {
    "abbreviation": 0.874 - 0.02,
    "compound": 0.837 - 0.02,
    "exclusion": 0.967 - 0.02,
    "inflection": 0.867 - 0.02,
    "multiword": 0.833 - 0.02,
    "or": 0.966 - 0.02,
    "phrase": 0.898 - 0.02,
    "plain": 0.894 - 0.02,
    "spelling": 0.877 - 0.02,
    "synonym": 0.764 - 0.02,
    "typo": 0.889 - 0.02,
    "question": 0.80,
    "english": 0.70,
}
# Issue 12's acceptance: each answered in the top 5 by a document judged to answer it (≥ 2).
ACCEPTANCE = [
    "teachers' duty to report neglect",
    "support for young people after 18",
    "hvem kan være bisidder for et barn",
    "hvad gør man hvis man er bekymret for et barn i klassen",
]


@pytest.fixture(scope="module")
def queries() -> list[JudgedQuery]:
    return load_queries(QUERIES_PATH)


@pytest.fixture(scope="module")
def questions() -> list[JudgedQuery]:
    return load_queries(QUESTIONS_PATH)


@contextmanager
def corpus_index(name: str, corpus_report: dict[str, Any], corpus: Path) -> Iterator[str]:
    """An index of one configuration with the sample corpus alone: other tests ingest copies
    and hostile files into the same database, which the judgements do not cover. The corpus's
    own broken files are left out too: the one OCR now reads (``kun-billeder.pdf``) is two
    pages of a report drawn as images, a fixture for scans, not a document of the collection
    the queries were judged on."""
    analysis, _options = CONFIGURATIONS[name]
    broken = {path.name for path in (corpus / "broken").iterdir()}
    judged = {
        d["id"]
        for d in corpus_report["documents"]
        if d["status"] != "quarantined" and d["filename"] not in broken
    }
    index, _count = build_index(get_client(), analysis, f"{alias_name()}-{name}", only=judged)
    try:
        yield index
    finally:
        get_client().indices.delete(index=index)


Measured = tuple[Metrics, dict[str, float]]


@pytest.fixture(scope="module")
def danish_index(corpus_report: dict[str, Any], corpus: Path) -> Iterator[str]:
    with corpus_index("danish", corpus_report, corpus) as index:
        yield index


@pytest.fixture(scope="module")
def danish_all(
    danish_index: str, queries: list[JudgedQuery], questions: list[JudgedQuery]
) -> Measured:
    """The full search on both sets at once: metrics of the team's set, nDCG per query id."""
    run = search_run(danish_index, CONFIGURATIONS["danish"][1])
    metrics, per_query = measure(run, queries)
    _question_metrics, per_question = measure(run, questions)
    return metrics, per_query | per_question


@pytest.fixture(scope="module")
def danish(danish_all: Measured) -> Metrics:
    return danish_all[0]


@pytest.fixture(scope="module")
def standard(corpus_report: dict[str, Any], corpus: Path, queries: list[JudgedQuery]) -> Metrics:
    with corpus_index("standard", corpus_report, corpus) as index:
        metrics, _per_query = measure(search_run(index, CONFIGURATIONS["standard"][1]), queries)
    return metrics


def test_judged_queries_cover_the_forms_users_type(queries: list[JudgedQuery]) -> None:
    assert len(queries) >= 80
    forms = {form for query in queries for form in query.forms}
    assert {"inflection", "compound", "abbreviation", "spelling", "typo", "multiword"} <= forms


def test_danish_search_meets_the_bars(danish: Metrics, standard: Metrics) -> None:
    report(
        "search relevance (judged queries)",
        [
            f"{name:<10} nDCG@10 {m.ndcg_at_10:.3f}  recall@20 {m.recall_at_20:.3f}  "
            f"MRR {m.mrr:.3f}  ({m.queries} queries)"
            for name, m in (("danish", danish), ("standard", standard))
        ],
    )
    assert danish.ndcg_at_10 >= NDCG_BAR
    assert danish.recall_at_20 >= RECALL_BAR
    assert danish.mrr >= MRR_BAR


def test_danish_chain_beats_the_standard_analyzer(danish: Metrics, standard: Metrics) -> None:
    assert danish.ndcg_at_10 >= standard.ndcg_at_10 + MARGIN_OVER_STANDARD
    assert danish.recall_at_20 > standard.recall_at_20


def test_every_form_meets_its_bar(
    danish_all: Measured, queries: list[JudgedQuery], questions: list[JudgedQuery]
) -> None:
    _metrics, per_query = danish_all
    judged = [*queries, *questions]
    by_form = {form: [per_query[q.id] for q in judged if form in q.forms] for form in FORM_BARS}
    scores = {form: sum(values) / len(values) for form, values in by_form.items()}
    report(
        "search relevance by form (nDCG@10, bar)",
        [
            f"{form:<13} {scores[form]:.3f}  ≥ {bar:.3f}  ({len(by_form[form])} queries)"
            for form, bar in FORM_BARS.items()
        ],
    )
    below = {form: round(scores[form], 3) for form, bar in FORM_BARS.items() if scores[form] < bar}
    assert not below, f"forms below their bars: {below}"


@pytest.mark.parametrize("text", ACCEPTANCE)
def test_questions_and_english_are_answered_in_the_top_five(
    text: str, danish_index: str, questions: list[JudgedQuery]
) -> None:
    [query] = [q for q in questions if q.query == text]
    answers = {slug for slug, grade in query.judgements.items() if grade >= 2}
    top = search_run(danish_index, CONFIGURATIONS["danish"][1])(text)[:5]
    assert answers & set(top), f"{text!r}: top 5 {top}"
