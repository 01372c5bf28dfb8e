"""The running API against its own OpenAPI description, and a few hostile requests by hand.

Schemathesis generates a few thousand requests from ``/openapi.json`` (valid and invalid ones,
with a fixed seed so CI sees the same requests every run) and checks that no response is a 5xx,
that each status code, content type and body is what the description promises, and that every
response carries the security headers. Failures are collected per example rather than raised,
so one run reports every distinct problem and the full request count;
``test_schema_run_found_no_problems`` then fails with the list.
"""

import json
import re
import socket
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from schemathesis import Case
from schemathesis.checks import (
    CheckContext,
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.errors import FailureGroup
from schemathesis.schemas import BaseSchema

from tests.helpers import ingest
from tests.quality import report

# Fuzzed examples per operation. With about twenty operations (a few without parameters, which
# Hypothesis exhausts at once) and the coverage phase's boundary cases this is about 4,000
# requests, which take about a minute and a half on the 2-core CI machine.
MAX_EXAMPLES = 150
SEED = 20261201

SCHEMA_CONFIG: dict[str, Any] = {
    "seed": SEED,
    # Generation, not the server, is what Hypothesis times here: a busy CI machine must not
    # turn into a failed health check.
    "suppress-health-check": ["too_slow"],
    "generation": {
        "mode": "all",
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
    },
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "request-timeout": 60,
    # A batch runs up to 500 searches a request: fewer examples keep its share of the run small.
    "operations": [{"include-path": "/api/search/batch", "generation": {"max-examples": 60}}],
}

API_ERROR_KEYS = {"error", "status"}
DANISH = re.compile(r"[æøåÆØÅ]|\b(er|skal|ikke|findes|for|kan|må|højst|mindst|mangler)\b")


# --- Security headers, shared by the schema run and the hand-written checks -------------------


def csp_directives(policy: str) -> dict[str, list[str]]:
    """``"default-src 'self'; img-src 'self' data:"`` → ``{"default-src": ["'self'"], ...}``."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def security_header_problems(headers: dict[str, str]) -> list[str]:
    """What is missing or too lax in a response's security headers (lower-case header names)."""
    problems = []
    policy = headers.get("content-security-policy")
    if not policy:
        problems.append("no Content-Security-Policy")
    else:
        directives = csp_directives(policy)
        script_src = directives.get("script-src", directives.get("default-src"))
        sandboxed = "sandbox" in directives and "allow-scripts" not in directives["sandbox"]
        if script_src is None and not sandboxed:
            problems.append(f"CSP without script-src or default-src: {policy!r}")
        elif script_src is not None and "'unsafe-inline'" in script_src:
            problems.append(f"CSP script-src allows 'unsafe-inline': {policy!r}")
        if "frame-ancestors" not in directives:
            problems.append(f"CSP without frame-ancestors: {policy!r}")
    if headers.get("x-content-type-options", "").lower() != "nosniff":
        problems.append(
            f"X-Content-Type-Options is {headers.get('x-content-type-options')!r}, not 'nosniff'"
        )
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    return problems


def security_headers(ctx: CheckContext, response: schemathesis.Response, case: Case) -> None:
    """A Schemathesis check: every response carries the security headers."""
    headers = {name: values[0] for name, values in response.headers.items() if values}
    problems = security_header_problems(headers)
    assert not problems, "; ".join(problems)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    security_headers,
]


# --- The schema run ----------------------------------------------------------------------------


@dataclass
class SchemaRun:
    """What the generated requests met: counts per operation and status, and each problem once."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)
    # (operation, check, status) → the first failing request's curl command and message.
    problems: dict[tuple[str, str, int], str] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0


RUN = SchemaRun()


@pytest.fixture(scope="module")
def api_schema(server: str) -> BaseSchema:
    config = schemathesis.Config.from_dict(SCHEMA_CONFIG)
    return schemathesis.openapi.from_url(f"{server}/openapi.json", config=config)


@pytest.fixture(scope="module")
def http_session() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture(autouse=True)
def schemathesis_node_id(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32's lazy schema reads ``node._nodeid``, which pytest 9.2 no longer has
    (it keeps ``_id``); give the test node the attribute so the lazy schema can run."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_schema(case: Case, http_session: requests.Session) -> None:
    if not RUN.started:
        RUN.started = time.monotonic()
    response = case.call(session=http_session)
    RUN.finished = time.monotonic()
    operation = case.operation.label
    RUN.requests[operation] += 1
    RUN.statuses[response.status_code] += 1
    if response.status_code >= 500:
        RUN.server_errors[operation] += 1
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as group:
        for failure in group.exceptions:
            key = (operation, failure.title, response.status_code)
            if key not in RUN.problems:
                message = failure.message.strip().splitlines()
                curl = case.as_curl_command()
                if len(curl) > 300:
                    curl = f"{curl[:300]}… ({len(curl)} characters)"
                RUN.problems[key] = f"{curl}\n      {message[0] if message else ''}"


def test_schema_run_found_no_problems() -> None:
    total = sum(RUN.requests.values())
    assert total, "run test_api_conforms_to_its_schema first (it sends the requests)"
    report(
        "API against its OpenAPI description (Schemathesis)",
        [
            f"{total} requests in {RUN.finished - RUN.started:.0f} s, "
            f"{sum(RUN.server_errors.values())} answered 5xx, "
            f"{len(RUN.problems)} distinct problems",
            "per operation: " + ", ".join(f"{op} {n}" for op, n in sorted(RUN.requests.items())),
            "per status: " + ", ".join(f"{s}: {n}" for s, n in sorted(RUN.statuses.items())),
        ],
    )
    problems = [
        f"{operation} → {status}: {check}\n    {detail}"
        for (operation, check, status), detail in sorted(RUN.problems.items())
    ]
    assert not problems, f"{len(problems)} distinct problems:\n" + "\n".join(problems)


# --- Hostile requests by hand ------------------------------------------------------------------


def assert_danish_api_error(response: httpx.Response, statuses: range = range(400, 500)) -> str:
    """A 4xx with ``{"error": "<Danish sentence>", "status": n}``; returns the sentence."""
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == API_ERROR_KEYS, body
    assert body["status"] == response.status_code, body
    assert DANISH.search(body["error"]), body
    return str(body["error"])


def assert_danish_error_page(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), response.headers
    assert '<html lang="da">' in response.text
    assert f"(fejl {response.status_code})" in response.text


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_request(server: str, request_line: bytes) -> RawResponse:
    """One request written by hand on a socket: HTTP clients refuse very long URLs."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(request_line + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return RawResponse(int(status_line.split()[1]), parsed, body)


def test_year_beyond_32_bits_is_a_danish_4xx_in_the_api(server: str) -> None:
    assert_danish_api_error(httpx.get(f"{server}/api/search", params={"year": "2147483648"}))


def test_year_beyond_32_bits_is_a_danish_error_page(server: str) -> None:
    assert_danish_error_page(httpx.get(f"{server}/", params={"year": "2147483648"}))


def test_year_that_is_no_number_names_the_parameter(server: str) -> None:
    message = assert_danish_api_error(httpx.get(f"{server}/api/search", params={"year": "abc"}))
    assert "år" in message.casefold(), message
    assert "'0'" not in message and '"0"' not in message, message


def test_forty_kilobyte_filter_value_is_a_danish_4xx(server: str) -> None:
    response = httpx.get(f"{server}/api/search", params={"publisher": "x" * 40_000}, timeout=60)
    assert_danish_api_error(response)


def test_seventy_thousand_filter_values_are_a_danish_4xx(server: str) -> None:
    query = b"&".join([b"publisher=x"] * 70_000)
    response = raw_request(server, b"GET /api/search?" + query + b" HTTP/1.1")
    assert 400 <= response.status < 500, (response.status, response.body[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = json.loads(response.body)
    assert set(body) == API_ERROR_KEYS and body["status"] == response.status, body
    assert DANISH.search(body["error"]), body


def test_trace_is_405_with_allow(server: str) -> None:
    response = httpx.request("TRACE", f"{server}/api/search")
    assert response.status_code == 405, response.status_code
    assert "GET" in response.headers.get("allow", ""), dict(response.headers)
    assert_danish_api_error(response, range(405, 406))


def test_foreign_host_header_never_becomes_a_redirect_target(server: str) -> None:
    response = httpx.get(
        f"{server}/indlaesninger/", headers={"Host": "evil.example"}, follow_redirects=False
    )
    location = response.headers.get("location", "")
    assert "evil.example" not in location, (response.status_code, location)
    if 300 <= response.status_code < 400:
        # A redirect may only stay on the site: a path, not another host.
        assert location.startswith("/") and not location.startswith("//"), location


@pytest.fixture(scope="module")
def loose_run(worker: Any, run_dir: Path) -> dict[str, Any]:
    """A run of files without a manifest (identified by their path), one of them broken."""
    folder = run_dir / "loose"
    folder.mkdir(exist_ok=True)
    (folder / "loes-side.html").write_text(
        "<!doctype html><html lang='da'><head><title>Løs side om inddragelse</title></head>"
        "<body><h1>Løs side om inddragelse</h1><p>Kommunen skal tale med barnet, før den "
        "træffer afgørelse i sagen, og barnets synspunkter skal tillægges vægt.</p></body></html>",
        encoding="utf-8",
    )
    (folder / "ikke-en-pdf.pdf").write_text("det her er ikke en PDF", encoding="utf-8")
    return ingest(folder)


@pytest.fixture(scope="module")
def document_id(loose_run: dict[str, Any]) -> str:
    """An indexed document of this module's own, whatever became of the sample corpus."""
    [entry] = [d for d in loose_run["documents"] if d["filename"] == "loes-side.html"]
    assert entry["status"] in ("indexed", "unchanged"), loose_run
    return str(entry["id"])


def test_every_response_carries_the_security_headers(server: str, document_id: str) -> None:
    paths = [
        "/",
        "/?q=inddragelse",
        "/?page=0",
        f"/dokument/{document_id}",
        "/dokument/findes-ikke",
        "/entitet/findes-ikke",
        "/indlaesninger",
        "/ingen-side",
        "/static/style.css",
        "/static/autocomplete.js",
        "/docs",
        "/openapi.json",
        "/healthz",
        "/api/search?q=barn",
        "/api/search?size=1000",
        f"/api/documents/{document_id}",
        f"/api/documents/{document_id}/original",
        "/api/documents/findes-ikke",
        "/api/runs",
        "/api/autocomplete?q=barn",
    ]
    missing = {}
    for path in paths:
        response = httpx.get(f"{server}{path}")
        problems = security_header_problems(dict(response.headers))
        if problems:
            missing[f"{path} ({response.status_code})"] = problems
    assert not missing, json.dumps(missing, indent=1, ensure_ascii=False)


def test_swagger_ui_loads_from_our_own_origin(server: str) -> None:
    response = httpx.get(f"{server}/docs")
    assert response.status_code == 200
    html = response.text
    assert "swagger-ui" in html.lower()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""https?://[^\s"'<>)]+""", html)
    external = [url for url in urls if url.startswith("//") or re.match(r"https?://", url)]
    external = [url for url in external if not url.startswith(server)]
    assert not external, external
    # What it does load must be there.
    for url in urls:
        if url.startswith("/") and not url.startswith("//"):
            assert httpx.get(f"{server}{url}").status_code == 200, url


def string_values(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from string_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from string_values(item)


def test_runs_never_show_server_paths(
    server: str, loose_run: dict[str, Any], run_dir: Path
) -> None:
    listing = httpx.get(f"{server}/api/runs").json()
    bodies = [listing] + [
        httpx.get(f"{server}/api/runs/{run['run_id']}").json() for run in listing["runs"]
    ]
    assert loose_run["run_id"] in {run["run_id"] for run in listing["runs"]}
    leaks = sorted(
        {
            text
            for body in bodies
            for text in string_values(body)
            if "file://" in text or "/tmp/" in text or str(run_dir) in text
        }
    )
    assert not leaks, leaks


def test_run_times_carry_a_timezone(server: str, loose_run: dict[str, Any]) -> None:
    runs = httpx.get(f"{server}/api/runs").json()["runs"]
    one = httpx.get(f"{server}/api/runs/{loose_run['run_id']}").json()
    for created_at in [run["created_at"] for run in runs] + [one["created_at"]]:
        assert datetime.fromisoformat(created_at).tzinfo is not None, created_at


def test_openapi_lists_the_error_statuses(server: str) -> None:
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    wanted = {
        "/api/search": {"400", "413", "503"},
        "/api/documents/{document_id}": {"400", "404", "503"},
        "/api/documents/{document_id}/original": {"400", "404", "503"},
    }
    missing = {
        path: sorted(statuses - set(paths[path]["get"]["responses"]))
        for path, statuses in wanted.items()
    }
    assert not any(missing.values()), missing
