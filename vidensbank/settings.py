"""One settings object, read from environment variables prefixed ``VB_``.

Nothing else in the project reads ``os.environ``; every field is documented in the README
(a test checks that).
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VB_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'vidensbank.store.db'}",
        description="SQLAlchemy URL of the database (SQLite file or postgresql+psycopg://…).",
    )
    blob_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "blobs",
        description="Folder of the content-addressed store of original files.",
    )
    elasticsearch_url: str = Field(
        default="http://127.0.0.1:9200", description="Elasticsearch URL."
    )
    elasticsearch_username: str | None = Field(
        default=None, description="Elasticsearch user when security is on."
    )
    elasticsearch_password: str | None = Field(
        default=None, description="Elasticsearch password when security is on."
    )
    index_prefix: str = Field(
        default="vidensbank",
        description="Prefix of index and alias names; tests use their own.",
    )
    broker_url: str = Field(
        default="redis://127.0.0.1:6379/0", description="Celery broker URL (Redis)."
    )
    queue: str = Field(default="vidensbank", description="Name of the Celery queue.")
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
        default=PROJECT_ROOT / "nlp_models" / "kb",
        description="Folder of the knowledge base YAML files.",
    )
    fetch_timeout: float = Field(default=30.0, description="Seconds before a URL fetch gives up.")
    max_file_bytes: int = Field(
        default=200 * 1024 * 1024, description="Largest file an ingest accepts, in bytes."
    )
    max_pages: int = Field(
        default=50_000, description="Most pages of one document; the search index allows as many."
    )
    max_html_depth: int = Field(
        default=512, description="Deepest nesting of elements an HTML file may have."
    )
    allowed_hosts: str = Field(
        default="127.0.0.1,localhost",
        description="Comma-separated host names the web app answers to (others get a 400).",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
