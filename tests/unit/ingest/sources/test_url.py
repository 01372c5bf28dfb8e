"""Fetching a URL source from a local HTTP server (never the live web): what no retry can mend
is the file's fault, with a Danish reason, not a transient fault retried eight times."""

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

from ingest.sources.url import fetch_url
from vidensbank.celery_app import _failure
from vidensbank.errors import DependencyUnavailableError, ExtractionError, ReasonCode


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ring.pdf":
            self.send_response(302)
            self.send_header("Location", "/ring.pdf")
            self.end_headers()
        elif self.path == "/fil.pdf":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif self.path == "/intern.pdf":
            # The same server by another name: an internal host the given address was not.
            self.send_response(302)
            port = self.headers["Host"].rsplit(":", 1)[1]
            self.send_header("Location", f"http://localhost:{port}/a.pdf")
            self.end_headers()
        elif self.path == "/flyttet.pdf":
            self.send_response(301)
            self.send_header("Location", "/a.pdf")
            self.end_headers()
        elif self.path == "/a.pdf":
            body = b"%PDF-1.4 a"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/nede.pdf":
            self.send_error(503)
        elif self.path == "/pakket.pdf":
            body = b"ikke gzip"
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/ring.pdf", "viderestiller i ring"),
        ("/fil.pdf", "ikke er en webadresse"),
        ("/pakket.pdf", "ikke kan pakkes ud"),
        ("/findes-ikke.pdf", "serveren svarede 404"),
        ("/intern.pdf", "viderestiller til en intern adresse (localhost)"),
    ],
)
def test_what_no_retry_mends_is_refused_with_a_danish_reason(
    site: str, path: str, reason: str
) -> None:
    with pytest.raises(ExtractionError) as refused:
        fetch_url(site + path)
    assert refused.value.code == ReasonCode.FETCH_FAILED
    assert reason in refused.value.message


def test_a_redirect_on_the_given_host_is_followed(site: str) -> None:
    assert fetch_url(site + "/flyttet.pdf") == b"%PDF-1.4 a"


def _closed_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def test_a_server_that_stays_down_is_named_as_the_reason_the_file_failed(site: str) -> None:
    """A URL whose server did not answer failed, after every retry, as a fault of Vidensbank's
    own ("system": "Fejlen ligger hos os, og filen er gemt, så intet er tabt"), though nothing
    had been fetched or kept."""
    port = _closed_port()
    host = site.removeprefix("http://")
    for url, answer in (
        (f"http://127.0.0.1:{port}/rapport.pdf", f"Serveren på 127.0.0.1:{port} svarede ikke"),
        (site + "/nede.pdf", f"Serveren på {host} svarede med fejlen 503"),
    ):
        with pytest.raises(DependencyUnavailableError) as down:
            fetch_url(url)
        status, code, reason = _failure("ingest.fetch_items", down.value)
        assert (status, code) == ("failed", ReasonCode.FETCH_FAILED)
        assert answer in reason and "filen er ikke hentet, og intet er gemt" in reason
        assert "hos os" not in reason and "gemt, så intet er tabt" not in reason
