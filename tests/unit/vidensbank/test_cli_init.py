"""`vidensbank init` after an upgrade: it migrates, and says what the operator runs next."""

from pathlib import Path

import pytest
from alembic import command

from vidensbank.cli import main
from vidensbank.settings import get_settings
from vidensbank.store.db import code_revisions, migration_config, schema_revision


def test_init_after_an_upgrade_names_the_steps_to_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said only "klar" while nearly every document was read, enriched and screened by the
    old version's rules, and nothing told the operator to run them again."""
    url = f"sqlite:///{tmp_path / 'gammel.db'}"
    command.upgrade(migration_config(url), "0019")
    monkeypatch.setenv("VB_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        assert main(["init"]) == 0
        said = capsys.readouterr().err
        head = code_revisions()[0]
        assert schema_revision(url) == head
        assert f"Databasen er opdateret fra skema 0019 til {head}." in said
        assert "»vidensbank reenrich --stale«" in said
        # Nothing moved the second time: nothing to say of it.
        assert main(["init"]) == 0
        assert "opdateret fra skema" not in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
