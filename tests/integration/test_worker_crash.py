"""A worker killed in the middle of an ingest loses no document."""

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.fixtures import start_worker, stop_worker
from tests.helpers import PROJECT_ROOT, ingest_command
from tests.stacks import Stack, own_stack
from vidensbank.store.runs import IngestItem, ItemStatus


def final_items(own: Stack) -> int:
    with own.session() as session:
        return session.query(IngestItem).filter(IngestItem.status.in_(ItemStatus.FINAL)).count()


def test_killed_worker_loses_nothing(stack: None, corpus: Path, run_dir: Path) -> None:
    # Fresh copies without the manifest: new source identities, so nothing is "unchanged".
    folder = run_dir / "crash-corpus"
    folder.mkdir()
    for path in sorted(corpus.glob("*.pdf")):
        shutil.copy(path, folder / path.name)
    expected = len(list(folder.iterdir()))
    with own_stack("crash", run_dir) as own:
        first = start_worker("crash-a", run_dir / "crash-a.log", concurrency=1, env=own.env)
        cli = subprocess.Popen(
            ingest_command(folder, timeout=600),
            cwd=PROJECT_ROOT,
            env=own.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while final_items(own) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert final_items(own) < expected, "ingest finished before the worker was killed"
        stop_worker(first, signal.SIGKILL)

        second = start_worker("crash-b", run_dir / "crash-b.log", concurrency=1, env=own.env)
        try:
            out, err = cli.communicate(timeout=600)
        finally:
            stop_worker(second)
    assert cli.returncode == 0, err
    report: dict[str, Any] = json.loads(out)
    assert len(report["documents"]) == expected
    assert {d["status"] for d in report["documents"]} == {"indexed"}
