"""The running app over real HTTP, served by uvicorn as ``vidensbank serve`` serves it."""

import json
import socket

import httpx


def test_health_reports_each_component(server: str) -> None:
    response = httpx.get(f"{server}/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["ok"] is True
    for part in ("elasticsearch", "database", "broker"):
        assert body[part]["ok"] is True


def test_search_page_in_danish(server: str) -> None:
    response = httpx.get(server, params={"q": "inddragelse"})
    assert response.status_code == 200
    assert "resultater for »inddragelse«" in response.text
    assert "<mark>" in response.text


def test_five_megabyte_query_gets_a_danish_413(server: str) -> None:
    # Sent by hand: HTTP clients refuse to build a URL this long, browsers and scripts do not.
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(
            b"GET /api/search?q="
            + b"a" * 5_000_000
            + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "for lang" in json.loads(body)["error"]


def test_openapi_describes_the_api(server: str) -> None:
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    assert {"/api/search", "/api/documents/{document_id}", "/healthz"} <= set(paths)


def test_search_page_offers_autocomplete_without_a_framework(server: str) -> None:
    page = httpx.get(server).text
    assert 'list="forslag"' in page and "/static/autocomplete.js" in page
    script = httpx.get(f"{server}/static/autocomplete.js")
    assert script.status_code == 200 and "/api/autocomplete" in script.text
    suggestions = httpx.get(f"{server}/api/autocomplete", params={"q": "barn"}).json()
    assert suggestions["suggestions"]
