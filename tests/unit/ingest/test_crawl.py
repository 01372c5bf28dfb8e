"""A crawl of Børns Vilkår's site (the real adapter and crawler, a local server, real SQLite)
where pages cannot be read: each costs its own publication and is named in the run with its
reason, and only a listing read in part keeps the crawl from withdrawing what is gone.

The broker is left out: the crawl's queueing is recorded instead, and the pipeline's part (a
document stored and indexed for every new item) is done by hand.
"""

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from ingest import crawl as crawl_module
from ingest.crawl import GONE_REASON, LANDING_CUT, LISTING_CUT, CrawlResult
from ingest.sources.publishers.boerns_vilkaar import BoernsVilkaar
from search_api.api.runs import get_run
from search_api.api.schemas import IngestItemPublic
from tests.http_site import Site
from vidensbank.identity import document_id as make_document_id
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import BLOB_SCHEME
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, DocumentStatus
from vidensbank.store.runs import ItemStatus
from web.app import app

TOOLS = "/fagfolk/vaerktoejer"
ANALYSES = "/fagfolk/analyser"


@pytest.fixture(autouse=True)
def quick_crawls(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings for a quick crawl, and no broker: what a crawl would queue is left alone."""
    migrate()
    monkeypatch.setenv("VB_CRAWL_DELAY", "0.01")
    monkeypatch.setenv("VB_CRAWL_RETRIES", "0")
    monkeypatch.setattr(crawl_module, "enqueue_files", lambda item_ids: None)
    monkeypatch.setattr(crawl_module, "enqueue", lambda task, document_ids: None)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def publisher(key: str) -> BoernsVilkaar:
    """The adapter under a key of the test's own, so its crawl state is the test's alone."""
    adapter = BoernsVilkaar()
    adapter.key = key
    return adapter


def write_site(root: Path, tools: list[str], analyses: list[str]) -> None:
    """Tool pages and analyses (a landing page and its PDF), and a sitemap listing them."""
    for slug in tools:
        page = root / TOOLS.strip("/") / slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<main><h1>Værktøj {slug}</h1><dl><dt>Målgruppe</dt><dd>Børn 6-12 år</dd></dl>"
            f"<p>Samtalekort om {slug}.</p></main>",
            encoding="utf-8",
        )
    for slug in analyses:
        page = root / ANALYSES.strip("/") / slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f'<main><h1>Analyse {slug}</h1><a href="/media/{slug}.pdf">Hent</a></main>',
            encoding="utf-8",
        )
        (root / "media").mkdir(exist_ok=True)
        (root / "media" / f"{slug}.pdf").write_bytes(f"%PDF-1.4 {slug}".encode())
    list_in_sitemap(root, [f"{TOOLS}/{s}/" for s in tools] + [f"{ANALYSES}/{s}/" for s in analyses])


def list_in_sitemap(root: Path, paths: list[str]) -> None:
    entries = "".join(f"<url><loc>{path}</loc></url>" for path in paths)
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>",
        encoding="utf-8",
    )


def pipeline(result: CrawlResult) -> None:
    """The pipeline's part: each new item's document stored, as the crawl's blob, and indexed."""
    with session_scope() as session:
        run = run_store.get_run(session, run_id=result.run_id)
        assert run is not None
        for item in run.items:
            if item.status != ItemStatus.PENDING:
                continue
            document_id = item.document_id or make_document_id(item.source_uri)
            document_store.record_file(
                session,
                document_id=document_id,
                source_uri=item.source_uri,
                filename=item.filename,
                title=item.filename,
                source_metadata=item.source_metadata,
                content_hash=item.location.removeprefix(BLOB_SCHEME),
                size=1,
            )
            document_store.set_document_status(
                session, document_ids=[document_id], status=DocumentStatus.INDEXED
            )


def items(result: CrawlResult) -> dict[str, IngestItemPublic]:
    """The run's files as the API shows them, by the address's path."""
    run = get_run(result.run_id, show_held=True)
    return {urlsplit(str(item.source_uri)).path: item for item in run.documents}


def withdrawn(site: Site, path: str) -> str | None:
    with session_scope() as session:
        document = session.get(Document, make_document_id(site.url(path)))
        assert document is not None
        return document.withdrawn_reason


def test_a_page_that_cannot_be_read_costs_its_publication_and_is_named_with_its_reason(
    tmp_path: Path,
) -> None:
    """A tool's page in a redirect loop made the crawl take its whole listing for read in part,
    so a tool the publisher had removed stayed public; the loop, and a page robots.txt
    forbids, were counted as refused but named nowhere, neither in the API nor on the run's
    page."""
    adapter = publisher("boernsvilkaar-sider")
    (tmp_path / "robots.txt").write_text(f"User-agent: *\nDisallow: {TOOLS}/kladder/\n")
    write_site(tmp_path, ["a", "b", "c", "d"], ["x", "y"])
    with Site(tmp_path) as site:
        first = crawl_module._crawl(adapter, site.base_url, None)
        assert first.figures.new == 6
        pipeline(first)

        # d is taken off the site; a page that redirects in a loop and a draft robots.txt
        # forbids are listed.
        (tmp_path / TOOLS.strip("/") / "d" / "index.html").unlink()
        (tmp_path / "_redirects.txt").write_text(
            f"{TOOLS}/loop-a/ {TOOLS}/loop-b/ 302\n{TOOLS}/loop-b/ {TOOLS}/loop-a/ 302\n"
        )
        listed = [f"{TOOLS}/{s}/" for s in ("a", "b", "c", "loop-a", "kladder/ny")]
        list_in_sitemap(tmp_path, [*listed, f"{ANALYSES}/x/", f"{ANALYSES}/y/"])
        second = crawl_module._crawl(adapter, site.base_url, None)
        files = items(second)
        assert (second.figures.gone, second.figures.refused) == (1, 2)
        assert withdrawn(site, f"{TOOLS}/d/") == GONE_REASON
        assert files[f"{TOOLS}/d/"].status == ItemStatus.WITHDRAWN
        loop = files[f"{TOOLS}/loop-a/"]
        assert (loop.status, loop.reason_code) == (ItemStatus.QUARANTINED, "not_allowed")
        assert loop.reason == (
            f"Adressen {TOOLS}/loop-a/ viderestiller mere end 5 gange; den følges ikke længere."
        )
        draft = files[f"{TOOLS}/kladder/ny/"]
        assert draft.reason == f"Udgiverens robots.txt forbyder at hente {TOOLS}/kladder/ny/."
        page = TestClient(app).get(f"/indlaesninger/{second.run_id}")
        assert loop.reason in page.text and "kladder/ny/." in page.text

        # Tool b's page and analysis x's landing page fail, and c is taken off the site: b and
        # x are still listed and keep their documents; c is withdrawn all the same.
        list_in_sitemap(tmp_path, [f"{TOOLS}/{s}/" for s in ("a", "b")] + [f"{ANALYSES}/x/"])
        site.fail(f"{TOOLS}/b/", 503, times=1)
        site.fail(f"{ANALYSES}/x/", 503, times=1)
        third = crawl_module._crawl(adapter, site.base_url, None)
        files = items(third)
        assert third.figures.gone == 2  # c, and y, which is no longer listed
        assert withdrawn(site, f"{TOOLS}/c/") == GONE_REASON
        assert withdrawn(site, f"{TOOLS}/b/") is None and withdrawn(site, "/media/x.pdf") is None
        for path in (f"{TOOLS}/b/", f"{ANALYSES}/x/"):
            assert files[path].reason_code == "fetch_failed"
            assert files[path].reason == ("Adressen kunne ikke hentes: serveren svarede 503.")

        # Read again, they are as they were, and nothing was taken for gone.
        fourth = crawl_module._crawl(adapter, site.base_url, None)
        files = items(fourth)
        assert files[f"{TOOLS}/b/"].status == files["/media/x.pdf"].status == "unchanged"
        assert fourth.figures.gone == 0


def test_a_landing_page_the_crawl_cannot_tell_the_publication_of_withdraws_nothing(
    tmp_path: Path,
) -> None:
    """The safety rule stays: a landing page read before, whose publication the crawl state
    does not name, may hide a publication still there, so nothing is withdrawn."""
    adapter = publisher("boernsvilkaar-ukendt")
    write_site(tmp_path, ["a", "b", "c"], ["x"])
    with Site(tmp_path) as site:
        pipeline(crawl_module._crawl(adapter, site.base_url, None))
        # The x landing page's record of its publication lost (as a crawl before this was).
        with session_scope() as session:
            for row in crawl_module.crawl_store.addresses(session, source=adapter.key):
                if row.url == site.url(f"{ANALYSES}/x/"):
                    row.document_id = None
        list_in_sitemap(tmp_path, [f"{TOOLS}/a/", f"{TOOLS}/b/", f"{ANALYSES}/x/"])
        site.fail(f"{ANALYSES}/x/", 503, times=5)
        result = crawl_module._crawl(adapter, site.base_url, None)
    assert result.figures.gone == 0
    assert withdrawn(site, f"{TOOLS}/c/") is None
    assert items(result)[f"{ANALYSES}/x/"].reason == (
        f"Adressen kunne ikke hentes: serveren svarede 503. {LANDING_CUT}"
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("answer", ["503", "nothing"])
def test_a_site_whose_robots_txt_cannot_be_read_says_why_in_the_run(
    tmp_path: Path, answer: str
) -> None:
    """A robots.txt answering 503, or a base URL where nothing listens, gave a run of no files
    and "Afvist 1", with no word of what was refused or why."""
    adapter = publisher(f"boernsvilkaar-robots-{answer}")
    write_site(tmp_path, ["a"], [])
    with Site(tmp_path) as site:
        site.fail("/robots.txt", 503, times=5)
        base = site.base_url if answer == "503" else f"http://127.0.0.1:{closed_port()}"
        result = crawl_module._crawl(adapter, base, None)
    [sitemap] = get_run(result.run_id, show_held=True).documents
    host = base.removeprefix("http://")
    cause = "serveren svarede 503" if answer == "503" else "serveren afviste forbindelsen"
    assert (sitemap.filename, sitemap.status) == ("sitemap.xml", ItemStatus.QUARANTINED)
    assert sitemap.reason == (
        f"Værtens robots.txt kunne ikke hentes ({host}), så intet hentes derfra i denne "
        f"gennemgang. Adressen kunne ikke hentes: {cause}. "
        f"{LISTING_CUT}"
    )
    page = TestClient(app).get(f"/indlaesninger/{result.run_id}")
    assert "sitemap.xml" in page.text and f"robots.txt kunne ikke hentes ({host})" in page.text
