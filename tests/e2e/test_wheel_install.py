"""The package as a wheel, installed outside the checkout: what the Docker image runs.

The wheel is built from a fresh copy of the package folders, so nothing left over in the
checkout (build output, egg-info) gets in, and without build isolation or an index, so the test
downloads nothing. It is installed without its dependencies into a virtualenv of its own outside
the checkout; that virtualenv reaches the dev environment's site-packages through a ``.pth`` line,
which adds the folder without running its ``.pth`` files, so the editable install of the checkout
is never loaded there. Every command then runs in a working folder outside the checkout with
nothing but the settings it is given.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# The folders the wheel is built from: the top-level packages pyproject.toml includes.
PACKAGE_FOLDERS = [
    pattern.removesuffix("*")
    for pattern in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
]
# Every file of those folders ships but READMEs, which are for people, the Java plugin, which
# the scripts build for Elasticsearch, and the entity model's training and test texts, which
# training reads from the checkout (the service runs the trained model in nlp_models/model/).
NOT_SHIPPED = ("search_api/index/es_plugin/", "nlp_models/training/data/")

# Celery and the settings are read when first used, not at import: the environment set after
# every task module is imported still decides the broker, the queue and the retries.
LAZY_SETTINGS = """
import json, os
import ingest.tasks, nlp_models.tasks, search_api.index.tasks
from vidensbank.celery_app import app
from vidensbank.settings import get_settings

read_at_import = get_settings.cache_info().currsize
os.environ.update(VB_ES_PORT="9299", VB_REDIS_PORT="6399", VB_QUEUE="later",
                  VB_TASK_MAX_RETRIES="2")
print(json.dumps({
    "read_at_import": read_at_import,
    "broker_url": app.conf.broker_url,
    "queue": app.conf.task_default_queue,
    "max_retries": app.tasks["index.documents"].max_retries,
    "elasticsearch_url": get_settings().elasticsearch_url,
}))
"""

# The migrations, the knowledge base, the entity model, the templates and the static files, each
# from the installed package.
RUN_FROM_PACKAGE = """
import json
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

import ingest, nlp_models, sample_corpus, search_api, vidensbank, web
from nlp_models.entities import get_finder
from nlp_models.pipeline import MODEL_DIR
from vidensbank.settings import get_settings
from vidensbank.store.db import MIGRATIONS_DIR, migrate, migration_config
from web.app import app

settings = get_settings()
migrate()
engine = create_engine(settings.database_url)
with engine.connect() as connection:
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    tables = inspect(connection).get_table_names()
finder = get_finder(settings.kb_dir)
mentions = finder.find("VIVE har sammen med Socialstyrelsen undersøgt sager i Aarhus Kommune.")
client = TestClient(app)
missing = client.get("/findes-ikke")
style = client.get("/static/style.css")
print(json.dumps({
    "packages": [module.__file__ for module in (
        ingest, nlp_models, sample_corpus, search_api, vidensbank, web
    )],
    "database_url": settings.database_url,
    "migrations_dir": str(MIGRATIONS_DIR),
    "revision": revision,
    "head": ScriptDirectory.from_config(migration_config()).get_current_head(),
    "tables": tables,
    "kb_dir": str(settings.kb_dir),
    "kb_records": len(finder.kb.records),
    "model_dir": str(MODEL_DIR),
    "linked": sorted({m.kb_id for m in mentions if m.kb_id}),
    "missing": [missing.status_code, missing.headers["content-type"], missing.text],
    "style": [style.status_code, len(style.content)],
}))
"""


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{command[:4]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _copy_sources(target: Path) -> None:
    target.mkdir()
    shutil.copy(PROJECT_ROOT / "pyproject.toml", target)
    for folder in PACKAGE_FOLDERS:
        shutil.copytree(
            PROJECT_ROOT / folder,
            target / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )


def _shipped(path: str) -> bool:
    return not path.endswith(".md") and not path.startswith(NOT_SHIPPED)


class Installed:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources = root / "sources"
        self.venv = root / "venv"
        self.wheel = self._build()
        self.site_packages = self._install()
        self.work = root / "work"
        self.work.mkdir()

    def _build(self) -> Path:
        _copy_sources(self.sources)
        dist = self.root / "dist"
        _run(
            [
                *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
                *("--no-index", "--wheel-dir", str(dist), str(self.sources)),
            ],
            cwd=self.root,
            env=self.env(),
        )
        (wheel,) = dist.glob("vidensbank-*.whl")
        return wheel

    def _install(self) -> Path:
        _run([sys.executable, "-m", "venv", "--without-pip", str(self.venv)], env=self.env())
        python = self.venv / "bin" / "python"
        # Installed before the dependencies are reachable, so pip cannot take the dev
        # environment's editable install for this one.
        _run(
            [
                *(sys.executable, "-m", "pip", "--python", str(python), "install"),
                *("--no-deps", "--no-index", str(self.wheel)),
            ],
            cwd=self.root,
            env=self.env(),
        )
        site_packages = Path(
            _run(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                env=self.env(),
            ).stdout.strip()
        )
        dependencies = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
        (site_packages / "vidensbank-test-dependencies.pth").write_text(
            "".join(f"{folder}\n" for folder in sorted(dependencies)), encoding="utf-8"
        )
        return site_packages

    def env(self, **settings: str) -> dict[str, str]:
        """Nothing of the test run's environment but the path, and only the settings given."""
        return {
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            **settings,
        }

    def python(self, script: str, **settings: str) -> dict[str, Any]:
        result = _run(
            [str(self.venv / "bin" / "python"), "-c", script],
            cwd=self.work,
            env=self.env(**settings),
        )
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(PROJECT_ROOT)
    return Installed(root)


def test_wheel_holds_the_package_data_and_nothing_else(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = {name for name in wheel.namelist() if ".dist-info/" not in name}
    sources = {
        path.relative_to(installed.sources).as_posix()
        for folder in PACKAGE_FOLDERS
        for path in (installed.sources / folder).rglob("*")
        if path.is_file()
    }
    assert sorted(path for path in sources if _shipped(path) and path not in names) == []
    assert sorted(name for name in names if not _shipped(name) or name not in sources) == []
    assert "vidensbank/store/migrations/script.py.mako" in names
    assert any(name.startswith("vidensbank/store/migrations/versions/") for name in names)
    assert not any(name.startswith("search_api/index/es_plugin/") for name in names)


def test_command_runs_from_the_installed_package(installed: Installed) -> None:
    result = _run(
        [str(installed.venv / "bin" / "vidensbank"), "--help"],
        cwd=installed.work,
        env=installed.env(),
    )
    assert "ingest" in result.stdout
    assert "serve" in result.stdout


def test_migrations_data_and_pages_come_from_the_installed_package(installed: Installed) -> None:
    var = installed.root / "var"
    found = installed.python(RUN_FROM_PACKAGE, VB_VAR=str(var), VB_ALLOWED_HOSTS="testserver")

    for path in [*found["packages"], found["migrations_dir"], found["kb_dir"], found["model_dir"]]:
        assert Path(path).is_relative_to(installed.site_packages), path
    # The SQLite file goes under VB_VAR when no database URL is given.
    assert found["database_url"] == f"sqlite:///{var / 'vidensbank.db'}"
    assert found["revision"] == found["head"]
    assert {"documents", "pages", "ingest_runs"} <= set(found["tables"]), found["tables"]
    assert found["kb_records"] > 300
    assert "org.vive" in found["linked"], found["linked"]
    status, content_type, page = found["missing"]
    assert status == 404
    assert content_type.startswith("text/html")
    assert 'lang="da"' in page
    assert found["style"][0] == 200
    assert found["style"][1] > 0


def test_celery_and_settings_are_read_when_first_used(installed: Installed) -> None:
    found = installed.python(LAZY_SETTINGS)
    assert found == {
        "read_at_import": 0,
        "broker_url": "redis://127.0.0.1:6399/0",
        "queue": "later",
        "max_retries": 2,
        "elasticsearch_url": "http://127.0.0.1:9299",
    }
