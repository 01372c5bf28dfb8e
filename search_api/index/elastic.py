"""The Elasticsearch client, and the boundary where its errors become ours."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from elastic_transport import ConnectionError as ESConnectionError
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch

from vidensbank.errors import DependencyUnavailableError
from vidensbank.settings import get_settings


@lru_cache
def get_client() -> Elasticsearch:
    settings = get_settings()
    auth = None
    if settings.elasticsearch_username and settings.elasticsearch_password:
        auth = (settings.elasticsearch_username, settings.elasticsearch_password)
    # Several URLs are the nodes of one cluster: the client spreads requests over them, and
    # sends a request that a node failed or that timed out again to another.
    nodes = [url.strip() for url in settings.elasticsearch_url.split(",") if url.strip()]
    return Elasticsearch(
        nodes,
        basic_auth=auth,
        request_timeout=settings.es_request_timeout,
        retry_on_timeout=True,
        max_retries=settings.es_max_retries,
        connections_per_node=settings.es_connections_per_node,
    )


@contextmanager
def elastic_errors() -> Iterator[None]:
    """Map Elasticsearch being down or overloaded to ``DependencyUnavailableError``.

    Other API errors (a bad request we built) are bugs and propagate unchanged.
    """
    try:
        yield
    except (ESConnectionError, TransportError) as exc:
        raise DependencyUnavailableError(
            "Søgemaskinen svarer ikke lige nu. Prøv igen om lidt."
        ) from exc
    except ApiError as exc:
        if exc.meta.status == 429 or exc.meta.status >= 500:
            raise DependencyUnavailableError(
                "Søgemaskinen er overbelastet lige nu. Prøv igen om lidt."
            ) from exc
        raise
