import re

import yaml

from tests.helpers import PROJECT_ROOT
from vidensbank.settings import OTHER_VARIABLES, Settings


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        f"VB_{name.upper()}"
        for name in Settings.model_fields
        if f"`VB_{name.upper()}`" not in readme
    ]
    assert not missing, f"settings not documented in README.md: {missing}"


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert ci in readme


def test_docker_compose_sets_only_real_settings() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert {"es01", "postgres", "redis", "init", "worker", "api", "proxy"} <= set(
        compose["services"]
    )
    fields = {f"VB_{name.upper()}" for name in Settings.model_fields}
    used = set(compose["x-app"]["environment"])
    assert used <= fields, used - fields
    assert compose["x-app"]["environment"]["VB_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_every_variable_the_project_uses_is_a_setting_or_known_to_be_another() -> None:
    """The command warns of a ``VB_`` variable nothing reads; one the scripts, compose or the
    tests read must not be warned of, and no name may be listed that nothing uses."""
    # The test of that warning misspells names on purpose.
    warning_test = PROJECT_ROOT / "tests" / "unit" / "vidensbank" / "test_cli_settings.py"
    files = [
        path
        for folder in ("scripts", "deploy", "tests", "bench")
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.suffix in {"", ".sh", ".py", ".env", ".md", ".conf"} and path.is_file()
    ] + [PROJECT_ROOT / name for name in ("docker-compose.yml", "Dockerfile", "README.md")]
    used = {
        name
        for path in files
        if path != warning_test
        for name in re.findall(r"\bVB_[A-Z0-9_]+", path.read_text(errors="replace"))
    }
    others = used - {f"VB_{name.upper()}" for name in Settings.model_fields}
    assert others == OTHER_VARIABLES
