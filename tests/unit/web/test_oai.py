"""OAI-PMH at /oai: every verb and every error condition of the protocol, paging through
resumption tokens, selective harvesting by date and set, withdrawn documents as deleted
records, and a harvest by another implementation (oaipmh-scythe over real HTTP). On the real
app and a real SQLite database; the test run's database also holds other modules' documents,
so lists are checked by what they must and must not hold, and sets single out this module's.
"""

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
import uvicorn
from fastapi.testclient import TestClient
from lxml import etree
from oaipmh_scythe import HTTPConfig, Scythe
from oaipmh_scythe.models import Header, Record, Set
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from tests.fixtures import free_port
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import harvest
from vidensbank.store import personal_data as personal_store
from vidensbank.store.collections import Collection, CollectionEntry
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, EntityRow
from vidensbank.store.personal_data import FindingRow
from web.app import app

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"o": OAI, "oai_dc": OAI_DC, "dc": DC}
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
}  # fmt: skip
VERB_ELEMENTS = {
    "Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers", "ListRecords", "GetRecord",
}  # fmt: skip
ERROR_CODES = {
    "badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat", "idDoesNotExist",
    "noRecordsMatch", "noMetadataFormats", "noSetHierarchy",
}  # fmt: skip
DATESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# setSpecType and metadataPrefixType of OAI-PMH.xsd.
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
METADATA_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
FORM = "application/x-www-form-urlencoded"
PAGE_SIZE = 4
PREFIX = "oai:vidensbank.local:"

HOEST = "Høstforlaget"  # set publisher:hoestforlaget
ARKIV = "Arkiv & Co."  # set publisher:arkiv-co
LUKKET = "Lukket Forlag"  # set publisher:lukket-forlag, deleted records only
RAADET = "Børnerådet"  # set publisher:boerneraadet, also spelled as in oai-r03 and oai-r04
# id → (publisher, last change); every document here is screened with nothing found.
PUBLIC = {
    "oai-h01": (HOEST, "2021-03-01T08:00:00"),
    "oai-h02": (HOEST, "2021-03-01T09:30:00"),
    "oai-h03": (HOEST, "2021-03-02T10:00:00"),
    "oai-h04": (HOEST, "2021-03-03T23:59:59"),
    "oai-h05": (HOEST, "2021-03-04T00:00:00"),
    "oai-a01": (ARKIV, "2021-03-01T12:00:00"),
    "oai-a02": (ARKIV, "2021-03-02T12:00:00"),
    "oai-a03": (ARKIV, "2021-03-05T12:00:00"),
    "oai-r01": (RAADET, "2021-03-06T08:00:00"),
    "oai-r02": (RAADET, "2021-03-06T09:00:00"),
    "oai-r03": ("BØRNERÅDET", "2021-03-06T10:00:00"),
    "oai-r04": ("Boerneraadet", "2021-03-06T11:00:00"),
}
WITHDRAWN = {
    "oai-h06": (HOEST, "2021-03-03T12:00:00"),
    "oai-a04": (ARKIV, "2021-03-04T12:00:00"),
}
# Held back for personal data (withdrawn too), or a new file that could not be read after an
# earlier one was: deleted records, as a harvester may have taken them before.
HELD = {
    "oai-held": (LUKKET, "2021-03-02T11:00:00"),
    "oai-held-withdrawn": (LUKKET, "2021-03-02T11:00:00"),
    "oai-quarantined": (LUKKET, "2021-03-02T11:00:00"),
}
# Never to be seen by a harvester: text that waits to be screened, a file never read.
HIDDEN = {
    "oai-unscreened": (HOEST, "2021-03-02T11:00:00"),
    "oai-broken": (HOEST, "2021-03-02T11:00:00"),
}
DELETED = {**WITHDRAWN, **HELD}
PUBLISHED_COLLECTION = "oaiSamling1"
PRIVATE_COLLECTION = "oaiPrivat1"


def _record(session: Session, document_id: str, publisher: str, extra: dict[str, str]) -> None:
    number = int(document_id[-2:]) if document_id[-2:].isdigit() else 0
    store_document(
        session,
        document_id,
        title=f"Børnesamtaler i praksis {number}",
        publisher=publisher,
        published=dt.date(2020, 1, number or 1),
        authors=["Hanne Hansen", "Jens Jensen"],
        extra=extra,
        pages=["Om børnesamtaler."],
        source_uri=f"https://udgiver.example/{document_id}.pdf",
        screened=document_id != "oai-unscreened",
    )


@pytest.fixture(scope="module", autouse=True)
def documents() -> Iterator[None]:
    migrate()
    with session_scope() as session:
        for document_id, (publisher, _changed) in {**PUBLIC, **DELETED, **HIDDEN}.items():
            extra = {"language": "da", "rights": "CC BY 4.0"}
            if document_id == "oai-h01":
                extra["isbn"] = "978-87-7119-123-4"
            _record(session, document_id, publisher, extra)
        for document_id in ("oai-held", "oai-held-withdrawn"):
            finding = FindingRow(1, 0, 3, "cpr", "010203-1234", "k" * 64, True)
            personal_store.record_screening(
                session, document_id=document_id, findings=[finding], version="test"
            )
        # Enriched from an earlier file, then its new file could not be read; the other file
        # was never read at all.
        document_store.mark_enriched(
            session, document_id="oai-quarantined", model_version="m", kb_version="k"
        )
        for document_id in ("oai-quarantined", "oai-broken"):
            document_store.quarantine_document(
                session, document_id=document_id, reason_code="broken", reason="Ødelagt"
            )
        for document_id in (*WITHDRAWN, "oai-held-withdrawn"):
            document_store.withdraw_document(session, document_id=document_id, reason="Fejl")
        document_store.replace_entities(
            session,
            document_id="oai-h01",
            entities=[
                EntityRow("barnets lov", "LAW", "Barnets Lov", "law-barnets-lov", 7, [1]),
                EntityRow("Aarhus", "LOC", "Aarhus Kommune", "loc-aarhus", 9, [1]),
                EntityRow("KL", "ORG", "KL", "org-kl", 3, [1]),
                EntityRow("10. maj", "DATE", "10. maj", None, 20, [1]),
            ],
        )
        session.add(
            Collection(
                id=PUBLISHED_COLLECTION,
                title="Børnesamtaler",
                published=True,
                entries=[
                    CollectionEntry(document_id=d, position=n)
                    for n, d in enumerate(["oai-h01", "oai-a01", "oai-h06", "oai-held"])
                ],
            )
        )
        session.add(
            Collection(
                id=PRIVATE_COLLECTION,
                title="Privat",
                published=False,
                entries=[CollectionEntry(document_id="oai-h02", position=0)],
            )
        )
        session.flush()
        for document_id, (_publisher, changed) in {**PUBLIC, **DELETED, **HIDDEN}.items():
            session.execute(
                update(Document)
                .where(Document.id == document_id)
                .values(updated_at=dt.datetime.fromisoformat(changed).replace(tzinfo=dt.UTC))
            )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VB_OAI_PAGE_SIZE", str(PAGE_SIZE))
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


client = TestClient(app)


def envelope(response: Any) -> etree._Element:
    """The response's XML, checked against what the OAI-PMH schema requires of every
    response: the namespace, responseDate, request with the base URL, then one error or more,
    or the verb's element."""
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{OAI}}}OAI-PMH"
    children = list(root)
    assert [c.tag for c in children[:2]] == [f"{{{OAI}}}responseDate", f"{{{OAI}}}request"]
    assert DATESTAMP.fullmatch(children[0].text)
    assert children[1].text == "http://testserver/oai"
    request = children[1].attrib
    assert request.get("verb", "Identify") in VERB_ELEMENTS
    assert SET_SPEC.fullmatch(request.get("set", "x"))
    assert METADATA_PREFIX.fullmatch(request.get("metadataPrefix", "x"))
    rest = [etree.QName(c).localname for c in children[2:]]
    assert rest and (set(rest) == {"error"} or (len(rest) == 1 and rest[0] in VERB_ELEMENTS))
    for error in root.findall("o:error", NS):
        assert error.get("code") in ERROR_CODES and error.text
    for datestamp in root.iterfind(".//o:header/o:datestamp", NS):
        assert DATESTAMP.fullmatch(datestamp.text)
    for header in root.iterfind(".//o:header", NS):
        assert header.get("status") in (None, "deleted")
        assert [etree.QName(c).localname for c in header][:2] == ["identifier", "datestamp"]
    for record in root.iterfind(".//o:record", NS):
        deleted = record.find("o:header", NS).get("status") == "deleted"
        assert (record.find("o:metadata", NS) is None) == deleted
    for dc in root.iterfind(".//o:metadata/*", NS):
        assert dc.tag == f"{{{OAI_DC}}}dc"
        assert dc.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == (
            f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
        )
        for element in dc:
            assert etree.QName(element).namespace == DC
            assert etree.QName(element).localname in DC_ELEMENTS and element.text
    return root


def oai(**arguments: str) -> etree._Element:
    return envelope(client.get("/oai", params={k.rstrip("_"): v for k, v in arguments.items()}))


def error_code(root: etree._Element) -> str:
    [error] = root.findall("o:error", NS)
    return str(error.get("code"))


def identifiers(root: etree._Element) -> list[str]:
    return [e.text.removeprefix(PREFIX) for e in root.iterfind(".//o:header/o:identifier", NS)]


def test_identify() -> None:
    root = oai(verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:repositoryName", namespaces=NS) == "Vidensbank"
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://testserver/oai"
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:adminEmail", namespaces=NS) == "oai@vidensbank.local"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    # The earliest change of any record: no later than this module's first.
    assert identify.findtext("o:earliestDatestamp", namespaces=NS) <= "2021-03-01T08:00:00Z"
    sample = identify.find(
        ".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier"
    )
    assert sample is not None and sample.text.startswith(PREFIX)
    assert root.find("o:request", NS).attrib == {"verb": "Identify"}


def test_list_metadata_formats() -> None:
    for arguments in ({}, {"identifier": f"{PREFIX}oai-h01"}):
        root = oai(verb="ListMetadataFormats", **arguments)
        [fmt] = root.findall(".//o:metadataFormat", NS)
        assert fmt.findtext("o:metadataPrefix", namespaces=NS) == "oai_dc"
        assert fmt.findtext("o:metadataNamespace", namespaces=NS) == OAI_DC
        assert fmt.findtext("o:schema", namespaces=NS).endswith("/oai_dc.xsd")
    # A withdrawn or held document has no metadata any more; a hidden one does not exist.
    for document_id in ("oai-h06", "oai-held"):
        root = oai(verb="ListMetadataFormats", identifier=f"{PREFIX}{document_id}")
        assert error_code(root) == "noMetadataFormats"
        assert root.find("o:request", NS).get("identifier") == f"{PREFIX}{document_id}"
    root = oai(verb="ListMetadataFormats", identifier=f"{PREFIX}oai-unscreened")
    assert error_code(root) == "idDoesNotExist"


def test_list_sets_has_publishers_and_published_collections() -> None:
    root = oai(verb="ListSets")
    sets = {
        s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
        for s in root.iterfind(".//o:set", NS)
    }
    assert sets["publisher"] == "Udgivere" and sets["collection"] == "Samlinger"
    assert sets["publisher:hoestforlaget"] == HOEST and sets["publisher:arkiv-co"] == ARKIV
    assert sets[f"collection:{PUBLISHED_COLLECTION}"] == "Børnesamtaler"
    assert f"collection:{PRIVATE_COLLECTION}" not in sets
    assert all(SET_SPEC.fullmatch(s) for s in sets)


def test_publishers_spelled_differently_are_one_set() -> None:
    """A setSpec identifies one set (section 4.6): publishers whose names differ only in case
    or in æ, ø and å share one, named as most of its documents spell the publisher."""
    root = oai(verb="ListSets")
    sets = [
        (s.findtext("o:setSpec", namespaces=NS), s.findtext("o:setName", namespaces=NS))
        for s in root.iterfind(".//o:set", NS)
    ]
    specs = [spec for spec, _name in sets]
    assert len(specs) == len(set(specs))
    assert [name for spec, name in sets if spec == "publisher:boerneraadet"] == [RAADET]
    found, _tokens = harvest_all(
        "ListIdentifiers", metadataPrefix="oai_dc", set="publisher:boerneraadet"
    )
    assert found == ["oai-r01", "oai-r02", "oai-r03", "oai-r04"]


def test_get_record_gives_dublin_core() -> None:
    root = oai(verb="GetRecord", identifier=f"{PREFIX}oai-h01", metadataPrefix="oai_dc")
    header = root.find(".//o:header", NS)
    assert header.findtext("o:datestamp", namespaces=NS) == "2021-03-01T08:00:00Z"
    assert [s.text for s in header.iterfind("o:setSpec", NS)] == [
        "publisher:hoestforlaget",
        f"collection:{PUBLISHED_COLLECTION}",
    ]
    dc = root.find(".//oai_dc:dc", NS)
    fields: dict[str, list[str]] = {}
    for element in dc:
        fields.setdefault(etree.QName(element).localname, []).append(element.text)
    assert fields == {
        "title": ["Børnesamtaler i praksis 1"],
        "creator": ["Hanne Hansen", "Jens Jensen"],
        # Linked laws, initiatives and organisations, most mentioned first; no places or dates.
        "subject": ["Barnets Lov", "KL"],
        "publisher": [HOEST],
        "date": ["2020-01-01"],
        "type": ["rapport", "Text"],
        "format": ["application/pdf"],
        "identifier": ["http://testserver/dokument/oai-h01", "urn:isbn:978-87-7119-123-4"],
        "source": ["https://udgiver.example/oai-h01.pdf"],
        "language": ["da"],
        "rights": ["CC BY 4.0"],
    }


def test_a_withdrawn_document_is_a_deleted_record() -> None:
    root = oai(verb="GetRecord", identifier=f"{PREFIX}oai-h06", metadataPrefix="oai_dc")
    header = root.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert header.findtext("o:datestamp", namespaces=NS) == "2021-03-03T12:00:00Z"
    assert root.find(".//o:metadata", NS) is None


@pytest.mark.parametrize("document_id", sorted(HELD))
def test_a_held_or_unreadable_document_is_a_deleted_record(document_id: str) -> None:
    """Held after a harvest, a document missing from the lists would stay in the harvester's
    copy, with the personal data that held it; so would one whose new file cannot be read."""
    root = oai(verb="GetRecord", identifier=f"{PREFIX}{document_id}", metadataPrefix="oai_dc")
    assert root.find(".//o:header", NS).get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None
    found, _tokens = harvest_all(
        "ListRecords", metadataPrefix="oai_dc", set="publisher:lukket-forlag"
    )
    assert found == sorted(HELD)


def test_a_withdrawn_document_read_again_stays_a_deleted_record() -> None:
    """A new file's text waits to be screened; for a withdrawn document it never is (the
    pipeline leaves it alone), and it went from the lists without a deletion."""
    pending = update(Document).where(Document.id == "oai-a04")
    with session_scope() as session:
        session.execute(pending.values(screening_version=None, updated_at=Document.updated_at))
    try:
        root = oai(verb="GetRecord", identifier=f"{PREFIX}oai-a04", metadataPrefix="oai_dc")
        assert root.find(".//o:header", NS).get("status") == "deleted"
    finally:
        with session_scope() as session:
            session.execute(
                pending.values(screening_version="test", updated_at=Document.updated_at)
            )


@pytest.mark.parametrize("document_id", sorted(HIDDEN))
def test_documents_whose_text_waits_to_be_screened_or_never_read_do_not_exist(
    document_id: str,
) -> None:
    root = oai(verb="GetRecord", identifier=f"{PREFIX}{document_id}", metadataPrefix="oai_dc")
    assert error_code(root) == "idDoesNotExist"


def harvest_all(verb: str, **arguments: str) -> tuple[list[str], list[etree._Element]]:
    """Every identifier of a list, following resumption tokens; also each page's token."""
    root = oai(verb=verb, **arguments)
    found, tokens = identifiers(root), []
    while (token := root.find(f"o:{verb}/o:resumptionToken", NS)) is not None:
        tokens.append(token)
        if not token.text:
            break
        root = oai(verb=verb, resumptionToken=token.text)
        found += identifiers(root)
    return found, tokens


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_paging_through_resumption_tokens_gives_every_record_once(verb: str) -> None:
    found, tokens = harvest_all(verb, metadataPrefix="oai_dc")
    assert len(found) == len(set(found))
    assert set(PUBLIC) | set(DELETED) <= set(found)
    assert not set(HIDDEN) & set(found)
    with session_scope() as session:
        expected = harvest.harvest_count(session, selection=harvest.Selection())
    assert len(found) == expected > 2 * PAGE_SIZE
    # Each token tells the size of the list and where in it the page starts; the last is empty.
    assert [int(t.get("cursor")) for t in tokens] == list(range(0, expected, PAGE_SIZE))
    assert {t.get("completeListSize") for t in tokens} == {str(expected)}
    assert [bool(t.text) for t in tokens] == [True] * (len(tokens) - 1) + [False]


def test_lists_are_in_order_of_change() -> None:
    found, _tokens = harvest_all("ListIdentifiers", metadataPrefix="oai_dc", set="publisher")
    mine = [d for d in found if d in PUBLIC or d in WITHDRAWN]
    assert mine == sorted(mine, key=lambda d: {**PUBLIC, **WITHDRAWN}[d][1])


def test_a_document_changed_during_a_harvest_is_not_skipped() -> None:
    arguments = {"metadataPrefix": "oai_dc", "set": "publisher:hoestforlaget"}
    first = oai(verb="ListIdentifiers", **arguments)
    seen = identifiers(first)
    assert seen == ["oai-h01", "oai-h02", "oai-h03", "oai-h06"]
    with session_scope() as session:
        # A record already harvested changes: it comes again at the end, nothing shifts.
        harvest.touch_documents(session, document_ids=["oai-h02"])
    try:
        token = first.find(".//o:resumptionToken", NS).text
        rest = identifiers(oai(verb="ListIdentifiers", resumptionToken=token))
        assert rest == ["oai-h04", "oai-h05", "oai-h02"]
    finally:
        with session_scope() as session:
            session.execute(
                update(Document)
                .where(Document.id == "oai-h02")
                .values(updated_at=dt.datetime(2021, 3, 1, 9, 30, tzinfo=dt.UTC))
            )


def test_a_resumed_list_whose_records_went_has_no_records_match() -> None:
    first = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="publisher:hoestforlaget")
    token = first.find(".//o:resumptionToken", NS).text
    # New text, not screened yet (their datestamps kept as they are, for the tests after this).
    rest = update(Document).where(Document.id.in_(["oai-h04", "oai-h05"]))
    with session_scope() as session:
        session.execute(rest.values(screening_version=None, updated_at=Document.updated_at))
    try:
        assert error_code(oai(verb="ListIdentifiers", resumptionToken=token)) == "noRecordsMatch"
    finally:
        with session_scope() as session:
            session.execute(rest.values(screening_version="test", updated_at=Document.updated_at))


@pytest.mark.parametrize(
    ("set_spec", "expected"),
    [
        (
            "publisher:hoestforlaget",
            ["oai-h01", "oai-h02", "oai-h03", "oai-h06", "oai-h04", "oai-h05"],
        ),
        ("publisher:arkiv-co", ["oai-a01", "oai-a02", "oai-a04", "oai-a03"]),
        # The held one is a deleted record, as the withdrawn one is.
        (f"collection:{PUBLISHED_COLLECTION}", ["oai-h01", "oai-a01", "oai-held", "oai-h06"]),
    ],
)
def test_a_set_selects_its_documents(set_spec: str, expected: list[str]) -> None:
    found, _tokens = harvest_all("ListIdentifiers", metadataPrefix="oai_dc", set=set_spec)
    assert found == expected
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set=set_spec)
    for header in root.iterfind(".//o:header", NS):
        assert set_spec in [s.text for s in header.iterfind("o:setSpec", NS)]


def test_the_collection_set_holds_every_published_collection() -> None:
    found, _tokens = harvest_all("ListIdentifiers", metadataPrefix="oai_dc", set="collection")
    assert {"oai-h01", "oai-a01", "oai-h06"} <= set(found)
    assert "oai-h02" not in found and "oai-held" in found


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # Days: both ends inclusive, a day's until is its last second.
        ("2021-03-02", "2021-03-03", ["oai-h03", "oai-h06", "oai-h04"]),
        ("2021-03-04", None, ["oai-h05"]),
        (None, "2021-03-01", ["oai-h01", "oai-h02"]),
        # Seconds: inclusive to the second.
        ("2021-03-01T09:30:00Z", "2021-03-03T23:59:59Z", ["oai-h02", "oai-h03", "oai-h06",
                                                          "oai-h04"]),
        ("2021-03-01T09:30:01Z", "2021-03-03T23:59:58Z", ["oai-h03", "oai-h06"]),
        ("2021-03-02T10:00:00Z", "2021-03-02T10:00:00Z", ["oai-h03"]),
        # The last day and second a date holds: no second after them to stop before.
        ("2021-03-03", "9999-12-31", ["oai-h06", "oai-h04", "oai-h05"]),
        ("2021-03-03T00:00:00Z", "9999-12-31T23:59:59Z", ["oai-h06", "oai-h04", "oai-h05"]),
    ],
)  # fmt: skip
def test_from_and_until_select_by_last_change(
    since: str | None, until: str | None, expected: list[str]
) -> None:
    arguments = {"metadataPrefix": "oai_dc", "set": "publisher:hoestforlaget"}
    if since:
        arguments["from"] = since
    if until:
        arguments["until"] = until
    found, _tokens = harvest_all("ListIdentifiers", **arguments)
    assert found == expected


LIST = "verb=ListRecords&metadataPrefix=oai_dc"
IDS = "verb=ListIdentifiers&metadataPrefix=oai_dc"
GET = "verb=GetRecord&identifier=oai:vidensbank.local"
TOKEN = "resumptionToken=metadataPrefix%3Doai_dc"
ERRORS = [
    # badVerb: missing, unknown, repeated, the library's unofficial GetMetadata.
    ("badVerb", ""),
    ("badVerb", "verb=Harvest"),
    ("badVerb", "verb=Identify&verb=Identify"),
    ("badVerb", "verb=GetMetadata&identifier=oai:vidensbank.local:oai-h01&metadataPrefix=oai_dc"),
    # badArgument: missing, unknown, repeated, not for this verb, bad dates, wrong order.
    ("badArgument", "verb=ListRecords"),
    ("badArgument", "verb=GetRecord&metadataPrefix=oai_dc"),
    ("badArgument", f"{GET}:oai-h01"),
    ("badArgument", "verb=Identify&set=publisher"),
    ("badArgument", "verb=ListSets&metadataPrefix=oai_dc"),
    ("badArgument", f"{LIST}&foo=bar"),
    ("badArgument", f"{LIST}&from_=2021-01-01"),
    ("badArgument", f"{LIST}&metadataPrefix=oai_dc"),
    ("badArgument", f"{LIST}&from=2021-01-01&from=2021-01-02"),
    ("badArgument", f"{LIST}&from=2021-1-1"),
    ("badArgument", f"{LIST}&from=2021-01-01T10:00:00"),
    ("badArgument", f"{LIST}&from=2021-01-01T10:00:00.5Z"),
    ("badArgument", f"{LIST}&until=2021-02-30"),
    ("badArgument", f"{LIST}&from=i%20går"),
    ("badArgument", f"{LIST}&from=2021-03-02&until=2021-03-01"),
    ("badArgument", f"{LIST}&from=2021-03-01&until=2021-03-02T00:00:00Z"),
    ("badArgument", f"{IDS}&resumptionToken=x"),
    ("badArgument", "verb=ListMetadataFormats&identifier=a&identifier=b"),
    # badArgument: values whose syntax cannot be a set or a metadata format.
    ("badArgument", f"{IDS}&set="),
    ("badArgument", f"{IDS}&set=a%20b"),
    ("badArgument", f"{IDS}&set=%FF"),
    ("badArgument", f"{IDS}&set=publisher:"),
    ("badArgument", f"{IDS}&set=publisher::vive"),
    ("badArgument", "verb=ListIdentifiers&metadataPrefix="),
    ("badArgument", "verb=ListRecords&metadataPrefix=oai%20dc"),
    ("badArgument", "verb=ListRecords&metadataPrefix=oai:dc"),
    # badResumptionToken: not one of ours, tampered with, or for a list that has no pages.
    ("badResumptionToken", "verb=ListRecords&resumptionToken=ikke-et-m%C3%A6rke"),
    ("badResumptionToken", f"verb=ListRecords&{TOKEN}%26cursor%3D4"),
    ("badResumptionToken", f"verb=ListIdentifiers&{TOKEN}%26after%3Dx%26cursor%3D4"),
    ("badResumptionToken", f"verb=ListSets&{TOKEN}%26cursor%3D4"),
    # cannotDisseminateFormat, idDoesNotExist, noRecordsMatch, noMetadataFormats.
    ("cannotDisseminateFormat", "verb=ListRecords&metadataPrefix=marc21"),
    ("cannotDisseminateFormat", f"{GET}:oai-h01&metadataPrefix=mods"),
    ("cannotDisseminateFormat", f"{GET}:oai-h06&metadataPrefix=mods"),
    ("idDoesNotExist", f"{GET}:findes-ikke&metadataPrefix=oai_dc"),
    # Not in another format either: the item does not exist.
    ("idDoesNotExist", f"{GET}:findes-ikke&metadataPrefix=mods"),
    ("idDoesNotExist", "verb=GetRecord&identifier=oai-h01&metadataPrefix=oai_dc"),
    ("idDoesNotExist", "verb=ListMetadataFormats&identifier=oai:andet.arkiv:oai-h01"),
    ("noRecordsMatch", f"{LIST}&from=2999-01-01"),
    ("noRecordsMatch", f"{IDS}&set=publisher:findes-ikke"),
    ("noRecordsMatch", f"{IDS}&set=collection:{PRIVATE_COLLECTION}"),
    ("noMetadataFormats", "verb=ListMetadataFormats&identifier=oai:vidensbank.local:oai-a04"),
]


@pytest.mark.parametrize(("code", "query"), ERRORS)
def test_every_error_condition(code: str, query: str) -> None:
    for response in (
        client.get(f"/oai?{query}"),
        client.post("/oai", content=query, headers={"content-type": FORM}),
    ):
        root = envelope(response)
        assert error_code(root) == code
        request = root.find("o:request", NS)
        # After a bad verb or bad arguments the request element gives the base URL only;
        # otherwise it repeats the request's arguments.
        if code in ("badVerb", "badArgument"):
            assert request.attrib == {}
        else:
            assert dict(request.attrib) == dict(parse_qsl(query))
        message = root.findtext("o:error", namespaces=NS)
        assert re.search(r"[æøå]|\b(er|mangler|ikke|ingen|kun|må|skal)\b", message), message


def test_what_xml_cannot_carry_is_left_out_of_the_answer() -> None:
    root = oai(verb="GetRecord", identifier=f"{PREFIX}\x01oai-h01", metadataPrefix="oai_dc")
    assert error_code(root) == "badArgument"
    root = oai(verb="Harvest\x00\x1b")
    assert error_code(root) == "badVerb"
    assert "Harvest er ikke" in root.findtext("o:error", namespaces=NS)
    # Digits of other scripts are not a date.
    assert error_code(oai(verb="ListRecords", metadataPrefix="oai_dc", from_="٢٠٢١-01-01")) == (
        "badArgument"
    )


def test_post_answers_as_get_does() -> None:
    query = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "publisher:arkiv-co"}
    posted = envelope(client.post("/oai", data=query))
    got = oai(**query)
    assert identifiers(posted) == identifiers(got) == ["oai-a01", "oai-a02", "oai-a04", "oai-a03"]
    assert dict(posted.find("o:request", NS).attrib) == query


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The app under uvicorn in a thread, on a free port, for a harvester over real HTTP."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}/oai"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_implementation_harvests_every_record(served: str, method: str) -> None:
    expected = {**PUBLIC, **DELETED}
    with Scythe(served, http_config=HTTPConfig(http_method=method)) as scythe:
        assert scythe.identify().repositoryName == "Vidensbank"
        records: dict[str, Record] = {}
        for record in scythe.list_records(metadata_prefix="oai_dc", ignore_deleted=False):
            assert isinstance(record, Record)
            records[str(record.header.identifier).removeprefix(PREFIX)] = record
        assert set(expected) <= set(records) and not set(HIDDEN) & set(records)
        for document_id in expected:
            record = records[document_id]
            assert record.deleted == (document_id in DELETED)
            if not record.deleted:
                number = int(document_id[-2:])
                assert record.metadata["title"] == [f"Børnesamtaler i praksis {number}"]
                page = f"{served.removesuffix('oai')}dokument/{document_id}"
                assert page in record.metadata["identifier"]
        # Two pages of one set, a deleted record included.
        headers: list[Header] = []
        for header in scythe.list_identifiers(
            metadata_prefix="oai_dc", set_="publisher:hoestforlaget", ignore_deleted=False
        ):
            assert isinstance(header, Header)
            headers.append(header)
        assert [str(h.identifier).removeprefix(PREFIX) for h in headers] == [
            "oai-h01", "oai-h02", "oai-h03", "oai-h06", "oai-h04", "oai-h05",
        ]  # fmt: skip
        assert [h.deleted for h in headers] == [False, False, False, True, False, False]
        sets = {s.setSpec for s in scythe.list_sets() if isinstance(s, Set)}
        assert {"publisher:hoestforlaget", f"collection:{PUBLISHED_COLLECTION}"} <= sets


# Last: it changes the published collection the tests above harvest.
def test_a_document_put_in_a_published_collection_is_a_changed_record() -> None:
    add("oai-samler@eksempel.dk")
    curator = logged_in("oai-samler@eksempel.dk")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    added = curator.post(
        "/samlinger/dokumenter",
        data={
            "csrf_token": csrf(curator.get("/samlinger").text),
            "collection_id": PUBLISHED_COLLECTION,
            "document_id": "oai-a02",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    since = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    root = oai(
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        set=f"collection:{PUBLISHED_COLLECTION}",
        **{"from": since},
    )
    assert identifiers(root) == ["oai-a02"]


def test_the_api_description_shows_oai_in_danish() -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for method in ("get", "post"):
        operation = paths["/oai"][method]
        assert "høstere" in operation["description"]
        assert "text/xml" in operation["responses"]["200"]["content"]
    names = {p["name"] for p in paths["/oai"]["get"]["parameters"]}
    assert names == {
        "verb",
        "identifier",
        "metadataPrefix",
        "from",
        "until",
        "set",
        "resumptionToken",
    }
    form = paths["/oai"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert set(form["schema"]["properties"]) == names
