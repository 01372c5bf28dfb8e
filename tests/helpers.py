import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

# The checkout the tests run from.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_PATH = Path(__file__).parent / "relevance" / "queries.yaml"
QUESTIONS_PATH = Path(__file__).parent / "relevance" / "questions.yaml"


def ingest_command(*targets: Path | str, timeout: float = 600) -> list[str]:
    return [
        str(Path(sys.executable).parent / "vidensbank"),
        "ingest",
        "--wait",
        "--json",
        "--timeout",
        str(timeout),
        *map(str, targets),
    ]


def ingest(
    *targets: Path | str, timeout: float = 600, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``vidensbank ingest --wait --json`` as a user would, and parse its output."""
    result = subprocess.run(
        ingest_command(*targets, timeout=timeout),
        cwd=PROJECT_ROOT,
        env=env or os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=timeout + 60,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report
