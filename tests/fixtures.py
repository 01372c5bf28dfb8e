"""Fixtures for integration and end-to-end tests.

Real servers: the Elasticsearch node and Redis that scripts/start_services.sh starts, a real
Celery worker process started here, and a SQLite file of the test run's own.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from celery import Celery
from celery.utils.nodenames import host_format

from search_api.index.elastic import get_client
from tests.conftest import TEST_PREFIX
from tests.helpers import PROJECT_ROOT, ingest
from vidensbank.cli import main as cli_main
from vidensbank.settings import get_settings

VENV_BIN = Path(sys.executable).parent


def start_worker(
    name: str,
    log_path: Path,
    concurrency: int = 2,
    env: dict[str, str] | None = None,
    queues: list[str] | None = None,
) -> subprocess.Popen[bytes]:
    """A real Celery worker on the broker and queues ``env`` names (the test run's by default:
    started without -Q, it consumes the OCR and the embedding queue too; only ``queues`` when
    given); returns once it answers a ping on that broker."""
    env = env or os.environ.copy()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "vidensbank.celery_app",
            "worker",
            "--hostname",
            f"{name}@%h",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            *(["-Q", ",".join(queues)] if queues else []),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    control = Celery(broker=env.get("VB_BROKER_URL", get_settings().broker_url))
    destination = [host_format(f"{name}@%h")]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {log_path}")
            if control.control.ping(destination=destination, timeout=0.5):
                return process
    finally:
        control.close()
    stop_worker(process, signal.SIGKILL)
    raise RuntimeError(f"worker {name} did not come up; see {log_path}")


def stop_worker(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def stack(run_dir: Path) -> Iterator[None]:
    """Database and index created, servers reachable; cleaned up after the session."""
    settings = get_settings()
    client = get_client()
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
        redis.Redis.from_url(settings.broker_url).ping()
    except Exception as exc:
        pytest.fail(
            f"Elasticsearch or Redis is not running ({exc}); start them with "
            "scripts/start_services.sh (scripts/test.sh does it for you)."
        )
    assert cli_main(["init"]) == 0
    yield
    # Deleting by wildcard is refused (action.destructive_requires_name), so name each index.
    for index in client.indices.get(index=f"{TEST_PREFIX}-*"):
        client.indices.delete(index=index)
    redis.Redis.from_url(settings.broker_url).delete(
        settings.queue, settings.ocr_queue, settings.embed_queue
    )


@pytest.fixture(scope="session")
def worker(stack: None, run_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    # The corpus's scan is read by OCR, seconds a page (and many more on a busy machine): the
    # test run's 30 s visibility timeout would leave its tasks 19 s. Nothing kills this worker.
    # Two workers, as scripts/run.sh starts them: the pipeline's, and the embedding worker.
    env = os.environ | {"VB_BROKER_VISIBILITY_TIMEOUT": "150"}
    settings = get_settings()
    process = start_worker(
        "main", run_dir / "worker.log", env=env, queues=[settings.queue, settings.ocr_queue]
    )
    try:
        embedding = start_worker(
            "main-embed",
            run_dir / "main-embed-worker.log",
            env=env,
            queues=[settings.embed_queue],
        )
    except BaseException:
        stop_worker(process)
        raise
    yield process
    stop_worker(embedding)
    stop_worker(process)


@pytest.fixture(scope="session")
def corpus(run_dir: Path) -> Path:
    """The bundled sample corpus, rendered into real PDF and HTML files."""
    target = run_dir / "corpus"
    subprocess.run(
        [sys.executable, "-m", "sample_corpus.render", str(target)],
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="session")
def corpus_report(worker: subprocess.Popen[bytes], corpus: Path) -> dict[str, Any]:
    """The report of the first ingest of the sample corpus in this test session, once the
    corpus is searchable by its words and, a little later, by its meaning."""
    report = ingest(corpus)
    embedded = subprocess.run(
        [str(VENV_BIN / "vidensbank"), "embed", "--wait", "--timeout", "900"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=960,
    )
    assert embedded.returncode == 0, embedded.stderr
    return report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``vidensbank serve`` on a free port with ``env``; yields its base URL once it answers."""
    port = free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "vidensbank"), "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(corpus_report: dict[str, Any], run_dir: Path) -> Iterator[str]:
    with serving(os.environ.copy(), run_dir / "api.log") as url:
        yield url
