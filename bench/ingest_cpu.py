"""CPU seconds of every process during one ingest: where the two cores go at N processes.

    .venv/bin/python bench/ingest_cpu.py [--processes 2] [--copies 4] [--embeddings off]

Needs Elasticsearch and Redis running (scripts/start_services.sh). Workers are started as
``scripts/run.sh`` starts them (the pipeline's and the embedding worker, each with
``--concurrency N``) on a queue, database and index of their own, as ``bench/ingest_speed.py``
does; then one ``vidensbank ingest --wait`` of the rendered sample corpus ``--copies`` times.
Prints the wall time and the CPU seconds (user + system) each process used meanwhile: the
pipeline worker's main process and children, the embedding worker's, Elasticsearch and Redis.
The first ingest after Elasticsearch starts costs it more (its JIT warming up): run it twice.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

import psutil
from ingest_speed import Isolation, build_corpus, stop_worker


def _named(name: str) -> psutil.Process | None:
    """The first process whose command line holds ``name``."""
    for process in psutil.process_iter(["cmdline"]):
        if name in " ".join(process.info["cmdline"] or []):
            return process
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--embeddings", choices=["on", "off"], default="on")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="vidensbank-ingest-cpu-"))
    files = scratch / "files"
    build_corpus(files, args.copies, scratch)
    isolation = Isolation.create(f"bench-cpu-{uuid.uuid4().hex[:8]}", scratch / "run")
    if args.embeddings == "off":
        isolation.env["VB_EMBEDDINGS"] = "false"
    if isolation.cli("init").returncode != 0:
        raise RuntimeError("vidensbank init failed")
    pipeline, embedding = isolation.start_workers(args.processes, scratch / "logs")
    try:
        processes: dict[str, psutil.Process] = {}
        for name, worker in [("worker", pipeline), ("embed-worker", embedding)]:
            main_process = psutil.Process(worker.pid)
            processes[name] = main_process
            for number, child in enumerate(main_process.children()):
                processes[f"{name} child {number}"] = child
        for name, marker in [
            ("elasticsearch", "org.elasticsearch.bootstrap.Elasticsearch"),
            ("redis", "redis-server"),
        ]:
            if (found := _named(marker)) is not None:
                processes[name] = found
        before = {name: sum(p.cpu_times()[:2]) for name, p in processes.items()}
        start = time.perf_counter()
        result = isolation.cli("ingest", "--wait", "--json", str(files))
        wall = time.perf_counter() - start
        used = {
            name: round(sum(p.cpu_times()[:2]) - before[name], 2) for name, p in processes.items()
        }
    finally:
        stop_worker(pipeline)
        stop_worker(embedding)
        isolation.cleanup()
    if result.returncode != 0:
        raise RuntimeError(f"vidensbank ingest exited with {result.returncode}")
    print(json.dumps({"processes": args.processes, "wall_s": round(wall, 2), "cpu_s": used}))


if __name__ == "__main__":
    main()
