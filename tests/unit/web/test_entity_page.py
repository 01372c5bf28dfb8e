"""What a knowledge-base record's page and its JSON twin tell a reader about the record: the
bodies it succeeded or was succeeded by, what it belongs under, and the way to search the
documents that mention it (on the real app and SQLite)."""

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import delete

from nlp_models import curated_kb
from search_api.query.builder import SearchParams
from search_api.query.filters import FILTERS_BY_NAME
from tests.documents import store_document
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import DocumentStatus, EntityRow
from vidensbank.store.kb_edits import KBEdit
from web.app import app

# A knowledge base of its own: records with a parent or predecessors it does not hold, which the
# shipped one (checked) cannot have, and ids no other test's documents or edits use.
KB = """# Poster til test af en posts side
- id: org.test-nyt-center
  type: ORG
  kind: research
  name: Det Nye Center for Velfærd
  aliases: ["NCV"]
  abbreviations: ["NCV"]
  successor_of: [org.test-gammelt-institut, org.test-findes-ikke, org.test-andet-institut]
  description: "Dannet ved sammenlægning af to institutter."
- id: org.test-gammelt-institut
  type: ORG
  kind: research
  name: Det Gamle Institut
  description: "Indgik i Det Nye Center for Velfærd."
- id: org.test-andet-institut
  type: ORG
  kind: research
  name: Andet Institut
- id: org.test-tvilling
  type: ORG
  kind: research
  name: Institut for Det Samme
- id: org.test-afdeling
  type: ORG
  kind: authority
  name: Afdelingen uden ophav
  parent: org.test-findes-ikke
"""
MENTIONING = ["entitet-nyt-center-1", "entitet-nyt-center-2", "entitet-nyt-center-3"]


@pytest.fixture(scope="module")
def client() -> TestClient:
    migrate()
    with session_scope() as session:
        for n, document_id in enumerate(MENTIONING, start=1):
            store_document(session, document_id, title=f"Rapport {n} fra centret", pages=["NCV"])
            document_store.replace_entities(
                session,
                document_id=document_id,
                entities=[EntityRow("NCV", "ORG", "NCV", "org.test-nyt-center", n, [1])],
            )
        document_store.set_document_status(
            session, document_ids=MENTIONING, status=DocumentStatus.INDEXED
        )
    return TestClient(app)


@pytest.fixture
def test_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The records of ``KB`` are the knowledge base, as the curators' edits leave it."""
    (tmp_path / "test.yaml").write_text(KB, encoding="utf-8")
    monkeypatch.setattr(get_settings(), "kb_dir", tmp_path)
    curated_kb.forget()
    yield
    with session_scope() as session:
        session.execute(delete(KBEdit).where(KBEdit.record_id.like("org.test-%")))
    curated_kb.forget()


def _merge(record_id: str, into: str) -> None:
    with session_scope() as session:
        session.add(KBEdit(record_id=record_id, action="merge", value=into, author="test"))
    curated_kb.forget()


def _metadata(client: TestClient, kb_id: str) -> dict[str, list[tuple[str, str]]]:
    """The page's list of facts about the record: each term with the links it gives."""
    page = LexborHTMLParser(client.get(f"/entitet/{kb_id}").text)
    facts: dict[str, list[tuple[str, str]]] = {}
    term = ""
    for node in page.css("dl.metadata > *"):
        if node.tag == "dt":
            term = node.text(strip=True)
        else:
            facts[term] = [(a.attributes["href"] or "", a.text(strip=True)) for a in node.css("a")]
    return facts


def _ids(references: list[dict[str, str]]) -> list[str]:
    return [reference["kb_id"] for reference in references]


def test_vive_and_the_bodies_merged_into_it_link_to_each_other(client: TestClient) -> None:
    """SFI's page said in words that it became part of VIVE, without a link; VIVE's did not
    mention SFI or KORA at all."""
    vive, sfi = client.get("/api/entities/org.vive").json(), client.get("/api/entities/org.sfi")
    assert _ids(vive["successor_of"]) == ["org.sfi", "org.kora"] and vive["succeeded_by"] == []
    assert sfi.json()["succeeded_by"] == [
        {
            "kb_id": "org.vive",
            "name": "Det Nationale Forsknings- og Analysecenter for Velfærd",
            "abbreviation": "VIVE",
        }
    ]
    assert _metadata(client, "org.vive")["Forgængere"] == [
        ("/entitet/org.sfi", "SFI – Det Nationale Forskningscenter for Velfærd"),
        (
            "/entitet/org.kora",
            "Det Nationale Institut for Kommuners og Regioners Analyse og Forskning (KORA)",
        ),
    ]
    assert _metadata(client, "org.sfi")["Efterfølger"] == [
        ("/entitet/org.vive", "Det Nationale Forsknings- og Analysecenter for Velfærd (VIVE)")
    ]


def test_what_a_record_belongs_under_is_named_and_linked(client: TestClient) -> None:
    """ "Hører under" showed the parent's raw id, "org.social-og-boligministeriet"."""
    assert client.get("/api/entities/org.ankestyrelsen").json()["parent"] == {
        "kb_id": "org.social-og-boligministeriet",
        "name": "Social- og Boligministeriet",
        "abbreviation": None,
    }
    assert _metadata(client, "org.ankestyrelsen")["Hører under"] == [
        ("/entitet/org.social-og-boligministeriet", "Social- og Boligministeriet")
    ]
    assert _metadata(client, "loc.aarhus-kommune")["Hører under"] == [
        ("/entitet/loc.region-midtjylland", "Region Midtjylland")
    ]


@pytest.mark.usefixtures("test_kb")
def test_ids_the_knowledge_base_does_not_hold_are_not_shown(client: TestClient) -> None:
    department = client.get("/api/entities/org.test-afdeling").json()
    assert department["parent"] is None
    assert "Hører under" not in _metadata(client, "org.test-afdeling")
    assert "org.test-findes-ikke" not in client.get("/entitet/org.test-afdeling").text
    center = client.get("/api/entities/org.test-nyt-center").json()
    assert _ids(center["successor_of"]) == ["org.test-gammelt-institut", "org.test-andet-institut"]
    assert "org.test-findes-ikke" not in client.get("/entitet/org.test-nyt-center").text


@pytest.mark.usefixtures("test_kb")
def test_predecessors_are_the_records_a_curator_merged_them_into(client: TestClient) -> None:
    """A merged record's id gives the record it became: the successor links to that one, once,
    and that one's page names the successor."""
    _merge("org.test-andet-institut", "org.test-tvilling")
    _merge("org.test-gammelt-institut", "org.test-tvilling")
    center = client.get("/api/entities/org.test-nyt-center").json()
    assert _ids(center["successor_of"]) == ["org.test-tvilling"]
    twin = client.get("/api/entities/org.test-tvilling").json()
    assert _ids(twin["succeeded_by"]) == ["org.test-nyt-center"]
    assert _metadata(client, "org.test-nyt-center")["Forgænger"] == [
        ("/entitet/org.test-tvilling", "Institut for Det Samme")
    ]
    assert _metadata(client, "org.test-tvilling")["Efterfølger"] == [
        ("/entitet/org.test-nyt-center", "Det Nye Center for Velfærd (NCV)")
    ]


@pytest.mark.usefixtures("test_kb")
def test_the_page_links_to_a_search_for_the_documents_that_mention_the_record(
    client: TestClient,
) -> None:
    """The page counted the documents but gave no way to search them: the link goes to the
    search with the entity filter set, and names the same number."""
    page = LexborHTMLParser(client.get("/entitet/org.test-nyt-center").text)
    [link] = [a for a in page.css("article a") if "nævner" in a.text()]
    assert (
        " ".join(link.text().split())
        == "Søg i de 3 dokumenter, der nævner Det Nye Center for Velfærd"
    )
    address = urlsplit(link.attributes["href"] or "")
    assert address.path == "/"
    params = SearchParams.model_validate(parse_qs(address.query))
    assert params.values(FILTERS_BY_NAME["entity"]) == ["org.test-nyt-center"]
    summary = page.css_first("p.entity-summary")
    assert summary is not None and summary.text().startswith("Nævnt 6 gange i 3 dokumenter")
    # Nothing to search for where no document mentions the record.
    quiet = client.get("/entitet/org.test-gammelt-institut").text
    assert "/?entity=" not in quiet and "Ingen indlæste dokumenter nævner" in quiet
