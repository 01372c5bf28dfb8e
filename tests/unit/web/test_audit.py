"""The audit trail: every write is recorded with who, when, before and after; admins read and
export it; nobody can change it (on the real app and a real SQLite database)."""

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.accounts import add, csrf, logged_in
from tests.helpers import excel_csv_rows
from tests.unit.web.test_accounts import write_routes
from vidensbank.store.db import migrate
from web.app import app


@pytest.fixture(scope="module", autouse=True)
def database() -> None:
    migrate()


def test_writes_are_recorded_and_admins_read_and_export_them() -> None:
    add("revisor@eksempel.dk", role="admin")
    add("=spor@eksempel.dk")
    curator = logged_in("=spor@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    created = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "Spor"}, follow_redirects=False
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    curator.post(
        f"/samlinger/{collection_id}",
        data={"csrf_token": token, "title": "Spor efter børn", "published": "true"},
    )
    TestClient(app).post("/log-ind", data={"email": "a", "password": "b"})  # no form token
    wrong = TestClient(app)
    form = csrf(wrong.get("/log-ind").text)
    wrong.post(
        "/log-ind",
        data={"email": "ingen@eksempel.dk", "password": "hemmeligt-gæt", "csrf_token": form},
    )

    # Only admins read it.
    assert TestClient(app).get("/api/audit").status_code == 401
    assert curator.get("/api/audit").status_code == 403
    assert curator.get("/revision").status_code == 403
    admin = logged_in("revisor@eksempel.dk")
    events = admin.get("/api/audit", params={"actor": "=spor@eksempel.dk"}).json()
    actions = [event["action"] for event in events]
    assert actions[:3] == ["collection.update", "collection.create", "login"]
    update = events[0]
    assert update["target"] == f"samling:{collection_id}"
    assert (update["before"]["published"], update["after"]["published"]) == (False, True)
    assert "user.add" in [e["action"] for e in admin.get("/api/audit").json()]

    # A failed login with an address no account has names nobody, and keeps nothing typed.
    failed = admin.get("/api/audit", params={"action": "login.failed"}).json()
    assert failed and failed[0]["actor"] == "ukendt"
    assert "ingen@eksempel.dk" not in str(failed) and "hemmeligt-gæt" not in str(failed)

    page = admin.get("/revision", params={"actor": "=spor@eksempel.dk"}).text
    assert "samling rettet" in page and f"samling:{collection_id}" in page
    # Before and after read as field and value, their letters as written (it showed
    # {"title": "Spor efter b\u00f8rn"}).
    values = {node.text() for node in HTMLParser(page).css("table .audit-change dd")}
    assert "Spor efter børn" in values
    assert "\\u00f8" not in page
    exported = admin.get("/api/audit.csv", params={"actor": "=spor@eksempel.dk"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = excel_csv_rows(exported.content)
    assert rows[0][:4] == ["id", "tidspunkt", "hvem", "handling"]
    # A spreadsheet shows the address as text; it never runs it as a formula.
    assert rows[1][2] == "'=spor@eksempel.dk"


def test_nothing_can_change_the_trail() -> None:
    assert not [
        (method, path) for method, path in write_routes() if "audit" in path or "revision" in path
    ]
