"""The audit trail: every write is recorded with who, when, before and after; admins read and
export it; nobody can change it (on the real app and a real SQLite database)."""

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.api.audit import shown_change
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
    # Under Danish names (it showed title, description, published); the JSON keeps the keys.
    keys = {node.text() for node in HTMLParser(page).css("table .audit-change dt")}
    assert {"titel", "beskrivelse", "offentliggjort"} <= keys and "published" not in keys
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


def test_the_page_names_the_changes_in_danish() -> None:
    assert shown_change("user.reopen", {"active": True, "role": "curator"}) == {
        "aktiv": True,
        "rolle": "kurator",
    }
    assert shown_change("user.add", {"role": "admin"}) == {"rolle": "administrator"}
    # A place in a collection is counted from 1, as the collection's page counts it.
    assert shown_change("collection.add", {"document_id": "d1", "position": 0, "note": ""}) == {
        "dokument": "d1",
        "placering": 1,
        "note": "",
    }
    # A document's "published" is its date; a collection's is whether the public sees it.
    assert shown_change("document.correct", {"published": "2024-05-01"}) == {
        "udgivet": "2024-05-01"
    }
    assert shown_change("collection.update", {"published": True}) == {"offentliggjort": True}
    assert shown_change(
        "personal_data.release",
        {
            "findings": [{"kind": "cpr", "page": 3}, {"kind": "child_name", "page": 0}],
            "held": False,
        },
    ) == {"fund": ["CPR-nummer, side 3", "barns navn, i titlen"], "tilbageholdt": False}
    assert shown_change("entity.correct", {"label": "MONEY", "new_label": "LAW"}) == {
        "type": "beløb",
        "ny type": "lov",
    }
    # What it does not know it shows as it is.
    assert shown_change("ny.handling", {"noget": "x", "role": "ukendt"}) == {
        "noget": "x",
        "rolle": "ukendt",
    }
