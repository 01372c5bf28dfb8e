"""A curator corrects a report in Chromium, and the corrections survive the pipeline.

On a stack of its own (the corrections change stored documents): the curator rejects a wrong
entity, links another to a knowledge-base record and corrects the title on the document's page;
the worker applies them within seconds. The same source is then ingested again with a changed
file, and re-enriched after a model change (``vidensbank reenrich --stale``): both corrections
and the title still hold, on the page and in the API.
"""

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.browser import WIDTHS, accessibility_violations, chromium, page_at, screenshot
from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import VIDENSBANK, Stack, own_stack
from vidensbank.store.audit import AuditEvent
from vidensbank.store.documents import Document

EMAIL = "kurator.rettelser@eksempel.dk"
PASSWORD = "rettelsernes lange kode"
TITLE = "Underretninger fra skolen – rettet af en kurator"
LINK_TO = "org.folketinget"
# Kinds of entity shown unfolded on the page, where a curator meets them first.
SHOWN = ("PER", "ORG", "LOC", "LAW", "INITIATIVE")
WAIT = 90.0


@dataclass(frozen=True)
class Setting:
    stack: Stack
    base: str
    file: Path
    document_id: str


@pytest.fixture(scope="module")
def setting(stack: None, corpus: Path, run_dir: Path) -> Iterator[Setting]:
    folder = run_dir / "rettelser"
    folder.mkdir()
    source = sorted(corpus.glob("*.pdf"))[0]
    file = folder / source.name
    shutil.copy(source, file)
    with own_stack("corrections", run_dir) as own:
        added = subprocess.run(
            [VIDENSBANK, "users", "add", EMAIL, "--role", "curator"],
            input=PASSWORD + "\n",
            env=own.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        worker = start_worker("corrections", run_dir / "corrections-worker.log", 1, own.env)
        try:
            report = ingest(folder, env=own.env)
            assert [d["status"] for d in report["documents"]] == ["indexed"]
            with own.serve(run_dir / "corrections-serve.log") as base:
                yield Setting(own, base, file, report["documents"][0]["id"])
        finally:
            stop_worker(worker)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def document(setting: Setting) -> dict[str, Any]:
    response = httpx.get(f"{setting.base}/api/documents/{setting.document_id}", timeout=30)
    response.raise_for_status()
    return response.json()


def wait_until(setting: Setting, holds: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        current = document(setting)
        if holds(current):
            return current
        time.sleep(0.5)
    raise AssertionError(f"not within {WAIT} s: {current['title']}, {current['entities']}")


def names(current: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["canonical"], e["label"]) for e in current["entities"]}


def corrected(rejected: tuple[str, str], linked_text: str) -> Callable[[dict[str, Any]], bool]:
    def holds(current: dict[str, Any]) -> bool:
        return (
            current["title"] == TITLE
            and rejected not in names(current)
            and any(e["kb_id"] == LINK_TO and e["text"] == linked_text for e in current["entities"])
        )

    return holds


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/log-ind")
    page.get_by_label("E-mailadresse").fill(EMAIL)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("link", name=EMAIL)).to_be_visible()


def entity_item(page: Page, name: str, label: str) -> Locator:
    """The entity's line in the document's entity list."""
    kind = page.locator(f".reader-entity-list li:has(input[name=entity_label][value={label}])")
    return kind.filter(has=page.locator(".reader-entity-name").get_by_text(name, exact=True)).first


def model_version(setting: Setting) -> str | None:
    with setting.stack.session() as session:
        stored = session.get(Document, setting.document_id)
        assert stored is not None
        return stored.model_version


def test_corrections_survive_reingest_and_a_new_model(setting: Setting, browser: Browser) -> None:
    before = document(setting)
    shown = [e for e in before["entities"] if e["label"] in SHOWN]
    reject, link = shown[0], next(e for e in shown[1:] if e["kb_id"] != LINK_TO)
    rejected = (reject["canonical"], reject["label"])

    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, setting.base)
        page.goto(f"{setting.base}/dokument/{setting.document_id}")

        item = entity_item(page, reject["canonical"], reject["label"])
        item.locator("summary").click()
        item.get_by_label("Hvad er forkert?").select_option("reject")
        item.get_by_role("button", name="Gem rettelsen").click()
        expect(page.get_by_text("Rettelsen er gemt")).to_be_visible()

        item = entity_item(page, link["canonical"], link["label"])
        item.locator("summary").click()
        item.get_by_label("Hvad er forkert?").select_option("link")
        item.get_by_label("Den rigtige post i vidensbasen").fill(LINK_TO)
        item.get_by_role("button", name="Gem rettelsen").click()
        expect(page.get_by_text("Rettelsen er gemt")).to_be_visible()

        page.get_by_text("Ret metadata").click()
        page.get_by_label("Titel", exact=True).fill(TITLE)
        page.get_by_role("button", name="Gem rettelserne").click()
        expect(page.get_by_text("Rettelsen er gemt")).to_be_visible()

        check = corrected(rejected, link["text"])
        wait_until(setting, check)
        page.goto(f"{setting.base}/dokument/{setting.document_id}#rettelser")
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        # One line a correction, with the pages it holds for.
        expect(page.locator(".corrections-list li")).to_have_count(3)
        assert accessibility_violations(page) == []
        screenshot(page, "document-corrected")

        # The same source again, with a changed file: read again, corrections applied again.
        with setting.file.open("ab") as file:
            file.write(b"\n% en ny udgave af filen\n")
        again = ingest(setting.file.parent, env=setting.stack.env)
        assert [d["status"] for d in again["documents"]] == ["indexed"]
        assert check(document(setting))

        # A new model: the document is stale, re-enriched, and the corrections hold.
        with setting.stack.session() as session:
            stored = session.get(Document, setting.document_id)
            assert stored is not None
            model, stored.model_version = stored.model_version, "gammel-model"
        result = setting.stack.cli("reenrich", "--stale")
        assert result.returncode == 0, result.stderr
        deadline = time.monotonic() + WAIT
        while model_version(setting) != model and time.monotonic() < deadline:
            time.sleep(0.5)
        assert model_version(setting) == model
        assert check(document(setting))

        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.locator(f".reader-entity-list a[href='/entitet/{LINK_TO}']")).to_have_count(1)
        expect(entity_item(page, reject["canonical"], reject["label"])).to_have_count(0)
        page.goto(f"{setting.base}/rettelser")
        expect(page.get_by_text("Ingen rettelser skal efterses.")).to_be_visible()

    with setting.stack.session() as session:
        actions = [
            event.action for event in session.query(AuditEvent).filter(AuditEvent.actor == EMAIL)
        ]
    assert actions.count("entity.correct") == 2 and actions.count("document.correct") == 1
