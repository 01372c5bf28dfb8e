import yaml

from tests.helpers import PROJECT_ROOT
from vidensbank.settings import Settings


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
