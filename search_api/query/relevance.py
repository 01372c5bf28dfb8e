"""Search quality against judged queries: nDCG@10, recall@20 and MRR.

The judged queries are the tests' (``tests/relevance/queries.yaml``, format in its README); the
caller passes their file. A document is named by its slug, the file name without extension.
"""

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel

from search_api.index.analysis import AnalysisOptions
from search_api.query.builder import QueryOptions, SearchParams

# What the benchmark compares: the full hybrid search, the plain ``standard`` analyzer (words
# only), each retrieval alone, and the rest with one feature off at a time.
CONFIGURATIONS: dict[str, tuple[AnalysisOptions | None, QueryOptions]] = {
    "danish": (AnalysisOptions(), QueryOptions()),
    "standard": (
        None,
        QueryOptions(synonyms=False, decompounding=False, fuzzy=False, dense=False, english=False),
    ),
    # The two retrievals of the hybrid alone, and the English glossary left out.
    "lexical": (AnalysisOptions(), QueryOptions(dense=False)),
    "dense": (AnalysisOptions(), QueryOptions(lexical=False)),
    "without-english": (AnalysisOptions(), QueryOptions(english=False)),
    "without-stemming": (AnalysisOptions(stemming=False), QueryOptions()),
    "without-decompounding": (
        AnalysisOptions(decompounding=False),
        QueryOptions(decompounding=False),
    ),
    "without-synonyms": (AnalysisOptions(), QueryOptions(synonyms=False)),
    "without-folding": (AnalysisOptions(folding=False), QueryOptions()),
    "without-fuzzy": (AnalysisOptions(), QueryOptions(fuzzy=False)),
}


class JudgedQuery(BaseModel):
    id: str
    query: str
    need: str = ""
    forms: list[str] = []
    judgements: dict[str, int]


class Metrics(BaseModel):
    queries: int
    ndcg_at_10: float
    recall_at_20: float
    mrr: float


def load_queries(path: Path) -> list[JudgedQuery]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [JudgedQuery.model_validate(entry) for entry in data]


def ndcg(ranked: Sequence[str], judgements: dict[str, int], k: int = 10) -> float:
    def dcg(grades: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(judgements.values(), reverse=True))
    return dcg([judgements.get(slug, 0) for slug in ranked]) / ideal if ideal else 0.0


def recall(ranked: Sequence[str], judgements: dict[str, int], k: int = 20) -> float:
    relevant = {slug for slug, grade in judgements.items() if grade > 0}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], judgements: dict[str, int]) -> float:
    """1/rank of the first highly relevant document (grade 2 or 3)."""
    for rank, slug in enumerate(ranked, start=1):
        if judgements.get(slug, 0) >= 2:
            return 1 / rank
    return 0.0


def measure(
    run: Callable[[str], list[str]], queries: Sequence[JudgedQuery]
) -> tuple[Metrics, dict[str, float]]:
    """Metrics over all queries, and nDCG@10 per query id (to find what got worse)."""
    per_query: dict[str, float] = {}
    recalls, rranks = [], []
    for query in queries:
        ranked = run(query.query)
        per_query[query.id] = ndcg(ranked, query.judgements)
        recalls.append(recall(ranked, query.judgements))
        rranks.append(reciprocal_rank(ranked, query.judgements))
    count = len(queries)
    return (
        Metrics(
            queries=count,
            ndcg_at_10=round(sum(per_query.values()) / count, 4),
            recall_at_20=round(sum(recalls) / count, 4),
            mrr=round(sum(rranks) / count, 4),
        ),
        per_query,
    )


def search_run(index: str, options: QueryOptions) -> Callable[[str], list[str]]:
    """Rank the corpus for a query on ``index``: the slugs of the top 20 results."""
    from search_api.query.search import search

    def run(query: str) -> list[str]:
        results = search(SearchParams(q=query, size=20), index=index, options=options).results
        return [Path(result.filename).stem for result in results]

    return run
