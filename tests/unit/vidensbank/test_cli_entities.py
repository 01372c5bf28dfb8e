"""`vidensbank entities FILE --json` on a sample PDF, without any server."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vidensbank.cli import main


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [sys.executable, "-m", "sample_corpus.render", str(folder)], check=True, capture_output=True
    )
    return folder / "vive-2022-inddragelse-af-boern-i-egen-sag.pdf"


def test_entities_of_a_pdf_with_labels_canonical_names_and_pages(
    report_pdf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["entities", str(report_pdf), "--json"]) == 0
    entities = json.loads(capsys.readouterr().out)["entities"]
    by_id = {e["kb_id"]: e for e in entities if e["kb_id"]}
    assert by_id["org.ankestyrelsen"]["label"] == "ORG"
    assert by_id["org.ankestyrelsen"]["canonical"] == "Ankestyrelsen"
    assert all(isinstance(p, int) and p >= 1 for e in entities for p in e["pages"])
    assert {e["label"] for e in entities} >= {"ORG", "LOC", "LAW", "DATE"}
    assert not [e for e in entities if e["text"] in ("Formål", "Her")]


def test_entities_of_a_broken_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "tom.pdf"
    empty.write_bytes(b"")
    assert main(["entities", str(empty)]) == 1
    assert "Filen er tom" in capsys.readouterr().err


def test_entities_of_a_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entities", "/findes/ikke.pdf"]) == 1
    assert "Filen findes ikke" in capsys.readouterr().err
