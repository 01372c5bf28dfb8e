"""Pool candidates for judging: every configuration's top 20 per query, and a grep of the texts.

    .venv/bin/python tests/relevance/pool.py search sample tests/relevance/questions.yaml
    .venv/bin/python tests/relevance/pool.py search ood tests/relevance/ood/queries.yaml
    .venv/bin/python tests/relevance/pool.py search ood2 tests/relevance/ood2/queries.yaml
    .venv/bin/python tests/relevance/pool.py grep sample 'bisidd|støtteperson'

``search`` ingests a folder through the real pipeline (``vidensbank init``, a Celery worker of its
own, ``vidensbank ingest --wait``, ``vidensbank embed --wait``) into a stack of its own: a
temporary SQLite database and blob store, and an index prefix and queue named after this
process, so no one else's index is touched. It then builds one index per configuration of
``search_api.query.relevance`` (as ``bench/relevance.py`` does), prints each configuration's
top 20 slugs per query and the pooled union, then nDCG@10 / recall@20 / MRR per configuration
and form, and deletes its indices, queue keys and temporary folder afterwards. With ``--json
FILE`` the pools are also written as JSON (query id → configuration → slugs).

``sample`` is the sample corpus, rendered with ``sample_corpus.render``; ``ood`` and ``ood2`` are
the folders ``tests/relevance/<corpus>/documents`` (run ``tests/relevance/ood/render.py
tests/relevance/<corpus>`` first, so their PDFs exist).

``grep`` searches the documents' text for a regular expression (case-insensitive) and prints the
slugs that match with the number of matches: the YAML sources of the sample corpus, or the HTML
and the PDF source texts of an OOD set (tags removed).

Needs Elasticsearch and Redis running (scripts/start_services.sh).
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RELEVANCE = ROOT / "tests" / "relevance"
# The out-of-domain sets: corpus name → folder holding documents/ and sources/.
OOD_SETS = {"ood": RELEVANCE / "ood", "ood2": RELEVANCE / "ood2"}
CORPORA = ["sample", *OOD_SETS]
SAMPLE_SOURCES = ROOT / "sample_corpus" / "documents"
BIN = Path(sys.executable).parent


def _texts(corpus: str) -> dict[str, str]:
    """Slug → plain text of every document of a corpus."""
    texts: dict[str, str] = {}
    if corpus == "sample":
        for path in sorted(SAMPLE_SOURCES.glob("*.yaml")):
            texts[path.stem] = path.read_text(encoding="utf-8")
        return texts
    folder = OOD_SETS[corpus]
    for path in sorted((folder / "documents").glob("*.html")):
        raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"))
        texts[path.stem] = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    for path in sorted((folder / "sources").glob("*.txt")):
        texts[path.stem] = path.read_text(encoding="utf-8")
    return texts


def grep(corpus: str, pattern: str) -> list[tuple[str, int]]:
    """Slugs whose text matches ``pattern``, with the number of matches, most first."""
    regex = re.compile(pattern, re.IGNORECASE)
    hits = [(slug, len(regex.findall(text))) for slug, text in _texts(corpus).items()]
    return sorted(((s, n) for s, n in hits if n), key=lambda hit: (-hit[1], hit[0]))


def _ingest(corpus: str, run_dir: Path, env: dict[str, str]) -> None:
    """Render (sample) or copy (ood, ood2) the corpus and ingest it through a worker of our own."""
    folder = run_dir / "corpus"
    if corpus == "sample":
        subprocess.run(
            [sys.executable, "-m", "sample_corpus.render", str(folder)],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
    else:
        shutil.copytree(OOD_SETS[corpus] / "documents", folder)
    subprocess.run([str(BIN / "vidensbank"), "init"], check=True, capture_output=True, env=env)
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "vidensbank.celery_app",
            "worker",
            "--hostname",
            f"{env['VB_QUEUE']}@%h",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        result = subprocess.run(
            [str(BIN / "vidensbank"), "ingest", "--wait", "--timeout", "1800", str(folder)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        print(result.stdout, file=sys.stderr)
        if result.returncode != 0:
            raise RuntimeError(f"ingest failed: {result.stderr}")
        # Searchable by meaning too, for the configurations that use it.
        subprocess.run(
            [str(BIN / "vidensbank"), "embed", "--wait", "--timeout", "3600"],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=120)


def search(
    corpus: str, queries_path: Path, json_path: Path | None, only: list[str] | None = None
) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="vidensbank-pool-"))
    prefix = f"judgepool-{os.getpid()}"
    env = os.environ | {
        "VB_DATABASE_URL": f"sqlite:///{run_dir / 'pool.db'}",
        "VB_BLOB_DIR": str(run_dir / "blobs"),
        "VB_INDEX_PREFIX": prefix,
        "VB_QUEUE": prefix,
        # Room for a long document's task, as the test suite's worker has (its 30 s cut
        # a slow machine's embedding short).
        "VB_BROKER_VISIBILITY_TIMEOUT": "150",
    }
    # Settings are read once, so they are set before any project module is imported.
    os.environ.update(env)
    import redis

    from search_api.index.elastic import get_client
    from search_api.index.indexer import build_index
    from search_api.query.relevance import CONFIGURATIONS, load_queries, search_run
    from vidensbank.settings import get_settings

    if unknown := set(only or []) - set(CONFIGURATIONS):
        raise SystemExit(f"no such configuration: {', '.join(sorted(unknown))}")
    queries = load_queries(queries_path)
    client = get_client()
    pools: dict[str, dict[str, list[str]]] = {query.id: {} for query in queries}
    try:
        _ingest(corpus, run_dir, env)
        for name, (analysis, options) in CONFIGURATIONS.items():
            if only and name not in only:
                continue
            index, _count = build_index(client, analysis, f"{prefix}-{name}")
            try:
                run = search_run(index, options)
                for query in queries:
                    try:
                        pools[query.id][name] = run(query.query)
                    except Exception as exc:  # a refused query still belongs in the report
                        print(f"{query.id} {name}: {exc}", file=sys.stderr)
                        pools[query.id][name] = []
            finally:
                client.indices.delete(index=index)
    finally:
        for index in client.indices.get(index=f"{prefix}-*", expand_wildcards="all"):
            client.indices.delete(index=index)
        broker = redis.Redis.from_url(get_settings().broker_url)
        if leftovers := list(broker.scan_iter(match=f"*{prefix}*")):
            broker.delete(*leftovers)
        shutil.rmtree(run_dir, ignore_errors=True)

    for query in queries:
        print(f"\n## {query.id} {query.query!r}")
        union: dict[str, None] = {}
        for name, slugs in pools[query.id].items():
            print(f"  {name:<22} {' '.join(slugs)}")
            union.update(dict.fromkeys(slugs))
        judged = set(query.judgements)
        unjudged = [slug for slug in union if slug not in judged]
        print(f"  pool {len(union)}, judged ≥ 1 in pool {len(judged & set(union))}")
        print(f"  not judged: {' '.join(unjudged)}")
    if json_path is not None:
        json_path.write_text(json.dumps(pools, ensure_ascii=False, indent=1), encoding="utf-8")
    print_metrics(queries, pools)


def print_metrics(queries: list[Any], pools: dict[str, dict[str, list[str]]]) -> None:
    """nDCG@10 / recall@20 / MRR of each configuration, over all queries and by form, as the
    Markdown table bench/RESULTS.md records."""
    from search_api.query.relevance import ndcg, recall, reciprocal_rank

    forms = ["all", *sorted({form for query in queries for form in query.forms})]
    names = list(next(iter(pools.values())))
    print("\n| form | n | " + " | ".join(names) + " |")
    print("| --- | --- |" + " --- |" * len(names))
    for form in forms:
        chosen = [q for q in queries if form == "all" or form in q.forms]
        cells = []
        for name in names:
            figures = [
                (
                    ndcg(pools[q.id][name], q.judgements),
                    recall(pools[q.id][name], q.judgements),
                    reciprocal_rank(pools[q.id][name], q.judgements),
                )
                for q in chosen
            ]
            means = [sum(column) / len(figures) for column in zip(*figures, strict=True)]
            cells.append(" / ".join(f"{value:.3f}" for value in means))
        print(f"| {form} | {len(chosen)} | " + " | ".join(cells) + " |")


def _terminated(_signum: int, _frame: object) -> None:
    """Stopped from outside (a test's time limit): leave as on an error, so the worker, the
    indices, the queue's keys and the temporary folder are cleaned up."""
    raise SystemExit("terminated")


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("search", help="every configuration's top 20 per query")
    run.add_argument("corpus", choices=CORPORA)
    run.add_argument("queries", type=Path)
    run.add_argument("--json", type=Path, default=None)
    run.add_argument(
        "--only", action="append", metavar="CONFIGURATION", help="these configurations alone"
    )
    find = commands.add_parser("grep", help="documents whose text matches a pattern")
    find.add_argument("corpus", choices=CORPORA)
    find.add_argument("pattern")
    args = parser.parse_args()
    if args.command == "search":
        search(args.corpus, args.queries, args.json, args.only)
    else:
        for slug, count in grep(args.corpus, args.pattern):
            print(f"{count:>4}  {slug}")


if __name__ == "__main__":
    main()
