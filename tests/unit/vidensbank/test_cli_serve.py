"""`vidensbank serve`: what it asks of uvicorn."""

from typing import Any

import pytest
import uvicorn

from vidensbank.cli import WORKER_HEALTHCHECK_SECONDS, main


def test_a_busy_worker_is_not_killed_for_a_slow_health_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Uvicorn's default (5 s) killed a worker that was answering searches under load."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    assert main(["serve", "--workers", "2", "--port", "8123"]) == 0
    [options] = calls
    assert options["workers"] == 2
    assert options["port"] == 8123
    assert options["timeout_worker_healthcheck"] == WORKER_HEALTHCHECK_SECONDS >= 30
    assert options["access_log"] is False
