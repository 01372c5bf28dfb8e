"""A stack of a test's own: its own database, blob store, index and queue on the shared
Elasticsearch and Redis, so the files one test ingests never reach another test's searches.

The session's stack (``tests.fixtures.stack``) holds the sample corpus that the search, page and
relevance tests measure; a test that ingests anything else (hostile files, slow files, URLs, a
run it kills) or changes stored documents works in a stack of its own.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.conftest import TEST_PREFIX
from tests.fixtures import serving
from tests.helpers import PROJECT_ROOT
from vidensbank.settings import get_settings

VIDENSBANK = str(Path(sys.executable).parent / "vidensbank")


@dataclass(frozen=True)
class Stack:
    name: str
    env: dict[str, str]

    @property
    def prefix(self) -> str:
        return self.env["VB_INDEX_PREFIX"]

    @property
    def alias(self) -> str:
        return f"{self.prefix}-documents"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on this stack's database (the test process's own settings name another)."""
        engine = create_engine(self.env["VB_DATABASE_URL"])
        try:
            with Session(engine) as session, session.begin():
                yield session
        finally:
            engine.dispose()

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """``vidensbank ARGS`` on this stack."""
        return subprocess.run(
            [VIDENSBANK, *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    @contextmanager
    def in_process(self) -> Iterator[None]:
        """This stack's settings for the test process itself (``vidensbank.cli.main`` called
        in-process, a crawl with a publisher the test defines), restored afterwards."""
        saved = {name: os.environ.get(name) for name in self.env if name.startswith("VB_")}
        os.environ.update({name: self.env[name] for name in saved})
        get_settings.cache_clear()
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            get_settings.cache_clear()

    def serve(self, log_path: Path) -> AbstractContextManager[str]:
        """``vidensbank serve`` on this stack; yields its base URL once it answers."""
        return serving(self.env, log_path)


@contextmanager
def own_stack(name: str, run_dir: Path, **settings: str) -> Iterator[Stack]:
    """A stack named ``name`` (database and index created), with extra ``VB_*`` settings; its
    index and queue are deleted afterwards."""
    folder = run_dir / f"stack-{name}"
    folder.mkdir()
    prefix = f"{TEST_PREFIX}-{name}"
    env = os.environ | {
        "VB_DATABASE_URL": f"sqlite:///{folder / 'vidensbank.db'}",
        "VB_BLOB_DIR": str(folder / "blobs"),
        "VB_INDEX_PREFIX": prefix,
        "VB_QUEUE": prefix,
        # Embedding is slow and these stacks test other things; a test that needs it says so.
        "VB_EMBEDDINGS": "false",
        **settings,
    }
    stack = Stack(name=name, env=env)
    result = stack.cli("init")
    assert result.returncode == 0, result.stderr
    try:
        yield stack
    finally:
        from search_api.index.elastic import get_client

        client = get_client()
        # Deleting by wildcard is refused (action.destructive_requires_name): name each index.
        for index in client.indices.get(index=f"{prefix}-*", expand_wildcards="all"):
            client.indices.delete(index=index)
        broker = redis.Redis.from_url(env.get("VB_BROKER_URL", get_settings().broker_url))
        if leftovers := list(broker.scan_iter(match=f"*{prefix}*")):
            broker.delete(*leftovers)
