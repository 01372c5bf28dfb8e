"""Test-wide settings: every run gets its own database, blob store, index names and queue.

They are set before any project module reads its settings, so a dev stack on the same machine
(same Elasticsearch and Redis) is never touched by the tests.
"""

import os
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures"]

RUN_DIR = Path(tempfile.mkdtemp(prefix="vidensbank-test-"))
TEST_PREFIX = f"vbtest-{os.getpid()}"

os.environ.update(
    {
        "VB_DATABASE_URL": f"sqlite:///{RUN_DIR / 'vidensbank.db'}",
        "VB_BLOB_DIR": str(RUN_DIR / "blobs"),
        "VB_INDEX_PREFIX": TEST_PREFIX,
        "VB_QUEUE": TEST_PREFIX,
        # A worker killed in a test hands its task back after this many seconds; every task's
        # time limit stays under it (80 %, so 24 s here).
        "VB_BROKER_VISIBILITY_TIMEOUT": "30",
        "VB_TASK_MAX_RETRIES": "3",
        # FastAPI's TestClient sends "testserver" as its host.
        "VB_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
)


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return RUN_DIR


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.quality import REPORTS

    for title, lines in REPORTS.items():
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.line(line)
