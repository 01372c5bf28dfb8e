"""Usage statistics: views and downloads counted once per person and day, robots and curators
left out, nothing that identifies anyone stored or logged, monthly figures on the page, in its
JSON twin and as CSV (on the real app and a real SQLite database)."""

import datetime as dt
import logging
from collections.abc import Iterator

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text, update

from search_api.api import collections, usage
from search_api.api.routes import ORIGINAL_POLICY
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from tests.helpers import excel_csv_rows
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.base import Base
from vidensbank.store.blobs import BlobStore
from vidensbank.store.db import get_engine, migrate, session_scope
from vidensbank.store.documents import Document
from vidensbank.store.usage import TargetType, UsageSalt, UsageSeen, UseKind
from web.app import app

# What identifies the visitor: an address from the documentation range, and a browser's
# user agent with a marker in it. Neither may be stored or logged anywhere.
ADDRESS = "203.0.113.7"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
    "Safari/537.36 brugstest-7f3a"
)
OTHER_BROWSER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Gecko/20100101 Firefox/133.0 brugstest-9c1d"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 "
    "Safari/537.36"
)

DOCUMENTS = {
    # id: (title, publisher, screened for personal data: public)
    "brug-1": ("Børnesamtalen i praksis", "Socialstyrelsen", True),
    "brug-2": ("Anbragte børns skolegang", "VIVE", True),
    "brug-3": ("Dialogkort om trivsel", "Børns Vilkår", True),
    "brug-4": ("Inddragelse i handleplanen", "VIVE", True),
    "brug-skjult": ("Endnu ikke gennemset", "VIVE", False),
}
THIS_MONTH = f"{dt.datetime.now(dt.UTC):%Y-%m}"


@pytest.fixture(scope="module", autouse=True)
def documents() -> None:
    migrate()
    blobs = BlobStore(get_settings().blob_dir)
    with session_scope() as session:
        for document_id, (title, publisher, public) in DOCUMENTS.items():
            key = blobs.put(f"%PDF-1.4 {document_id}".encode())
            store_document(
                session,
                document_id,
                title=title,
                publisher=publisher,
                published=dt.date(2024, 3, 1),
                pages=[f"{title}. Om børn og unge."],
                content_hash=key,
                screened=public,
            )


def visitor(user_agent: str = BROWSER) -> TestClient:
    return TestClient(app, client=(ADDRESS, 51234), headers={"User-Agent": user_agent})


def figures(document_id: str, start: str = THIS_MONTH, end: str = THIS_MONTH) -> dict[str, int]:
    answer = TestClient(app).get(
        f"/api/usage/documents/{document_id}", params={"start": start, "end": end}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return {"views": body["views"], "downloads": body["downloads"]}


def test_views_and_downloads_count_once_a_day_per_visitor() -> None:
    browser = visitor()
    for _ in range(3):
        assert browser.get("/dokument/brug-1").status_code == 200
    for _ in range(2):
        assert browser.get("/api/documents/brug-1/original").status_code == 200
    assert figures("brug-1") == {"views": 1, "downloads": 1}
    # Another browser (or person) is another visitor; the JSON twin is not a view.
    assert visitor(OTHER_BROWSER).get("/dokument/brug-1").status_code == 200
    assert visitor(OTHER_BROWSER).get("/api/documents/brug-1").status_code == 200
    assert figures("brug-1") == {"views": 2, "downloads": 1}


def test_robots_curators_and_pages_not_served_are_not_counted() -> None:
    for robot in (GOOGLEBOT, HEADLESS, "curl/8.5.0", ""):
        assert visitor(robot).get("/dokument/brug-3").status_code == 200
        assert visitor(robot).get("/api/documents/brug-3/original").status_code == 200
    add("brugskurator@eksempel.dk")
    curator = logged_in("brugskurator@eksempel.dk")
    assert curator.get("/dokument/brug-3").status_code == 200
    assert curator.get("/api/documents/brug-3/original").status_code == 200
    assert figures("brug-3") == {"views": 0, "downloads": 0}
    # Not public: no page, nothing counted, and its figures are not shown to anyone else.
    assert visitor().get("/dokument/brug-skjult").status_code == 404
    assert visitor().get("/api/documents/brug-skjult/original").status_code == 404
    assert TestClient(app).get("/api/usage/documents/brug-skjult").status_code == 404
    assert curator.get("/api/usage/documents/brug-skjult").json()["views"] == 0
    assert visitor().get("/dokument/findes-ikke").status_code == 404
    assert usage.is_robot(GOOGLEBOT) and not usage.is_robot(BROWSER)


def test_a_published_collection_is_counted_and_a_private_one_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add("brugssamler@eksempel.dk")
    curator = logged_in("brugssamler@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    # One id in 64 begins with "-", which a spreadsheet would run as a formula.
    monkeypatch.setattr(collections.secrets, "token_urlsafe", lambda _n: "-mestlaest")
    created = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "Mest læst"}, follow_redirects=False
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    assert visitor().get(f"/samlinger/{collection_id}").status_code == 404
    curator.post(
        f"/samlinger/{collection_id}",
        data={"csrf_token": token, "title": "Mest læst", "published": "true"},
    )
    for _ in range(2):
        assert visitor().get(f"/samlinger/{collection_id}").status_code == 200
    assert visitor(OTHER_BROWSER).get(f"/samlinger/{collection_id}").status_code == 200
    report = TestClient(app).get("/api/usage").json()
    assert {"id": collection_id, "title": "Mest læst", "publisher": None, "views": 2,
            "downloads": 0} in report["collections"]  # fmt: skip
    exported = TestClient(app).get("/api/usage.csv", params={"by": "collection"})
    assert [THIS_MONTH, "'-mestlaest", "Mest læst", "2"] in excel_csv_rows(exported.content)


def test_the_salt_lives_one_day_and_its_keys_go_with_it() -> None:
    def count(day: int, client: str = ADDRESS) -> bool:
        return usage.count_use(
            kind=UseKind.VIEW,
            target_type=TargetType.DOCUMENT,
            target_id="brug-2",
            client=client,
            user_agent=BROWSER,
            now=dt.datetime(2020, 1, day, 12, tzinfo=dt.UTC),
        )

    def salts() -> dict[dt.date, str]:
        with session_scope() as session:
            rows = session.execute(select(UsageSalt.day, UsageSalt.salt))
            return {day: salt for day, salt in rows if day.year == 2020}

    def seen_days() -> set[dt.date]:
        with session_scope() as session:
            return {day for day in session.scalars(select(UsageSeen.day)) if day.year == 2020}

    assert count(1) and not count(1)
    assert count(1, client="198.51.100.20")
    first_salt = salts()[dt.date(2020, 1, 1)]
    assert len(first_salt) == 64 and seen_days() == {dt.date(2020, 1, 1)}
    # The next day: a new salt, and the day before is gone with every key of it.
    assert count(2)
    assert list(salts()) == [dt.date(2020, 1, 2)] and salts()[dt.date(2020, 1, 2)] != first_salt
    assert seen_days() == {dt.date(2020, 1, 2)}
    # February: the same visitor counts again, in the new month.
    assert count(3) and not count(3)
    assert usage.count_use(
        kind=UseKind.DOWNLOAD,
        target_type=TargetType.DOCUMENT,
        target_id="brug-2",
        client=ADDRESS,
        user_agent=BROWSER,
        now=dt.datetime(2020, 2, 3, 9, tzinfo=dt.UTC),
    )
    months = (
        TestClient(app)
        .get("/api/usage/documents/brug-2", params={"start": "2020-01", "end": "2020-03"})
        .json()["months"]
    )
    assert months == [
        {"month": "2020-01", "views": 4, "downloads": 0},
        {"month": "2020-02", "views": 0, "downloads": 1},
        {"month": "2020-03", "views": 0, "downloads": 0},
    ]
    report = TestClient(app).get("/api/usage", params={"start": "2020-01", "end": "2020-02"}).json()
    assert report["months"] == months[:2]
    [vive] = [p for p in report["publishers"] if p["publisher"] == "VIVE"]
    assert (vive["views"], vive["downloads"]) == (4, 1)
    assert report["documents"][0]["id"] == "brug-2"

    # The export of the same months, per document and per publisher.
    answer = TestClient(app).get(
        "/api/usage.csv", params={"start": "2020-01", "end": "2020-02", "by": "document"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="brug-dokumenter-2020-01-2020-02.csv"'
    )
    assert excel_csv_rows(answer.content) == [
        ["måned", "dokument", "titel", "udgiver", "visninger", "downloads"],
        ["2020-01", "brug-2", "Anbragte børns skolegang", "VIVE", "4", "0"],
        ["2020-02", "brug-2", "Anbragte børns skolegang", "VIVE", "0", "1"],
    ]
    by_publisher = TestClient(app).get(
        "/api/usage.csv", params={"start": "2020-01", "end": "2020-02", "by": "publisher"}
    )
    assert excel_csv_rows(by_publisher.content) == [
        ["måned", "udgiver", "visninger", "downloads"],
        ["2020-01", "VIVE", "4", "0"],
        ["2020-02", "VIVE", "0", "1"],
    ]
    assert "brug-udgivere-2020-01-2020-02.csv" in by_publisher.headers["content-disposition"]

    # The page shows the same figures: a chart of each kind and the tables.
    page = TestClient(app).get("/statistik", params={"start": "2020-01", "end": "2020-02"})
    assert page.status_code == 200
    assert 'role="img"' in page.text and "Visninger pr. måned" in page.text
    assert "Søjlediagram over visninger pr. måned fra jan. 2020 til feb. 2020." in page.text
    # Running text writes the months out; the tables and the chart's axis abbreviate them.
    assert "pr. måned fra januar 2020 til februar 2020." in page.text
    assert '<a href="/statistik/dokument/brug-2">Anbragte børns skolegang</a>' in page.text
    assert '<th scope="colgroup" colspan="2">VIVE</th>' in page.text
    assert 'href="/api/usage?start=2020-01&amp;end=2020-02"' in page.text
    document_page = TestClient(app).get(
        "/statistik/dokument/brug-2", params={"start": "2020-01", "end": "2020-03"}
    )
    assert document_page.status_code == 200
    assert "4 visninger og 1 download fra januar 2020 til marts 2020." in document_page.text
    assert '<th scope="row">feb. 2020</th><td>0</td><td>1</td>' in document_page.text


def test_the_document_page_links_its_statistics_and_every_page_the_statistics_page() -> None:
    page = visitor(GOOGLEBOT).get("/dokument/brug-3").text
    assert 'href="/statistik/dokument/brug-3"' in page and 'href="/statistik"' in page
    assert TestClient(app).get("/statistik").status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13"}, "Fra-måneden (start) skal være en måned skrevet ÅÅÅÅ-MM"),
        ({"end": "maj"}, "Til-måneden (end) skal være en måned skrevet ÅÅÅÅ-MM"),
        ({"start": "2026-05", "end": "2026-01"}, "Til-måneden (end) må ikke ligge før fra-måneden"),
        ({"start": "2000-01", "end": "2026-01"}, "Perioden må højst være 120 måneder."),
        # Twelve months on from it is past the last year a date holds; the month is well
        # written, so the year's range is named (it said "skrevet ÅÅÅÅ-MM").
        ({"start": "9999-12"}, "Fra-måneden (start) skal ligge mellem år 1000 og 9000."),
        ({"start": "0001-01", "end": "0001-02"}, "skal ligge mellem år 1000 og 9000."),
    ],
)
def test_bad_periods_get_a_danish_400(params: dict[str, str], message: str) -> None:
    client = TestClient(app)
    for path in ("/api/usage", "/api/usage.csv", "/api/usage/documents/brug-1"):
        answer = client.get(path, params=params)
        assert answer.status_code == 400, (path, answer.text)
        assert message in answer.json()["error"]
    for path in ("/statistik", "/statistik/dokument/brug-1"):
        page = client.get(path, params=params)
        assert page.status_code == 400 and message in page.text


def test_unknown_export_level_and_unknown_document() -> None:
    client = TestClient(app)
    answer = client.get("/api/usage.csv", params={"by": "person"})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("Parameteren by skal være document")
    assert client.get("/api/usage/documents/findes-ikke").json() == {
        "error": "Dokumentet findes ikke.",
        "status": 404,
    }
    page = client.get("/statistik/dokument/findes-ikke")
    assert page.status_code == 404 and "Dokumentet findes ikke." in page.text


@pytest.fixture
def usage_table_gone() -> Iterator[None]:
    """The counts' table renamed away: every count fails in the database, for real."""
    with get_engine().begin() as connection:
        connection.execute(text("ALTER TABLE usage_counts RENAME TO usage_counts_away"))
    try:
        yield
    finally:
        with get_engine().begin() as connection:
            connection.execute(text("ALTER TABLE usage_counts_away RENAME TO usage_counts"))


def test_a_count_that_fails_costs_the_count_not_the_page(
    usage_table_gone: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="search_api.api.usage"):
        assert visitor().get("/dokument/brug-4").status_code == 200
        assert visitor().get("/api/documents/brug-4/original").status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "search_api.api.usage"]
    assert warnings == [
        "view of document brug-4 not counted: OperationalError",
        "download of document brug-4 not counted: OperationalError",
    ]


def test_nothing_that_identifies_a_visitor_is_stored_or_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert visitor().get("/dokument/brug-4").status_code == 200
        assert visitor().get("/api/documents/brug-4/original?x=1").status_code == 200
    assert figures("brug-4")["views"] == 1
    access = [r.getMessage() for r in caplog.records if r.name == "vidensbank.access"]
    assert any(line.startswith("GET /dokument/brug-4 200 ") for line in access), access
    assert any(line.startswith("GET /api/documents/brug-4/original 200 ") for line in access)
    # What the server logged (the test's HTTP client logs its own requests).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    for secret in (ADDRESS, "brugstest-7f3a", "x=1"):
        assert secret not in logged

    # Every text column of every table, for the address and the browser of every visitor.
    found = []
    with get_engine().connect() as connection:
        for table in inspect(connection).get_table_names():
            if table not in Base.metadata.tables:
                continue
            for column in Base.metadata.tables[table].columns:
                for (value,) in connection.execute(select(column)):
                    if value is not None and any(
                        secret in str(value)
                        for secret in (ADDRESS, "brugstest-7f3a", "brugstest-9c1d")
                    ):
                        found.append(f"{table}.{column.name}")
    assert found == []


def test_a_head_of_an_original_does_not_read_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answered as GET, a HEAD read the whole original (up to 200 MB) for its headers."""
    got = visitor().get("/api/documents/brug-4/original")

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(anyio, "open_file", refused)
    head = visitor().head("/api/documents/brug-4/original")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]


def stored_original(document_id: str, filename: str) -> None:
    """A public document of its own, with an original in the blob store under ``filename``."""
    key = BlobStore(get_settings().blob_dir).put(f"%PDF-1.4 {document_id}".encode())
    with session_scope() as session:
        store_document(session, document_id, title="Original", publisher="VIVE", content_hash=key)
        session.execute(
            update(Document).where(Document.id == document_id).values(filename=filename)
        )


def test_an_original_the_client_has_is_not_sent_again() -> None:
    """RFC 9110 §13.2.2: If-None-Match, compared weakly, decides when it is sent; only
    without it does If-Modified-Since. A 304 is counted as a download, as its 200 was."""
    stored_original("brug-uaendret", "uaendret.pdf")
    original = "/api/documents/brug-uaendret/original"
    got = TestClient(app).get(original)
    etag, modified = got.headers["etag"], got.headers["last-modified"]
    before = "Thu, 01 Jan 1970 00:00:00 GMT"
    for headers, status in [
        ({"If-None-Match": etag}, 304),
        ({"If-None-Match": f"W/{etag}"}, 304),
        ({"If-None-Match": f'"andet", W/{etag}'}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": '"andet"'}, 200),
        ({"If-Modified-Since": modified}, 304),
        ({"If-Modified-Since": before}, 200),
        ({"If-Modified-Since": "yesterday"}, 200),
        ({"If-None-Match": '"andet"', "If-Modified-Since": modified}, 200),
        ({"If-None-Match": etag, "If-Modified-Since": before}, 304),
        # The conditions come before the range.
        ({"If-None-Match": etag, "Range": "bytes=0-3"}, 304),
        ({"If-None-Match": '"andet"', "Range": "bytes=0-3"}, 206),
    ]:
        answer = visitor().get(original, headers=headers)
        assert answer.status_code == status, headers
        if status == 304:
            assert answer.content == b"" and answer.headers["etag"] == etag
            # A cache takes these headers into its copy: the sandbox stays.
            assert answer.headers["content-security-policy"] == ORIGINAL_POLICY
    counted = figures("brug-uaendret")["downloads"]
    assert visitor(OTHER_BROWSER).get(original, headers={"If-None-Match": etag}).status_code == 304
    assert figures("brug-uaendret")["downloads"] == counted + 1
    head = visitor().head(original, headers={"If-None-Match": etag})
    assert head.status_code == 304 and head.content == b""
    ranged = visitor().get(original, headers={"Range": "bytes=0-3"})
    assert ranged.status_code == 206 and ranged.content == b"%PDF"
    # Taken down, it is gone, whatever the client has.
    with session_scope() as session:
        document_store.withdraw_document(session, document_id="brug-uaendret", reason="Fejl")
    assert visitor().get(original, headers={"If-None-Match": etag}).status_code == 410


def test_an_original_with_a_danish_name_has_an_ascii_name_too() -> None:
    """RFC 6266 §4.3: ``filename*`` for those who read it, and an ASCII ``filename`` for those
    who do not, which holds nothing that ends or escapes its quotes."""
    stored_original("brug-navn", 'Børns "trivsel"\\Ærø 100%.pdf')
    answer = visitor().get("/api/documents/brug-navn/original")
    assert answer.headers["content-disposition"] == (
        'inline; filename="Boerns _trivsel__Aeroe 100_.pdf"; '
        "filename*=UTF-8''B%C3%B8rns%20%22trivsel%22%5C%C3%86r%C3%B8%20100%25.pdf"
    )
    stored_original("brug-ascii", "rapport-2024.pdf")
    answer = visitor().get("/api/documents/brug-ascii/original")
    assert answer.headers["content-disposition"] == 'inline; filename="rapport-2024.pdf"'
