"""What the app answers before it touches a server: bad parameters, hosts and headers."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from vidensbank.settings import get_settings
from web.app import app
from web.security import BODY_LIMIT_BYTES, TOO_LARGE

client = TestClient(app)


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("year=2147483648", 400, "År må højst være 9999"),
        ("year=abc", 400, "År skal være et helt tal"),
        ("publisher=" + "x" * 40_000, 413, "Udgiver er for lang"),
        ("&".join(["kind=rapport"] * 51), 400, "for mange værdier af dokumenttype"),
        ("page=999999999999999999999", 400, "Sidenummeret"),
    ],
)
def test_out_of_range_filters_get_a_danish_4xx_naming_the_parameter(
    query: str, status: int, words: str
) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == status
    assert words in response.json()["error"]
    page = client.get(f"/?{query}")
    assert page.status_code == status and words in page.text


def test_every_response_carries_the_security_headers() -> None:
    for path in ("/api/documents/findes-ikke", "/static/style.css", "/docs"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_api_docs_load_from_the_app_itself() -> None:
    page = client.get("/docs").text
    assert "cdn.jsdelivr.net" not in page and "/static-offline-docs/swagger-ui-bundle.js" in page
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_an_unknown_host_is_refused_not_reflected() -> None:
    evil = TestClient(app, base_url="http://evil.example")
    response = evil.get("/indlaesninger/", follow_redirects=False)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("location", "")
    assert "Værtsnavnet" in evil.get("/api/runs").json()["error"]


def test_a_method_not_allowed_says_which_are() -> None:
    response = client.request("TRACE", "/api/search")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_openapi_lists_the_statuses_the_api_answers() -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"200", "400", "413", "503"} <= set(paths["/api/search"]["get"]["responses"])
    assert {"200", "404", "503"} <= set(paths["/api/documents/{document_id}"]["get"]["responses"])
    assert "422" not in paths["/api/search"]["get"]["responses"]


def test_a_body_larger_than_its_route_takes_is_refused_before_it_is_read() -> None:
    """A form takes at most 1 MB, an upload one file's limit; both are told in Danish, and an
    upload that does not say its length is refused too."""
    form = client.post("/samlinger", content=b"x" * (BODY_LIMIT_BYTES + 1))
    assert form.status_code == 413 and "for stor" in form.text
    assert "text/html" in form.headers["content-type"]  # the site's Danish error page
    api = client.post("/api/search", content=b"x" * (BODY_LIMIT_BYTES + 1))
    assert api.status_code == 413 and api.json() == {"error": TOO_LARGE, "status": 413}
    huge = str(get_settings().max_file_bytes + 2 * BODY_LIMIT_BYTES)
    upload = client.post("/indlaesninger", headers={"content-length": huge}, content=b"")
    assert upload.status_code == 413 and "Upload højst" in upload.text

    def chunks() -> Iterator[bytes]:
        yield b"--x--"

    chunked = client.post("/indlaesninger", content=chunks())
    assert chunked.status_code == 411 and "mangler sin længde" in chunked.text
    assert client.post("/log-ind", content=chunks()).status_code == 411
    # Within the limits the guards decide: nobody is logged in.
    assert client.post("/indlaesninger", content=b"x" * 100).status_code == 401
