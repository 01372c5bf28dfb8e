"""Ingest speed against its own engines, side by side on the same pages and processes.

    .venv/bin/python bench/ingest_speed.py [--copies K] [--processes 1 2] [--rounds 3]
        [--keep-logs DIR]

Needs Elasticsearch and Redis running (scripts/start_services.sh); starts its own Celery
workers. The corpus is the rendered sample corpus (PDF and HTML, no manifest) copied K times
under new names. For each number of processes N it runs ``--rounds`` rounds, each of them:

(a) the bare engines: for each file, Vidensbank's extraction followed by the entity pipeline,
    in a ``multiprocessing`` pool of N forked processes; the model is loaded once in the parent
    before the fork, as the worker does, and every process is warmed up before timing starts;
(b) right after, the real pipeline: ``vidensbank ingest --wait --json FOLDER`` through real
    Celery workers started here as ``scripts/run.sh`` starts them: the pipeline's and the
    embedding worker (which lowers its CPU priority to the lowest), each with ``--concurrency
    N``, on queues, a SQLite file, blob folder and index prefix of their own (fresh for each
    round, so every file is new), with the project's default settings otherwise. The peak
    resident set size of any single process of the pipeline's worker (main or child) is sampled
    every 0.2 s while the ingest runs;
(c) in the first round only, after the ingest reports (searchable by words), ``vidensbank
    embed --wait``: when the run is searchable by meaning too, how many distinct passages were
    embedded (copies share theirs) and the embed step's time per passage.

One pass of either takes seconds, and the machine's speed drifts by a fifth over minutes (two
vCPUs of a shared host), so the passes alternate and the medians of the rounds are compared.
Prints one JSON object on stdout (machine, figures, the ratio (b)/(a) of the medians and of
each round, the speed-up of N=2 over N=1) and a short table on stderr. It relies only on the
command-line contract (``vidensbank init``, ``vidensbank ingest --wait --json``, ``celery -A
vidensbank.celery_app worker``), on ``ingest.extract.registry.extract`` and on
``nlp_models.entities.get_finder``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import psutil
import redis
from celery import Celery
from celery.utils.nodenames import host_format
from elasticsearch import Elasticsearch
from sqlalchemy import create_engine, text

from ingest.extract.registry import extract
from nlp_models.entities import get_finder
from vidensbank.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# Settings that only say where the shared servers are; every other VB_* variable is dropped
# from the environment (this process's, so the engines' too, and the worker's and the CLI's),
# so everything runs on the project's defaults apart from the isolation settings set here.
CONNECTION_VARIABLES = {
    "VB_ES_PORT",
    "VB_REDIS_PORT",
    "VB_ELASTICSEARCH_URL",
    "VB_ELASTICSEARCH_USERNAME",
    "VB_ELASTICSEARCH_PASSWORD",
    "VB_BROKER_URL",
}
RSS_SAMPLE_SECONDS = 0.2
WORKER_START_TIMEOUT = 120.0
# Celery's line for a finished task: "Task enrich.entities[<id>] succeeded in 0.0123s: None".
TASK_DONE = re.compile(r"Task (?P<name>[\w.:-]+)\[[^\]]+\] succeeded in (?P<seconds>[\d.e-]+)s")
TASK_RECEIVED = re.compile(r"Task (?P<name>[\w.:-]+)\[[^\]]+\] received")
LOG_TIME = re.compile(r"^\[(?P<stamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})")


# --- machine and corpus ----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb: float | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit or None,
        "uncommitted_changes": bool(dirty),
    }


def build_corpus(target: Path, copies: int, scratch: Path) -> list[Path]:
    """The rendered sample corpus (PDF and HTML only, no manifest) ``copies`` times under new
    names, so every file has an identity of its own."""
    rendered = scratch / "rendered"
    subprocess.run(
        [sys.executable, "-m", "sample_corpus.render", str(rendered)],
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )
    originals = sorted(
        path for path in rendered.iterdir() if path.is_file() and path.suffix in (".pdf", ".html")
    )
    target.mkdir(parents=True)
    for copy in range(copies):
        for path in originals:
            shutil.copyfile(path, target / f"c{copy}-{path.name}")
    return sorted(target.iterdir())


# --- (a) the bare engines ----------------------------------------------------------------------


def _engine_process_start(barrier: Barrier) -> None:
    """Pool initializer: warm the (inherited) finder up on one short text, then wait until every
    process of the pool is ready, so timing starts with all of them warm."""
    get_finder(get_settings().kb_dir).find_in_pages(
        [(1, "Socialstyrelsen og VIVE skrev den 3. maj 2021 til Aarhus Kommune.")]
    )
    barrier.wait()


def _engine_file(path: str) -> tuple[str, int, int, bool]:
    """Extraction then the entity pipeline on one file: (name, pages, words, refused)."""
    file = Path(path)
    data = file.read_bytes()
    try:
        extracted = extract(data, file.name)
    except Exception:  # a file the pipeline would quarantine: counted, not timed apart
        return file.name, 0, 0, True
    pages = [(page.number, page.text) for page in extracted.pages]
    get_finder(get_settings().kb_dir).find_in_pages(pages)
    return file.name, len(pages), sum(len(text.split()) for _number, text in pages), False


@dataclass
class EngineResult:
    seconds: float
    all_seconds: list[float]
    pages: int
    words: int
    refused: int


def run_engines(files: list[Path], processes: int, repeat: int) -> EngineResult:
    """The median time of ``repeat`` passes over every file, on one pool."""
    # Load the model in the parent before forking, as the worker's main process does.
    get_finder(get_settings().kb_dir)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes + 1)
    runs = []
    with context.Pool(processes, initializer=_engine_process_start, initargs=(barrier,)) as pool:
        barrier.wait(timeout=300)
        for _ in range(repeat):
            start = time.perf_counter()
            paths = [str(f) for f in files]
            results = list(pool.imap_unordered(_engine_file, paths, chunksize=1))
            runs.append(time.perf_counter() - start)
    return EngineResult(
        seconds=statistics.median(runs),
        all_seconds=[round(run, 2) for run in runs],
        pages=sum(r[1] for r in results),
        words=sum(r[2] for r in results),
        refused=sum(r[3] for r in results),
    )


# --- (b) the real pipeline ---------------------------------------------------------------------


@dataclass
class Isolation:
    """Queue, database, blobs and index names of one pipeline run, and its environment."""

    name: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, name: str, folder: Path) -> Isolation:
        folder.mkdir(parents=True)
        env = dict(os.environ)
        env.update(
            {
                "VB_QUEUE": name,
                "VB_INDEX_PREFIX": name,
                "VB_DATABASE_URL": f"sqlite:///{folder / 'vidensbank.db'}",
                "VB_BLOB_DIR": str(folder / "blobs"),
            }
        )
        return cls(name=name, folder=folder, env=env)

    @property
    def broker_url(self) -> str:
        return self.env.get("VB_BROKER_URL", "redis://127.0.0.1:6379/0")

    def elasticsearch(self) -> Elasticsearch:
        url = self.env.get("VB_ELASTICSEARCH_URL", "http://127.0.0.1:9200")
        user = self.env.get("VB_ELASTICSEARCH_USERNAME")
        password = self.env.get("VB_ELASTICSEARCH_PASSWORD")
        return Elasticsearch(
            url, basic_auth=(user, password) if user and password else None, request_timeout=60
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``vidensbank ARGS`` with this run's settings (its output captured, not checked)."""
        return subprocess.run(
            [str(VENV_BIN / "vidensbank"), *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def python(self, code: str) -> str:
        """What ``code`` prints, run by Python with this run's settings."""
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def queues(self) -> dict[str, str]:
        """The queue names this run's settings give: ``queue``, ``ocr_queue``, ``embed_queue``."""
        names: dict[str, str] = json.loads(
            self.python(
                "import json; from vidensbank.settings import get_settings as s; "
                "print(json.dumps({k: v for k, v in s().model_dump().items() "
                "if k.endswith('queue')}))"
            )
        )
        return names

    def start_workers(
        self, concurrency: int, logs: Path
    ) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
        """The workers as ``scripts/run.sh`` starts them with ``VB_WORKER_CONCURRENCY`` set to
        ``concurrency``: the pipeline's on the pipeline's and the OCR queue, and the embedding
        worker on the embedding queue. Logs: ``worker.log`` and
        ``embed-worker.log`` in ``logs``."""
        names = self.queues()
        logs.mkdir(parents=True, exist_ok=True)
        pipeline = start_worker(
            self,
            concurrency,
            logs / "worker.log",
            queues=[names["queue"], names["ocr_queue"]],
            node="pipeline",
        )
        try:
            embedding = start_worker(
                self,
                concurrency,
                logs / "embed-worker.log",
                queues=[names["embed_queue"]],
                node="embed",
            )
        except BaseException:
            stop_worker(pipeline)
            raise
        return pipeline, embedding

    def elasticsearch_cpu_seconds(self) -> float:
        """CPU time the Elasticsearch node has used since it started (all its threads)."""
        client = self.elasticsearch()
        try:
            nodes = client.nodes.stats(metric="process")["nodes"]
        finally:
            client.close()
        return sum(node["process"]["cpu"]["total_in_millis"] for node in nodes.values()) / 1000

    def cleanup(self) -> None:
        """Delete this run's indices (by name: wildcard deletes are refused) and its keys in
        Redis (queue, bindings, markers: every key that contains the unique name)."""
        client = self.elasticsearch()
        try:
            for index in client.indices.get(index=f"{self.name}-*", expand_wildcards="all"):
                client.indices.delete(index=index)
        finally:
            client.close()
        broker = redis.Redis.from_url(self.broker_url)
        try:
            keys = list(broker.scan_iter(match=f"*{self.name}*"))
            if keys:
                broker.delete(*keys)
        finally:
            broker.close()


def start_worker(
    isolation: Isolation,
    concurrency: int,
    log_path: Path,
    *,
    queues: list[str] | None = None,
    node: str | None = None,
) -> subprocess.Popen[bytes]:
    """A real Celery worker on the run's queues (``queues``, or all the settings name); returns
    once it answers a ping (its model is loaded and its pool forked by then)."""
    node = f"{isolation.name}-{node}@%h" if node else f"{isolation.name}@%h"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "vidensbank.celery_app",
                "worker",
                "--hostname",
                node,
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                *(["-Q", ",".join(queues)] if queues else []),
            ],
            cwd=PROJECT_ROOT,
            env=isolation.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    control = Celery(broker=isolation.broker_url)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the worker exited early; see {log_path}")
            if control.control.ping(destination=[host_format(node)], timeout=0.5):
                return process
    finally:
        control.close()
    stop_worker(process, signal.SIGKILL)
    raise RuntimeError(f"the worker did not come up; see {log_path}")


def stop_worker(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class RssSampler:
    """Samples the resident set size of a worker's main process and of each of its children
    (children come and go when a child is replaced) every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.main = psutil.Process(pid)
        self.peak_main = 0
        self.peak_child = 0
        self.children_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _sample(self) -> None:
        try:
            self.peak_main = max(self.peak_main, self.main.memory_info().rss)
            children = self.main.children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            try:
                self.peak_child = max(self.peak_child, child.memory_info().rss)
                self.children_seen.add(child.pid)
            except psutil.Error:
                continue  # a child that just exited

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(RSS_SAMPLE_SECONDS)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


@dataclass
class PipelineResult:
    seconds: float
    statuses: dict[str, int]
    reasons: dict[str, int]
    peak_main_rss_mb: float
    peak_child_rss_mb: float
    child_processes_seen: int
    tasks: dict[str, dict[str, float]]
    worker_busy_seconds: float | None
    first_task_after_s: float | None
    cli_done_after_last_task_s: float | None
    elasticsearch_cpu_seconds: float
    searchable_by_meaning_after_s: float | None
    passages_embedded: int


def task_summary(
    log_text: str,
) -> tuple[dict[str, dict[str, float]], datetime.datetime | None, datetime.datetime | None]:
    """Per task name, how many ran and their run time (from Celery's own log lines), and the
    time of the first and the last line of a task other than embedding (local time, as Celery
    writes it)."""
    times: dict[str, list[float]] = defaultdict(list)
    stamps: list[datetime.datetime] = []
    for line in log_text.splitlines():
        found = TASK_DONE.search(line)
        received = TASK_RECEIVED.search(line)
        if found is not None:
            times[found["name"]].append(float(found["seconds"]))
        named = found or received
        # The embed step runs after the run is searchable by its words: not part of the
        # words' timeline.
        if named is None or named["name"] == "embed.documents":
            continue
        stamp = LOG_TIME.match(line)
        if stamp is not None:
            stamps.append(datetime.datetime.strptime(stamp["stamp"], "%Y-%m-%d %H:%M:%S,%f"))
    summary = {
        name: {
            "count": len(values),
            "total_s": round(sum(values), 2),
            "mean_s": round(statistics.mean(values), 4),
            "max_s": round(max(values), 3),
        }
        for name, values in sorted(times.items())
    }
    if not stamps:
        return summary, None, None
    return summary, min(stamps), max(stamps)


def run_pipeline(
    files_dir: Path, processes: int, isolation: Isolation, logs: Path, *, meaning: bool
) -> PipelineResult:
    """One ingest through fresh workers (their logs in ``logs``); with ``meaning``, also wait
    until it is embedded."""
    initialised = isolation.cli("init")
    if initialised.returncode != 0:
        raise RuntimeError(f"vidensbank init exited with {initialised.returncode}")
    worker, embed_worker = isolation.start_workers(processes, logs)
    try:
        with RssSampler(worker.pid) as sampler:
            started = datetime.datetime.now()
            es_cpu_before = isolation.elasticsearch_cpu_seconds()
            start = time.perf_counter()
            result = isolation.cli("ingest", "--wait", "--json", str(files_dir))
            seconds = time.perf_counter() - start
            es_cpu = isolation.elasticsearch_cpu_seconds() - es_cpu_before
            meaning_seconds = None
            if meaning:
                # The embedding worker has been at it since the first documents were indexed;
                # now wait until it is done.
                embedded = isolation.cli("embed", "--wait")
                if embedded.returncode != 0:
                    raise RuntimeError(f"vidensbank embed exited with {embedded.returncode}")
                meaning_seconds = round(time.perf_counter() - start, 2)
    finally:
        stop_worker(worker)
        stop_worker(embed_worker)
    if result.returncode != 0:
        raise RuntimeError(
            f"vidensbank ingest exited with {result.returncode}: {result.stderr[-2000:]}"
        )
    documents = json.loads(result.stdout)["documents"]
    tasks, first, last = task_summary(
        (logs / "worker.log").read_text(errors="replace")
        + (logs / "embed-worker.log").read_text(errors="replace")
    )
    ended = started + datetime.timedelta(seconds=seconds)
    mb = 1024 * 1024
    return PipelineResult(
        seconds=seconds,
        statuses=dict(Counter(d["status"] for d in documents)),
        reasons=dict(Counter(d["reason"] for d in documents if d.get("reason"))),
        peak_main_rss_mb=round(sampler.peak_main / mb),
        peak_child_rss_mb=round(sampler.peak_child / mb),
        child_processes_seen=len(sampler.children_seen),
        tasks=tasks,
        worker_busy_seconds=round((last - first).total_seconds(), 2) if first and last else None,
        first_task_after_s=round((first - started).total_seconds(), 2) if first else None,
        cli_done_after_last_task_s=round((ended - last).total_seconds(), 2) if last else None,
        elasticsearch_cpu_seconds=round(es_cpu, 2),
        searchable_by_meaning_after_s=meaning_seconds,
        passages_embedded=_count_rows(isolation, "passage_vectors"),
    )


def _count_rows(isolation: Isolation, table: str) -> int:
    engine = create_engine(isolation.env["VB_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


# --- the whole run -----------------------------------------------------------------------------


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 2) if seconds > 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--copies", type=int, default=1, help="times the sample corpus is copied (default 1)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="numbers of processes to measure (default: 1 2)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of an engines pass then an ingest; the medians count (default 3)",
    )
    parser.add_argument(
        "--keep-logs", type=Path, help="copy the worker logs into this folder afterwards"
    )
    args = parser.parse_args()

    info = machine()
    runs: dict[str, dict[str, Any]] = {}
    dropped = sorted(
        key for key in os.environ if key.startswith("VB_") and key not in CONNECTION_VARIABLES
    )
    for key in dropped:
        del os.environ[key]
    get_settings.cache_clear()
    pages = words = 0
    with tempfile.TemporaryDirectory(prefix="vb-ingest-speed-") as tmp:
        scratch = Path(tmp)
        files_dir = scratch / "corpus"
        files = build_corpus(files_dir, args.copies, scratch)
        print(f"corpus: {len(files)} files in {files_dir}", file=sys.stderr)
        for processes in args.processes:
            engine_rounds: list[EngineResult] = []
            pipeline_rounds: list[PipelineResult] = []
            for number in range(1, args.rounds + 1):
                label = f"N={processes}, round {number}"
                print(f"{label}: engines …", file=sys.stderr, flush=True)
                engine_rounds.append(run_engines(files, processes, 1))
                print(
                    f"{label}: engines {engine_rounds[-1].seconds:.1f} s; pipeline …",
                    file=sys.stderr,
                    flush=True,
                )
                name = f"vbbench-{os.getpid()}-n{processes}-r{number}"
                isolation = Isolation.create(name, scratch / name)
                logs = scratch / f"logs-n{processes}-r{number}"
                try:
                    pipeline_rounds.append(
                        run_pipeline(files_dir, processes, isolation, logs, meaning=number == 1)
                    )
                finally:
                    isolation.cleanup()
                    if args.keep_logs is not None and logs.exists():
                        shutil.copytree(logs, args.keep_logs / logs.name, dirs_exist_ok=True)
                print(
                    f"{label}: pipeline {pipeline_rounds[-1].seconds:.1f} s",
                    file=sys.stderr,
                )
            engine_seconds = [e.seconds for e in engine_rounds]
            pipeline_seconds = [p.seconds for p in pipeline_rounds]
            engines = replace(engine_rounds[0], seconds=statistics.median(engine_seconds))
            # The first round's ingest also measured embedding; its other figures stand for all.
            pipeline = replace(
                pipeline_rounds[0],
                seconds=statistics.median(pipeline_seconds),
                peak_main_rss_mb=max(p.peak_main_rss_mb for p in pipeline_rounds),
                peak_child_rss_mb=max(p.peak_child_rss_mb for p in pipeline_rounds),
            )
            pages, words = engines.pages, engines.words
            runs[str(processes)] = {
                "processes": processes,
                "engines": {
                    "seconds": round(engines.seconds, 2),
                    "all_seconds": [round(x, 2) for x in engine_seconds],
                    "pages_per_s": rate(pages, engines.seconds),
                    "files_per_s": rate(len(files), engines.seconds),
                    "words_per_s": rate(engines.words, engines.seconds),
                    "refused_files": engines.refused,
                },
                "pipeline": {
                    "seconds": round(pipeline.seconds, 2),
                    "all_seconds": [round(x, 2) for x in pipeline_seconds],
                    "pages_per_s": rate(pages, pipeline.seconds),
                    "files_per_s": rate(len(files), pipeline.seconds),
                    "statuses": pipeline.statuses,
                    "reasons": pipeline.reasons,
                    "peak_worker_process_rss_mb": max(
                        pipeline.peak_main_rss_mb, pipeline.peak_child_rss_mb
                    ),
                    "peak_worker_main_rss_mb": pipeline.peak_main_rss_mb,
                    "peak_worker_child_rss_mb": pipeline.peak_child_rss_mb,
                    "worker_children_seen": pipeline.child_processes_seen,
                    "worker_busy_seconds": pipeline.worker_busy_seconds,
                    "first_task_after_s": pipeline.first_task_after_s,
                    "cli_done_after_last_task_s": pipeline.cli_done_after_last_task_s,
                    "tasks": pipeline.tasks,
                    # Elasticsearch indexes on the same cores as the workers.
                    "elasticsearch_cpu_seconds": pipeline.elasticsearch_cpu_seconds,
                    "elasticsearch_cpu_ms_per_file": round(
                        1000 * pipeline.elasticsearch_cpu_seconds / len(files), 1
                    ),
                    # Searchable by words when the ingest reports; by meaning when the embed
                    # step is done. Copies share their passages' vectors: only the distinct
                    # passages are embedded.
                    "searchable_by_meaning_after_s": pipeline.searchable_by_meaning_after_s,
                    "passages_embedded": pipeline.passages_embedded,
                    "embedding_s_per_passage": round(
                        pipeline.tasks.get("embed.documents", {}).get("total_s", 0.0)
                        / max(pipeline.passages_embedded, 1),
                        3,
                    ),
                },
                "ratio_pipeline_to_engines": round(engines.seconds / pipeline.seconds, 3),
                "ratio_each_round": [
                    round(e / p, 3) for e, p in zip(engine_seconds, pipeline_seconds, strict=True)
                ],
            }

    speedups: dict[str, float] = {}
    if "1" in runs and "2" in runs:
        for part in ("engines", "pipeline"):
            speedups[part] = round(runs["1"][part]["seconds"] / runs["2"][part]["seconds"], 2)
    report = {
        "benchmark": "bench/ingest_speed.py",
        "command": " ".join(["bench/ingest_speed.py", *sys.argv[1:]]),
        "machine": info,
        "corpus": {
            "copies": args.copies,
            "files": len(files),
            "pdf": sum(f.suffix == ".pdf" for f in files),
            "html": sum(f.suffix == ".html" for f in files),
            "pages": pages,
            "words": words,
        },
        "ignored_environment": dropped,
        "runs": runs,
        "speedup_2_over_1": speedups,
    }
    print(json.dumps(report, ensure_ascii=False))
    print_table(report)


def print_table(report: dict[str, Any]) -> None:
    corpus = report["corpus"]
    lines = [
        f"{corpus['files']} files, {corpus['pages']} pages, {corpus['words']} words",
        f"{'N':>2}  {'engines p/s':>11}  {'f/s':>6}  {'pipeline p/s':>12}  {'f/s':>6}  "
        f"{'ratio':>5}  {'peak RSS MB':>11}  {'ES CPU ms/file':>14}  "
        f"{'words s':>7}  {'meaning s':>9}  {'passages':>8}  {'s/passage':>9}",
    ]
    for run in report["runs"].values():
        engines, pipeline = run["engines"], run["pipeline"]
        rss = pipeline["peak_worker_process_rss_mb"]
        lines.append(
            f"{run['processes']:>2}  {engines['pages_per_s']:>11.1f}  "
            f"{engines['files_per_s']:>6.2f}  {pipeline['pages_per_s']:>12.1f}  "
            f"{pipeline['files_per_s']:>6.2f}  {run['ratio_pipeline_to_engines']:>5.2f}  "
            f"{rss:>11}  {pipeline['elasticsearch_cpu_ms_per_file']:>14}  "
            f"{pipeline['seconds']:>7.1f}  {pipeline['searchable_by_meaning_after_s']:>9.1f}  "
            f"{pipeline['passages_embedded']:>8}  {pipeline['embedding_s_per_passage']:>9.3f}"
        )
    for run in report["runs"].values():
        lines.append(
            f"N={run['processes']}: engines s {run['engines']['all_seconds']}, "
            f"ingest s {run['pipeline']['all_seconds']}, ratio by round {run['ratio_each_round']}"
        )
    speedups = report["speedup_2_over_1"]
    if speedups:
        lines.append(
            f"2 processes over 1: engines ×{speedups['engines']}, pipeline ×{speedups['pipeline']}"
        )
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    main()
