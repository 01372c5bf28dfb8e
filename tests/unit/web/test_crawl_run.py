"""A run that a crawl started shows the crawl's figures, on its page and in its JSON twin."""

import datetime as dt
import re
from typing import cast

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.api.runs import retry
from tests.accounts import add, logged_in
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError
from vidensbank.store import crawl as crawl_store
from vidensbank.store import runs as run_store
from vidensbank.store.crawl import CrawlFigures
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.runs import ItemStatus, NewItem
from web.app import app

FIGURES = CrawlFigures(
    requests=41, pages=7, not_modified=30, new=2, changed=1, unchanged=28, gone=1, seconds=43.5
)


def crawled_run() -> str:
    migrate()
    with session_scope() as session:
        run = run_store.create_run(
            session,
            queue="crawl-run-test",
            items=[
                NewItem(
                    filename="rapport.pdf",
                    location="blob:" + "0" * 64,
                    source_uri="https://udgiver.example/rapport.pdf",
                    source_metadata={"title": "Rapport"},
                    status=ItemStatus.UNCHANGED,
                )
            ],
        )
        crawl_store.record_crawl(
            session,
            run_id=run.id,
            source="vive",
            base_url="https://udgiver.example/",
            since=dt.date(2024, 1, 1),
            started_at=dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC),
            figures=FIGURES,
        )
        return run.id


def test_a_crawled_run_shows_its_figures_and_a_plain_run_none() -> None:
    run_id = crawled_run()
    client = TestClient(app)
    run = client.get(f"/api/runs/{run_id}").json()
    assert run["crawl"]["source"] == "vive" and run["crawl"]["since"] == "2024-01-01"
    assert {name: run["crawl"][name] for name in FIGURES.as_dict()} == FIGURES.as_dict()
    assert run["documents"][0]["status"] == "unchanged"
    listed = {r["run_id"]: r for r in client.get("/api/runs").json()["runs"]}
    assert listed[run_id]["crawl"] == run["crawl"]

    page = client.get(f"/indlaesninger/{run_id}")
    assert page.status_code == 200
    assert "Gennemgang af vive" in page.text
    assert "<dt>Uændret siden sidst (ikke hentet igen)</dt><dd>30</dd>" in page.text
    assert "<dt>Sekunder</dt><dd>43,5</dd>" in page.text
    # The run's own page tells runs apart by the second too, as the list does.
    title = re.search(r"<title>(.*?)</title>", page.text)
    assert title is not None and re.search(r"kl\. \d\d:\d\d:\d\d", title.group(1))
    # A file without a reason has an empty cell, which a phone hides (it showed a bare label).
    assert '<td data-label="Begrundelse"></td>' in page.text

    with session_scope() as session:
        plain = run_store.create_run(session, queue="crawl-run-test", items=[]).id
    assert client.get(f"/api/runs/{plain}").json()["crawl"] is None
    assert "Gennemgang af" not in client.get(f"/indlaesninger/{plain}").text

    # In the list, runs started in the same minute had one heading (and one landmark name):
    # each is told apart by the second it began and by what it read.
    listing = client.get("/indlaesninger").text
    heading = re.search(rf'<h2 id="indlaesning-{run_id}">(.*?)</h2>', listing)
    assert heading is not None
    assert re.search(r"kl\. \d\d:\d\d:\d\d</a>.*: gennemgang af vive", heading.group(1))


def test_a_crawled_file_is_not_fetched_again_by_hand() -> None:
    """A retry would fetch the address without the crawl's bounds (hosts, robots.txt, pace)."""
    migrate()
    with session_scope() as session:
        run = run_store.create_run(
            session,
            queue="crawl-run-test",
            items=[
                NewItem(
                    filename="ude.pdf",
                    location="https://udgiver.example/ude.pdf",
                    source_uri="https://udgiver.example/ude.pdf",
                    source_metadata={},
                    reason_code="not_allowed",
                    reason="Adressen fører til en anden vært.",
                )
            ],
        )
        crawl_store.record_crawl(
            session,
            run_id=run.id,
            source="vive",
            base_url="https://udgiver.example/",
            since=None,
            started_at=dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC),
            figures=CrawlFigures(),
        )
        run_id = run.id
    with pytest.raises(BadRequestError, match="Bed driften om at starte en gennemgang nu"):
        retry(cast(Account, None), run_id, 1)

    # The page offers no button that can only fail, and says when the file comes again.
    add("gennemgang@eksempel.dk")
    page = HTMLParser(logged_in("gennemgang@eksempel.dk").get(f"/indlaesninger/{run_id}").text)
    assert page.css_first("form.run-retry") is None
    note = page.css_first("p.run-retry")
    assert note is not None
    assert note.text() == "Filen hentes igen ved næste gennemgang af udgiverens websted."
