"""What the commands say of a file or folder they cannot use: why, not that it is missing."""

from pathlib import Path

import pytest

from vidensbank.cli import main
from vidensbank.store.db import migrate


@pytest.fixture(autouse=True)
def database() -> None:
    migrate()


def test_a_backup_to_a_folder_that_makes_no_files_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`backup /proc/x.tar` printed a traceback: FileNotFoundError from mkdtemp."""
    assert main(["backup", "/proc/x.tar"]) == 1
    assert capsys.readouterr().err == (
        "Fejl: Sikkerhedskopien kunne ikke skrives i /proc, og intet af den er gemt: "
        "Mappen tager ikke imod nye filer.\n"
    )


@pytest.mark.parametrize("source", ["folder", "/dev/null"])
def test_restoring_what_is_no_file_says_so(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder and /dev/null were "Sikkerhedskopien … findes ikke", though both exist."""
    path = tmp_path if source == "folder" else Path(source)
    assert main(["restore", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"Fejl: {path} er ikke en fil; angiv sikkerhedskopiens tar-fil.\n"
    )


def test_a_file_address_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`ingest --wait file:///etc/passwd` quarantined the file as "Filen findes ikke"."""
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", "--wait", "file:///etc/passwd"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.endswith(
        "fejl: argumentet STI_ELLER_ADRESSE: file:///etc/passwd hentes ikke: kun http- og "
        "https-adresser hentes; angiv en fil med dens sti\n"
    )
