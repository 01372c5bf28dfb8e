"""The three publishers' adapters crawled with the real crawler over their fixture sites
(tests/fixtures/sites/), each served by a local server that logs its requests: the first crawl
ingests what each site lists, with the publisher's metadata; the second is all unchanged,
every page and file asked for conditionally and answered 304."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.faults import wait_for
from tests.fixture_sites import PUBLISHER_KEYS, build_site
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
        assert min(site.gaps()) >= DELAY - 0.005
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

        if key == "sbst":
            # The task beat sends runs the same crawl in a worker.
            app.send_task(CRAWL_TASK, args=[key, site.url("/")], queue=get_settings().queue)
            assert wait_for(lambda: len(crawls(publishers_stack, key)) == 3, timeout=60)
            assert crawls(publishers_stack, key)[-1].unchanged == len(indexed)


def crawls(stack: Stack, source: str) -> list[Crawl]:
    with stack.session() as session:
        found = session.scalars(
            select(Crawl).where(Crawl.source == source).order_by(Crawl.started_at)
        ).all()
        session.expunge_all()
        return list(found)
