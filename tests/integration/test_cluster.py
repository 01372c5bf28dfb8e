"""The cluster on loopback (``scripts/cluster.sh``: three Elasticsearch nodes with a replica of
every shard, PostgreSQL, Redis, two worker pools, two API processes behind nginx) under faults,
each counted: an Elasticsearch node stopped during an ingest and a search load, then a worker
pool and an API process killed during another ingest and search load.

The cluster is a small one (eight files a fault, embeddings off: they would only make the
ingests slower) on ports and a runtime folder of its own; everything is reached as a user
would, through the script, the CLI and HTTP."""

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.helpers import PROJECT_ROOT
from tests.quality import REPORTS
from vidensbank.store.runs import IngestItem, ItemStatus

pytestmark = pytest.mark.integration

SCRIPTS = PROJECT_ROOT / "scripts"
API_PORT = 8070
ES_PORT = 9261
PG_PORT = 5447
# Single words: the documents one word finds only grow as documents are added. A query of
# several finds fewer when a word turns common as the corpus grows (it then ranks but no longer
# suffices to match), which is the search's design and no fault of the cluster.
QUERIES = ["inddragelse", "anbringelse", "underretning", "perspektiv", "plejefamilie"]
FILES_PER_FAULT = 8
SEARCH_THREADS = 3


@pytest.fixture(scope="module")
def cluster(run_dir: Path) -> Iterator[dict[str, str]]:
    """The environment of the cluster's processes, with the cluster running. Its runtime
    folder is not below pytest's: every pytest run resets the mode of that folder, which would
    lock Elasticsearch's and PostgreSQL's users out of their data."""
    var = run_dir / "cluster"
    # Nothing of the test session's own settings (its database, index prefix, queue) may leak
    # into the cluster.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VB_")} | {
        "VB_VAR": str(var),
        "VB_API_PORT": str(API_PORT),
        "VB_CLUSTER_ES_PORT": str(ES_PORT),
        "VB_CLUSTER_TRANSPORT_PORT": str(ES_PORT + 100),
        "VB_REDIS_PORT": "6397",
        "VB_PG_PORT": str(PG_PORT),
        "VB_ES_HEAP": "512m",
        "VB_EMBEDDINGS": "false",
        # A killed pool's tasks go to the other pool after this long (compose: 900 s).
        "VB_BROKER_VISIBILITY_TIMEOUT": "30",
    }
    try:
        subprocess.run([SCRIPTS / "cluster.sh", "start"], env=env, check=True, timeout=600)
        exported = subprocess.run(
            [SCRIPTS / "cluster.sh", "env"], env=env, check=True, capture_output=True, text=True
        ).stdout
        for line in exported.splitlines():
            key, value = line.removeprefix("export ").split("=", 1)
            env[key] = value.replace("\\,", ",")
        yield env
    finally:
        subprocess.run([SCRIPTS / "cluster.sh", "stop"], env=env, timeout=300)


def ingest(env: dict[str, str], folder: Path) -> subprocess.Popen[str]:
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "vidensbank"), "ingest", "--wait", "--json"]
    return subprocess.Popen(
        [*command, "--timeout", "600", str(folder)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(cli: subprocess.Popen[str]) -> Counter[str]:
    out, err = cli.communicate(timeout=600)
    assert cli.returncode == 0, err[-2000:]
    report: dict[str, Any] = json.loads(out)
    return Counter(document["status"] for document in report["documents"])


def files(corpus: Path, name: str, start: int, target: Path) -> Path:
    """``FILES_PER_FAULT`` of the sample corpus's PDFs, copied under new names (new documents)."""
    folder = target / name
    folder.mkdir()
    for path in sorted(corpus.glob("*.pdf"))[start : start + FILES_PER_FAULT]:
        shutil.copy(path, folder / f"{name}-{path.name}")
    return folder


def final_items(env: dict[str, str]) -> int:
    engine = create_engine(env["VB_DATABASE_URL"])
    try:
        with Session(engine) as session:
            count = session.scalar(
                select(func.count())
                .select_from(IngestItem)
                .where(IngestItem.status.in_(ItemStatus.FINAL))
            )
            return int(count or 0)
    finally:
        engine.dispose()


def wait_until_some_are_final(env: dict[str, str], before: int) -> None:
    deadline = time.monotonic() + 120
    while final_items(env) <= before and time.monotonic() < deadline:
        time.sleep(0.2)


def tasks(log: Path, event: str) -> set[str]:
    """The ids of the pipeline tasks a worker's log says were ``received`` or ``succeeded``."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return set(re.findall(rf"Task [a-z_.]+\[([0-9a-f-]+)\] {event}", text))


def indexed_documents(env: dict[str, str]) -> int:
    url = env["VB_ELASTICSEARCH_URL"].split(",")[0]
    httpx.post(f"{url}/vidensbank-documents/_refresh", timeout=30)
    response = httpx.get(f"{url}/vidensbank-documents/_count", timeout=30)
    return int(response.json()["count"])


def cluster_health(env: dict[str, str]) -> dict[str, Any]:
    url = env["VB_ELASTICSEARCH_URL"].split(",")[0]
    health: dict[str, Any] = httpx.get(f"{url}/_cluster/health", timeout=30).json()
    return health


class SearchLoad:
    """Users searching through nginx until stopped: every answer that is not a 200, and every
    total below what the query found before the fault, counts."""

    def __init__(self, baseline: dict[str, int]) -> None:
        self.baseline = baseline
        self.answers = 0
        self.failed: list[str] = []
        self.fewer: list[str] = []
        self._done = threading.Event()
        self._threads = [
            threading.Thread(target=self._search, args=(n,)) for n in range(SEARCH_THREADS)
        ]

    def __enter__(self) -> "SearchLoad":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _search(self, offset: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{API_PORT}", timeout=60) as client:
            n = offset
            while not self._done.is_set():
                q = QUERIES[n % len(QUERIES)]
                n += 1
                try:
                    response = client.get("/api/search", params={"q": q})
                except httpx.HTTPError as exc:
                    self.failed.append(f"{q}: {type(exc).__name__}")
                    continue
                self.answers += 1
                if response.status_code != 200:
                    self.failed.append(f"{q}: {response.status_code} {response.text[:200]}")
                elif response.json()["total"] < self.baseline[q]:
                    self.fewer.append(f"{q}: {response.json()['total']} < {self.baseline[q]}")


def baseline() -> dict[str, int]:
    with httpx.Client(base_url=f"http://127.0.0.1:{API_PORT}", timeout=60) as client:
        return {q: client.get("/api/search", params={"q": q}).json()["total"] for q in QUERIES}


def test_the_cluster_loses_nothing_when_a_node_a_pool_or_an_api_process_dies(
    cluster: dict[str, str], corpus: Path, run_dir: Path
) -> None:
    env = cluster
    target = run_dir / "cluster-files"
    target.mkdir()
    assert finish(ingest(env, files(corpus, "first", 0, target))) == {"indexed": FILES_PER_FAULT}
    before = baseline()
    assert all(before.values()), before

    # An Elasticsearch node stops in the middle of an ingest and a search load, and returns.
    node = {**env, "VB_ES_PORT": str(ES_PORT + 1)}
    with SearchLoad(before) as load:
        cli = ingest(env, files(corpus, "node", FILES_PER_FAULT, target))
        wait_until_some_are_final(env, FILES_PER_FAULT)
        subprocess.run([SCRIPTS / "stop_services.sh", "es"], env=node, check=True, timeout=120)
        statuses = finish(cli)
        health_without = cluster_health(env)
        stopped = time.monotonic()
        subprocess.run([SCRIPTS / "cluster.sh", "start"], env=env, check=True, timeout=600)
        back = time.monotonic() - stopped
    health = cluster_health(env)
    in_index = indexed_documents(env)
    REPORTS["cluster: an Elasticsearch node stopped during an ingest and a search load"] = [
        f"ingest of {FILES_PER_FAULT} files: {dict(statuses)}; {in_index} of "
        f"{2 * FILES_PER_FAULT} documents in the index",
        f"{load.answers} searches answered, {len(load.failed)} failed, {len(load.fewer)} found "
        f"fewer than before",
        f"without the node: {health_without['status']}, {health_without['number_of_nodes']} "
        f"nodes; with it again: {health['status']} {back:.0f} s after the ingest ended",
    ]
    assert statuses == {"indexed": FILES_PER_FAULT}
    assert in_index == 2 * FILES_PER_FAULT
    assert not load.failed, load.failed[:5]
    assert not load.fewer, load.fewer[:5]
    assert health["status"] == "green" and health["number_of_nodes"] == 3

    # A worker pool and an API process are killed in the middle of another: the pool as soon
    # as it has taken tasks of this ingest, before it can finish them.
    run = Path(env["VB_VAR"]) / "cluster"
    logs = Path(env["VB_VAR"]) / "log" / "cluster"
    earlier = tasks(logs / "pool1.log", "received")
    with SearchLoad(before) as load:
        cli = ingest(env, files(corpus, "pool", 2 * FILES_PER_FAULT, target))
        deadline = time.monotonic() + 120
        while not tasks(logs / "pool1.log", "received") - earlier:
            assert time.monotonic() < deadline, "pool1 took no task of the ingest"
            time.sleep(0.05)
        # A moment into its work, once the messages it reserved are recorded as unacknowledged:
        # killed within milliseconds of taking a message from Redis, a worker can lose that
        # message (seen once; README, "A cluster on one machine").
        time.sleep(0.3)
        # The pool's main process with its children at once, as when its machine dies.
        pool = psutil.Process(int((run / "pool1.pid").read_text()))
        for process in [pool, *pool.children(recursive=True)]:
            process.send_signal(signal.SIGKILL)
        os.kill(int((run / "api1.pid").read_text()), signal.SIGKILL)
        statuses = finish(cli)
    taken = tasks(logs / "pool1.log", "received") - earlier - tasks(logs / "pool1.log", "succeeded")
    finished_by_pool2 = taken & tasks(logs / "pool2.log", "succeeded")
    in_index = indexed_documents(env)
    REPORTS["cluster: a worker pool and an API process killed during an ingest and searches"] = [
        f"ingest of {FILES_PER_FAULT} files: {dict(statuses)}; {in_index} of "
        f"{3 * FILES_PER_FAULT} documents in the index",
        f"pool1 killed holding {len(taken)} unfinished tasks; {len(finished_by_pool2)} of them "
        "finished on pool2",
        f"{load.answers} searches answered through nginx, {len(load.failed)} failed, "
        f"{len(load.fewer)} found fewer than before",
    ]
    assert taken, "pool1 finished its tasks before it was killed"
    assert finished_by_pool2 == taken
    assert statuses == {"indexed": FILES_PER_FAULT}
    assert in_index == 3 * FILES_PER_FAULT
    assert not load.failed, load.failed[:5]
    assert not load.fewer, load.fewer[:5]
