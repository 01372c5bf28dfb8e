"""Search latency of the API against the bare Elasticsearch requests, side by side in one run.

    .venv/bin/python bench/search_latency.py [--clients 1 32] [--seconds 20]

Needs the stack of ``scripts/run.sh`` (Elasticsearch, Redis, the sample corpus ingested) with
the corpus embedded (``vidensbank embed --wait``). It starts ``vidensbank serve --workers 2``
twice on free ports: once as it ships (hybrid: words and meaning), once with
``VB_EMBEDDINGS=false`` (words only), and measures on the same index:

- ``api-lexical`` and ``api-hybrid``: ``GET /api/search?q=…`` over HTTP, as a user's browser;
- ``plain``: one ``_search`` with a ``multi_match`` on title and body, a highlighted title,
  the same facet aggregations and the same shown fields (the request a bare engine would need);
- ``plain+knn``: ``plain`` followed by a bare ``knn`` request on the passage vectors with the
  query's vector computed beforehand (so it holds no embedding time);
- ``embed``: the query's embedding alone, in this process, never cached.

Queries are every judged query of ``tests/relevance`` (about 300 distinct texts); each
configuration sends each text at most once per pass, so no answer comes from a cache, and the
API is warmed up on other texts first. At concurrency 1 each text is sent once by every
configuration in turn (the order rotating from text to text), so all four meet Elasticsearch in
the same state: measured one after the other, whichever went first paid for a cold JVM (the
plain request's p50 moved from 7 to 20 ms with its place). At concurrency C, C threads send
texts for ``--seconds``, one configuration after the other. Prints a Markdown table and one
JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from nlp_models.embeddings import embed_query, query_vector
from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from search_api.query.builder import SHOWN_FIELDS, SearchParams, facet_aggregations

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUERY_FILES = [
    ROOT / "tests" / "relevance" / "queries.yaml",
    ROOT / "tests" / "relevance" / "questions.yaml",
    ROOT / "tests" / "relevance" / "ood" / "queries.yaml",
]
WARM_UP = ["anbringelse", "efterværn for unge", "børns rettigheder", "samvær", "bisidder"]


def texts() -> list[str]:
    seen: dict[str, None] = {}
    for path in QUERY_FILES:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            seen[entry["query"]] = None
    out = [t for t in seen if t not in WARM_UP]
    random.Random(7).shuffle(out)
    return out


def plain_body(text: str) -> dict[str, Any]:
    params = SearchParams(q=text)
    return {
        "query": {"multi_match": {"query": text, "fields": ["title^3", "body"]}},
        "size": 10,
        "track_total_hits": True,
        "_source": SHOWN_FIELDS,
        "highlight": {"fields": {"title": {}}},
        "aggs": facet_aggregations(params),
    }


def knn_body(vector: list[float]) -> dict[str, Any]:
    return {
        "knn": {
            "field": "passages.vector",
            "query_vector": vector,
            "k": 10,
            "num_candidates": 100,
        },
        "size": 10,
        "_source": SHOWN_FIELDS,
    }


def api_request(url: str) -> Callable[[str], None]:
    """A search through the API, one HTTP connection per thread (as browsers keep theirs)."""
    local = threading.local()

    def request(text: str) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(timeout=60)
        local.http.get(f"{url}/api/search", params={"q": text}).raise_for_status()

    return request


@contextmanager
def api(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(BIN / "vidensbank"), "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        for text in WARM_UP:
            for _ in range(2):
                httpx.get(f"{url}/api/search", params={"q": text}, timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


def run_interleaved(
    requests: dict[str, Callable[[str], None]], queries: list[str]
) -> dict[str, dict]:
    """One client: each text sent by every configuration in turn, the first one rotating."""
    names = list(requests)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for number, text in enumerate(queries):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            start = time.perf_counter()
            requests[name](text)
            samples[name].append(time.perf_counter() - start)
    return {
        name: {**percentiles(found), "rps": len(found) / sum(found)}
        for name, found in samples.items()
    }


def run(request: Callable[[str], None], queries: list[str], clients: int, seconds: float) -> dict:
    """Latencies and throughput of ``request`` over ``queries`` with ``clients`` threads."""
    source = itertools.cycle(queries)
    lock = threading.Lock()
    samples = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                text = next(source)
            start = time.perf_counter()
            request(text)
            elapsed = time.perf_counter() - start
            with lock:
                samples.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {**percentiles(samples), "rps": len(samples) / (time.perf_counter() - began)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--log", type=Path, default=Path("/tmp/vidensbank-search-latency.log"))
    args = parser.parse_args()

    queries = texts()
    client = get_client()
    index = alias_name()
    documents = client.count(index=index)["count"]
    vectors: dict[str, list[float]] = {}
    embed_samples = []
    embed_query("opvarmning")
    for text in [*WARM_UP, *queries]:
        start = time.perf_counter()
        vectors[text] = query_vector(text).tolist()  # never from the cache
        if text not in WARM_UP:
            embed_samples.append(time.perf_counter() - start)

    es = get_client()

    def plain(text: str) -> None:
        es.search(index=index, body=plain_body(text))

    def plain_knn(text: str) -> None:
        es.search(index=index, body=plain_body(text))
        es.search(index=index, body=knn_body(vectors[text]))

    base_env = os.environ.copy()
    with (
        api(base_env | {"VB_EMBEDDINGS": "false"}, 8761, args.log) as lexical_url,
        api(base_env, 8762, args.log) as hybrid_url,
    ):
        requests = {
            "plain": plain,
            "plain+knn": plain_knn,
            "api-lexical": api_request(lexical_url),
            "api-hybrid": api_request(hybrid_url),
        }
        for request in requests.values():
            request(WARM_UP[0])
        results: dict[str, dict[int, dict]] = {name: {} for name in requests}
        for clients in args.clients:
            if clients == 1:
                for name, figures in run_interleaved(requests, queries).items():
                    results[name][1] = figures
            else:
                for name, request in requests.items():
                    results[name][clients] = run(request, queries, clients, args.seconds)

    embed = percentiles(embed_samples)
    report = {
        "machine": f"{platform.node()} {os.cpu_count()} cores {platform.processor()}",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "documents": documents,
        "queries": len(queries),
        "embedding_ms": embed,
        "results": results,
    }
    one = args.clients[0]
    ratios = {
        "lexical_p50_over_plain": results["api-lexical"][one]["p50"] / results["plain"][one]["p50"],
        # The goal: at most 1.5 × the bare requests, plus the query's embedding.
        "hybrid_p50_over_goal": results["api-hybrid"][one]["p50"]
        / (1.5 * results["plain+knn"][one]["p50"] + embed["p50"]),
    }
    if len(args.clients) > 1:
        many = args.clients[-1]
        ratios["lexical_rps_over_plain"] = (
            results["api-lexical"][many]["rps"] / results["plain"][many]["rps"]
        )
    report["ratios"] = ratios

    print(
        f"{documents} documents, {len(queries)} queries; embedding a query: "
        f"p50 {embed['p50']:.1f} ms, p99 {embed['p99']:.1f} ms",
        file=sys.stderr,
    )
    print("| request | clients | p50 ms | p95 ms | p99 ms | req/s |", file=sys.stderr)
    print("| --- | --- | --- | --- | --- | --- |", file=sys.stderr)
    for name, by_clients in results.items():
        for clients, r in by_clients.items():
            print(
                f"| {name} | {clients} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
                f"| {r['rps']:.1f} |",
                file=sys.stderr,
            )
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}", file=sys.stderr)
    print(json.dumps(report, default=statistics.fmean))


if __name__ == "__main__":
    main()
