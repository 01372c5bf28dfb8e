"""A curator takes a document down and puts it back, on the session's real stack: it leaves the
search at once, its page and original answer 410, a new ingest of its file keeps it out, and
restoring it makes it searchable again. Both steps are in the audit trail."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from search_api.api import documents
from search_api.index import indexer
from search_api.index.document import IndexDocument, stored_vectors, to_index_document
from search_api.index.elastic import get_client
from search_api.query import search
from search_api.query.builder import SearchParams
from tests.accounts import add, csrf, logged_in
from tests.faults import wait_for
from tests.helpers import ingest
from vidensbank.accounts import Account
from vidensbank.errors import DependencyUnavailableError
from vidensbank.store import documents as document_store
from vidensbank.store.db import session_scope
from vidensbank.store.users import Role
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


def test_what_the_index_refuses_is_not_lost(
    corpus_report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database committed before Elasticsearch was asked: a withdrawal it refused (503)
    stayed searchable while the page said it was not, and a restore it refused stayed out of
    search, both until a full reindex. Now a withdrawal leaves the index before anything is
    stored (refused, nothing is); a restore the index refuses after its check is put back by
    the index step."""
    document = next(
        d
        for d in corpus_report["documents"]
        if d["status"] == "indexed" and d["filename"].endswith(".html")
    )
    document_id = document["id"]
    anonymous = TestClient(app)
    title = anonymous.get(f"/api/documents/{document_id}").json()["title"]
    add("genforsoeg@eksempel.dk")
    curator = logged_in("genforsoeg@eksempel.dk")
    token = csrf(curator.get(f"/dokument/{document_id}").text)

    def refuse_once(name: str) -> None:
        real = getattr(indexer, name)
        calls: list[int] = []

        def refused(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:
                raise DependencyUnavailableError("Søgemaskinen svarer ikke lige nu.")
            return real(*args, **kwargs)

        monkeypatch.setattr(indexer, name, refused)

    refuse_once("delete_documents")
    form = {"csrf_token": token, "reason": REASON}
    path = f"/dokument/{document_id}/tilbagetraek"
    refused = curator.post(path, data=form)
    assert refused.status_code == 503 and "Dokumentet er ikke trukket tilbage" in refused.text
    assert found(title, document_id)
    assert anonymous.get(f"/api/documents/{document_id}").status_code == 200
    assert curator.post(path, data=form, follow_redirects=False).status_code == 303
    assert not found(title, document_id)

    refuse_once("index_documents")
    path = f"/dokument/{document_id}/gendan"
    restored = curator.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert restored.status_code == 303
    assert anonymous.get(f"/api/documents/{document_id}").status_code == 200
    assert wait_for(lambda: found(title, document_id), timeout=60)


def test_a_document_withdrawn_during_a_rebuild_stays_out_of_the_new_index(
    corpus_report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The withdrawal goes to the old index through the alias, after the build read the
    document: the swap put it back in search, and nothing in the database said so."""
    document_id = [
        d["id"]
        for d in corpus_report["documents"]
        if d["status"] == "indexed" and d["filename"].endswith(".pdf")
    ][1]
    title = TestClient(app).get(f"/api/documents/{document_id}").json()["title"]
    account = Account(1, "genopbygning@eksempel.dk", Role.CURATOR, None)
    read = indexer._database_documents

    def withdrawn_once_read(only: Any) -> Iterator[IndexDocument]:
        for document in read(only):
            yield document
            if document.id == document_id:
                documents.withdraw(account, document_id, REASON)

    monkeypatch.setattr(indexer, "_database_documents", withdrawn_once_read)
    indexer.reindex(get_client())
    assert not found(title, document_id)
    monkeypatch.undo()
    documents.restore(account, document_id)
    assert found(title, document_id)


def test_a_document_withdrawn_while_an_index_step_writes_it_stays_out(
    corpus_report: dict[str, Any],
) -> None:
    """Two curators at once, one correcting a document (its index step read it as public) and
    one withdrawing it: the index step's write came after the withdrawal's delete, and the
    document stayed in search, linking to a 410 page, until a full reindex."""
    document_id = [
        d["id"]
        for d in corpus_report["documents"]
        if d["status"] == "indexed" and d["filename"].endswith(".pdf")
    ][2]
    title = TestClient(app).get(f"/api/documents/{document_id}").json()["title"]
    account = Account(1, "samtidig@eksempel.dk", Role.CURATOR, None)
    with session_scope() as session:
        [document] = document_store.get_documents(session, document_ids=[document_id])
        read_as_public = to_index_document(document, stored_vectors(session, [document]), None)
    documents.withdraw(account, document_id, REASON)
    indexer.put_documents(get_client(), [read_as_public])
    indexer.refresh(get_client())
    assert not found(title, document_id)
    documents.restore(account, document_id)
    assert found(title, document_id)
