import csv
import io
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


def excel_csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV file made for a Danish Excel: it starts with a byte-order mark and
    separates its cells with semicolons."""
    assert content.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel reads it as cp1252"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
