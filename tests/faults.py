"""Helpers for the fault tests: a TCP proxy that can play a dead Elasticsearch, a private Redis
that can be killed, workers and an API server on those, and checks of what an ingest left behind.

Every process started here runs in its own process group, so ``stop_worker`` from
``tests.fixtures`` stops it with all of its children.
"""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import redis
from sqlalchemy import ColumnElement, select

from search_api.index.elastic import get_client
from search_api.index.lifecycle import alias_name
from tests.fixtures import VENV_BIN, free_port, stop_worker
from tests.helpers import PROJECT_ROOT
from vidensbank.store import runs as run_store
from vidensbank.store.db import session_scope
from vidensbank.store.runs import IngestItem, ItemStatus

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Whether ``condition`` became true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def index_quiet(seconds: float = 6.0) -> bool:
    """Whether nothing was written to the live index for ``seconds``: the session's workers
    still link the fault tests' corpus copies as editions for a while, and a search just
    before such a write and one just after can list different documents."""

    def written() -> int:
        stats = get_client().indices.stats(index=alias_name(), metric="indexing")
        return int(stats["_all"]["primaries"]["indexing"]["index_total"])

    before = written()
    time.sleep(seconds)
    return written() == before


def _close(sock: socket.socket) -> None:
    # shutdown() first: it wakes a thread blocked in accept() or recv() on the socket.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to an upstream server.

    ``stop()`` closes the listener and drops every open connection, so clients see the server
    as down (connection refused); ``start()`` listens on the same port again.
    """

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            connections, self._connections = self._connections, set()
        if listener is not None:
            _close(listener)
        for connection in connections:
            _close(connection)

    def __enter__(self) -> "TcpProxy":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                upstream = socket.create_connection(self._upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self._connections |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections -= {source, target}
            _close(source)
            _close(target)


class PrivateRedis:
    """A Redis server of the test's own, without persistence: killing it loses its data, as a
    broker restart without persistence does in production."""

    def __init__(self, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self._workdir = workdir
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        log = (self._workdir / "redis.log").open("ab")
        self._process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not wait_for(self.ping, timeout=15):
            self.kill()
            raise RuntimeError(f"redis-server did not start; see {self._workdir / 'redis.log'}")

    def kill(self) -> None:
        if self._process is not None:
            stop_worker(self._process, signal.SIGKILL)
            self._process = None


def healthz(url: str) -> tuple[int, dict[str, Any]]:
    response = httpx.get(f"{url}/healthz", timeout=15)
    body: dict[str, Any] = response.json()
    return response.status_code, body


@contextmanager
def api_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``vidensbank serve`` with ``env``; yields its base URL once /healthz answers."""
    port = free_port()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [str(VENV_BIN / "vidensbank"), "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            healthz(url)
        except httpx.TransportError:
            return False
        return True

    try:
        if not wait_for(answers, timeout=30):
            raise RuntimeError(f"the API did not come up; see {log_path}")
        yield url
    finally:
        stop_worker(process)


def fault_env(queue_suffix: str, **settings: str) -> dict[str, str]:
    """The test run's environment with a queue of the test's own and ``settings`` (VB_*)."""
    return {**os.environ, "VB_QUEUE": f"{os.environ['VB_QUEUE']}-{queue_suffix}", **settings}


def copy_corpus(corpus: Path, target: Path, copies: int = 1) -> int:
    """Copy the sample corpus' PDF and HTML files ``copies`` times under distinct names, without
    the manifest (so each is a new source identity), into ``target``; return the number of
    files."""
    target.mkdir(parents=True)
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".pdf", ".html"))
    for copy in range(copies):
        for path in files:
            shutil.copy(path, target / (path.name if copy == 0 else f"{copy}-{path.name}"))
    return len(files) * copies


def item_statuses(folder: Path) -> Counter[str]:
    """The status of every ingest item whose file lies in ``folder`` (a unique name)."""
    with session_scope() as session:
        return Counter(session.scalars(select(IngestItem.status).where(_in_folder(folder))))


def _in_folder(folder: Path) -> ColumnElement[bool]:
    return IngestItem.location.like(f"%/{folder.name}/%")


def fail_unfinished_items(folder: Path) -> int:
    """Mark the unfinished items of a test's folder failed, and return how many there were.

    A worker that finds its broker's queue lost puts every unfinished item of any run back on
    its queue; what a failed test leaves unfinished would otherwise land on later tests'
    workers."""
    with session_scope() as session:
        ids = session.scalars(
            select(IngestItem.id).where(
                _in_folder(folder), IngestItem.status.not_in(ItemStatus.FINAL)
            )
        ).all()
        for item_id in ids:
            run_store.finish_item(
                session,
                item_id=item_id,
                status=ItemStatus.FAILED,
                reason_code="system",
                reason="Fejltesten stoppede, før filen var færdig.",
            )
        return len(ids)


def index_counts(document_ids: list[str]) -> Counter[str]:
    """How many documents the live index holds with each of ``document_ids``."""
    client = get_client()
    client.indices.refresh(index=alias_name())
    response = client.search(
        index=alias_name(),
        size=0,
        query={"terms": {"id": document_ids}},
        aggs={"ids": {"terms": {"field": "id", "size": len(document_ids) + 10}}},
    )
    return Counter(
        {
            bucket["key"]: bucket["doc_count"]
            for bucket in response["aggregations"]["ids"]["buckets"]
        }
    )


def retries_logged(log_path: Path) -> int:
    """How many task retries a worker's log records."""
    return sum(
        " retry: Retry in " in line for line in log_path.read_text(errors="replace").split("\n")
    )
