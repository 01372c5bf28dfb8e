"""A curator takes a document down and puts it back, on the session's real stack: it leaves the
search at once, its page and original answer 410, a new ingest of its file keeps it out, and
restoring it makes it searchable again. Both steps are in the audit trail."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from search_api.query import search
from search_api.query.builder import SearchParams
from tests.accounts import add, csrf, logged_in
from tests.helpers import ingest
from web.app import app

REASON = "Rapporten er erstattet af en ny udgave."


def found(title: str, document_id: str) -> bool:
    """Whether the document is a hit, or one of a hit's editions (other tests ingest copies of
    the corpus, which are listed once with their originals)."""
    results = search.search(SearchParams(q=f'"{title}"', size=20)).results
    return any(document_id in (r.id, *(e.id for e in r.editions)) for r in results)


def test_withdraw_survives_reingest_and_restore_brings_it_back(
    corpus_report: dict[str, Any], corpus: Path
) -> None:
    document = next(
        d
        for d in corpus_report["documents"]
        if d["status"] == "indexed" and d["filename"].endswith(".pdf")
    )
    document_id = document["id"]
    anonymous = TestClient(app)
    title = anonymous.get(f"/api/documents/{document_id}").json()["title"]
    assert found(title, document_id)

    add("tilbagetraek@eksempel.dk")
    curator = logged_in("tilbagetraek@eksempel.dk")
    token = csrf(curator.get(f"/dokument/{document_id}").text)
    empty = curator.post(f"/dokument/{document_id}/tilbagetraek", data={"csrf_token": token})
    assert empty.status_code == 400
    withdrawn = curator.post(
        f"/dokument/{document_id}/tilbagetraek",
        data={"csrf_token": token, "reason": REASON},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303

    assert not found(title, document_id)
    gone = anonymous.get(f"/api/documents/{document_id}")
    assert gone.status_code == 410 and REASON in gone.json()["error"]
    assert anonymous.get(f"/api/documents/{document_id}/original").status_code == 410
    page = anonymous.get(f"/dokument/{document_id}")
    assert page.status_code == 410 and REASON in page.text
    # Curators still see it, marked, with the way back.
    assert "Gendan dokumentet" in curator.get(f"/dokument/{document_id}").text

    again = ingest(corpus / document["filename"])
    assert [d["status"] for d in again["documents"]] == ["withdrawn"]
    assert not found(title, document_id)

    restored = curator.post(
        f"/dokument/{document_id}/gendan", data={"csrf_token": token}, follow_redirects=False
    )
    assert restored.status_code == 303
    assert found(title, document_id)
    assert anonymous.get(f"/api/documents/{document_id}").status_code == 200

    add("tilsyn@eksempel.dk", role="admin")
    admin = logged_in("tilsyn@eksempel.dk")
    events = admin.get("/api/audit", params={"actor": "tilbagetraek@eksempel.dk"}).json()
    assert [e["action"] for e in events][:2] == ["document.restore", "document.withdraw"]
    assert events[1]["after"] == {"reason": REASON}
