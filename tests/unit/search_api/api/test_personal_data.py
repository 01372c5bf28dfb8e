"""Redacting a finding, on a real SQLite database; what the index is then told is the
integration tests' business (``_show`` is recorded here, not run)."""

import re

import pytest
from sqlalchemy import select

from nlp_models.personal_data import Kind, finding_key
from search_api.api import personal_data, runs
from tests.accounts import add, csrf, logged_in
from tests.documents import run_item, store_document
from vidensbank.accounts import Account
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store import runs as run_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, Entity, EntityRow
from vidensbank.store.personal_data import FindingRow
from vidensbank.store.runs import ItemStatus
from vidensbank.store.users import Role

DOCUMENT = "skjul-foraelders-navn"
PARENT = "Åse Ørsted"
PAGE = f"Barnets mor, {PARENT}, deltog i mødet med Socialstyrelsen."


CURATOR = "stort-tal@eksempel.dk"


def found_on(page: str, kind: Kind, text: str, holds: bool = False) -> FindingRow:
    """A finding of ``text`` on page 1, whose text is ``page``."""
    start = page.index(text)
    return FindingRow(1, start, start + len(text), kind, text, finding_key(kind, text), holds)


@pytest.fixture(scope="module", autouse=True)
def curator() -> None:
    migrate()
    add(CURATOR)


def test_a_redacted_name_leaves_the_entities_also_when_it_begins_with_a_danish_letter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLite's lower() folds ASCII letters only: "Åse Ørsted" stayed among the entities,
    and went back into the index with the redacted document."""
    with session_scope() as session:
        store_document(session, DOCUMENT, title="Referat af møde", pages=[PAGE])
        document_store.replace_entities(
            session,
            document_id=DOCUMENT,
            entities=[
                EntityRow(PARENT.upper(), "PER", PARENT, None, 1, [1]),
                EntityRow("Socialstyrelsen", "ORG", "Socialstyrelsen", "org:sst", 1, [1]),
                # Written otherwise too: the name must not stay among its forms.
                EntityRow("moren", "PER", "Moren", None, 2, [1], ["moren", PARENT.lower()]),
            ],
        )
        start = PAGE.index(PARENT)
        personal_store.record_screening(
            session,
            document_id=DOCUMENT,
            findings=[
                FindingRow(
                    1,
                    start,
                    start + len(PARENT),
                    Kind.PARENT_NAME,
                    PARENT,
                    finding_key(Kind.PARENT_NAME, PARENT),
                    False,
                )
            ],
            version="test",
        )
        session.get_one(Document, DOCUMENT).model_version = "model"
    shown: list[str] = []
    monkeypatch.setattr(personal_data, "_show", shown.append)

    account = Account(1, "kurator@eksempel.dk", Role.CURATOR, "token")
    personal_data.redact(account, DOCUMENT, finding_key(Kind.PARENT_NAME, PARENT))

    with session_scope() as session:
        left = session.scalars(select(Entity.canonical).where(Entity.document_id == DOCUMENT))
        assert list(left) == ["Socialstyrelsen"]
        document = session.get_one(Document, DOCUMENT)
        assert document.model_version is None
        assert PARENT not in document_store.get_pages(session, document_id=DOCUMENT)[0][1]
    assert shown == [DOCUMENT]


@pytest.mark.parametrize(
    "path",
    [
        f"/dokument/{DOCUMENT}/rettelser/99999999999999999999/fjern",
        "/entitet/org:sst/vidensbase/99999999999999999999/fjern",
    ],
)
def test_a_row_number_larger_than_the_database_holds_is_a_danish_400(path: str) -> None:
    """SQLite raised OverflowError on such an id: a 500."""
    curator = logged_in(CURATOR)
    answer = curator.post(path, data={"csrf_token": csrf(curator.get("/").text)})
    assert answer.status_code == 400
    assert "må højst være 2.147.483.647" in answer.text


def test_a_finding_is_decided_on_by_its_data_not_by_a_row_that_screening_gave_away() -> None:
    """Screening again deletes a document's findings and writes them anew, and SQLite gave
    their row numbers to other findings: "Godkend" on an address released a CPR number."""
    document = "fund-efter-ny-screening"
    phone, cpr = "28 91 44 07", "030915-4127"
    page = f"Mors mobil {phone}. Barnets CPR-nr. {cpr}."
    found = [found_on(page, Kind.PHONE, phone), found_on(page, Kind.CPR, cpr, holds=True)]
    with session_scope() as session:
        store_document(session, document, title="Notat", pages=[page])
        personal_store.record_screening(
            session, document_id=document, findings=found, version="test"
        )
    curator = logged_in(CURATOR)
    shown = curator.get(f"/dokument/{document}")
    keys = re.findall(r'name="fund" value="([0-9a-f]{64})"', shown.text)
    assert set(keys) == {f.key for f in found}
    # Screened again meanwhile, in the other order: each row number now has the other's data.
    with session_scope() as session:
        personal_store.record_screening(
            session, document_id=document, findings=found[::-1], version="test"
        )
    answer = curator.post(
        f"/dokument/{document}/personoplysninger/godkend",
        data={"csrf_token": csrf(shown.text), "fund": found[0].key},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with session_scope() as session:
        decided = personal_store.decisions(session, document_ids=[document])[document]
        assert decided == {found[0].key: personal_store.Decision.RELEASE}
        assert session.get_one(Document, document).held_at is not None
    # Data no longer found is not decided on in its place.
    gone = curator.post(
        f"/dokument/{document}/personoplysninger/skjul",
        data={"csrf_token": csrf(shown.text), "fund": "0" * 64},
    )
    assert gone.status_code == 404 and "findes ikke (længere)" in gone.text
    malformed = curator.post(
        f"/dokument/{document}/personoplysninger/skjul",
        data={"csrf_token": csrf(shown.text), "fund": "1"},
    )
    assert malformed.status_code == 400 and "Fundet" in malformed.text


def test_an_author_who_is_a_redacted_name_is_taken_off_the_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The text said "[skjult]", but the author field kept the name: searchable, and in the
    citations and OAI-PMH records."""
    document, father = "forfatter-skjules", "Bjørn Krogsgaard"
    page = f"Referat af netværksmøde. Far: {father} deltog."
    key = finding_key(Kind.PARENT_NAME, father)
    with session_scope() as session:
        store_document(
            session,
            document,
            title="Referat",
            pages=[page],
            authors=[
                "Krogsgaard, Bjørn",
                "Bjørn Krogsgaard",
                "Krogsgaard-Holm, Zenobia",
                "Bjørn Krogsgaard og Peter Berg",
            ],
        )
        personal_store.record_screening(
            session,
            document_id=document,
            findings=[found_on(page, Kind.PARENT_NAME, father)],
            version="test",
        )
    monkeypatch.setattr(personal_data, "_show", lambda _document_id: None)
    personal_data.redact(Account(1, CURATOR, Role.CURATOR, "token"), document, key)
    with session_scope() as session:
        # Someone else is not taken off, nor is the other of two named in one.
        assert session.get_one(Document, document).authors == [
            "Krogsgaard-Holm, Zenobia",
            "[skjult] og Peter Berg",
        ]


def test_a_redacted_name_leaves_the_file_name_and_its_run_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The text said "[skjult]", but a case note named after the person kept the name in
    search results, on its page and in its run's list."""
    # A document's id is ASCII (a digest), as the page's Link header needs.
    document, father = "notat-bent-krogsgaard", "Bent Krogsgaard"
    page = f"Far: {father} deltog i mødet."
    key = finding_key(Kind.PARENT_NAME, father)
    with session_scope() as session:
        store_document(session, document, title="Notat", pages=[page])
        personal_store.record_screening(
            session,
            document_id=document,
            findings=[found_on(page, Kind.PARENT_NAME, father)],
            version="test",
        )
        run_id = run_store.create_run(
            session,
            queue="filnavn-skjules",
            items=[
                run_item(f"{document}.pdf", document, ItemStatus.INDEXED),
            ],
        ).id
    monkeypatch.setattr(personal_data, "_show", lambda _document_id: None)
    personal_data.redact(Account(1, CURATOR, Role.CURATOR, "token"), document, key)
    with session_scope() as session:
        assert session.get_one(Document, document).filename == "notat-skjult.pdf"
    [item] = runs.get_run(run_id, show_held=False).documents
    assert item.filename == "notat-skjult.pdf"
