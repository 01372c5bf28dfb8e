"""The data flow as an import contract: each step imports only earlier steps and the core."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import PROJECT_ROOT

PACKAGES = ("vidensbank", "ingest", "nlp_models", "search_api", "web")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def _all_but_python(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())]


def test_the_code_keeps_the_contract() -> None:
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_backwards_import_breaks_it(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(PROJECT_ROOT / package, tmp_path / package, ignore=_all_but_python)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    # The extract step reaching up into the search index.
    (tmp_path / "ingest" / "backwards.py").write_text("import search_api.index.indexer\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "ingest.backwards -> search_api.index.indexer" in result.stdout
