"""The command line's output read by another program that stops early."""

import subprocess
import sys
from pathlib import Path


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """``vidensbank entities FILE | head`` printed a BrokenPipeError traceback in English."""
    amounts = "".join(f"<p>Tilskuddet var {1000 + n} kr. i år {n}.</p>" for n in range(3000))
    page = tmp_path / "tilskud.html"
    page.write_text(f"<html><body><h1>Tilskud</h1>{amounts}</body></html>", encoding="utf-8")
    command = subprocess.Popen(
        [str(Path(sys.executable).parent / "vidensbank"), "entities", "--json", str(page)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout is not None and command.stderr is not None
    assert len(command.stdout.read(10)) == 10
    command.stdout.close()
    errors = command.stderr.read().decode()
    assert command.wait(timeout=120) == 1
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
