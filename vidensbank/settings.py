"""One settings object, read from environment variables prefixed ``VB_``.

Nothing else in the project reads ``os.environ``; every field is documented in the README
(a test checks that). No default depends on where the code is installed: runtime state goes
under ``VB_VAR`` (the scripts set it to the checkout's ``var/``), the service URLs follow the
ports the scripts start Elasticsearch and Redis on, and the knowledge base is the one shipped in
the ``nlp_models`` package.
"""

import difflib
import json
import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Variables the scripts, docker-compose and the tests read themselves (scripts/README.md and
# the README's "Settings" name them): not settings of the app, and no misspelt ones either.
OTHER_VARIABLES = frozenset(
    {
        "VB_API_PORT",
        "VB_API_PROCESSES",
        "VB_CLUSTER_ES_PORT",
        "VB_CLUSTER_TRANSPORT_PORT",
        "VB_CORPUS_DIR",
        "VB_DKFDS_CACHE",
        "VB_DKFDS_SHA512",
        "VB_DKFDS_VERSION",
        "VB_ES_HEAP",
        "VB_ES_HOME",
        "VB_ES_JAVA_OPTS",
        "VB_ES_MASTER_NODES",
        "VB_ES_NODES",
        "VB_ES_NODE_NAME",
        "VB_ES_PLUGINS",
        "VB_ES_RUN",
        "VB_ES_SEED_HOSTS",
        "VB_ES_SETTINGS",
        "VB_ES_START_TIMEOUT",
        "VB_ES_TRANSPORT_PORT",
        "VB_ES_USER",
        "VB_ES_VERSION",
        "VB_ES_WAIT",
        "VB_EXTRA_PACKAGES",
        "VB_M2_REPO",
        "VB_PG_PORT",
        "VB_PG_RUN",
        "VB_REDIS_RUN",
        "VB_ROOT",
        "VB_SCREENSHOT_DIR",
        "VB_WORKER_CONCURRENCY",
        "VB_WORKER_POOLS",
    }
)


def _shipped_kb_dir() -> Path:
    """The knowledge base shipped in the ``nlp_models`` package, located without importing the
    package (the settings sit below every step)."""
    spec = find_spec("nlp_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the nlp_models package is not installed beside vidensbank")
    return Path(next(iter(spec.submodule_search_locations))) / "kb"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VB_", extra="ignore")

    # Fields whose defaults are computed from other fields come after those fields: a default
    # factory sees only the fields validated before it.
    var: Path = Field(
        default=Path("var"),
        validate_default=True,
        description=(
            "Runtime folder: the default home of the SQLite database and the blob store "
            "(the scripts keep logs, pid files and service data there too)."
        ),
    )
    database_url: str = Field(
        default_factory=lambda data: f"sqlite:///{data['var'] / 'vidensbank.db'}",
        description="SQLAlchemy URL of the database (SQLite file or postgresql+psycopg://…).",
    )
    blob_dir: Path = Field(
        default_factory=lambda data: data["var"] / "blobs",
        description="Folder of the content-addressed store of original files.",
    )
    es_port: int = Field(
        default=9200,
        ge=1,
        le=65535,
        description="Port of the local Elasticsearch; the default Elasticsearch URL uses it.",
    )
    elasticsearch_url: str = Field(
        default_factory=lambda data: f"http://127.0.0.1:{data['es_port']}",
        description=(
            "Elasticsearch URL, or the URLs of a cluster's nodes separated by commas (a request "
            "a node fails is sent again to another)."
        ),
    )
    elasticsearch_username: str | None = Field(
        default=None, description="Elasticsearch user when security is on."
    )
    elasticsearch_password: str | None = Field(
        default=None, description="Elasticsearch password when security is on."
    )
    es_shards: int = Field(default=1, ge=1, description="Primary shards of a new search index.")
    es_replicas: int = Field(
        default=0,
        ge=0,
        description=(
            "Replicas of each shard of a new search index: 0 on one node, 1 on a cluster so "
            "that it survives a node's loss."
        ),
    )
    es_request_timeout: float = Field(
        default=30.0, gt=0, description="Seconds before a request to Elasticsearch gives up."
    )
    es_max_retries: int = Field(
        default=2,
        ge=0,
        description="Times a request that failed or timed out is sent again (to another node).",
    )
    es_connections_per_node: int = Field(
        default=10,
        ge=1,
        description="HTTP connections kept open to each Elasticsearch node, per process.",
    )
    index_bulk_documents: int = Field(
        default=50,
        ge=1,
        description="Documents per bulk request when documents are indexed again from SQL.",
    )
    index_prefix: str = Field(
        default="vidensbank",
        description="Prefix of index and alias names; tests use their own.",
    )
    redis_port: int = Field(
        default=6379,
        ge=1,
        le=65535,
        description="Port of the local Redis; the default broker URL uses it.",
    )
    broker_url: str = Field(
        default_factory=lambda data: f"redis://127.0.0.1:{data['redis_port']}/0",
        description="Celery broker URL (Redis).",
    )
    queue: str = Field(default="vidensbank", description="Name of the Celery queue.")
    ocr_queue: str = Field(
        default_factory=lambda data: f"{data['queue']}.ocr",
        description=(
            "Celery queue of the OCR step (default: the queue's name with ``.ocr``), so a long "
            "scan does not hold up other documents."
        ),
    )
    embed_queue: str = Field(
        default_factory=lambda data: f"{data['queue']}.embed",
        description=(
            "Celery queue of the embedding step (default: the queue's name with ``.embed``), "
            "so documents waiting to be embedded never hold up new files."
        ),
    )
    broker_visibility_timeout: int = Field(
        default=900,
        description=(
            "Seconds before a task taken by a worker that died is handed to another worker; "
            "every task's time limit stays below it, so a running task is never handed out twice."
        ),
    )
    task_time_limit: float = Field(
        default=120.0, description="Seconds a pipeline task may run for a one-page document."
    )
    task_time_per_page: float = Field(
        default=0.5, description="Seconds a pipeline task may run longer for each further page."
    )
    worker_max_memory_mb: int = Field(
        default=500,
        description="A worker process that has grown past this is replaced after its task.",
    )
    task_max_retries: int = Field(
        default=8, description="Retries of a task whose dependency (ES, database) is down."
    )
    kb_dir: Path = Field(
        default_factory=_shipped_kb_dir,
        description="Folder of the knowledge base YAML files.",
    )
    embeddings: bool = Field(
        default=True,
        description=(
            "Embed indexed documents so that they are also found by meaning (a little after "
            "they are found by their words)."
        ),
    )
    edition_threshold: float = Field(
        default=0.3,
        ge=0.05,
        le=1.0,
        description=(
            "Estimated Jaccard similarity of two texts' three-word shingles from which they are "
            "editions of one another (linked, and shown once in search results)."
        ),
    )
    fetch_timeout: float = Field(default=30.0, description="Seconds before a URL fetch gives up.")
    max_file_bytes: int = Field(
        default=200 * 1024 * 1024, description="Largest file an ingest accepts, in bytes."
    )
    max_pages: int = Field(
        default=50_000, description="Most pages of one document; the search index allows as many."
    )
    ocr_language: str = Field(
        default="dan",
        description="Tesseract language(s) of OCR, e.g. ``dan`` or ``dan+eng``.",
    )
    ocr_dpi: int = Field(
        default=300, ge=72, le=600, description="Resolution image-only pages are read at."
    )
    ocr_page_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "Seconds OCR may spend on one page; a page that takes longer is left without text "
            "(and says so), and the rest of the document goes on."
        ),
    )
    ocr_low_confidence: float = Field(
        default=80.0,
        ge=0,
        le=100,
        description="Mean word confidence (%) of OCR below which curators are warned.",
    )
    max_html_depth: int = Field(
        default=512, description="Deepest nesting of elements an HTML file may have."
    )
    max_html_bytes: int = Field(
        default=20 * 1024 * 1024,
        description="Largest HTML file an ingest reads: the parser takes ~46 times its size.",
    )
    crawl_contact_url: str = Field(
        default="https://vidensbank.example/om",
        description=(
            "The page about the service that the crawler's user agent names, so a publisher "
            "knows who reads its site and how to reach them."
        ),
    )
    crawl_delay: float = Field(
        default=1.0,
        ge=0,
        description=(
            "Least seconds between two requests of a crawl to one host (a robots.txt "
            "Crawl-delay that is longer wins)."
        ),
    )
    crawl_retries: int = Field(
        default=3,
        ge=0,
        description="Retries of a crawl request answered 429 or 5xx, or lost on the network.",
    )
    crawl_backoff: float = Field(
        default=2.0,
        ge=0,
        description="Seconds before a crawl request's first retry; doubled for each next one.",
    )
    crawl_max_wait: float = Field(
        default=120.0,
        ge=0,
        description="Longest wait before a retry, whatever a server's Retry-After asks for.",
    )
    crawl_max_page_bytes: int = Field(
        default=10 * 1024 * 1024,
        description="Largest listing or landing page a crawl reads, in bytes.",
    )
    crawl_time_limit: float = Field(
        default=6 * 3600.0,
        description="Seconds a scheduled crawl (the crawl.source task) may run.",
    )
    # Read as JSON by its own validator: pydantic-settings' error names neither the setting nor
    # what is wrong with it.
    crawl_schedule: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description=(
            "When each publisher is crawled by Celery beat: JSON, source to crontab, e.g. "
            '{"vive": "0 3 * * *"}.'
        ),
    )

    oai_repository_identifier: str = Field(
        default="vidensbank.local",
        description=(
            "The repository's name in OAI-PMH identifiers (oai:<name>:<document id>): a domain "
            "name of the service, never changed once harvesters know it."
        ),
    )
    oai_admin_email: str = Field(
        default="oai@vidensbank.local",
        description="The address OAI-PMH's Identify gives harvesters to write to.",
    )
    oai_page_size: int = Field(
        default=50, ge=1, description="Records or identifiers per OAI-PMH response."
    )
    allowed_hosts: str = Field(
        default="127.0.0.1,localhost",
        description="Comma-separated host names the web app answers to (others get a 400).",
    )

    # The validators' messages are Danish predicates of the setting ("skal være …"): the
    # command line says them after the variable's name.
    @field_validator("crawl_schedule", mode="before")
    @classmethod
    def _schedule_json(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            schedule = json.loads(value)
        except ValueError:
            schedule = None
        if not isinstance(schedule, dict) or not all(isinstance(v, str) for v in schedule.values()):
            raise ValueError(
                'skal være et JSON-objekt fra udgiver til crontab, fx {"vive": "0 3 * * *"}'
            )
        return schedule

    @field_validator("crawl_schedule")
    @classmethod
    def _crontabs(cls, value: dict[str, str]) -> dict[str, str]:
        for source, crontab in value.items():
            if len(crontab.split()) != 5:
                raise ValueError(
                    f"skal give hver udgiver en crontab med fem felter; {source} har {crontab!r}"
                )
        return value

    @field_validator("elasticsearch_url")
    @classmethod
    def _node_urls(cls, value: str) -> str:
        nodes = [url.strip() for url in value.split(",") if url.strip()]
        if not nodes or not all(_names_server(url, ("http", "https")) for url in nodes):
            raise ValueError(
                "skal være en http- eller https-adresse med værtsnavn, fx http://127.0.0.1:9200, "
                "eller flere adskilt af kommaer"
            )
        return value

    @field_validator("broker_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not _names_server(value, ("redis", "rediss")):
            raise ValueError("skal være en Redis-adresse, fx redis://127.0.0.1:6379/0")
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str) -> str:
        # Imported here: only a URL that is set is checked, and SQLAlchemy costs a tenth of a
        # second that `vidensbank --help` need not pay.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            backend = make_url(value).get_backend_name()
        except (ArgumentError, ValueError):
            backend = None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(
                "skal være en SQLAlchemy-adresse, fx sqlite:////sti/til/vidensbank.db eller "
                "postgresql+psycopg://bruger:kode@vært/database"
            )
        return value

    @field_validator("var")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Resolved once, against the working directory at start, so a process that changes
        # directory later still finds its database and blobs.
        return value.absolute()


def _names_server(url: str, schemes: tuple[str, ...]) -> bool:
    """Whether ``url`` has one of ``schemes``, a host name and, if any, a valid port."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or too large
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.hostname)


@lru_cache
def get_settings() -> Settings:
    return Settings()


def unknown_variables() -> dict[str, str | None]:
    """The ``VB_`` variables in the environment that nothing reads (most likely a misspelt
    setting), each with the setting it looks most like, if any."""
    settings = [f"VB_{name.upper()}" for name in Settings.model_fields]
    return {
        name: next(iter(difflib.get_close_matches(name, settings, n=1)), None)
        for name in sorted(key.upper() for key in os.environ)
        if name.startswith("VB_") and name not in settings and name not in OTHER_VARIABLES
    }
