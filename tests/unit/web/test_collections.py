"""Collections: a curator builds one, orders and annotates it, publishes it; until then nobody
else finds it (on the real app and a real SQLite database)."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.api import audit, collections
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from vidensbank.store import collections as collection_store
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from web.app import app

DOCUMENTS = {
    "saml-underretning-1": "Underretninger fra skolen – en vejledning",
    "saml-underretning-2": "Når pædagogen er bekymret: sådan underretter du",
    "saml-underretning-3": "Kommunernes håndtering af underretninger 2023",
}


@pytest.fixture(scope="module", autouse=True)
def documents() -> None:
    migrate()
    with session_scope() as session:
        for document_id, title in DOCUMENTS.items():
            store_document(
                session,
                document_id,
                title=title,
                kind="vejledning",
                published=dt.date(2023, 5, 1),
                pages=[f"{title}. Tekst om underretninger."],
            )


def order(client: TestClient, collection_id: str) -> list[str]:
    answer = client.get(f"/api/collections/{collection_id}")
    assert answer.status_code == 200
    return [entry["document_id"] for entry in answer.json()["entries"]]


def test_build_order_annotate_and_publish_a_collection() -> None:
    add("samler@eksempel.dk")
    curator = logged_in("samler@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    created = curator.post(
        "/samlinger",
        data={"csrf_token": token, "title": "  Underretninger ", "description": "Til skolen."},
        follow_redirects=False,
    )
    assert created.status_code == 303
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    page = curator.get(f"/samlinger/{collection_id}").text
    assert "<h1>Underretninger</h1>" in page and "Privat" in page

    # Private: nobody else finds it, by its address or in the lists.
    anonymous = TestClient(app)
    assert anonymous.get(f"/samlinger/{collection_id}").status_code == 404
    assert anonymous.get(f"/api/collections/{collection_id}").status_code == 404
    assert collection_id not in [c["id"] for c in anonymous.get("/api/collections").json()]

    for document_id in DOCUMENTS:
        added = curator.post(
            "/samlinger/dokumenter",
            data={"csrf_token": token, "collection_id": collection_id, "document_id": document_id},
            follow_redirects=False,
        )
        assert added.status_code == 303
        assert added.headers["location"] == (
            f"/dokument/{document_id}?lagt_i={collection_id}#laeg-i-samling"
        )
    assert order(curator, collection_id) == list(DOCUMENTS)
    base = f"/samlinger/{collection_id}/dokumenter"
    curator.post(f"{base}/saml-underretning-3/op", data={"csrf_token": token})
    curator.post(f"{base}/saml-underretning-1/op", data={"csrf_token": token})  # stays first
    assert order(curator, collection_id) == [
        "saml-underretning-1",
        "saml-underretning-3",
        "saml-underretning-2",
    ]
    curator.post(
        f"/samlinger/{collection_id}/noter",
        data={"csrf_token": token, "note:saml-underretning-3": "Læs tallene for din egen kommune."},
    )
    curator.post(f"{base}/saml-underretning-2/fjern", data={"csrf_token": token, "confirm": "ja"})
    curator.post(
        f"/samlinger/{collection_id}",
        data={"csrf_token": token, "title": "Underretninger", "published": "true"},
    )

    public = anonymous.get(f"/api/collections/{collection_id}").json()
    assert public["published"] is True
    assert [(e["document_id"], e["note"]) for e in public["entries"]] == [
        ("saml-underretning-1", ""),
        ("saml-underretning-3", "Læs tallene for din egen kommune."),
    ]
    page = anonymous.get(f"/samlinger/{collection_id}").text
    assert "Læs tallene for din egen kommune." in page and "Flyt op" not in page
    assert collection_id in anonymous.get("/samlinger").text


def test_a_collection_needs_a_title_and_a_document_that_exists() -> None:
    add("titel@eksempel.dk")
    curator = logged_in("titel@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    # Refused, the form comes back as typed (an error page threw the description away).
    empty = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "   ", "description": "Til skolen."}
    )
    assert empty.status_code == 400 and "Samlingen skal have en titel." in empty.text
    assert ">Til skolen.</textarea>" in empty.text and "Samlingen er ikke oprettet" in empty.text
    created = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "Tom"}, follow_redirects=False
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    renamed = curator.post(
        f"/samlinger/{collection_id}",
        data={"csrf_token": token, "title": " ", "description": "Ny tekst", "published": "true"},
    )
    assert renamed.status_code == 400 and "Samlingen er ikke gemt" in renamed.text
    assert ">Ny tekst</textarea>" in renamed.text and 'value="true" checked' in renamed.text
    missing = curator.post(
        "/samlinger/dokumenter",
        data={"csrf_token": token, "collection_id": collection_id, "document_id": "findes-ikke"},
    )
    assert missing.status_code == 404 and "Dokumentet findes ikke." in missing.text


def test_a_description_as_long_as_the_form_allows_is_saved_with_its_line_breaks() -> None:
    """The browser lets 5000 characters be typed, counting a line break as one, and sends each
    as two (CRLF): a description of many short lines was refused under the limit."""
    add("linjer@eksempel.dk")
    curator = logged_in("linjer@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    lines = "\r\n".join(["Punkt"] * 833)  # 5829 characters sent, 4997 typed
    made = curator.post(
        "/samlinger",
        data={"csrf_token": token, "title": "Mange linjer", "description": lines},
        follow_redirects=False,
    )
    assert made.status_code == 303
    collection_id = made.headers["location"].removeprefix("/samlinger/")
    saved = curator.get(f"/api/collections/{collection_id}").json()["description"]
    assert saved == "\n".join(["Punkt"] * 833)
    too_long = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "For lang", "description": "x" * 5001}
    )
    assert too_long.status_code == 400 and "højst have 5000 tegn" in too_long.text


def test_deleting_a_collection_asks_first() -> None:
    """One click on "Slet samlingen" deleted it for good, notes and all."""
    add("slet@eksempel.dk")
    curator = logged_in("slet@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    created = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "Skal slettes"}, follow_redirects=False
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    page = curator.get(f"/samlinger/{collection_id}").text
    assert 'name="confirm" value="ja" required' in page
    unasked = curator.post(f"/samlinger/{collection_id}/slet", data={"csrf_token": token})
    assert unasked.status_code == 400 and "Samlingen er ikke slettet" in unasked.text
    assert curator.get(f"/samlinger/{collection_id}").status_code == 200
    deleted = curator.post(
        f"/samlinger/{collection_id}/slet",
        data={"csrf_token": token, "confirm": "ja"},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert "Samlingen er slettet." in curator.get(deleted.headers["location"]).text
    assert curator.get(f"/samlinger/{collection_id}").status_code == 404


def test_a_curator_puts_a_document_in_a_collection_from_its_page() -> None:
    add("dokside@eksempel.dk")
    curator = logged_in("dokside@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    curator.post("/samlinger", data={"csrf_token": token, "title": "Fra dokumentets side"})
    page = curator.get("/dokument/saml-underretning-2").text
    assert "Læg i samling" in page and "Fra dokumentets side" in page
    assert "Læg i samling" not in TestClient(app).get("/dokument/saml-underretning-2").text


# The double click is played in one session, whose identity map already holds the entry.
@pytest.mark.filterwarnings("ignore:New instance:sqlalchemy.exc.SAWarning")
def test_visitors_are_told_how_many_documents_they_can_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A withdrawn document is left off a published collection's page for visitors: the lists
    counted it, and so told them a hidden document was there. A second add of the same
    document at once (a double click) is not an error either."""
    add("optaelling@eksempel.dk")
    curator = logged_in("optaelling@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    created = curator.post(
        "/samlinger",
        data={"csrf_token": token, "title": "Optælling", "published": "true"},
        follow_redirects=False,
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    curator.post(
        f"/samlinger/{collection_id}",
        data={"csrf_token": token, "title": "Optælling", "published": "true"},
    )
    form = {"csrf_token": token, "collection_id": collection_id}
    for document_id in DOCUMENTS:
        curator.post("/samlinger/dokumenter", data={**form, "document_id": document_id})
    with session_scope() as session:
        document_store.withdraw_document(
            session, document_id="saml-underretning-2", reason="Erstattet."
        )

    def documents(client: TestClient) -> int:
        listed = {c["id"]: c for c in client.get("/api/collections").json()}
        return int(listed[collection_id]["documents"])

    anonymous = TestClient(app)
    assert len(anonymous.get(f"/api/collections/{collection_id}").json()["entries"]) == 2
    assert documents(anonymous) == 2
    assert documents(curator) == 3

    # The other click's request read the collection before this one's entry was there.
    real = collections._entries
    monkeypatch.setattr(collections, "_entries", lambda session, cid: (real(session, cid)[0], []))
    again = curator.post(
        "/samlinger/dokumenter",
        data={**form, "document_id": "saml-underretning-1"},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert documents(curator) == 3


def new_collection(curator: TestClient, token: str, title: str) -> str:
    created = curator.post(
        "/samlinger", data={"csrf_token": token, "title": title}, follow_redirects=False
    )
    collection_id: str = created.headers["location"].removeprefix("/samlinger/")
    for document_id in DOCUMENTS:
        curator.post(
            "/samlinger/dokumenter",
            data={"csrf_token": token, "collection_id": collection_id, "document_id": document_id},
        )
    return collection_id


def notes(client: TestClient, collection_id: str) -> dict[str, str]:
    entries = client.get(f"/api/collections/{collection_id}").json()["entries"]
    return {entry["document_id"]: entry["note"] for entry in entries}


def test_every_button_among_the_entries_keeps_the_notes_typed_in_the_others() -> None:
    """Each entry had its own note form: a note typed in one entry was lost when another
    entry's note was saved or an entry was moved."""
    add("noter@eksempel.dk")
    curator = logged_in("noter@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    collection_id = new_collection(curator, token, "Noter")
    page = curator.get(f"/samlinger/{collection_id}").text
    # 3 tools, the note, the note as shown and the button; the title, the description, the
    # published box, the three as shown and "Gem"
    assert page.count('form="noter"') == 6 * len(DOCUMENTS) + 7
    typed = {
        "csrf_token": token,
        "note:saml-underretning-1": "Først.",
        "note:saml-underretning-2": "Linje et\r\nLinje to",
    }
    curator.post(f"/samlinger/{collection_id}/noter", data=typed)
    assert notes(curator, collection_id) == {
        "saml-underretning-1": "Først.",
        "saml-underretning-2": "Linje et\nLinje to",
        "saml-underretning-3": "",
    }
    moved = curator.post(
        f"/samlinger/{collection_id}/dokumenter/saml-underretning-3/op",
        data={**typed, "note:saml-underretning-3": "Skrevet, så flyttet."},
        follow_redirects=False,
    )
    assert moved.headers["location"].endswith("#dokument-saml-underretning-3")
    assert notes(curator, collection_id)["saml-underretning-3"] == "Skrevet, så flyttet."
    assert order(curator, collection_id)[1] == "saml-underretning-3"
    # Saving again what is there records nothing new in the audit trail.
    recorded = audit.list_events("noter@eksempel.dk", "collection.note", 100, 0)
    assert len(recorded) == 3
    curator.post(f"/samlinger/{collection_id}/noter", data=typed)
    assert audit.list_events("noter@eksempel.dk", "collection.note", 100, 0) == recorded


def test_removing_a_document_asks_first_and_keeps_the_typed_notes() -> None:
    """ "Fjern" took the document and its note out at once, without asking."""
    add("fjern@eksempel.dk")
    curator = logged_in("fjern@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    collection_id = new_collection(curator, token, "Fjernes")
    base = f"/samlinger/{collection_id}/dokumenter/saml-underretning-2/fjern"
    asked = curator.post(
        base,
        data={
            "csrf_token": token,
            "note:saml-underretning-1": "Beholdes.",
            "note:saml-underretning-2": "Forsvinder med dokumentet.",
        },
        follow_redirects=False,
    )
    assert asked.status_code == 303 and asked.headers["location"] == base
    assert len(order(curator, collection_id)) == 3
    question = curator.get(base).text
    assert "Fjern »Når pædagogen er bekymret: sådan underretter du« fra samlingen?" in question
    assert "Forsvinder med dokumentet." in question and 'name="confirm" value="ja"' in question
    removed = curator.post(
        base, data={"csrf_token": token, "confirm": "ja"}, follow_redirects=False
    )
    assert removed.status_code == 303
    assert notes(curator, collection_id) == {
        "saml-underretning-1": "Beholdes.",
        "saml-underretning-3": "",
    }
    assert curator.get(base).status_code == 404
    assert TestClient(app).get(base).status_code in (401, 403)


def test_putting_a_document_in_a_collection_returns_to_it_with_a_message() -> None:
    """ "Læg i samlingen" left the document's page for the collection's, and a document that
    was in the collection already was silently not added."""
    add("laeg@eksempel.dk")
    curator = logged_in("laeg@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    created = curator.post(
        "/samlinger", data={"csrf_token": token, "title": "Læsestof"}, follow_redirects=False
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    form = {
        "csrf_token": token,
        "collection_id": collection_id,
        "document_id": "saml-underretning-1",
        "q": "underretning",
        "soegning": "q=underretning&side=2",
    }
    first = curator.post("/samlinger/dokumenter", data=form)
    assert first.url.path == "/dokument/saml-underretning-1"
    assert first.url.params["q"] == "underretning"
    assert first.url.params["soegning"] == "q=underretning&side=2"
    assert "Lagt i samlingen" in first.text and ">Læsestof</a>" in first.text
    again = curator.post("/samlinger/dokumenter", data=form)
    assert "Dokumentet ligger allerede i samlingen" in again.text
    assert order(curator, collection_id) == ["saml-underretning-1"]
    # An address naming no collection of the curator's shows no message.
    stray = curator.get("/dokument/saml-underretning-1", params={"lagt_i": "findes-ikke"})
    assert stray.status_code == 200 and "Lagt i samlingen" not in stray.text


def test_a_note_for_the_last_document_taken_out_meanwhile_is_shown() -> None:
    """The report stood among the entries: with none left, the page said nothing."""
    add("sidste-a@eksempel.dk")
    add("sidste-b@eksempel.dk")
    first, second = logged_in("sidste-a@eksempel.dk"), logged_in("sidste-b@eksempel.dk")
    token_a, token_b = csrf(first.get("/samlinger").text), csrf(second.get("/samlinger").text)
    made = first.post(
        "/samlinger", data={"csrf_token": token_a, "title": "Én"}, follow_redirects=False
    )
    collection_id = made.headers["location"].removeprefix("/samlinger/")
    first.post(
        "/samlinger/dokumenter",
        data={
            "csrf_token": token_a,
            "collection_id": collection_id,
            "document_id": "saml-underretning-1",
        },
    )
    second.post(
        f"/samlinger/{collection_id}/dokumenter/saml-underretning-1/fjern",
        data={"csrf_token": token_b, "confirm": "ja"},
    )
    typed = {"csrf_token": token_a, "note:saml-underretning-1": "Min sidste note"}
    gone = first.post(f"/samlinger/{collection_id}/noter", data=typed)
    assert gone.status_code == 409 and "Min sidste note" in gone.text


def test_saving_the_collection_saves_the_notes_typed_before() -> None:
    """ "Ret samlingen → Gem" posted its own form: notes typed in the entries were lost."""
    add("gem-alt@eksempel.dk")
    curator = logged_in("gem-alt@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    collection_id = new_collection(curator, token, "Før")
    shown = {f"{field}:{d}": "" for d in DOCUMENTS for field in ("note", "vist")}
    saved = curator.post(
        f"/samlinger/{collection_id}",
        data={
            "csrf_token": token,
            **shown,
            "note:saml-underretning-3": "Læses sidst",
            "title": "Efter",
            "description": "Ny beskrivelse",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert notes(curator, collection_id)["saml-underretning-3"] == "Læses sidst"
    collection = curator.get(f"/api/collections/{collection_id}").json()
    assert (collection["title"], collection["description"]) == ("Efter", "Ny beskrivelse")


def test_a_page_opened_before_another_curator_saved_a_note_does_not_undo_it() -> None:
    """Every button posts every note: a page shown before another curator saved a note sent
    the old, empty note back, and moving an entry silently wiped the other's note."""
    add("noter-a@eksempel.dk")
    add("noter-b@eksempel.dk")
    first, second = logged_in("noter-a@eksempel.dk"), logged_in("noter-b@eksempel.dk")
    token_a, token_b = csrf(first.get("/samlinger").text), csrf(second.get("/samlinger").text)
    collection_id = new_collection(first, token_a, "To kuratorer")
    page = first.get(f"/samlinger/{collection_id}").text
    assert 'name="vist:saml-underretning-2" form="noter" value=""' in page
    second.post(
        f"/samlinger/{collection_id}/noter",
        data={"csrf_token": token_b, "note:saml-underretning-2": "Læs først"},
    )
    # The first curator's page still shows the note empty; moving an entry keeps the other's.
    shown_empty = {f"{field}:{d}": "" for d in DOCUMENTS for field in ("note", "vist")}
    moved = first.post(
        f"/samlinger/{collection_id}/dokumenter/saml-underretning-3/op",
        data={"csrf_token": token_a, **shown_empty},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert notes(first, collection_id)["saml-underretning-2"] == "Læs først"
    # A note typed over it is not saved over it, and not lost either: the page says so.
    typed = {**shown_empty, "note:saml-underretning-2": "Min egen note"}
    refused = first.post(f"/samlinger/{collection_id}/noter", data={"csrf_token": token_a, **typed})
    assert refused.status_code == 409
    assert "Noten er ikke gemt" in refused.text and "Min egen note" in refused.text
    assert notes(first, collection_id)["saml-underretning-2"] == "Læs først"
    # A note typed for a document the other took out meanwhile is not lost without a word.
    second.post(
        f"/samlinger/{collection_id}/dokumenter/saml-underretning-1/fjern",
        data={"csrf_token": token_b, "confirm": "ja"},
    )
    typed = {**shown_empty, "note:saml-underretning-1": "Til et fjernet dokument"}
    gone = first.post(f"/samlinger/{collection_id}/noter", data={"csrf_token": token_a, **typed})
    assert gone.status_code == 409 and "taget dokumentet ud af samlingen" in gone.text
    assert "Til et fjernet dokument" in gone.text and DOCUMENTS["saml-underretning-1"] in gone.text
    # Left as the page showed it (empty), nothing was typed: nothing to tell.
    untouched = first.post(
        f"/samlinger/{collection_id}/noter",
        data={"csrf_token": token_a, **shown_empty},
        follow_redirects=False,
    )
    assert untouched.status_code == 303


def test_the_notes_and_entry_forms_refuse_anyone_not_logged_in() -> None:
    add("anonym-test@eksempel.dk")
    curator = logged_in("anonym-test@eksempel.dk")
    collection_id = new_collection(curator, csrf(curator.get("/samlinger").text), "Lukket")
    anonymous = TestClient(app)
    base = f"/samlinger/{collection_id}"
    for path in (
        f"{base}/noter",
        f"{base}/dokumenter/saml-underretning-2/op",
        f"{base}/dokumenter/saml-underretning-2/ned",
        f"{base}/dokumenter/saml-underretning-2/fjern",
    ):
        refused = anonymous.post(path, data={"note:saml-underretning-2": "Udefra", "confirm": "ja"})
        assert refused.status_code in (401, 403), path
    assert notes(curator, collection_id)["saml-underretning-2"] == ""
    assert order(curator, collection_id) == list(DOCUMENTS)


def fields(client: TestClient, collection_id: str) -> tuple[str, str, bool]:
    collection = client.get(f"/api/collections/{collection_id}").json()
    return collection["title"], collection["description"], collection["published"]


def test_every_button_keeps_what_was_typed_in_the_collections_fields() -> None:
    """The title, description and "Offentliggjort" are in the form every button posts, but
    only "Gem" saved them: "Flyt op", "Flyt ned", "Fjern" and "Gem noten" lost them. The tick
    publishes only with "Gem": with "Flyt op" it made the collection public without a word."""
    add("felter@eksempel.dk")
    curator = logged_in("felter@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    collection_id = new_collection(curator, token, "Felter")
    shown = {"shown_title": "Felter", "shown_description": "", "shown_published": "false"}
    base = f"/samlinger/{collection_id}"
    pressed = {
        f"{base}/dokumenter/saml-underretning-2/op": "Flyttet op",
        f"{base}/dokumenter/saml-underretning-2/ned": "Flyttet ned",
        f"{base}/noter": "Note gemt",
        f"{base}/dokumenter/saml-underretning-2/fjern": "Fjern spurgt",
    }
    for path, title in pressed.items():
        typed = {"title": title, "description": f"{title}.", "published": "true"}
        answer = curator.post(
            path, data={"csrf_token": token, **shown, **typed}, follow_redirects=False
        )
        assert answer.status_code == 303, path
        assert fields(curator, collection_id) == (title, f"{title}.", False), path
        shown = {"shown_title": title, "shown_description": f"{title}.", "shown_published": "false"}

    # A field left as the page showed it does not undo another curator's change since.
    page = {**shown, "title": "Fjern spurgt", "description": "Fjern spurgt.", "published": "true"}
    curator.post(base, data={"csrf_token": token, **page, "title": "Ny titel"})
    stale = {**page, "description": "Min beskrivelse"}
    curator.post(f"{base}/noter", data={"csrf_token": token, **stale})
    assert fields(curator, collection_id) == ("Ny titel", "Min beskrivelse", True)

    # Refused (no title), nothing else is done, and what was typed comes back.
    before = order(curator, collection_id)
    refused = curator.post(
        f"{base}/dokumenter/saml-underretning-3/op",
        data={"csrf_token": token, **shown, "title": " ", "description": "Skrevet"},
    )
    assert refused.status_code == 400 and "Samlingen skal have en titel." in refused.text
    assert ">Skrevet</textarea>" in refused.text
    assert order(curator, collection_id) == before
    assert fields(curator, collection_id) == ("Ny titel", "Min beskrivelse", True)
    # An emptied title reaches the app as no value: it was read as no fields sent, and the
    # description typed beside it was dropped while the button's work was done.
    for path in ("dokumenter/saml-underretning-3/op", "noter", ""):
        emptied = curator.post(
            f"{base}/{path}".rstrip("/"),
            data={"csrf_token": token, **shown, "title": "", "description": "Tømt titel"},
        )
        assert emptied.status_code == 400, path
        assert "Samlingen skal have en titel." in emptied.text
        assert ">Tømt titel</textarea>" in emptied.text
    assert order(curator, collection_id) == before


def test_saving_and_removing_come_back_to_the_place_with_a_message() -> None:
    """ "Gem noten" and removing a document came back to the top of the page without a
    word, and "Gem" told nothing where the curator came back to."""
    add("besked@eksempel.dk")
    curator = logged_in("besked@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    collection_id = new_collection(curator, token, "Beskeder")
    base = f"/samlinger/{collection_id}"
    page = curator.get(base).text
    assert 'name="document_id" value="saml-underretning-2" formnovalidate>Gem noten' in page

    saved_note = curator.post(
        f"{base}/noter",
        data={
            "csrf_token": token,
            "note:saml-underretning-2": "Vigtig",
            "document_id": "saml-underretning-2",
        },
        follow_redirects=False,
    )
    location = saved_note.headers["location"]
    assert location == f"{base}?note_gemt=saml-underretning-2#dokument-saml-underretning-2"
    entries = HTMLParser(curator.get(location).text).css("li[id^=dokument-]")
    said = ["Noten er gemt." in entry.text() for entry in entries]
    assert said == [False, True, False]
    status = entries[1].css_first('.alert-success[role="status"]')
    assert status is not None and status.text(strip=True) == "Noten er gemt."

    removed = curator.post(
        f"{base}/dokumenter/saml-underretning-1/fjern",
        data={"csrf_token": token, "confirm": "ja"},
        follow_redirects=False,
    )
    assert removed.headers["location"] == f"{base}?fjernet=1#fjernet"
    status = HTMLParser(curator.get(removed.headers["location"]).text).css_first("#fjernet")
    assert status is not None and status.attributes["role"] == "status"
    assert status.text(strip=True) == "Dokumentet er fjernet fra samlingen."

    published = curator.post(
        base,
        data={"csrf_token": token, "title": "Beskeder", "published": "true"},
        follow_redirects=False,
    )
    assert published.headers["location"] == f"{base}?gemt=1#ret-samlingen"
    page = curator.get(published.headers["location"]).text
    form = HTMLParser(page).css_first(".collection-form")
    assert form is not None
    status = form.css_first('.alert-success[role="status"]')
    assert status is not None and "Samlingen er gemt. Den er offentliggjort" in status.text()
    # Nobody else is told anything.
    anonymous = TestClient(app).get(published.headers["location"]).text
    assert "Samlingen er gemt" not in anonymous and "alert-success" not in anonymous


def test_the_collection_added_to_last_is_offered_first() -> None:
    """ "Læg i samling" offered the first collection by title, someone else's."""
    add("sidst@eksempel.dk")
    curator = logged_in("sidst@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    made = [
        curator.post(
            "/samlinger", data={"csrf_token": token, "title": title}, follow_redirects=False
        )
        .headers["location"]
        .removeprefix("/samlinger/")
        for title in ("Ååå sidst i alfabetet", "AAA først i alfabetet")
    ]
    [document, other] = list(DOCUMENTS)[:2]
    curator.post(
        "/samlinger/dokumenter",
        data={"csrf_token": token, "collection_id": made[0], "document_id": document},
    )
    # Another curator's later change to the other collection does not put it first.
    add("anden-sidst@eksempel.dk")
    colleague = logged_in("anden-sidst@eksempel.dk")
    colleague.post(
        f"/samlinger/{made[1]}",
        data={"csrf_token": csrf(colleague.get("/samlinger").text), "title": "AAA ændret"},
    )
    page = HTMLParser(curator.get(f"/dokument/{other}").text)
    first = page.css_first("select#samling option")
    assert first is not None and first.attributes["value"] == made[0]


def test_two_curators_changing_the_same_field_are_told_not_overwritten() -> None:
    """The second of two curators who changed the title saved over the first's unseen."""
    add("foerste-titel@eksempel.dk")
    add("anden-titel@eksempel.dk")
    first = logged_in("foerste-titel@eksempel.dk")
    second = logged_in("anden-titel@eksempel.dk")
    token = csrf(first.get("/samlinger").text)
    collection_id = new_collection(first, token, "Fælles titel")
    shown = {"shown_title": "Fælles titel", "shown_description": "", "shown_published": "false"}
    base = f"/samlinger/{collection_id}"
    saved = first.post(
        base, data={"csrf_token": token, **shown, "title": "Den første"}, follow_redirects=False
    )
    assert saved.status_code == 303
    other = csrf(second.get(base).text)
    refused = second.post(base, data={"csrf_token": other, **shown, "title": "Den anden"})
    assert refused.status_code == 409 and "En anden kurator har ændret" in refused.text
    assert "<dd>Den anden</dd>" in refused.text
    assert fields(first, collection_id)[0] == "Den første"


def test_a_title_of_invisible_characters_is_no_title() -> None:
    """A zero-width space or a NUL made a collection whose title nobody could see."""
    add("usynlig@eksempel.dk")
    curator = logged_in("usynlig@eksempel.dk")
    token = csrf(curator.get("/samlinger").text)
    for title in ("\u200b", "\x00", "\u2060 \u00ad"):
        refused = curator.post("/samlinger", data={"csrf_token": token, "title": title})
        assert refused.status_code == 400 and "skal have en titel" in refused.text, repr(title)


def test_curators_writing_to_a_collection_at_once_wait_for_each_other() -> None:
    """Six curators saving a note over the same empty one at once were all told it was saved
    (the last undid the others unseen); documents added at once took the same positions; a
    note saved while another curator deleted the collection was a 500."""
    add("samling-samtidig@eksempel.dk")
    curators = [logged_in("samling-samtidig@eksempel.dk") for _ in range(6)]
    tokens = [csrf(curator.get("/samlinger").text) for curator in curators]
    made = curators[0].post(
        "/samlinger", data={"csrf_token": tokens[0], "title": "Samtidig"}, follow_redirects=False
    )
    collection_id = made.headers["location"].removeprefix("/samlinger/")
    start = threading.Barrier(len(DOCUMENTS), timeout=30)

    def put(number: int) -> int:
        document_id = list(DOCUMENTS)[number]
        start.wait()
        return (
            curators[number]
            .post(
                "/samlinger/dokumenter",
                data={
                    "csrf_token": tokens[number],
                    "collection_id": collection_id,
                    "document_id": document_id,
                },
                follow_redirects=False,
            )
            .status_code
        )

    with ThreadPoolExecutor(len(DOCUMENTS)) as pool:
        assert set(pool.map(put, range(len(DOCUMENTS)))) == {303}
    with session_scope() as session:
        collection = collection_store.get_collection(session, collection_id=collection_id)
        assert collection is not None
        assert sorted(e.position for e in collection.entries) == list(range(len(DOCUMENTS)))

    notes_at_once = threading.Barrier(len(curators), timeout=30)

    def note(number: int) -> None:
        notes_at_once.wait()
        curators[number].post(
            f"/samlinger/{collection_id}/noter",
            data={
                "csrf_token": tokens[number],
                "vist:saml-underretning-1": "",
                "note:saml-underretning-1": f"Note nr. {number}",
            },
        )

    with ThreadPoolExecutor(len(curators)) as pool:
        list(pool.map(note, range(len(curators))))
    saved = [
        event
        for event in audit.list_events("samling-samtidig@eksempel.dk", "collection.note", 100, 0)
        if event.target.endswith(collection_id)
    ]
    assert len(saved) == 1
    assert notes(curators[0], collection_id)["saml-underretning-1"].startswith("Note nr. ")

    deleting = threading.Barrier(2, timeout=30)

    def delete() -> int:
        deleting.wait()
        return (
            curators[0]
            .post(
                f"/samlinger/{collection_id}/slet",
                data={"csrf_token": tokens[0], "confirm": "ja"},
                follow_redirects=False,
            )
            .status_code
        )

    def late_note() -> int:
        deleting.wait()
        return (
            curators[1]
            .post(
                f"/samlinger/{collection_id}/noter",
                data={
                    "csrf_token": tokens[1],
                    "vist:saml-underretning-2": "",
                    "note:saml-underretning-2": "For sent",
                },
                follow_redirects=False,
            )
            .status_code
        )

    with ThreadPoolExecutor(2) as pool:
        deleted, noted = pool.submit(delete), pool.submit(late_note)
        assert deleted.result() == 303 and noted.result() in (303, 404)
