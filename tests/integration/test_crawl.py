"""Crawling a publisher's site on the real stack: a small publisher of the test's own, whose
site (a JSON list of its reports, and the PDFs) a local server serves and logs.

One site, crawled five times in a stack of its own, with a real worker: everything new, then
everything unchanged (asked conditionally), then a changed file, a removed one and a moved
one, then the removed one back, then an address that redirects.
"""

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient
from reportlab.pdfgen import canvas

from ingest.crawl import GONE_REASON, LISTING_CUT
from ingest.sources.publishers import registry
from ingest.sources.publishers.base import Publication, Publisher, Reader
from search_api.index.elastic import get_client
from tests.faults import wait_for
from tests.fixtures import start_worker, stop_worker
from tests.http_site import Site
from tests.quality import report as report_figures
from tests.stacks import Stack, own_stack
from vidensbank.cli import main as cli_main
from vidensbank.settings import get_settings
from vidensbank.store.documents import Document
from web.app import app

DELAY = 0.1
CRAWLS: list[str] = []
LISTING = "udgivelser.json"
TEXTS = {
    "a": "Børns inddragelse i egen sag. Kommunernes sagsbehandlere taler med barnet før mødet.",
    "b": "Samvær under anbringelse. Plejefamilier og forældre planlægger samværet sammen.",
    "c": "Unges stemme i udsatte boligområder. Fritidsjob og foreningsliv giver fællesskab.",
    "b2": "Samvær under anbringelse, anden udgave. Barnets ønsker vejer tungest i planen.",
}


def pdf(text: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number, line in enumerate(text.split(". ")):
        page.drawString(72, 760 - 20 * number, line)
    page.save()
    return out.getvalue()


class SitePublisher(Publisher):
    """A publisher whose site lists its reports in one JSON file."""

    key = "testudgiver"
    name = "Testudgiveren"
    base_url = "https://testudgiver.invalid/"

    def publications(
        self, reader: Reader, base_url: str, since: dt.date | None
    ) -> Iterator[Publication]:
        listing = reader.page(urljoin(base_url, LISTING))
        for entry in json.loads(listing or "[]"):
            published = entry["metadata"].get("published")
            if since is None or (published and dt.date.fromisoformat(published) >= since):
                yield Publication(url=urljoin(base_url, entry["path"]), metadata=entry["metadata"])


def metadata(key: str) -> dict[str, Any]:
    return {
        "title": f"Testrapport {key.upper()}: {TEXTS[key].split('.')[0]}",
        "publisher": "Testudgiveren",
        "kind": "Rapport",
        "published": "2024-0{}-01".format(" abc".index(key[0])),
        "authors": ["Hansen, Anne", "Berg, Mads"],
        "isbn": "978-87-7119-688-7",
        "target_group": "Sagsbehandlere",
    }


def write_listing(root: Path, entries: list[tuple[str, dict[str, Any]]]) -> None:
    listing = [{"path": path, "metadata": meta} for path, meta in entries]
    (root / LISTING).write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def crawling(
    stack: None, run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Stack, Site]]:
    """A stack of its own with a worker, the test's settings on it, and the site."""
    root = tmp_path / "site"
    (root / "rapporter").mkdir(parents=True)
    (root / "privat").mkdir()
    for key in ("a", "b", "c"):
        (root / "rapporter" / f"{key}.pdf").write_bytes(pdf(TEXTS[key]))
    (root / "privat" / "d.pdf").write_bytes(pdf(TEXTS["a"]))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /privat/\n")
    monkeypatch.setitem(registry.PUBLISHERS, SitePublisher.key, SitePublisher())
    settings = {"VB_CRAWL_DELAY": str(DELAY), "VB_CRAWL_RETRIES": "1", "VB_CRAWL_BACKOFF": "0.05"}
    with own_stack("crawl", run_dir, **settings) as own, Site(root) as site, own.in_process():
        worker = start_worker("crawl", run_dir / "crawl-worker.log", concurrency=1, env=own.env)
        try:
            yield own, site
        finally:
            stop_worker(worker)


def crawl(site: Site, capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, Any]:
    """``vidensbank crawl testudgiver --base-url … --wait --json`` and its report."""
    site.clear()
    code = cli_main(
        ["crawl", SitePublisher.key, "--base-url", site.url("/"), "--wait", "--json", *options]
    )
    output = capsys.readouterr()
    assert code == 0, output.err
    report: dict[str, Any] = json.loads(output.out)
    figures = report["crawl"]
    CRAWLS.append(
        f"crawl {len(CRAWLS) + 1}: {figures['requests']} requests ({figures['not_modified']} "
        f"answered 304), {figures['pages']} pages, {len(report['documents'])} items, "
        f"{figures['seconds']:.2f} s at {DELAY} s between requests"
    )
    report_figures("crawl of the test site (tests/integration/test_crawl.py)", CRAWLS)
    return report


def by_file(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["filename"]: d for d in report["documents"]}


def in_index(own: Stack, document_id: str) -> bool:
    client = get_client()
    client.indices.refresh(index=own.alias)
    return bool(client.exists(index=own.alias, id=document_id))


def test_a_crawl_ingests_then_asks_conditionally_then_follows_changes_removals_and_moves(
    crawling: tuple[Stack, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    own, site = crawling
    bad = metadata("a") | {"published": "i går"}
    write_listing(
        site.root,
        [
            ("rapporter/a.pdf", metadata("a")),
            ("rapporter/b.pdf", metadata("b")),
            ("rapporter/c.pdf", metadata("c")),
            ("privat/d.pdf", metadata("a")),
            ("rapporter/e.pdf", bad),
        ],
    )

    # 1. Everything is new: three reports in, with the publisher's metadata.
    first = crawl(site, capsys)
    files = by_file(first)
    assert {name: files[name]["status"] for name in files} == {
        "a.pdf": "indexed",
        "b.pdf": "indexed",
        "c.pdf": "indexed",
        "d.pdf": "quarantined",
        "e.pdf": "quarantined",
    }
    assert files["d.pdf"]["reason_code"] == "not_allowed"
    assert "robots.txt forbyder" in files["d.pdf"]["reason"]
    assert files["e.pdf"]["reason_code"] == "bad_metadata"
    assert "published (udgivelsesdato)" in files["e.pdf"]["reason"]
    assert first["crawl"]["new"] == 3 and first["crawl"]["refused"] == 1
    assert first["crawl"]["requests"] == len(site.requests) == 5  # robots, listing, 3 files
    assert "/privat/d.pdf" not in site.paths() and "/rapporter/e.pdf" not in site.paths()
    assert min(site.gaps()) >= DELAY - 0.005
    ids = {name: files[name]["id"] for name in ("a.pdf", "b.pdf", "c.pdf")}
    with own.session() as session:
        a = session.get(Document, ids["a.pdf"])
        assert a is not None
        assert a.title == metadata("a")["title"]
        assert (a.publisher, a.kind, a.published) == (
            "Testudgiveren",
            "Rapport",
            dt.date(2024, 1, 1),
        )
        assert a.authors == ["Hansen, Anne", "Berg, Mads"]
        assert a.extra["isbn"] == "978-87-7119-688-7"
        assert a.source_metadata["target_group"] == "Sagsbehandlere"
        assert a.source_uri == site.url("/rapporter/a.pdf")
    assert all(in_index(own, i) for i in ids.values())

    # 2. Nothing changed: every file and the listing answered 304, all unchanged.
    second = crawl(site, capsys)
    files = by_file(second)
    assert [files[n]["status"] for n in ("a.pdf", "b.pdf", "c.pdf")] == ["unchanged"] * 3
    assert [files[n]["id"] for n in ("a.pdf", "b.pdf", "c.pdf")] == list(ids.values())
    assert sorted(site.paths(304)) == [
        "/rapporter/a.pdf",
        "/rapporter/b.pdf",
        "/rapporter/c.pdf",
        f"/{LISTING}",
    ]
    assert site.paths(200) == ["/robots.txt"]
    assert second["crawl"]["not_modified"] == 4 and second["crawl"]["unchanged"] == 3
    assert second["crawl"]["new"] == second["crawl"]["changed"] == 0

    # 3. b changed, c removed, a moved to a new address (the old one gone).
    (site.root / "rapporter" / "b.pdf").write_bytes(pdf(TEXTS["b2"]))
    (site.root / "nye").mkdir()
    (site.root / "rapporter" / "a.pdf").rename(site.root / "nye" / "a.pdf")
    write_listing(site.root, [("nye/a.pdf", metadata("a")), ("rapporter/b.pdf", metadata("b"))])
    third = crawl(site, capsys)
    files = by_file(third)
    assert files["b.pdf"]["status"] == "indexed" and files["b.pdf"]["id"] == ids["b.pdf"]
    assert files["a.pdf"]["status"] == "indexed" and files["a.pdf"]["id"] == ids["a.pdf"]
    assert files["a.pdf"]["source_uri"] == site.url("/nye/a.pdf")
    assert (files["c.pdf"]["status"], files["c.pdf"]["reason"]) == ("withdrawn", GONE_REASON)
    assert (third["crawl"]["changed"], third["crawl"]["moved"], third["crawl"]["gone"]) == (1, 1, 1)
    with own.session() as session:
        c = session.get(Document, ids["c.pdf"])
        assert c is not None and c.withdrawn_reason == GONE_REASON
        b = session.get(Document, ids["b.pdf"])
        assert b is not None and b.pages[0].text.startswith("Samvær under anbringelse, anden")
        moved = session.get(Document, ids["a.pdf"])
        assert moved is not None and moved.source_uri == site.url("/nye/a.pdf")
    assert wait_for(lambda: not in_index(own, ids["c.pdf"]), timeout=30)
    api = TestClient(app)
    record = api.get(
        "/oai",
        params={
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:{get_settings().oai_repository_identifier}:{ids['c.pdf']}",
        },
    )
    assert record.status_code == 200 and 'status="deleted"' in record.text
    assert api.get(f"/api/documents/{ids['c.pdf']}").status_code == 410

    # 4. c is back: restored (the crawler withdrew it) and in search again.
    write_listing(
        site.root,
        [
            ("nye/a.pdf", metadata("a")),
            ("rapporter/b.pdf", metadata("b")),
            ("rapporter/c.pdf", metadata("c")),
        ],
    )
    fourth = crawl(site, capsys)
    files = by_file(fourth)
    assert files["c.pdf"]["status"] == "indexed" and files["c.pdf"]["id"] == ids["c.pdf"]
    assert fourth["crawl"]["restored"] == 1
    assert in_index(own, ids["c.pdf"])

    # 5. b's address now redirects to its new home: the same document, at the new address.
    (site.root / "arkiv").mkdir()
    (site.root / "rapporter" / "b.pdf").rename(site.root / "arkiv" / "b.pdf")
    (site.root / "_redirects.txt").write_text("/rapporter/b.pdf /arkiv/b.pdf 301\n")
    fifth = crawl(site, capsys)
    files = by_file(fifth)
    assert files["b.pdf"]["id"] == ids["b.pdf"] and files["b.pdf"]["status"] == "indexed"
    assert files["b.pdf"]["source_uri"] == site.url("/arkiv/b.pdf")
    assert fifth["crawl"]["moved"] == 1
    # Asked conditionally through the redirect: the content had not changed.
    assert "/arkiv/b.pdf" in site.paths(304)

    # 6. --since: the publications before that day are not listed, and not taken as gone.
    sixth = crawl(site, capsys, "--since", "2024-02-15")
    assert [(d["filename"], d["status"]) for d in sixth["documents"]] == [("c.pdf", "unchanged")]
    assert sixth["crawl"]["gone"] == 0

    # 7. A listing that cannot be read (robots.txt failing) withdraws nothing; the run names
    # it, and why.
    site.fail("/robots.txt", 503, times=10)
    seventh = crawl(site, capsys)
    [listing] = seventh["documents"]
    assert (listing["filename"], listing["status"]) == (LISTING, "quarantined")
    assert "robots.txt kunne ikke hentes" in listing["reason"]
    assert listing["reason"].endswith(LISTING_CUT)
    assert seventh["crawl"]["gone"] == 0
    assert site.paths() == ["/robots.txt"] * 2  # one retry (VB_CRAWL_RETRIES), then given up
    with own.session() as session:
        kept = [session.get(Document, i) for i in ids.values()]
        assert all(d is not None and d.withdrawn_at is None for d in kept)
