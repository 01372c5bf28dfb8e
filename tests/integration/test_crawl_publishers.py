"""The three publishers' adapters crawled with the real crawler over their fixture sites
(tests/fixtures/sites/), each served by a local server that logs its requests: the first crawl
ingests what each site lists, with the publisher's metadata; the second is all unchanged,
every page and file asked for conditionally and answered 304; after the publisher changes one
file and takes one publication off its list, the third re-ingests the one and withdraws the
other. No crawl asks for a path the site's robots.txt forbids, or two in a row too soon."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from ingest.crawl import GONE_REASON
from tests.faults import wait_for
from tests.fixture_sites import PUBLISHER_KEYS, build_site, served_path
from tests.fixtures import start_worker, stop_worker
from tests.http_site import Site
from tests.quality import report
from tests.stacks import Stack, own_stack
from vidensbank.celery_app import CRAWL_TASK, app
from vidensbank.cli import main as cli_main
from vidensbank.settings import get_settings
from vidensbank.store.crawl import Crawl
from vidensbank.store.documents import Document

DELAY = 0.05
FIGURES: list[str] = []
# Per site: the listing entry the publisher takes down, and a word of its title.
TAKEN_DOWN = {
    "vive": ("/da/udgivelser/netvaerksanbringelser-3390/", "Netværksanbringelser"),
    "boernsvilkaar": ("/fagfolk/analyser/klar-til-18/", "Klar til 18"),
    "sbst": ("/udgivelser/kommissorium-ekspertgruppe-tidlig-opsporing/", "ekspertgruppen"),
}


@pytest.fixture(scope="module")
def publishers_stack(stack: None, run_dir: Path) -> Iterator[Stack]:
    settings = {"VB_CRAWL_DELAY": str(DELAY), "VB_CRAWL_RETRIES": "1", "VB_CRAWL_BACKOFF": "0.05"}
    with own_stack("publishers", run_dir, **settings) as own, own.in_process():
        worker = start_worker("publishers", run_dir / "publishers-worker.log", env=own.env)
        try:
            yield own
        finally:
            stop_worker(worker)


def crawl(key: str, site: Site, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    site.clear()
    code = cli_main(["crawl", key, "--base-url", site.url("/"), "--wait", "--json"])
    output = capsys.readouterr()
    assert code == 0, output.err
    assert not [path for path in site.paths() if forbidden(site.root, path)]
    assert min(site.gaps()) >= DELAY - 0.005
    result: dict[str, Any] = json.loads(output.out)
    figures = result["crawl"]
    FIGURES.append(
        f"{key}: {figures['requests']} requests, {figures['pages']} pages, "
        f"{figures['not_modified']} answered 304, {len(result['documents'])} items "
        f"({', '.join(f'{n} {s}' for s, n in sorted(counts(result).items()))}), "
        f"{figures['seconds']:.2f} s at {DELAY} s between requests"
    )
    report("crawls of the publishers' fixture sites", FIGURES)
    return result


def counts(result: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for document in result["documents"]:
        found[document["status"]] = found.get(document["status"], 0) + 1
    return found


@pytest.mark.parametrize("key", PUBLISHER_KEYS)
def test_a_publishers_site_is_ingested_then_found_unchanged_by_conditional_requests(
    key: str,
    publishers_stack: Stack,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Site(build_site(key, tmp_path / key)) as site:
        first = crawl(key, site, capsys)
        indexed = [d for d in first["documents"] if d["status"] == "indexed"]
        assert len(indexed) >= 4, first
        assert not [d for d in first["documents"] if d["status"] == "failed"]
        assert first["crawl"]["requests"] == len(site.requests)
        with publishers_stack.session() as session:
            for document in indexed:
                stored = session.get(Document, document["id"])
                assert stored is not None and stored.source_metadata.get("title")
                assert stored.title == stored.source_metadata["title"]
                assert stored.source_uri.startswith(site.base_url)

        second = crawl(key, site, capsys)
        again = {d["id"]: d["status"] for d in second["documents"] if d["id"]}
        assert all(again[d["id"]] == "unchanged" for d in indexed), second
        assert second["crawl"]["new"] == second["crawl"]["changed"] == 0
        assert second["crawl"]["gone"] == 0
        assert [r.path for r in site.requests if r.status == 200] == ["/robots.txt"]
        assert second["crawl"]["not_modified"] >= len(indexed)

        changed = change_a_file(
            site.root, indexed, publisher_stack=publishers_stack, keep=TAKEN_DOWN[key][1]
        )
        take_off_the_list(site.root, TAKEN_DOWN[key][0])
        third = crawl(key, site, capsys)
        statuses = {d["id"]: d["status"] for d in third["documents"] if d["id"]}
        assert statuses[changed] == "indexed", third
        assert third["crawl"]["changed"] == 1 and third["crawl"]["gone"] == 1, third["crawl"]
        [gone] = [i for i, status in statuses.items() if status == "withdrawn"]
        with publishers_stack.session() as session:
            withdrawn = session.get(Document, gone)
            assert withdrawn is not None and TAKEN_DOWN[key][1] in withdrawn.title
            assert withdrawn.withdrawn_reason == GONE_REASON

        if key == "vive":
            # The listing is gone (a redesign, a wrong address): that is no reason to withdraw
            # every report the site had.
            (site.root / "da/udgivelser/index.html").unlink()
            fourth = crawl(key, site, capsys)
            assert fourth["crawl"]["gone"] == 0
            assert not [d for d in fourth["documents"] if d["status"] == "withdrawn"]

        if key == "sbst":
            # News drops off the feed of the latest news; it is still published.
            take_off_the_list(site.root, "/nyheder/2025/barnets-perspektiv-i-samvaerssager/")
            # The task beat sends runs the same crawl in a worker.
            app.send_task(CRAWL_TASK, args=[key, site.url("/")], queue=get_settings().queue)
            assert wait_for(lambda: len(crawls(publishers_stack, key)) == 4, timeout=60)
            last = crawls(publishers_stack, key)[-1]
            # Everything still listed, the changed file included, is unchanged since the third.
            assert (last.unchanged, last.changed, last.gone) == (len(indexed) - 2, 0, 0)


def change_a_file(
    root: Path, indexed: list[dict[str, Any]], *, publisher_stack: Stack, keep: str
) -> str:
    """Append a line to the first indexed PDF but the one taken down (whose title has ``keep``):
    its text stays, its bytes change. Its document's id."""
    for document in indexed:
        path = urlsplit(document["source_uri"]).path
        with publisher_stack.session() as session:
            stored = session.get(Document, document["id"])
            title = stored.title if stored is not None else ""
        if path.endswith(".pdf") and keep not in title:
            with (root / served_path(path)).open("ab") as file:
                file.write(b"\n% endret af udgiveren\n")
            return str(document["id"])
    raise AssertionError("no PDF was indexed")


def take_off_the_list(root: Path, path: str) -> None:
    """Remove the entry linking ``path`` from every listing, sitemap and feed of the site."""
    entry = re.compile(
        r"<(li|url|item)\b[^>]*>(?:(?!</\1>).)*?" + re.escape(path) + r"[\"<].*?</\1>\s*", re.S
    )
    removed = 0
    for page in root.rglob("*"):
        if page.suffix in (".html", ".xml") and page.parent != root / path.strip("/"):
            text = page.read_text(encoding="utf-8")
            kept, n = entry.subn("", text)
            if n:
                page.write_text(kept, encoding="utf-8")
                removed += n
    assert removed, path


def forbidden(root: Path, path: str) -> bool:
    rules = (root / "robots.txt").read_text(encoding="utf-8").splitlines()
    prefixes = [r.split(":", 1)[1].strip() for r in rules if r.startswith("Disallow:")]
    return any(prefix and path.startswith(prefix) for prefix in prefixes)


def crawls(stack: Stack, source: str) -> list[Crawl]:
    with stack.session() as session:
        found = session.scalars(
            select(Crawl).where(Crawl.source == source).order_by(Crawl.started_at)
        ).all()
        session.expunge_all()
        return list(found)
