"""A curator withdraws or restores a document while the search engine or the queue does not
answer (on the real app and a real SQLite database): refused with nothing stored, so the page
and search tell the same story."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ingest.crawl import GONE_REASON
from nlp_models.personal_data import SCREENING_VERSION
from search_api.index.elastic import get_client
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from tests.fixtures import free_port
from vidensbank.settings import get_settings
from vidensbank.store import crawl as crawl_store
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store.audit import AuditEvent
from vidensbank.store.crawl import CrawledAddress
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, DocumentStatus
from web.app import app

INDEXED = "tilbagetraek-soegning-nede"
UNSCREENED = "tilbagetraek-koe-nede"
CURATOR = "tilbagetraek-nede@eksempel.dk"


@pytest.fixture(scope="module")
def curator() -> TestClient:
    migrate()
    with session_scope() as session:
        for document_id in (INDEXED, UNSCREENED):
            store_document(session, document_id, title="Om samvær", pages=["Om samvær."])
        session.execute(
            update(Document)
            .where(Document.id == INDEXED)
            .values(status=DocumentStatus.INDEXED, screening_version=SCREENING_VERSION)
        )
    add(CURATOR)
    return logged_in(CURATOR)


@contextmanager
def down(setting: str, url: str) -> Iterator[None]:
    """The search engine or the broker at an address nobody answers on."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(setting, url.format(port=free_port()))
        patch.setenv("VB_ES_MAX_RETRIES", "0")
        get_settings.cache_clear()
        get_client.cache_clear()
        yield
    get_settings.cache_clear()
    get_client.cache_clear()


def search_engine_down() -> AbstractContextManager[None]:
    return down("VB_ELASTICSEARCH_URL", "http://127.0.0.1:{port}")


def queue_down() -> AbstractContextManager[None]:
    return down("VB_BROKER_URL", "redis://127.0.0.1:{port}/0")


def stored(document_id: str) -> tuple[bool, list[str]]:
    """Whether the document is withdrawn, and the audit trail's actions on it."""
    with session_scope() as session:
        document = session.get(Document, document_id)
        assert document is not None
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"dokument:{document_id}")
        )
        return document.withdrawn_at is not None, list(actions)


def test_a_withdrawal_the_search_engine_cannot_carry_out_is_not_stored(
    curator: TestClient,
) -> None:
    """The withdrawal was stored before Elasticsearch was asked: the curator got a 503 that read
    as "nothing happened", the document answered 410, but search kept finding it for good, and
    its page said it was not in search and offered only "Gendan"."""
    with session_scope() as session:
        document_store.restore_document(session, document_id=INDEXED)
    token = csrf(curator.get(f"/dokument/{INDEXED}").text)
    with search_engine_down():
        refused = curator.post(
            f"/dokument/{INDEXED}/tilbagetraek", data={"csrf_token": token, "reason": "Forkert fil"}
        )
    assert refused.status_code == 503
    assert "Dokumentet er ikke trukket tilbage. Søgemaskinen svarer ikke" in refused.text
    assert stored(INDEXED) == (False, [])
    assert TestClient(app).get(f"/api/documents/{INDEXED}").status_code == 200
    page = curator.get(f"/dokument/{INDEXED}").text
    assert "Trukket tilbage" not in page and f"/dokument/{INDEXED}/tilbagetraek" in page


@pytest.mark.parametrize(
    ("document_id", "dependency", "answer"),
    [
        (INDEXED, search_engine_down, "Søgemaskinen svarer ikke"),
        (UNSCREENED, queue_down, "Køen (Redis) svarer ikke"),
    ],
    ids=["search-engine-down", "queue-down"],
)
def test_a_restore_that_cannot_reach_search_is_not_stored(
    curator: TestClient,
    document_id: str,
    dependency: Callable[[], AbstractContextManager[None]],
    answer: str,
) -> None:
    """The restore was stored before Elasticsearch (or, for a document whose names must be
    found first, the queue) was asked: a 503 (or a 500), and the document was restored in the
    database but missing from search for good."""
    with session_scope() as session:
        document_store.withdraw_document(session, document_id=document_id, reason="Forkert fil")
    token = csrf(curator.get(f"/dokument/{document_id}").text)
    with dependency():
        refused = curator.post(f"/dokument/{document_id}/gendan", data={"csrf_token": token})
    assert refused.status_code == 503
    assert f"Dokumentet er ikke gendannet. {answer}" in refused.text
    assert stored(document_id) == (True, [])
    assert "Gendan dokumentet" in curator.get(f"/dokument/{document_id}").text


def test_with_the_search_engine_down_an_unknown_or_withdrawn_document_is_answered_as_before(
    curator: TestClient,
) -> None:
    """Asked of the search engine first, an unknown document was a 503 instead of a 404, and a
    second press on a withdrawn one said "Dokumentet er ikke trukket tilbage"."""
    with session_scope() as session:
        document_store.withdraw_document(session, document_id=UNSCREENED, reason="Forkert fil")
    token = csrf(curator.get(f"/dokument/{INDEXED}").text)
    with search_engine_down():
        unknown = curator.post(
            "/dokument/findes-ikke/tilbagetraek", data={"csrf_token": token, "reason": "Fejl"}
        )
        again = curator.post(
            f"/dokument/{UNSCREENED}/tilbagetraek",
            data={"csrf_token": token, "reason": "Forkert fil"},
            follow_redirects=False,
        )
    assert unknown.status_code == 404
    assert again.status_code == 303
    with session_scope() as session:
        document_store.restore_document(session, document_id=UNSCREENED)


@pytest.mark.parametrize("apart", [True, False], ids=["keep-apart", "rejoin"])
def test_an_editions_decision_the_search_engine_cannot_follow_is_not_stored(
    curator: TestClient, apart: bool
) -> None:
    """Keeping a document apart from its editions (or linking it again) was stored before the
    search engine was asked: a 503, and the page showed the decision while search still grouped
    the document with the others, for good."""
    with session_scope() as session:
        if not apart:
            edition_store.separate(session, document_id=INDEXED, by=CURATOR)
    token = csrf(curator.get(f"/dokument/{INDEXED}").text)
    action = "adskil" if apart else "saml"
    with search_engine_down():
        refused = curator.post(f"/dokument/{INDEXED}/udgaver/{action}", data={"csrf_token": token})
    assert refused.status_code == 503
    said = "skilt ud fra sine udgaver" if apart else "koblet til sine udgaver igen"
    assert f"Dokumentet er ikke {said}. Søgemaskinen svarer ikke" in refused.text
    with session_scope() as session:
        assert bool(edition_store.separated(session, document_ids=[INDEXED])) is not apart
        edition_store.unseparate(session, document_id=INDEXED)
    assert stored(INDEXED)[1] == []


def test_a_curator_takes_over_the_crawlers_withdrawal_so_a_crawl_does_not_publish_it_again(
    curator: TestClient,
) -> None:
    """The crawler withdraws a document whose publication went, and puts it back when it comes
    back. A curator who wanted it kept out was offered only "Gendan"; a POST to withdraw it was
    answered 303 and stored nothing, so the next crawl published it again."""
    document_id = "tilbagetraek-crawler"
    with session_scope() as session:
        store_document(session, document_id, title="Om samvær", pages=["Om samvær."])
        document_store.withdraw_document(session, document_id=document_id, reason=GONE_REASON)
        session.add(
            CrawledAddress(
                source="boernsvilkaar",
                url="https://boernsvilkaar.example/udgivelse.pdf",
                document_id=document_id,
                withdrawn=True,
            )
        )
    page = curator.get(f"/dokument/{document_id}").text
    assert "Hold det tilbage, også hvis det kommer igen" in page
    kept = curator.post(
        f"/dokument/{document_id}/tilbagetraek",
        data={"csrf_token": csrf(page), "reason": "Forældet vejledning"},
        follow_redirects=False,
    )
    assert kept.status_code == 303
    with session_scope() as session:
        assert not crawl_store.withdrawn_by_crawler(session, document_id=document_id)
        document = session.get(Document, document_id)
        assert document is not None and document.withdrawn_reason == "Forældet vejledning"
    assert stored(document_id) == (True, ["document.withdraw"])
    assert "Hold det tilbage" not in curator.get(f"/dokument/{document_id}").text
