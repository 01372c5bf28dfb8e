"""The entity page and the run pages in Chromium, at a desktop's and a phone's width.

Each page is checked with axe-core (no critical or serious violation), for sideways scrolling,
and photographed for a reviewer. The run page's live progress is watched on a real run: the
session's worker stops taking work from its queue, a few files of the sample corpus are
ingested through the CLI, the run page is opened on the waiting run, the worker takes the work
up again, and the page's counts must change to the end without the page being reloaded.
"""

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    WIDTHS,
    accessibility_violations,
    assert_fits,
    chromium,
    page_at,
    screenshot,
)
from tests.fixtures import VENV_BIN, start_worker, stop_worker
from tests.helpers import PROJECT_ROOT
from vidensbank.settings import get_settings

# Entities the sample corpus mentions often, the one found first is used.
WELL_MENTIONED = ("org.vive", "org.boerns-vilkaar")
# The session's worker (tests/fixtures.py names it "main").
# A few files of the sample corpus: ingested again, each ends "unchanged", so the session's
# documents and index stay as they were.
FEW_FILES = (
    "bv-2021-samtaleguide-tal-med-barnet-om-underretningen.html",
    "sfi-2012-boernesamtaler-i-kommunerne.pdf",
    "q-vive-2021-boern-anbragt-i-netvaerket.pdf",
)
LIVE_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def entity_id(server: str) -> str:
    facet = httpx.get(f"{server}/api/search", params={"size": 1}, timeout=30).json()["facets"][
        "entity"
    ]
    ids = [value["value"] for value in facet]
    return next((kb_id for kb_id in WELL_MENTIONED if kb_id in ids), ids[0])


def check_page(page: Page, page_type: str) -> Path:
    violations = accessibility_violations(page)
    assert not violations, "\n".join(violations)
    assert_fits(page)
    return screenshot(page, page_type)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_entity_page_draws_its_charts_accessibly(
    browser: Browser, server: str, entity_id: str, width: int
) -> None:
    entity = httpx.get(f"{server}/api/entities/{entity_id}", timeout=30).json()
    with page_at(browser, width) as page:
        response = page.goto(f"{server}/entitet/{entity_id}")
        assert response is not None and response.status == 200
        charts = page.locator("figure.chart svg[role=img]")
        assert charts.count() == 3
        mentions = page.locator("#omtale svg")
        assert mentions.get_attribute("aria-labelledby") == "omtale-titel"
        assert page.locator("#omtale-titel").text_content() == "Omtale over tid"
        # The numbers behind the chart: every year from the first to the last, gaps as zero.
        years = sorted(int(y) for y in entity["mentions_by_year"] if y.isdigit())
        page.locator("#omtale summary").click()
        table = page.locator("#omtale table tbody th")
        expected = [str(y) for y in range(years[0], years[-1] + 1)]
        assert table.all_inner_texts()[: len(expected)] == expected
        page.locator("#omtale summary").click()
        # Mentions in Danish: "nævnt 1 gang", "nævnt 3 gange".
        text = page.locator(".entity-documents").inner_text()
        assert "gange gang" not in text and "1 gange" not in text
        for document in entity["documents"]:
            times = "gang" if document["count"] == 1 else "gange"
            assert f"nævnt {document['count']} {times}" in text
        check_page(page, "entitet")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_run_list_and_run_page(
    browser: Browser, server: str, corpus_report: dict[str, Any], width: int
) -> None:
    run_id = corpus_report["run_id"]
    with page_at(browser, width) as page:
        page.goto(f"{server}/indlaesninger")
        run = page.locator(f"section[data-run-url='/api/runs/{run_id}']")
        assert run.locator("progress").get_attribute("value") == str(
            len(corpus_report["documents"])
        )
        assert "Færdig" in run.locator("[data-state]").inner_text()
        run.locator("details summary").click()
        assert "krypteret-rapport.pdf" in run.locator(".run-problem-list").inner_text()
        run.locator("details summary").click()
        check_page(page, "indlaesninger")

        page.goto(f"{server}/indlaesninger/{run_id}")
        rows = page.locator("table.run-items tbody tr")
        assert rows.count() == len(corpus_report["documents"])
        text = page.locator("table.run-items").inner_text()
        assert "Systemfejl" not in text
        check_page(page, "indlaesning")


def test_run_page_follows_a_run_without_reloading(
    browser: Browser, server: str, corpus: Path, corpus_report: dict[str, Any], run_dir: Path
) -> None:
    # The run goes on a queue no worker takes from yet, so the page first shows it waiting; a
    # worker for it starts once the page is open. (Pausing the session's worker with
    # cancel_consumer and add_consumer left it taking later runs' messages late or never.)
    waiting_queue = f"{get_settings().queue}-venter"
    started = subprocess.run(
        [
            str(VENV_BIN / "vidensbank"),
            "ingest",
            "--json",
            *(str(corpus / f) for f in FEW_FILES),
        ],
        cwd=PROJECT_ROOT,
        env=os.environ | {"VB_QUEUE": waiting_queue},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    run_id = json.loads(started.stdout)["run_id"]
    with page_at(browser, WIDTHS["desktop"]) as page:
        page.goto(f"{server}/indlaesninger/{run_id}")
        assert page.locator("progress").get_attribute("value") == "0"
        assert page.locator("[data-status=pending] [data-count]").inner_text() == "3"
        assert "I gang" in page.locator("[data-state]").inner_text()
        # A mark on this document: a reload would wipe it.
        page.evaluate("window.notReloaded = true")

        waiting_worker = start_worker(
            "venter", run_dir / "venter-worker.log", concurrency=1, queues=[waiting_queue]
        )
        try:
            # Waited for through locators: the page's policy forbids evaluating strings.
            expect(page.locator("[data-done]")).to_have_text("3", timeout=LIVE_TIMEOUT_MS)
            expect(page.locator("table.run-items tbody tr.status-pending")).to_have_count(
                0, timeout=LIVE_TIMEOUT_MS
            )
        finally:
            stop_worker(waiting_worker)
        assert page.evaluate("window.notReloaded") is True
        assert page.locator("progress").get_attribute("value") == "3"
        assert page.locator("[data-status=pending]").is_hidden()
        assert page.locator("[data-status=unchanged] [data-count]").inner_text() == "3"
        assert "Færdig" in page.locator("[data-state]").inner_text()
        statuses = page.locator("table.run-items tbody td .run-status").all_inner_texts()
        assert statuses == ["uændret"] * 3
