"""Batch search on the sample corpus: a list of queries finds what each query finds alone, the
downloads hold what the JSON holds, and the page streams its table. The time of 100 and 500
queries is measured and reported."""

import csv
import io
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.api.spreadsheets import COLUMNS
from search_api.query.batch import CHUNK
from search_api.query.relevance import load_queries
from tests.accounts import csrf
from tests.faults import index_quiet, wait_for
from tests.helpers import QUERIES_PATH
from tests.quality import report
from web.app import app

# The judged queries (Danish, English, typos, phrases, exclusions, OR), and for 500 the same
# narrowed by a word each.
JUDGED = [judged.query for judged in load_queries(QUERIES_PATH)]
HUNDRED = JUDGED[:100]
NARROWING = ["", "kommune", "unge", "forældre", "rapport"]
FIVE_HUNDRED = [f"{query} {word}".strip() for word in NARROWING for query in JUDGED][:500]
SIZE = 10
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def api(corpus_report: dict[str, Any]) -> TestClient:
    # Run first in a session, the module began while the pipeline still wrote a document a
    # few seconds after the corpus was embedded: the searches one by one came before it and
    # the batch after, and ranked a query's documents apart. Its searches wait for the index
    # to hold still.
    assert wait_for(index_quiet, timeout=120)
    return TestClient(app)


def batch(api: TestClient, queries: list[str], **fields: Any) -> dict[str, Any]:
    response = api.post("/api/search/batch", json={"queries": queries, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


Hits = list[tuple[str, list[int], float | None]]


def found(result: dict[str, Any]) -> Hits:
    return [(hit["id"], hit["pages"], hit["score"]) for hit in result["hits"]]


def single(api: TestClient, query: str, **params: Any) -> tuple[int, Hits]:
    """The total and the hits of one search, as the search API gives them."""
    body = api.get("/api/search", params={"q": query, **params}).json()
    return body["total"], [
        (r["id"], [h["page"] for h in r["hits"]], r["score"]) for r in body["results"]
    ]


def test_a_hundred_queries_find_what_each_finds_alone(api: TestClient) -> None:
    # Each timed on queries not searched before in this test module (a query's vector and
    # words are cached); other modules of the session may have searched the judged ones.
    started = time.perf_counter()
    alone = [single(api, query, size=SIZE) for query in HUNDRED]
    TIMES["100 searched one by one"] = time.perf_counter() - started
    started = time.perf_counter()
    batch(api, [f"{query} i praksis" for query in HUNDRED], size=SIZE)
    TIMES["100 others in a batch"] = time.perf_counter() - started
    results = batch(api, HUNDRED, size=SIZE)["results"]
    assert [r["query"] for r in results] == HUNDRED
    assert sum(r["total"] > 0 for r in results) > 80
    for result, (total, hits) in zip(results, alone, strict=True):
        assert (result["total"], found(result)) == (total, hits), result["query"]


def test_filters_and_sorting_apply_to_every_query(api: TestClient) -> None:
    queries = JUDGED[:20]
    filters = {"publisher": ["VIVE", "Socialstyrelsen"], "year_from": [2015], "sort": "newest"}
    results = batch(api, queries, size=5, **filters)["results"]
    for result, query in zip(results, queries, strict=True):
        assert (result["total"], found(result)) == single(api, query, size=5, **filters), query
        assert {hit["publisher"] for hit in result["hits"]} <= {"VIVE", "Socialstyrelsen"}


def rows_of(body: dict[str, Any]) -> list[list[Any]]:
    """The table as the JSON gives it, one row per hit (or per query without hits)."""
    rows = []
    for result in body["results"]:
        start = [result["number"], result["query"], result["total"]]
        top = result["hits"][0]["score"] if result["hits"] else None
        for hit in result["hits"] or [None]:
            rows.append(
                start
                + (
                    [None] * 8
                    if hit is None
                    else [
                        hit["rank"],
                        hit["title"],
                        hit["year"],
                        hit["publisher"],
                        hit["kind"],
                        ", ".join(map(str, hit["pages"])) or None,
                        # Relative to the query's first hit, as the page shows it.
                        round(hit["score"] / top, 2) if hit["score"] is not None and top else None,
                        hit["url"],
                    ]
                )
            )
    return rows


def from_csv(cell: str, column: str) -> Any:
    """A CSV cell as the JSON has it: numbers back to numbers, a formula guard taken off."""
    if cell == "":
        return None
    if column in ("Nr.", "Resultater i alt", "Placering", "År"):
        return int(cell)
    if column == "Relativ score (første resultat = 1)":
        return float(cell.replace(",", "."))
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def test_the_downloads_hold_what_the_json_holds(api: TestClient) -> None:
    queries = [*HUNDRED[:30], "-plejefamilie efterværn", "ingenting_xyzzy"]
    expected = rows_of(batch(api, queries, size=SIZE))
    response = api.post("/api/search/batch?format=csv", json={"queries": queries, "size": SIZE})
    text = response.content.decode("utf-8-sig")
    [header, *cells] = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(header) == COLUMNS
    assert [[from_csv(c, h) for c, h in zip(row, header, strict=True)] for row in cells] == expected
    response = api.post("/api/search/batch?format=xlsx", json={"queries": queries, "size": SIZE})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    # A row ends at its last cell with a value.
    [header_row, *values] = [
        [*row, *[None] * (len(COLUMNS) - len(row))] for row in sheet.iter_rows(values_only=True)
    ]
    assert tuple(header_row) == COLUMNS
    # Excel keeps 15 digits of a number, and openpyxl writes a float's 17: the last may differ.
    assert len(values) == len(expected)
    for row, wanted in zip(values, expected, strict=True):
        assert row == [pytest.approx(w, rel=1e-12) if isinstance(w, float) else w for w in wanted]


def test_the_page_streams_its_table_with_progress(api: TestClient) -> None:
    visitor = TestClient(app)
    token = csrf(visitor.get("/soegning/liste").text)
    queries = JUDGED[: CHUNK + 10]
    pieces = []
    with visitor.stream(
        "POST", "/soegning/liste", data={"queries": "\n".join(queries), "csrf_token": token}
    ) as response:
        assert response.status_code == 200
        pieces = list(response.iter_text())
    page = "".join(pieces)
    assert len(pieces) > 2, "the table came in one piece"
    assert f"{CHUNK} af {CHUNK + 10} søgninger …" in page
    assert f"Færdig: {CHUNK + 10} af {CHUNK + 10} søgninger" in page
    first = batch(api, queries[:1], size=SIZE)["results"][0]
    assert first["hits"] and first["hits"][0]["title"].split()[0] in page


def test_the_search_pages_link_opens_the_list_with_its_query_and_filters(
    api: TestClient,
) -> None:
    """The link was always "/soegning/liste": the list page opened empty."""
    visitor = TestClient(app)
    results = HTMLParser(visitor.get("/", params={"q": "børnesamtale", "kind": "værktøj"}).text)
    link = results.css_first(".batch-link a")
    assert link is not None
    form = HTMLParser(visitor.get(link.attributes["href"] or "").text)
    queries = form.css_first("#soegninger")
    assert queries is not None and queries.text() == "børnesamtale"
    chosen = [node.attributes["value"] for node in form.css('input[name="kind"][checked]')]
    assert chosen == ["værktøj"]


def test_five_hundred_queries_take_seconds(api: TestClient) -> None:
    started = time.perf_counter()
    results = batch(api, FIVE_HUNDRED, size=SIZE)["results"]
    TIMES["500 in a batch"] = time.perf_counter() - started
    assert len(results) == 500
    started = time.perf_counter()
    batch(api, FIVE_HUNDRED, size=SIZE)
    TIMES["500 again (query vectors and words cached)"] = time.perf_counter() - started
    report(
        "Batch search (sample corpus, 10 hits per query)",
        [f"{name}: {seconds:.2f} s" for name, seconds in TIMES.items()],
    )
    assert TIMES["500 in a batch"] < 120
