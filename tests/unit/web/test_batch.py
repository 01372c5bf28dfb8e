"""Batch search's guards and inputs on the real app (no index of its own: every query finds
nothing, which is all these need): its CSRF token, its bounds and their Danish messages, an
uploaded file, and the JSON twin's content type. What it finds is tested on the sample corpus
in tests/integration/test_batch_search.py."""

import codecs
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.api.batch import read_queries
from search_api.api.schemas import BatchHit, BatchQueryResult, BatchSearchResponse
from search_api.api.spreadsheets import as_csv, as_xlsx
from search_api.query.batch import MAX_QUERIES, BatchParams
from search_api.query.filters import FILTERS
from tests.accounts import csrf
from tests.conftest import TEST_PREFIX
from vidensbank.errors import BadRequestError
from vidensbank.settings import get_settings
from vidensbank.store.db import migrate
from web.app import app
from web.reader import document_url
from web.templating import templates

PATH = "/soegning/liste"


@pytest.fixture(scope="module", autouse=True)
def database() -> Iterator[None]:
    """The test run's database, and an index name of this module's own that no test creates:
    the integration tests may have filled the run's index before these run."""
    migrate()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VB_INDEX_PREFIX", f"{TEST_PREFIX}-batch-unit")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def form_client() -> tuple[TestClient, str]:
    """A visitor who opened the form: its cookie, and the form's token."""
    client = TestClient(app)
    page = client.get(PATH)
    assert page.status_code == 200 and "Søg med en liste" in page.text
    return client, csrf(page.text)


def test_an_anonymous_visitor_searches_a_list_with_the_forms_token() -> None:
    client, token = form_client()
    page = client.post(PATH, data={"queries": "børn\n\n  anbringelse  \n", "csrf_token": token})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.count("Ingen resultater") == 2
    assert "Færdig: 2 af 2 søgninger" in page.text
    # Blank lines are skipped, and the list comes back in the form for the downloads.
    assert ">børn\nanbringelse</textarea>" in page.text


def test_without_the_forms_token_nothing_is_searched() -> None:
    client, token = form_client()
    missing = client.post(PATH, data={"queries": "børn"})
    assert missing.status_code == 403 and "Formularen er for gammel" in missing.text
    # Another site's form carries a token of its own making, without this site's cookie.
    forged = TestClient(app).post(PATH, data={"queries": "børn", "csrf_token": token})
    assert forged.status_code == 403


@pytest.mark.parametrize(
    ("queries", "status", "message"),
    [
        ("", 400, "Skriv mindst én søgning"),
        (" \n\n ", 400, "Skriv mindst én søgning"),
        (
            "\n".join(["børn"] * (MAX_QUERIES + 1)),
            413,
            "Højst 500 søgninger ad gangen; listen har 501",
        ),
        ("børn\n" + "x" * 1001, 413, "Søgning nr. 2 er for lang (højst 1000 tegn)"),
    ],
)
def test_a_list_out_of_bounds_gets_a_danish_message(
    queries: str, status: int, message: str
) -> None:
    client, token = form_client()
    page = client.post(PATH, data={"queries": queries, "csrf_token": token})
    assert page.status_code == status and message in page.text
    api = TestClient(app).post("/api/search/batch", json={"queries": queries.splitlines()})
    assert api.status_code == status and message in api.json()["error"]


def test_a_refused_list_comes_back_in_the_form_with_its_choices() -> None:
    """It gave an error page: a list of 501 pasted queries, the size and the order were gone."""
    client, token = form_client()
    queries = "\n".join(f"børn {n}" for n in range(MAX_QUERIES + 1))
    page = client.post(
        PATH,
        data={
            "queries": queries,
            "size": "7",
            "sort": "newest",
            "year_from": "2015",
            "csrf_token": token,
        },
    )
    assert page.status_code == 413
    form = HTMLParser(page.text).css_first("form#liste")
    assert form is not None
    alert = form.css_first('[role="alert"]')
    assert alert is not None and "Højst 500 søgninger ad gangen" in alert.text()
    textarea, size = form.css_first("#soegninger"), form.css_first("#antal")
    assert textarea is not None and textarea.text() == queries
    assert size is not None and size.attributes["value"] == "7"
    assert form.css_first('option[value="newest"][selected]') is not None
    assert 'name="year_from" value="2015"' in page.text
    # The form's token still works: the list cut to size is searched.
    shorter = "\n".join(queries.splitlines()[:2])
    again = client.post(PATH, data={"queries": shorter, "csrf_token": csrf(page.text)})
    assert again.status_code == 200 and "Færdig: 2 af 2 søgninger" in again.text


def test_bad_filters_and_sizes_are_refused_as_in_a_search() -> None:
    client, token = form_client()
    page = client.post(
        PATH, data={"queries": "børn", "year_from": "sidste år", "csrf_token": token}
    )
    assert page.status_code == 400 and "Første år skal være et helt tal" in page.text
    api = TestClient(app)
    assert api.post("/api/search/batch", json={"queries": ["børn"], "size": 51}).status_code == 400
    unknown = api.post("/api/search/batch?format=pdf", json={"queries": ["børn"]})
    assert unknown.status_code == 400


def test_an_uploaded_file_adds_its_queries() -> None:
    client, token = form_client()
    upload = "søgning;år\r\nefterværn;2020\r\nbisidder;2021\r\n".encode("cp1252")
    page = client.post(
        PATH,
        data={"queries": "børn", "csrf_token": token},
        files={"file": ("liste.csv", upload, "text/csv")},
    )
    assert page.status_code == 200
    assert ">børn\nefterværn\nbisidder</textarea>" in page.text


def test_the_json_twin_takes_json_only() -> None:
    """Anyone may post it without a CSRF token because a page of another site cannot make a
    browser send JSON without a CORS preflight: a body of any other type is refused."""
    api = TestClient(app)
    for headers in (
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {},
    ):
        response = api.post(
            "/api/search/batch", content=b'{"queries": ["b\\u00f8rn"]}', headers=headers
        )
        assert response.status_code == 415, headers
        assert (
            response.json()["error"]
            == "Send forespørgslen som JSON (Content-Type: application/json)."
        )
    found = api.post("/api/search/batch", json={"queries": ["børn"], "size": 3})
    assert found.status_code == 200
    assert found.json() == {
        "size": 3,
        "results": [{"number": 1, "query": "børn", "total": 0, "hits": []}],
    }


def test_downloads_have_their_type_and_a_dated_file_name() -> None:
    api = TestClient(app)
    for format, media_type in [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]:
        response = api.post(f"/api/search/batch?format={format}", json={"queries": ["børn"]})
        assert response.status_code == 200 and response.headers["content-type"] == media_type
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="soegning-20')
        assert disposition.endswith(f'.{format}"')
    client, token = form_client()
    page = client.post(f"{PATH}?format=csv", data={"queries": "børn", "csrf_token": token})
    assert page.content.startswith(codecs.BOM_UTF8)


@pytest.mark.parametrize(
    ("data", "filename", "queries"),
    [
        (b"b\xc3\xb8rn\nanbringelse\n", "liste.txt", ["børn", "anbringelse"]),
        (codecs.BOM_UTF8 + 'Query,Note\nbørn,x\n"a, b",y\n'.encode(), "l.csv", ["børn", "a, b"]),
        ("SØGNING\tår\r\nefterværn\t2020\r\n".encode("cp1252"), "l.csv", ["efterværn"]),
        (b"b\xc3\xb8rn;1\nanbringelse;2\n", "l.csv", ["børn", "anbringelse"]),
        (b"kun en kolonne\nog en til\n", "l.csv", ["kun en kolonne", "og en til"]),
    ],
)
def test_query_files_are_read_by_their_column(
    data: bytes, filename: str, queries: list[str]
) -> None:
    assert read_queries(data, filename) == queries


def test_a_cell_longer_than_the_csv_reader_takes_is_refused_in_danish() -> None:
    with pytest.raises(BadRequestError, match="CSV-filen kunne ikke læses"):
        read_queries(b"a" * 200_000, "liste.csv")


def test_spreadsheets_keep_text_as_text() -> None:
    """A query or a title is never run as a formula; the XLSX keeps it exactly."""
    response = BatchSearchResponse(
        size=1,
        results=[
            BatchQueryResult(
                number=1,
                query='=HYPERLINK("http://andetsted.dk")',
                total=1,
                hits=[
                    BatchHit(
                        rank=1,
                        id="d1",
                        title="-ikke en formel",
                        year=2020,
                        published=None,
                        publisher="VIVE",
                        kind="rapport",
                        pages=[2, 5],
                        score=0.5,
                        url="http://testserver/dokument/d1",
                    )
                ],
            )
        ],
    )
    sheet = load_workbook(io.BytesIO(as_xlsx(response))).active
    assert sheet is not None
    row = [cell.value for cell in sheet[2]]
    assert row[1] == '=HYPERLINK("http://andetsted.dk")' and sheet["B2"].data_type == "s"
    assert row[4] == "-ikke en formel" and row[8] == "2, 5" and row[9] == 1.0
    text = as_csv(response).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";'-ikke en formel;" in text and ";1,0;" in text


def test_half_a_surrogate_pair_in_json_is_a_bad_request() -> None:
    """JSON can carry a lone surrogate, which is no text: Schemathesis sent one."""
    response = TestClient(app).post(
        "/api/search/batch",
        content=b'{"queries": ["b\\u00f8rn", "\\ud9a9"]}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == (
        "Søgning nr. 2 indeholder tegn, der ikke er gyldig tekst (Unicode)."
    )


def test_a_query_with_control_characters_downloads_as_xlsx() -> None:
    """XML has no control characters: they are left out of the sheet (Schemathesis sent one)."""
    response = BatchSearchResponse(
        size=1,
        results=[BatchQueryResult(number=1, query="b\x07ørn\x15 i pleje", total=0, hits=[])],
    )
    sheet = load_workbook(io.BytesIO(as_xlsx(response))).active
    assert sheet is not None and sheet["B2"].value == "børn i pleje"


def test_scores_are_shown_relative_to_each_querys_first_hit() -> None:
    """A fused ranking's scores (around 0.03) stood beside a phrase's BM25 scores (around 12)
    in one column, as if they could be compared."""

    def hit(rank: int, score: float) -> BatchHit:
        return BatchHit(
            rank=rank,
            id=f"d{rank}",
            title=f"Dokument {rank}",
            year=None,
            published=None,
            publisher=None,
            kind=None,
            pages=[],
            score=score,
            url=f"http://testserver/dokument/d{rank}",
        )

    results = [
        BatchQueryResult(
            number=1, query="børn", total=3, hits=[hit(1, 0.032), hit(2, 0.0314), hit(3, 0.016)]
        ),
        BatchQueryResult(number=2, query='"børn i pleje"', total=1, hits=[hit(1, 12.4)]),
    ]
    html = templates.get_template("_batch_rows.html").render(
        results=results, done=2, total=2, document_url=document_url
    )
    rows = HTMLParser(f"<table>{html}</table>").css("tr:not(.batch-progress)")
    cells = [row.css("td")[-1].text() for row in rows]
    assert cells == ["1,00", "0,98", "0,50", "1,00"]
    # The downloads hold the same numbers (they held the raw 0,032), and say what they are.
    response = BatchSearchResponse(size=3, results=results)
    csv_rows = [line.split(";") for line in as_csv(response).decode("utf-8-sig").splitlines()]
    assert [row[9] for row in csv_rows] == [
        "Relativ score (første resultat = 1)",
        "1,0",
        "0,98",
        "0,5",
        "1,0",
    ]
    sheet = load_workbook(io.BytesIO(as_xlsx(response))).active
    assert sheet is not None
    assert [cell.value for cell in sheet["J"]][1:] == [1.0, 0.98, 0.5, 1.0]


def test_the_form_opened_from_a_search_keeps_its_number_of_results() -> None:
    """ "Søg med en liste" from a search of 5 a page showed 10 in the form."""
    for size, shown in ((5, "5"), (100, "50")):
        page = TestClient(app).get(PATH, params={"q": "børn", "size": size})
        field = HTMLParser(page.text).css_first("input#antal")
        assert field is not None and field.attributes["value"] == shown


def test_a_batchs_filters_and_queries_are_read_in_nfc() -> None:
    """A query string is read composed (NFC) before it is checked; a batch's JSON and form were
    not: a publisher pasted decomposed from a Mac or a PDF filtered every document out."""
    params = BatchParams.model_validate(
        {"queries": ["sa\u030amvær"], "publisher": ["Børns Vilka\u030ar"]}
    )
    publisher = next(f for f in FILTERS if f.name == "publisher")
    assert params.values(publisher) == ["Børns Vilkår"] and params.queries == ["såmvær"]
