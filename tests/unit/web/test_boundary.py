"""What the app answers before it touches a server: bad parameters, hosts and headers."""

import asyncio
import re
import unicodedata
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Message

from search_api.query import search
from search_api.query.builder import SearchParams
from search_api.query.filters import FILTERS_BY_NAME
from search_api.query.results import Autocomplete, SearchResponse
from vidensbank.settings import get_settings
from web.app import app
from web.query_string import nfc_query_string
from web.security import BODY_LIMIT_BYTES, TOO_LARGE, SecurityMiddleware

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
    # Its text is Swagger UI's English, said so for a screen reader (it had no language).
    assert '<html lang="en">' in page


def test_an_unknown_host_is_refused_not_reflected() -> None:
    evil = TestClient(app, base_url="http://evil.example")
    response = evil.get("/indlaesninger/", follow_redirects=False)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("location", "")
    assert evil.get("/api/runs").json()["error"] == "Vidensbank svarer ikke på dette værtsnavn."


def test_a_method_not_allowed_says_which_are() -> None:
    response = client.request("TRACE", "/api/search")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    # Every route of the path counts (it named the first one's methods only).
    for path in ("/samlinger", "/oai", "/log-ind", "/indlaesninger"):
        assert client.put(path).headers["allow"] == "GET, HEAD, POST", path
    assert client.get("/api/search/batch").headers["allow"] == "POST"
    # The static files' own answer stands (it was emptied).
    assert client.post("/static/style.css").headers["allow"] == "GET, HEAD"


def test_openapi_lists_the_statuses_the_api_answers() -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"200", "400", "413", "503"} <= set(paths["/api/search"]["get"]["responses"])
    assert {"200", "404", "503"} <= set(paths["/api/documents/{document_id}"]["get"]["responses"])
    assert "422" not in paths["/api/search"]["get"]["responses"]


def test_openapi_names_the_values_the_usage_routes_take() -> None:
    """Schemathesis sent "start=2026-01&end=;…" and "by=<anything>", which the schema allowed
    and the routes refused: the schema now says which are taken."""
    parameters = client.get("/openapi.json").json()["paths"]["/api/usage.csv"]["get"]
    schemas = {p["name"]: p["schema"] for p in parameters["parameters"]}
    month = re.compile(schemas["start"]["pattern"])
    assert month.match("2026-05") and month.match("9000-12")
    assert not any(month.match(v) for v in ("2026-13", "2026-5", "9999-01", "0001-01", ";"))
    assert schemas["end"]["pattern"] == schemas["start"]["pattern"]
    assert schemas["by"]["enum"] == ["document", "publisher", "collection"]


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
    assert upload.status_code == 413 and "Indlæs højst" in upload.text

    def chunks() -> Iterator[bytes]:
        yield b"--x--"

    chunked = client.post("/indlaesninger", content=chunks())
    assert chunked.status_code == 411 and "mangler sin længde" in chunked.text
    assert client.post("/log-ind", content=chunks()).status_code == 411
    # Within the limits the guards decide: nobody is logged in.
    assert client.post("/indlaesninger", content=b"x" * 100).status_code == 401


def test_an_upload_from_nobody_is_refused_before_its_body_is_read() -> None:
    """The framework read (and spooled to disk) a whole upload, up to a file's limit, before
    the route's 401: anyone could make the server take in 200 MB."""
    messages: list[Message] = []
    read = False

    async def receive() -> Message:
        nonlocal read
        read = True
        return {"type": "http.request", "body": b"x" * 100, "more_body": True}

    async def send(message: Message) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/indlaesninger",
        "raw_path": b"/indlaesninger",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"content-length", str(100 * 1024 * 1024).encode()),
        ],
        "client": ("10.0.0.9", 1234),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert messages[0]["status"] == 401 and not read


def test_a_url_encoded_form_with_its_letters_unencoded_is_read_as_utf8() -> None:
    """``curl -d "reason=Ændret år"`` sends the letters as raw UTF-8 bytes, which the framework
    read as Latin-1: a withdrawal's public reason and the audit trail said "Ã\x86ndret Ã¥r"."""

    async def echo(request: Request) -> PlainTextResponse:
        form = await request.form()
        return PlainTextResponse(f"{form['reason']}|{form['other']}")

    echoing = TestClient(SecurityMiddleware(Starlette(routes=[Route("/", echo, methods=["POST"])])))
    for body in ("reason=Ændret+år&other=%C3%A6+50%25", "reason=%C3%86ndret år&other=æ 50%25"):
        answer = echoing.post(
            "/",
            content=body.encode(),
            headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        assert answer.text == "Ændret år|æ 50%"


def test_a_form_in_another_character_set_than_utf8_is_refused() -> None:
    """In UTF-7 a field can hold half a surrogate pair ("+2AA-"), which the CSRF check and
    an upload's name could not encode: a 500 on every form."""
    body = (
        b'--XbX\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n+2AA-\r\n'
        b'--XbX\r\nContent-Disposition: form-data; name="queries"\r\n\r\nx\r\n--XbX--\r\n'
    )
    for path in ("/soegning/liste", "/samlinger", "/indlaesninger", "/log-ind"):
        for charset in ("utf-7", "UTF-7", "latin-1"):
            refused = client.post(
                path,
                content=body,
                headers={"content-type": f"multipart/form-data; boundary=XbX; charset={charset}"},
            )
            assert refused.status_code == 415 and "UTF-8" in refused.text, (path, charset)
    # UTF-8, named or not, is let in (and meets the CSRF check).
    for content_type in (
        "multipart/form-data; boundary=XbX",
        "multipart/form-data; boundary=XbX; charset=UTF-8",
    ):
        answer = client.post(
            "/soegning/liste", content=body, headers={"content-type": content_type}
        )
        assert answer.status_code == 403


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=5-1", "items=0-5", "bytes=", "0-5"])
def test_a_malformed_range_is_ignored_and_the_whole_file_sent(header: str) -> None:
    """Starlette answered these with an English 400; RFC 9110 says to ignore them."""
    whole = client.get("/static/style.css")
    answer = client.get("/static/style.css", headers={"range": header})
    assert answer.status_code == 200 and answer.content == whole.content
    part = client.get("/static/style.css", headers={"range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == whole.content[:10]


def test_query_parameters_are_read_in_nfc_before_they_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Text copied from a Mac or a PDF is often decomposed ("a" and a combining ring for "å"):
    a filter value so written found nothing, autocomplete suggested nothing, and 1,000
    decomposed "å" were too long a query. The API and the pages read every parameter in NFC."""
    searched: list[SearchParams] = []
    completed: list[str] = []

    def searching(params: SearchParams) -> SearchResponse:
        searched.append(params)
        return SearchResponse(total=0, results=[], facets={}, did_you_mean=None)

    def completing(prefix: str) -> Autocomplete:
        completed.append(prefix)
        return Autocomplete(suggestions=[])

    monkeypatch.setattr(search, "search", searching)
    monkeypatch.setattr(search, "autocomplete", completing)
    publisher, query = "Børns Vilkår", "å" * 1000
    decomposed = unicodedata.normalize("NFD", publisher)
    assert decomposed != publisher
    for path in ("/api/search", "/"):
        assert client.get(path, params={"publisher": decomposed}).status_code == 200, path
    assert [p.values(FILTERS_BY_NAME["publisher"]) for p in searched] == [[publisher]] * 2
    # The limit of 1,000 characters, counted as composed letters (the query is 2,000 as sent).
    long_query = unicodedata.normalize("NFD", query)
    for path in ("/api/search", "/"):
        assert client.get(path, params={"q": long_query}).status_code == 200, path
    assert [p.q for p in searched[2:]] == [query] * 2
    # The limit of 200 characters, counted as composed letters.
    prefix = unicodedata.normalize("NFD", "Når du " + "å" * 150)
    assert client.get("/api/autocomplete", params={"q": prefix}).status_code == 200
    assert completed == [unicodedata.normalize("NFC", prefix)]
    # A query string in NFC already (nearly every one) is passed on as it came.
    assert nfc_query_string(b"q=b%C3%B8rn+og+unge&year=") == b"q=b%C3%B8rn+og+unge&year="


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("publsher=VIVE", "Parameteren 'publsher' kendes ikke. Mente du 'publisher'?"),
        ("q=b%C3%B8rn&bogus=1", "Parameteren 'bogus' kendes ikke. Adressen tager: q, page, "),
        ("size=1&size=2", "Parameteren 'size' tager én værdi, men er angivet 2 gange."),
    ],
)
def test_the_api_refuses_a_parameter_it_does_not_take_by_name(query: str, message: str) -> None:
    """A script with a misspelt filter got every document, unfiltered, and no word of it. The
    routes under /api/ refuse it (as /oai does); the pages stay lenient, since browsers and
    links add parameters of their own, and link their JSON twin without them."""
    for path in ("/api/search", "/api/search/cite?format=ris&"):
        response = client.get(f"{path}{'' if path.endswith('&') else '?'}{query}")
        assert response.status_code == 400, path
        assert response.json()["error"].startswith(message), path
        assert response.json()["status"] == 400
    page = client.get(f"/?{query}&utm_source=nyhedsbrev")
    assert page.status_code == 200
    twin = re.search(r'href="(/api/search\?[^"]*)"', page.text)
    assert twin is not None
    assert client.get(twin.group(1).replace("&amp;", "&")).status_code == 200


def test_other_api_routes_refuse_unknown_parameters_too() -> None:
    runs = client.get("/api/runs?side=2")
    assert runs.status_code == 400
    assert runs.json()["error"] == (
        "Parameteren 'side' kendes ikke. Adressen tager ingen parametre."
    )
    assert client.get("/api/autocomplete?q=n%C3%A5r&limit=5").status_code == 400
    formt = client.post("/api/search/batch?formt=csv", json={"queries": ["børn"]})
    assert formt.status_code == 400
    assert formt.json()["error"] == "Parameteren 'formt' kendes ikke. Mente du 'format'?"
    # Parameters that take several values still do, and an empty one is still taken.
    several = client.get("/api/search?year=2020&year=2021&publisher=VIVE&kind=&q=")
    assert several.status_code == 200
