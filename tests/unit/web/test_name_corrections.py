"""Curators correct a document's names and the knowledge base through the forms, on the real
app and a real SQLite database: what a tester found taken back, duplicated or let through."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from kombu.exceptions import OperationalError as KombuOperationalError
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode
from sqlalchemy import select

from nlp_models import curated_kb
from nlp_models.knowledge_base import KnowledgeBase
from nlp_models.mentions import entity_key
from search_api.api import corrections, kb_edits
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store.corrections import EntityCorrection
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import EntityRow
from vidensbank.store.kb_edits import KBEdit

DOCUMENT = "navne-rettes"
PAGE = "Børnekontoret i Rønne holdt møde med Ankestyrelsen og en sagsbehandler fra Bornholm."
RECORD = "org.ankestyrelsen"


@pytest.fixture(scope="module")
def curator() -> TestClient:
    migrate()
    with session_scope() as session:
        store_document(session, DOCUMENT, title="Referat fra Bornholm", pages=[PAGE])
        document_store.replace_entities(
            session,
            document_id=DOCUMENT,
            entities=[
                EntityRow("Børnekontoret", "ORG", "Børnekontoret", None, 1, [1]),
                EntityRow("Ankestyrelsen", "ORG", "Ankestyrelsen", RECORD, 1, [1]),
            ],
        )
    add("navne@eksempel.dk")
    return logged_in("navne@eksempel.dk")


@pytest.fixture(autouse=True)
def nothing_queued(monkeypatch: pytest.MonkeyPatch) -> None:
    """A correction queues its document for the entity step, and a knowledge-base edit the
    documents it concerns: a worker of the test session (the browser tests start some) took
    them and found this document's names again with the real pipeline while these tests
    corrected them."""
    monkeypatch.setattr(corrections, "enqueue_stored", lambda *args, **kwargs: None)
    monkeypatch.setattr(kb_edits, "reenrich", lambda document_ids: len(document_ids))


@pytest.fixture
def no_edits_left() -> Iterator[None]:
    """The knowledge base as it was: other tests link against it."""
    yield
    with session_scope() as session:
        for edit in session.scalars(select(KBEdit).where(KBEdit.record_id == RECORD)):
            session.delete(edit)


def _token(client: TestClient) -> str:
    return csrf(client.get(f"/entitet/{RECORD}").text)


def _add_alias(client: TestClient, value: str) -> tuple[int, str]:
    response = client.post(
        f"/entitet/{RECORD}/vidensbase",
        data={"csrf_token": _token(client), "action": "alias", "value": value},
        follow_redirects=False,
    )
    return response.status_code, response.text


def _edit_ids() -> dict[str, int]:
    with session_scope() as session:
        return {
            edit.value: edit.id
            for edit in session.scalars(select(KBEdit).where(KBEdit.record_id == RECORD))
        }


@pytest.mark.usefixtures("no_edits_left")
def test_taking_an_edit_back_twice_leaves_a_newer_edit_alone(curator: TestClient) -> None:
    """SQLite gave a deleted edit's id to the next edit: a second click on "Tag tilbage" (or
    the Back button) took back another curator's newer alias."""
    assert _add_alias(curator, "Testnavn Alfa")[0] == 303
    first = _edit_ids()["Testnavn Alfa"]
    remove = f"/entitet/{RECORD}/vidensbase/{first}/fjern"
    assert curator.post(remove, data={"csrf_token": _token(curator)}).status_code == 200
    assert _add_alias(curator, "Testnavn Beta")[0] == 303
    assert _edit_ids()["Testnavn Beta"] != first
    again = curator.post(remove, data={"csrf_token": _token(curator)}, follow_redirects=False)
    assert again.status_code == 404
    assert "Testnavn Beta" in _edit_ids()


@pytest.mark.usefixtures("no_edits_left")
@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("\u200f\u200e\u200f", "synlige tegn"),  # direction marks only
        ("N", "synlige tegn"),
        ("og", "almindeligt ord"),
        ("Anke\u200bstyrelsen", "allerede et navn"),  # the record's own name, zero-width space
    ],
)
def test_a_name_for_the_knowledge_base_must_be_one_a_reader_sees(
    curator: TestClient, typed: str, refused: str
) -> None:
    """Each was stored: a direction mark turned the page's list round, "og" made a search for
    Ankestyrelsen find 68 of 93 documents, the zero-width copy passed the duplicate check."""
    status, page = _add_alias(curator, typed)
    assert status == 400 and refused in page
    assert _edit_ids() == {}


@pytest.mark.usefixtures("no_edits_left")
def test_a_name_for_the_knowledge_base_is_stored_without_invisible_characters(
    curator: TestClient,
) -> None:
    assert _add_alias(curator, "\u202eAnke\tsagerne\x00\u200b")[0] == 303
    assert list(_edit_ids()) == ["Anke sagerne"]


def _add_name(client: TestClient, text: str) -> tuple[int, str]:
    response = client.post(
        f"/dokument/{DOCUMENT}/navne",
        data={
            "csrf_token": csrf(client.get(f"/dokument/{DOCUMENT}").text),
            "action": "add",
            "text": text,
            "new_label": "LOC",
        },
        follow_redirects=False,
    )
    return response.status_code, response.text


def _added(text: str) -> int:
    with session_scope() as session:
        query = select(EntityCorrection).where(
            EntityCorrection.document_id == DOCUMENT, EntityCorrection.text == text
        )
        return len(list(session.scalars(query)))


def test_adding_a_name_the_document_has_is_refused(curator: TestClient) -> None:
    """It unlinked the name from its record; a double click stored the addition twice."""
    status, page = _add_name(curator, "ankestyrelsen")
    assert status == 400 and "allerede fundet" in page
    assert _added("ankestyrelsen") == 0
    assert _add_name(curator, "Bornholm")[0] == 303
    status, page = _add_name(curator, "Bornholm")
    assert status == 400 and "allerede tilføjet" in page
    assert _added("Bornholm") == 1


def test_a_refused_form_names_its_field_in_danish(curator: TestClient) -> None:
    """ "Parameteren 'value' mangler" named nothing a curator had seen."""
    response = curator.post(
        f"/entitet/{RECORD}/vidensbase",
        data={"csrf_token": _token(curator), "action": "alias"},
    )
    assert response.status_code == 400 and "Navnet mangler." in response.text
    too_big = curator.post(
        f"/dokument/{DOCUMENT}/rettelser/99999999999/fjern",
        data={"csrf_token": _token(curator)},
    )
    assert too_big.status_code == 400 and "Rettelsens nummer må højst være" in too_big.text


@pytest.mark.usefixtures("no_edits_left")
def test_a_form_about_something_gone_is_not_called_a_mistyped_address(
    curator: TestClient,
) -> None:
    """A second "Tag tilbage" (or "ikke et navn") answered "Siden blev ikke fundet … adressen
    er skrevet forkert" to a curator who had pressed a button."""
    gone = curator.post(
        f"/entitet/{RECORD}/vidensbase/999999/fjern", data={"csrf_token": _token(curator)}
    )
    assert gone.status_code == 404 and "Ændringen findes ikke." in gone.text
    assert "Siden blev ikke fundet" not in gone.text and "skrevet forkert" not in gone.text
    page = curator.get("/dokument/findes-slet-ikke")
    assert page.status_code == 404 and "Siden blev ikke fundet" in page.text


@pytest.mark.usefixtures("no_edits_left")
@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("..", "ingen bogstaver"),
        ("2020", "ingen bogstaver"),
        ("Ankestyrelsens", "allerede et navn"),  # the record's own name in the genitive
        ("org.vive", "allerede et navn"),  # another record's id
        ("Kommunen", "de fleste dokumenter"),
    ],
)
def test_a_name_that_would_find_everything_or_is_taken_is_refused(
    curator: TestClient, typed: str, refused: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accepted, "Kommunen" made a search for LOS find 73 of 100 documents, "12" 33."""
    monkeypatch.setattr(kb_edits, "_common_in_corpus", lambda word: word == "kommunen")
    status, page = _add_alias(curator, typed)
    assert status == 400 and refused in page
    assert _edit_ids() == {}


@pytest.mark.usefixtures("no_edits_left")
def test_the_same_name_sent_at_once_is_saved_once(
    curator: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten curators' clicks at once saved the name twice (both passed the duplicate check)."""
    known = curated_kb.current_knowledge_base

    def slow(max_age: float = curated_kb.CHECK_SECONDS) -> KnowledgeBase:
        time.sleep(0.2)  # the moment between the check and the save, made long enough to see
        return known(max_age)

    monkeypatch.setattr(curated_kb, "current_knowledge_base", slow)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: _add_alias(curator, "Klagenævnet")[0], range(6)))
    assert sorted(statuses) == [303] + [400] * 5
    assert list(_edit_ids()) == ["Klagenævnet"]


def test_a_merge_names_its_record_by_name_or_by_id_with_spaces_around(
    curator: TestClient,
) -> None:
    """The form asks for "Navnet – eller … id'et": a name was refused, and an id with a space
    after it was saved, then answered with a 404 for "org.vive "."""
    for typed in ("VIVE", " org.vive "):
        response = curator.post(
            "/entitet/org.sfi/vidensbase",
            data={"csrf_token": _token(curator), "action": "merge", "value": typed},
            follow_redirects=False,
        )
        assert response.status_code == 303, typed
        assert response.headers["location"].startswith("/entitet/org.vive?")
        with session_scope() as session:
            for edit in session.scalars(select(KBEdit).where(KBEdit.record_id == "org.sfi")):
                assert edit.value == "org.vive"
                session.delete(edit)


@pytest.mark.usefixtures("no_edits_left")
def test_a_short_abbreviation_is_no_genitive_of_a_partys_letter(curator: TestClient) -> None:
    """ "FS" was refused as the genitive of "F" (Socialistisk Folkeparti's letter)."""
    assert _add_alias(curator, "FS")[0] == 303
    assert list(_edit_ids()) == ["FS"]


@pytest.mark.usefixtures("no_edits_left")
def test_an_edit_is_saved_when_the_queue_is_down(
    curator: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broker down: a 500 for an edit that was saved, and sent again, refused as taken."""

    def down(_ids: object) -> int:
        raise KombuOperationalError("Error 111 connecting to localhost:6379")

    monkeypatch.setattr(kb_edits, "reenrich", down)
    assert _add_alias(curator, "Klagesagerne")[0] == 303
    assert list(_edit_ids()) == ["Klagesagerne"]


@pytest.mark.usefixtures("no_edits_left")
def test_a_persons_name_is_not_refused_as_common(
    curator: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a small collection every word of a name may be in most documents: "Niels Bang
    Iversen" was refused as a word that would find them all."""
    monkeypatch.setattr(kb_edits, "_common_in_corpus", lambda _word: True)
    assert _add_alias(curator, "Niels Bang Iversen")[0] == 303


def _node(parent: HTMLParser | LexborNode, selector: str) -> LexborNode:
    node = parent.css_first(selector)
    assert node is not None, selector
    return node


def test_a_refused_name_form_comes_back_open_with_what_was_typed(curator: TestClient) -> None:
    """A refused correction of a name, or a name added, was an error page of its own; its way
    back found the form closed and empty (WCAG 3.3.1, 3.3.3)."""
    page = curator.get(f"/dokument/{DOCUMENT}").text
    # The first name's form as its "Ret" link opens it (other modules' knowledge-base edits
    # may have linked a name of the document meanwhile).
    fix = _node(HTMLParser(page), "a.entity-fix-link").attributes["href"]
    form = _node(HTMLParser(curator.get(str(fix)).text), "details.entity-fix[open] form")
    sent = {
        str(node.attributes["name"]): node.attributes.get("value") or ""
        for node in form.css("input[type=hidden]")
    } | {"action": "link", "new_label": "ORG", "kb_id": "org.findes-ikke-xyz"}
    token = sent["csrf_token"]
    refused = curator.post(f"/dokument/{DOCUMENT}/navne", data=sent)
    assert refused.status_code == 400
    shown = _node(HTMLParser(refused.text), "details.entity-fix[open]")
    assert "org.findes-ikke-xyz" in _node(shown, "[role=alert]").text()
    assert _node(shown, "input[name=kb_id]").attributes["value"] == "org.findes-ikke-xyz"
    assert "selected" in _node(shown, "option[value=link]").attributes

    added = curator.post(
        f"/dokument/{DOCUMENT}/navne",
        data={
            "csrf_token": token,
            "action": "add",
            "text": "Rønne",
            "new_label": "LOC",
            "kb_id": "loc.findes-ikke",
        },
    )
    assert added.status_code == 400
    shown = _node(HTMLParser(added.text), "details#tilfoej-navn[open]")
    _node(shown, "[role=alert]")
    assert _node(shown, "input[name=text]").attributes["value"] == "Rønne"
    assert "selected" in _node(shown, "option[value=LOC]").attributes


def test_the_same_rejection_sent_at_once_is_stored_once(curator: TestClient) -> None:
    """Four clicks at once on "Ikke et navn" stored four rejections (each read the name before
    any stored), and the page listed it as "sider 3, 3, 3, 3"."""
    with session_scope() as session:
        store_document(session, "navne-dobbelt", title="Referat", pages=[PAGE])
        document_store.replace_entities(
            session,
            document_id="navne-dobbelt",
            entities=[EntityRow("Børnekontoret", "ORG", "Børnekontoret", None, 1, [1])],
        )
    token = csrf(curator.get("/dokument/navne-dobbelt").text)
    at_once = threading.Barrier(4, timeout=30)

    def reject() -> int:
        return curator.post(
            "/dokument/navne-dobbelt/navne",
            data={
                "csrf_token": token,
                "action": "reject",
                "entity_label": "ORG",
                "entity": entity_key(None, "Børnekontoret"),
            },
            follow_redirects=False,
        ).status_code

    def reject_at_once(_: int) -> int:
        at_once.wait()
        return reject()

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(reject_at_once, range(4))) == {303}
    assert stored_pages() == [1]
    # Found on another page later (its text read again): rejected there too, not taken for a
    # second click.
    with session_scope() as session:
        document_store.replace_pages(
            session, document_id="navne-dobbelt", pages=[(1, PAGE), (2, PAGE)]
        )
        document_store.replace_entities(
            session,
            document_id="navne-dobbelt",
            entities=[EntityRow("Børnekontoret", "ORG", "Børnekontoret", None, 2, [1, 2])],
        )
    assert reject() == 303
    assert stored_pages() == [1, 2]


def stored_pages() -> list[int]:
    with session_scope() as session:
        return sorted(
            session.scalars(
                select(EntityCorrection.page).where(EntityCorrection.document_id == "navne-dobbelt")
            )
        )
