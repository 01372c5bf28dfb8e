"""Faults on the real stack: worker children killed, Elasticsearch and Redis going away, and a
reindex under search load. Nothing may be lost, duplicated or fail.

Each ingesting test has a queue and workers of its own, and its figures go to the report
printed at the end of the run.
"""

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import pytest
from celery.utils.nodenames import host_format

from search_api.index.elastic import get_client
from search_api.index.indexer import reindex
from search_api.query.builder import SearchParams
from search_api.query.search import search
from tests.faults import (
    PrivateRedis,
    TcpProxy,
    api_server,
    copy_corpus,
    fail_unfinished_items,
    fault_env,
    healthz,
    index_counts,
    item_statuses,
    retries_logged,
    wait_for,
)
from tests.fixtures import start_worker, stop_worker
from tests.helpers import PROJECT_ROOT, ingest_command
from tests.quality import REPORTS
from vidensbank.celery_app import app
from vidensbank.settings import get_settings
from vidensbank.store.runs import ItemStatus

# Killing a worker child hands its task straight back to the queue (reject on worker lost), so
# the fault tests do not need the session's short visibility timeout; a long one keeps the task
# time limits, which stay below it, from cutting off a fresh child's first, model-loading task.
VISIBILITY_TIMEOUT = "120"

KILLS = 20
# Seconds between two kills: long enough for the pool to replace the child and get on with the
# work, short enough for every kill to fall inside the ingest.
KILL_SPACING = 1.5
INGEST_TIMEOUT = 240.0

ES_OUTAGE = 15.0
REDIS_OUTAGE = 10.0
# Seconds the run may take to finish once both are back.
RECOVERY_BOUND = 120.0

SEARCH_THREADS = 4
REINDEXES = 3
QUERIES = [
    "inddragelse",
    "anbragte børn",
    "Barnets Lov",
    "underretning",
    "samvær",
    "netværksanbringelse",
    "eftervær",
    "plejefamilie",
    "børnesamtaler",
    "KL",
]


def _run_cli(folder: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ingest_command(folder, timeout=INGEST_TIMEOUT),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _busy_child(worker_pid: int, host: str) -> tuple[int, str] | None:
    """A child process of the worker that is running a task, and the task's name."""
    children = {child.pid for child in psutil.Process(worker_pid).children()}
    active = app.control.inspect(destination=[host], timeout=1).active() or {}
    for task in active.get(host, []):
        if task["worker_pid"] in children:
            return task["worker_pid"], task["name"]
    return None


def test_killing_worker_children_loses_and_duplicates_nothing(
    stack: None, corpus: Path, run_dir: Path
) -> None:
    folder = run_dir / "kill-children"
    # Enough files that the ingest outlasts 20 spaced kills with room to spare: 256 files took
    # 29 s once entity recognition got faster, and the kills need 30 s and more.
    expected = copy_corpus(corpus, folder, copies=8)
    env = fault_env("kill-children", VB_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    log = run_dir / "kill-children.log"
    worker = start_worker("kill-children", log, concurrency=2, env=env)
    host = host_format("kill-children@%h")
    killed: Counter[str] = Counter()
    started = time.monotonic()
    cli = _run_cli(folder, env)
    try:
        while sum(killed.values()) < KILLS and cli.poll() is None:
            victim = _busy_child(worker.pid, host)
            if victim is None:
                time.sleep(0.1)
                continue
            pid, task = victim
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue  # the child ended between the look and the kill
            killed[task] += 1
            time.sleep(KILL_SPACING)
        kills_took = time.monotonic() - started
        out, err = cli.communicate(timeout=INGEST_TIMEOUT + 60)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        stop_worker(worker)
        fail_unfinished_items(folder)
    took = time.monotonic() - started
    assert cli.returncode == 0, err

    documents: list[dict[str, Any]] = json.loads(out)["documents"]
    statuses = Counter(d["status"] for d in documents)
    files = Counter(d["filename"] for d in documents)
    ids = Counter(d["id"] for d in documents if d["id"])
    in_index = index_counts(list(ids))
    lost = expected - statuses[ItemStatus.INDEXED]
    duplicated = sum(n - 1 for n in files.values()) + sum(n - 1 for n in ids.values())
    duplicated += sum(n - 1 for n in in_index.values())
    REPORTS["fault: worker children killed during an ingest"] = [
        f"{sum(killed.values())} children killed with SIGKILL in {kills_took:.0f} s "
        f"({', '.join(f'{n} in {task}' for task, n in sorted(killed.items()))})",
        f"{expected} files, ingest took {took:.0f} s; statuses {dict(statuses)}",
        f"lost {lost}, duplicated {duplicated}; {len(in_index)} of {len(ids)} ids in the index",
    ]
    assert sum(killed.values()) == KILLS, "the ingest ended before every kill; enlarge the corpus"
    assert len(documents) == expected
    assert statuses == {ItemStatus.INDEXED: expected}
    assert len(files) == expected and len(ids) == expected
    assert set(in_index) == set(ids)
    assert duplicated == 0


def test_elasticsearch_and_redis_down_during_an_ingest(
    stack: None, corpus: Path, run_dir: Path
) -> None:
    folder = run_dir / "outage-corpus"
    expected = copy_corpus(corpus, folder)
    broker = PrivateRedis(run_dir / "outage-redis")
    proxy = TcpProxy(get_settings().elasticsearch_url)
    env = fault_env(
        "outage",
        VB_BROKER_URL=broker.url,
        VB_ELASTICSEARCH_URL=proxy.url,
        VB_TASK_MAX_RETRIES="20",
        VB_BROKER_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT,
    )
    log = run_dir / "outage-worker.log"
    figures: list[str] = []
    REPORTS["fault: Elasticsearch, then Redis, down during an ingest"] = figures

    def finished() -> int:
        statuses = item_statuses(folder)
        return sum(n for status, n in statuses.items() if status in ItemStatus.FINAL)

    broker.start()
    proxy.start()
    worker: subprocess.Popen[bytes] | None = None
    cli: subprocess.Popen[str] | None = None
    try:
        worker = start_worker("outage", log, env=env)
        with api_server(env, run_dir / "outage-api.log") as api:
            status, body = healthz(api)
            assert status == 200, body
            cli = _run_cli(folder, env)
            assert wait_for(lambda: finished() >= 3, timeout=90), "the ingest did not get going"

            proxy.stop()
            down = time.monotonic()
            status, body = healthz(api)
            assert status == 503, body
            assert not body["elasticsearch"]["ok"], body
            assert body["broker"]["ok"] and body["database"]["ok"], body
            time.sleep(max(0.0, ES_OUTAGE - (time.monotonic() - down)))
            at_restart = item_statuses(folder)
            proxy.start()
            figures.append(
                f"Elasticsearch down {time.monotonic() - down:.0f} s; /healthz 503 with "
                f"elasticsearch not ok; items when it came back: {dict(at_restart)}"
            )

            # Some of the index tasks now wait for their retry on the worker, some are queued.
            time.sleep(3)
            broker.kill()
            down = time.monotonic()
            status, body = healthz(api)
            assert status == 503, body
            assert not body["broker"]["ok"], body
            assert body["elasticsearch"]["ok"] and body["database"]["ok"], body
            time.sleep(max(0.0, REDIS_OUTAGE - (time.monotonic() - down)))
            at_restart = item_statuses(folder)
            broker.start()
            back = time.monotonic()
            figures.append(
                f"Redis killed (SIGKILL) and down {back - down:.0f} s; /healthz 503 with broker "
                f"not ok; items when it came back: {dict(at_restart)}"
            )

            done = wait_for(lambda: finished() == expected, timeout=RECOVERY_BOUND, interval=0.5)
            recovery = time.monotonic() - back
            statuses = item_statuses(folder)
            figures += [
                f"{expected} files; {retries_logged(log)} task retries logged; "
                + (
                    f"run finished {recovery:.0f} s after Redis came back"
                    if done
                    else f"run NOT finished {RECOVERY_BOUND:.0f} s after Redis came back"
                ),
                f"final statuses {dict(statuses)}; lost {expected - statuses[ItemStatus.INDEXED]}",
            ]
            assert done, f"items left unfinished after the outages: {dict(statuses)}"
            out, err = cli.communicate(timeout=60)
            assert cli.returncode == 0, err
            documents: list[dict[str, Any]] = json.loads(out)["documents"]
    finally:
        if cli is not None and cli.poll() is None:
            cli.kill()
            cli.wait()
        if worker is not None:
            stop_worker(worker)
        proxy.stop()
        broker.kill()
        fail_unfinished_items(folder)

    assert len(documents) == expected
    assert Counter(d["status"] for d in documents) == {ItemStatus.INDEXED: expected}
    assert retries_logged(log) > 0, "no task was retried while Elasticsearch was down"
    ids = [d["id"] for d in documents]
    assert index_counts(ids) == dict.fromkeys(ids, 1)


@pytest.mark.usefixtures("corpus_report")
def test_reindex_under_search_load_fails_no_query() -> None:
    # Each query once first: what it finds, and every lazy part of the search loaded.
    before = {q: search(SearchParams(q=q)).total for q in QUERIES}
    assert all(before.values()), before
    answers: list[tuple[str, int]] = []
    errors: list[str] = []
    done = threading.Event()

    def search_until_done(offset: int) -> None:
        n = offset
        while not done.is_set():
            q = QUERIES[n % len(QUERIES)]
            n += 1
            try:
                answers.append((q, search(SearchParams(q=q)).total))
            except Exception as exc:  # every failure counts, whatever its kind
                errors.append(f"{q!r}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=search_until_done, args=(n,)) for n in range(SEARCH_THREADS)]
    for thread in threads:
        thread.start()
    durations = []
    try:
        for _ in range(REINDEXES):
            started = time.monotonic()
            reindex(get_client())
            durations.append(time.monotonic() - started)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)

    empty = [(q, total) for q, total in answers if total == 0]
    changed = sum(total != before[q] for q, total in answers)
    REPORTS["fault: reindex under search load"] = [
        f"{REINDEXES} reindexes in {sum(durations):.1f} s "
        f"({', '.join(f'{d:.1f}' for d in durations)} s) under {SEARCH_THREADS} search threads",
        f"{len(answers) + len(errors)} queries, {len(errors)} failed, {len(empty)} found nothing, "
        f"{changed} saw another total than before",
    ]
    assert not errors, errors[:5]
    assert not empty, empty[:5]
    assert len(answers) >= 4 * REINDEXES
