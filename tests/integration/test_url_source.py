"""Ingesting URLs, served by a local HTTP server (never the live web)."""

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import own_stack


@pytest.fixture(scope="module")
def site(corpus: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(corpus))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_urls_are_fetched_and_indexed_and_a_missing_page_is_quarantined(
    stack: None, site: str, run_dir: Path
) -> None:
    pdf = f"{site}/vive-2020-samvaer-under-anbringelse.pdf"
    html = f"{site}/bv-x-plakat-boernetelefonen.html"
    missing = f"{site}/findes-ikke.pdf"
    with own_stack("urls", run_dir) as own:
        worker = start_worker("urls", run_dir / "urls-worker.log", concurrency=1, env=own.env)
        try:
            report = ingest(pdf, html, missing, env=own.env)
            again = ingest(pdf, env=own.env)
        finally:
            stop_worker(worker)
    by_uri = {d["source_uri"]: d for d in report["documents"]}
    assert by_uri[pdf]["status"] == "indexed"
    assert by_uri[html]["status"] == "indexed"
    assert by_uri[missing]["status"] == "quarantined"
    assert "404" in by_uri[missing]["reason"]
    assert again["documents"][0]["status"] == "unchanged"
