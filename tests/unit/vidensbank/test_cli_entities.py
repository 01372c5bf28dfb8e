"""`vidensbank entities FILE --json` on a sample PDF, without any server."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vidensbank.cli import main
from vidensbank.settings import get_settings


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


def test_entities_of_a_folder_asks_for_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder printed a traceback: "ValueError: not enough values to unpack" when empty,
    "too many values to unpack" with files in it."""
    assert main(["entities", str(tmp_path)]) == 1
    (tmp_path / "a.html").write_text("<p>Ankestyrelsen</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>Ankestyrelsen</p>", encoding="utf-8")
    assert main(["entities", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"Fejl: {tmp_path} er en mappe; angiv en fil.\n" * 2


CHROME_AND_HEADINGS = """<!doctype html><html lang="da"><head><title>Kontakt</title></head><body>
<header><p>Børns Vilkår</p><nav>Forside · Om os · Nyheder · Kontakt</nav></header>
<nav>Del: Facebook LinkedIn Mail · Print</nav>
<main>
<h1>Kontakt</h1>
<h2>Formål</h2>
<h2>Sådan gør du</h2>
<h2>Boks 5.1 Eksempel</h2>
<h3>Kapitel 3</h3>
<h3>Figur 2.1 Fordeling på kommuner</h3>
<h3>Tabel 4 Sagsnr. 2024-11873</h3>
<h3>Læs Også Om Os</h3>
<p>Facebook LinkedIn Mail · Print</p>
<p>Del siden · Udskriv · Til toppen · kontakt@eksempel.dk · www.eksempel.dk</p>
</main>
<footer><p>Børns Vilkår · Trekronergade 26 · CVR 12345678 · Om cookies</p></footer>
</body></html>"""


def test_a_page_of_only_chrome_and_headings_has_no_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "kontakt.html"
    page.write_text(CHROME_AND_HEADINGS, encoding="utf-8")
    assert main(["entities", str(page), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entities"] == []


def test_the_command_ends_with_its_whole_output_and_its_exit_code(
    report_pdf: Path, tmp_path: Path
) -> None:
    # The console script ends the process itself once the command is done (``cli.run``):
    # nothing it wrote may be lost, and its exit code must stay the command's.
    command = Path(sys.executable).parent / "vidensbank"
    done = subprocess.run(
        [str(command), "entities", str(report_pdf), "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["entities"]
    empty = tmp_path / "tom.pdf"
    empty.write_bytes(b"")
    refused = subprocess.run([str(command), "entities", str(empty)], capture_output=True, text=True)
    assert refused.returncode == 1
    assert "Filen er tom" in refused.stderr


def test_entities_needs_no_database(
    report_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It stores nothing, yet was refused when the database's folder did not exist."""
    monkeypatch.setenv("VB_DATABASE_URL", f"sqlite:///{tmp_path / 'findes-ikke' / 'vb.db'}")
    get_settings.cache_clear()
    try:
        assert main(["entities", str(report_pdf), "--json"]) == 0
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
