"""robots.txt and sitemap.xml: search engines find every public page, and only public pages
(on the real app and a real SQLite database; the run's database holds other modules'
documents too, so the sitemap is checked by what it must and must not hold)."""

import datetime as dt
import re
from urllib.robotparser import RobotFileParser

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import update

from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.collections import Collection
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document
from vidensbank.store.personal_data import FindingRow
from web.app import app

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CHANGED = dt.datetime(2022, 6, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
DOCUMENTS = ("kort-offentlig", "kort-tilbagetrukket", "kort-tilbageholdt", "kort-uscreenet")

client = TestClient(app)


@pytest.fixture(scope="module", autouse=True)
def documents() -> None:
    migrate()
    with session_scope() as session:
        for document_id in DOCUMENTS:
            store_document(
                session,
                document_id,
                title=document_id,
                kind="vejledning",
                screened=document_id != "kort-uscreenet",
            )
        personal_store.record_screening(
            session,
            document_id="kort-tilbageholdt",
            findings=[FindingRow(1, 0, 3, "cpr", "010203-1234", "c" * 64, True)],
            version="test",
        )
        document_store.withdraw_document(session, document_id="kort-tilbagetrukket", reason="Fejl")
        session.add(Collection(id="kortOffentlig", title="Offentlig", published=True))
        session.add(Collection(id="kortPrivat", title="Privat", published=False))
        session.flush()
        session.execute(
            update(Document).where(Document.id == "kort-offentlig").values(updated_at=CHANGED)
        )


def test_the_sitemap_lists_every_public_page_and_nothing_else() -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    urls = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iterfind(f"{SITEMAP}url")
    }
    assert len(urls) == len(root) < 50_000
    for page in ("", "om", "samlinger"):
        assert f"http://testserver/{page}" in urls
    assert urls["http://testserver/dokument/kort-offentlig"] == "2022-06-01T12:30:15+00:00"
    assert urls["http://testserver/samlinger/kortOffentlig"]
    for hidden in ("kort-tilbagetrukket", "kort-tilbageholdt", "kort-uscreenet"):
        assert f"http://testserver/dokument/{hidden}" not in urls
    assert "http://testserver/samlinger/kortPrivat" not in urls
    # Every document page listed is there for anyone.
    for loc in urls:
        if "/dokument/" in loc:
            assert client.get(loc).status_code == 200, loc


def rfc9309_allows(lines: list[str], path: str) -> bool:
    """RFC 9309's reading of the ``*`` group (the one Google and Bing follow): the longest
    matching rule wins, Allow on a tie; ``*`` matches any characters, ``$`` the end."""
    best: tuple[int, bool] = (-1, True)
    for line in lines:
        field, _, value = line.partition(":")
        value = value.strip()
        if field.lower() not in ("allow", "disallow") or not value:
            continue
        pattern = re.escape(value).replace(r"\*", ".*").replace(r"\$", "$")
        if re.match(pattern, path):
            candidate = (len(value), field.lower() == "allow")
            best = max(best, candidate)
    return best[1]


ALLOWED = (
    "/",
    "/om",
    "/samlinger",
    "/samlinger/x",
    "/dokument/x",
    "/entitet/x",
    "/api/documents/x/original",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/sitemap.xml",
)
REFUSED = (
    "/?q=anbringelse",
    "/dokument/x?q=anbringelse&side=3",
    "/entitet/x?side=2",
    "/api/search?q=anbringelse",
    "/api/documents/x",
    "/log-ind",
    "/konto",
    "/indlaesninger",
    "/personoplysninger",
    "/rettelser",
    "/brugere",
    "/revision",
    "/docs",
    "/openapi.json",
)


def test_robots_lets_crawlers_read_pages_and_keeps_them_off_the_rest() -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ALLOWED:
        assert rfc9309_allows(lines, path), path
    for path in REFUSED:
        assert not rfc9309_allows(lines, path), path
    # A parser without wildcards (Python's) never refuses a page it should read, and refuses
    # what it can tell without them.
    robots = RobotFileParser()
    robots.parse(lines)
    for path in ALLOWED:
        if "original" not in path:
            assert robots.can_fetch("Googlebot", path), path
    for path in REFUSED:
        if "?" not in path:
            assert not robots.can_fetch("Googlebot", path), path
