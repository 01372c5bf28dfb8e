"""The document page and its JSON list the document's other editions; one withdrawn is left
out. On the real app with a real SQLite database (no search engine)."""

import random

from fastapi.testclient import TestClient

from nlp_models.editions import link_documents
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from web.app import app


def test_the_other_editions_are_listed_and_a_withdrawn_one_is_not() -> None:
    migrate()
    rng = random.Random(5)
    text = " ".join(f"ord{rng.randrange(10**6)}" for _ in range(400))
    editions = {
        "side-udg-1": ("VIVE", "rapport"),
        "side-udg-2": ("Socialstyrelsen", "nyhed"),
        "side-udg-3": ("Børns Vilkår", "analyse"),
    }
    with session_scope() as session:
        for document_id, (publisher, kind) in editions.items():
            store_document(
                session,
                document_id,
                title=f"Rapporten hos {publisher} <b>",
                publisher=publisher,
                kind=kind,
                pages=[text],
            )
            document_store.set_document_status(
                session, document_ids=[document_id], status="indexed"
            )
    for document_id in editions:
        with session_scope() as session:
            link_documents(session, documents={document_id: [text]})

    client = TestClient(app)
    listed = client.get("/api/documents/side-udg-1").json()["editions"]
    assert [(e["id"], e["publisher"], e["kind"], e["format"]) for e in listed] == [
        ("side-udg-2", "Socialstyrelsen", "nyhed", "PDF"),
        ("side-udg-3", "Børns Vilkår", "analyse", "PDF"),
    ]
    page = client.get("/dokument/side-udg-1").text
    assert "Andre udgaver" in page
    assert 'href="/dokument/side-udg-2"' in page
    assert "Rapporten hos Socialstyrelsen &lt;b&gt;" in page

    with session_scope() as session:
        document_store.withdraw_document(session, document_id="side-udg-3", reason="Fejl.")
    listed = client.get("/api/documents/side-udg-2").json()["editions"]
    assert [e["id"] for e in listed] == ["side-udg-1"]
    assert 'href="/dokument/side-udg-3"' not in client.get("/dokument/side-udg-1").text
    # A document alone lists none and the page has no such heading.
    with session_scope() as session:
        store_document(session, "side-alene", title="Alene", pages=["Kort tekst."])
    assert client.get("/api/documents/side-alene").json()["editions"] == []
    assert "Andre udgaver" not in client.get("/dokument/side-alene").text


def test_a_curator_keeps_a_document_apart_and_lets_it_be_linked_again() -> None:
    migrate()
    rng = random.Random(6)
    text = " ".join(f"ord{rng.randrange(10**6)}" for _ in range(400))
    with session_scope() as session:
        for document_id in ("skil-1", "skil-2", "skil-3"):
            store_document(session, document_id, title=document_id, pages=[text])
            document_store.set_document_status(
                session, document_ids=[document_id], status="indexed"
            )
    for document_id in ("skil-1", "skil-2", "skil-3"):
        with session_scope() as session:
            link_documents(session, documents={document_id: [text]})
    anonymous = TestClient(app)

    def editions(document_id: str) -> list[str]:
        return [e["id"] for e in anonymous.get(f"/api/documents/{document_id}").json()["editions"]]

    assert editions("skil-1") == ["skil-2", "skil-3"]
    add("udgaver@eksempel.dk")
    curator = logged_in("udgaver@eksempel.dk")
    token = csrf(curator.get("/dokument/skil-2").text)
    assert "skil dokumentet ud" in curator.get("/dokument/skil-2").text
    assert "skil dokumentet ud" not in anonymous.get("/dokument/skil-2").text
    done = curator.post(
        "/dokument/skil-2/udgaver/adskil", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert editions("skil-1") == ["skil-3"] and editions("skil-2") == []
    assert "Find dokumentets udgaver igen" in curator.get("/dokument/skil-2").text
    # Linked again by the pipeline (a new file, a re-extraction): still kept apart.
    with session_scope() as session:
        link_documents(session, documents={"skil-2": [text]})
    assert editions("skil-2") == []

    curator.post("/dokument/skil-2/udgaver/saml", data={"csrf_token": token})
    assert editions("skil-2") == ["skil-1", "skil-3"]
    assert (
        curator.post("/dokument/findes-ikke/udgaver/adskil", data={"csrf_token": token}).status_code
        == 404
    )

    add("udgaver-revisor@eksempel.dk", role="admin")
    events = (
        logged_in("udgaver-revisor@eksempel.dk")
        .get("/api/audit", params={"actor": "udgaver@eksempel.dk"})
        .json()
    )
    assert [e["action"] for e in events][:2] == [
        "document.editions.rejoin",
        "document.editions.separate",
    ]
