"""Whether the service's dependencies answer. A dependency that does not is told in a few
Danish words; what went wrong, with its host and port, goes to the log only."""

import logging

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from search_api.api.schemas import ComponentHealth, Health
from search_api.index.elastic import get_client
from vidensbank.settings import get_settings
from vidensbank.store.db import get_engine, schema_problem, schema_revision

log = logging.getLogger(__name__)

# Elasticsearch's cluster health in Danish: green (all copies placed), yellow (a replica is
# not), red (a primary is not).
COLOURS = {"green": "grøn", "yellow": "gul", "red": "rød"}


def _down(name: str, detail: str, exc: Exception) -> ComponentHealth:
    log.warning("health check: %s does not answer: %s: %s", name, type(exc).__name__, exc)
    return ComponentHealth(ok=False, detail=detail)


def health() -> Health:
    def check_elasticsearch() -> ComponentHealth:
        try:
            status = get_client().options(request_timeout=5).cluster.health()["status"]
        except Exception as exc:  # any failure means "not healthy"; the log says which
            return _down("Elasticsearch", "Søgemaskinen (Elasticsearch) svarer ikke.", exc)
        return ComponentHealth(
            ok=status in ("green", "yellow"), detail=f"klyngen er {COLOURS.get(status, status)}"
        )

    def check_database() -> ComponentHealth:
        try:
            with get_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
            revision = schema_revision()
        except SQLAlchemyError as exc:
            return _down("the database", "Databasen svarer ikke.", exc)
        # Started without `vidensbank init` after an upgrade, the API answered healthy while
        # pages failed and writes went to a schema the code does not know.
        if problem := schema_problem(revision):
            return ComponentHealth(ok=False, detail=problem)
        return ComponentHealth(ok=True, detail="svarer")

    def check_broker() -> ComponentHealth:
        try:
            client = redis.Redis.from_url(get_settings().broker_url, socket_timeout=5)
            client.ping()
        except redis.RedisError as exc:
            return _down("the broker", "Køen (Redis) svarer ikke.", exc)
        return ComponentHealth(ok=True, detail="svarer")

    parts = check_elasticsearch(), check_database(), check_broker()
    return Health(
        ok=all(p.ok for p in parts), elasticsearch=parts[0], database=parts[1], broker=parts[2]
    )
