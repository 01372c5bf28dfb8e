"""Ingesting URLs, served by a local HTTP server (never the live web)."""

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ingest


@pytest.fixture(scope="module")
def site(corpus: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(corpus))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_urls_are_fetched_and_indexed_and_a_missing_page_is_quarantined(
    worker: Any, site: str
) -> None:
    pdf = f"{site}/vive-2020-samvaer-under-anbringelse.pdf"
    html = f"{site}/bv-x-plakat-boernetelefonen.html"
    missing = f"{site}/findes-ikke.pdf"
    report = ingest(pdf, html, missing)
    by_uri = {d["source_uri"]: d for d in report["documents"]}
    assert by_uri[pdf]["status"] == "indexed"
    assert by_uri[html]["status"] == "indexed"
    assert by_uri[missing]["status"] == "quarantined"
    assert "404" in by_uri[missing]["reason"]
    assert ingest(pdf)["documents"][0]["status"] == "unchanged"
