"""Relevance of the hybrid search against the standard analyzer, and each feature's own gain.

    .venv/bin/python bench/relevance.py

Needs Elasticsearch (with the project's plugin) and Redis running, as scripts/test.sh or
scripts/run.sh leave them. It ingests (and embeds) the sample corpus into a database and
index prefix of its own through a real worker, builds one index per configuration, runs every
judged query of tests/relevance/queries.yaml on each, and prints a Markdown table for
bench/RESULTS.md.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

QUERIES_PATH = Path(__file__).resolve().parent.parent / "tests" / "relevance" / "queries.yaml"
RUN_DIR = Path(tempfile.mkdtemp(prefix="vidensbank-bench-"))
PREFIX = f"bench-relevance-{os.getpid()}"
# Settings are read once, so they are set before any project module is imported.
os.environ.update(
    {
        "VB_DATABASE_URL": f"sqlite:///{RUN_DIR / 'bench.db'}",
        "VB_BLOB_DIR": str(RUN_DIR / "blobs"),
        "VB_INDEX_PREFIX": PREFIX,
        "VB_QUEUE": PREFIX,
    }
)

from search_api.index.elastic import get_client  # noqa: E402
from search_api.index.indexer import build_index  # noqa: E402
from search_api.query.relevance import CONFIGURATIONS, load_queries, measure, search_run  # noqa: E402

BIN = Path(sys.executable).parent


def ingest_corpus() -> None:
    corpus = RUN_DIR / "corpus"
    subprocess.run(
        [sys.executable, "-m", "sample_corpus.render", str(corpus)], check=True, capture_output=True
    )
    subprocess.run([str(BIN / "vidensbank"), "init"], check=True, capture_output=True)
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "vidensbank.celery_app",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [str(BIN / "vidensbank"), "ingest", "--wait", str(corpus)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "vidensbank"), "embed", "--wait"], check=True, capture_output=True
        )
    finally:
        worker.terminate()
        worker.wait()


def main() -> None:
    # No options: --help says what it does rather than running it.
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    ingest_corpus()
    client = get_client()
    queries = load_queries(
        Path(__file__).resolve().parent.parent / "tests" / "relevance" / "queries.yaml"
    )
    rows = []
    per_form: dict[str, dict[str, float]] = {}
    for name, (analysis, options) in CONFIGURATIONS.items():
        index, _count = build_index(client, analysis, f"{PREFIX}-{name}")
        try:
            metrics, per_query = measure(search_run(index, options), queries)
        finally:
            client.indices.delete(index=index)
        rows.append((name, metrics))
        for form in sorted({f for q in queries for f in q.forms}):
            ids = [q.id for q in queries if form in q.forms]
            per_form.setdefault(form, {})[name] = sum(per_query[i] for i in ids) / len(ids)
    for index in client.indices.get(index=f"{PREFIX}-*"):
        client.indices.delete(index=index)

    print(f"{len(queries)} judged queries\n")
    print("| configuration | nDCG@10 | recall@20 | MRR |")
    print("| --- | --- | --- | --- |")
    for name, m in rows:
        print(f"| {name} | {m.ndcg_at_10:.3f} | {m.recall_at_20:.3f} | {m.mrr:.3f} |")
    print("\nnDCG@10 by the form of the query:\n")
    names = [name for name, _ in rows]
    print("| form | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for form, scores in per_form.items():
        print(f"| {form} | " + " | ".join(f"{scores[n]:.3f}" for n in names) + " |")


if __name__ == "__main__":
    main()
