"""What a document's page tells a reader about the document (on the real app and SQLite)."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.documents import store_document
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.usage import UsageCount
from web.app import app


def test_a_documents_page_says_whom_it_is_for() -> None:
    """The target age and the professions were searchable and in the form, but not shown."""
    migrate()
    with session_scope() as session:
        store_document(
            session,
            "saml-maalgruppe",
            title="Samtalekort til de yngste",
            extra={"target_age": "3-6 år", "professional": ["pædagoger", "Sundhedsplejersker"]},
            pages=["Kort til samtaler med små børn."],
        )
    client = TestClient(app)
    document = client.get("/api/documents/saml-maalgruppe").json()
    assert document["target_age"] == "3-6 år"
    page = client.get("/dokument/saml-maalgruppe").text
    assert "<dt>Målgruppens alder</dt><dd>3-6 år</dd>" in page
    assert "<dt>Faggrupper</dt><dd>" in page and "pædagoger" in page.lower()


def test_head_is_answered_as_get_without_a_body_and_not_counted() -> None:
    """Every page answered HEAD with 405 (link checkers and caches ask with it)."""
    migrate()
    with session_scope() as session:
        store_document(session, "hoved-dokument", title="Hoved", pages=["Tekst."])
        store_document(session, "kun-hoved", title="Kun hoved", pages=["Mere."])
    # A browser's user agent: a robot's use is not counted anyway.
    browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    client = TestClient(app, headers={"User-Agent": browser})
    for path in ("/om", "/samlinger", "/sitemap.xml", "/dokument/hoved-dokument"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
    assert client.head("/dokument/findes-ikke").status_code == 404
    assert client.post("/om").status_code == 405
    assert client.head("/dokument/kun-hoved").status_code == 200

    def views(document_id: str) -> int:
        with session_scope() as session:
            counts = session.scalars(
                select(UsageCount.count).where(UsageCount.target_id == document_id)
            )
            return sum(counts)

    assert (views("hoved-dokument"), views("kun-hoved")) == (1, 0)  # the GET, not a HEAD
