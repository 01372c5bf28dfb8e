"""A curator's work on the pipeline in Chromium, on a stack of its own (it changes stored
documents).

Corrections: the curator rejects a wrong entity, links another to a knowledge-base record and
corrects the title on the document's page; the worker applies them within seconds. The same
source is then ingested again with a changed file, and re-enriched after a model change
(``vidensbank reenrich --stale``): both corrections and the title still hold, on the page, in
the API and in the training export.

Ingest from the browser: the curator uploads two files and watches the run finish, runs the
quarantined one again with one click, then uploads a readable file under the same name, which
replaces the refused document.

Personal data: a case note with a child's name and a CPR number is held back (not found, 404
for everyone else); the curator sees the findings, redacts the name, releases the document, and
the redacted text is what search finds, also after the file changes.

The knowledge base: the curator gives a record another name and merges it into a second one on
the record's page; each reaches the document without a command (it waited for ``vidensbank
reenrich --stale``), and the edits outlive ``vidensbank init`` and a changed YAML seed.
"""

import json
import re
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

from nlp_models.knowledge_base import load_knowledge_base
from nlp_models.training.corpus import parse_line
from tests.e2e.browser import (
    WIDTHS,
    accessibility_violations,
    assert_fits,
    chromium,
    page_at,
    screenshot,
)
from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import VIDENSBANK, Stack, own_stack
from vidensbank.settings import get_settings
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
    with own_stack("corrections", run_dir, VB_VAR=str(run_dir / "corrections-var")) as own:
        add_account(own, EMAIL, "curator")
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
    """The document once it holds; until its changed text is screened for personal data again
    it is no one's to read (a 404), and that is no answer yet."""
    deadline = time.monotonic() + WAIT
    current: dict[str, Any] = {"title": None, "entities": None}
    while time.monotonic() < deadline:
        response = httpx.get(f"{setting.base}/api/documents/{setting.document_id}", timeout=30)
        if response.status_code != 404:
            response.raise_for_status()
            current = response.json()
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


def add_account(stack: Stack, email: str, role: str) -> None:
    added = subprocess.run(
        [VIDENSBANK, "users", "add", email, "--role", role],
        input=PASSWORD + "\n",
        env=stack.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr


def log_in(page: Page, base: str, email: str = EMAIL) -> None:
    page.goto(f"{base}/log-ind")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("link", name=email)).to_be_visible()


def entity_item(page: Page, name: str, label: str) -> Locator:
    """The entity's line in the document's entity list."""
    kind = page.locator(f"section[aria-labelledby=navne-{label.lower()}] .reader-entity-list li")
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
        # "Ret" opens the name's form, the only one on the page.
        item.locator("a.entity-fix-link").click()
        item.get_by_label("Hvad er forkert?").select_option("reject")
        item.get_by_role("button", name="Gem rettelsen").click()
        expect(page.get_by_text("Rettelsen er gemt")).to_be_visible()

        item = entity_item(page, link["canonical"], link["label"])
        # "Ret" opens the name's form, the only one on the page.
        item.locator("a.entity-fix-link").click()
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

    exported = setting.stack.cli("corrections", "export")
    assert exported.returncode == 0, exported.stderr
    lines = [line for line in exported.stdout.splitlines() if not line.startswith("#")]
    sentences = [parse_line(line) for line in lines]
    assert any(e.kb_id == LINK_TO for sentence in sentences for e in sentence.entities)
    assert any(reject["text"] in sentence.text for sentence in sentences)
    assert not any(f"[[{reject['text']}|{reject['label']}" in line for line in lines)

    with setting.stack.session() as session:
        actions = [
            event.action for event in session.query(AuditEvent).filter(AuditEvent.actor == EMAIL)
        ]
    assert actions.count("entity.correct") == 2 and actions.count("document.correct") == 1


def status_of(page: Page, filename: str) -> Locator:
    return page.locator("tr", has=page.get_by_text(filename, exact=True)).locator(".run-status")


def test_upload_watch_the_run_and_retry(
    setting: Setting, browser: Browser, corpus: Path, tmp_path: Path
) -> None:
    refused, readable = tmp_path / "refused", tmp_path / "readable"
    refused.mkdir()
    readable.mkdir()
    name = "rapport-til-rettelse.pdf"
    shutil.copy(corpus / "broken" / "krypteret-rapport.pdf", refused / name)
    shutil.copy(sorted(corpus.glob("*.pdf"))[1], readable / name)
    shutil.copy(sorted(corpus.glob("*.pdf"))[2], refused / "god-rapport.pdf")

    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, setting.base)
        page.goto(f"{setting.base}/indlaesninger")
        page.get_by_label("Indlæs filer").set_input_files(
            [refused / name, refused / "god-rapport.pdf"]
        )
        page.get_by_role("button", name="Indlæs", exact=True).click()
        expect(status_of(page, "god-rapport.pdf")).to_have_text("søgbar", timeout=WAIT * 1000)
        expect(status_of(page, name)).to_have_text("i karantæne", timeout=WAIT * 1000)
        first_run = page.url
        assert accessibility_violations(page) == []
        screenshot(page, "run-uploaded")

        # Chromium names the button "Prøv igen : …" (its hidden part is positioned apart).
        page.get_by_role("button", name=re.compile(rf"Prøv igen\s*:\s*{re.escape(name)}")).click()
        expect(page).not_to_have_url(first_run)
        expect(status_of(page, name)).to_have_text("i karantæne", timeout=WAIT * 1000)

        page.goto(f"{setting.base}/indlaesninger")
        page.get_by_label("Indlæs filer").set_input_files(readable / name)
        page.get_by_role("button", name="Indlæs", exact=True).click()
        expect(status_of(page, name)).to_have_text("søgbar", timeout=WAIT * 1000)
        run_id = page.url.rsplit("/", 1)[-1]

    runs = httpx.get(f"{setting.base}/api/runs", timeout=30).json()["runs"]
    ids = {run["run_id"]: {d["filename"]: d["id"] for d in run["documents"]} for run in runs}
    first = ids[first_run.rsplit("/", 1)[-1]]
    # The corrected file took the refused one's place: one document, now searchable.
    assert ids[run_id][name] == first[name]
    with setting.stack.session() as session:
        actions = [
            event.action for event in session.query(AuditEvent).filter(AuditEvent.actor == EMAIL)
        ]
    assert actions.count("run.upload") == 2 and actions.count("run.retry") == 1


def stale_reenriched(setting: Setting, holds: Callable[[dict[str, Any]], bool]) -> None:
    """``vidensbank reenrich --stale``, then wait until the document shows the change."""
    result = setting.stack.cli("reenrich", "--stale")
    assert result.returncode == 0, result.stderr
    wait_until(setting, holds)


def linked(text: str, kb_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda current: any(
        e["text"] == text and e["kb_id"] == kb_id for e in current["entities"]
    )


def test_knowledge_base_edits_reach_documents_and_survive_a_yaml_update(
    setting: Setting, browser: Browser, tmp_path: Path
) -> None:
    unlinked = next(
        e for e in document(setting)["entities"] if e["kb_id"] is None and e["label"] in SHOWN
    )
    kb = load_knowledge_base(get_settings().kb_dir)
    alias_of, merged_into = sorted(
        r.id for r in kb.records.values() if r.type == unlinked["label"]
    )[:2]

    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, setting.base)
        page.goto(f"{setting.base}/entitet/{alias_of}")
        page.get_by_label("Ændring").select_option("alias")
        page.get_by_label(
            "Navnet – eller, når posten skal slås sammen, id'et på den anden post"
        ).fill(unlinked["text"])
        page.get_by_role("button", name="Gem ændringen").click()
        expect(page.get_by_text("Ændringen er gemt")).to_be_visible()
        expect(page.locator(".corrections-list li")).to_have_count(1)
        assert accessibility_violations(page) == []
        screenshot(page, "entity-curator")
        wait_until(setting, linked(unlinked["text"], alias_of))

        page.get_by_label("Ændring").select_option("merge")
        page.get_by_label(
            "Navnet – eller, når posten skal slås sammen, id'et på den anden post"
        ).fill(merged_into)
        page.get_by_role("button", name="Gem ændringen").click()
        expect(page).to_have_url(re.compile(f"/entitet/{re.escape(merged_into)}"))
        wait_until(setting, linked(unlinked["text"], merged_into))
    moved = httpx.get(f"{setting.base}/entitet/{alias_of}", timeout=30)
    assert moved.status_code == 307 and moved.headers["location"] == f"/entitet/{merged_into}"

    # The edits live apart from the YAML seed: `init` keeps them, and so does a changed seed.
    assert setting.stack.cli("init").returncode == 0
    seed = tmp_path / "kb"
    shutil.copytree(get_settings().kb_dir, seed)
    (seed / "ekstra.yaml").write_text(
        "- id: org.ny-forening\n  type: ORG\n  name: Den Nye Forening for Børns Rettigheder\n",
        encoding="utf-8",
    )
    found = subprocess.run(
        [VIDENSBANK, "entities", "--json", str(setting.file)],
        env=setting.stack.env | {"VB_KB_DIR": str(seed)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    entities = json.loads(found.stdout)["entities"]
    assert any(e["text"] == unlinked["text"] and e["kb_id"] == merged_into for e in entities)


# A case note that must never be published as it stands (invented child, invented number).
CHILD = "Frederikke Holm Vestergaard"
CPR = "150315-4028"
CASE_NOTE = f"""<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Sagsnotat om skolefravær</title></head>
<body><main>
<h1>Sagsnotat om skolefravær på Tjørnehøjskolen</h1>
<p>Barnets navn: {CHILD}</p>
<p>CPR-nr.: {CPR}</p>
<p>Tjørnehøjskolen har underrettet om {CHILD}, 11 år, der går i 5. klasse. Pigen har haft
et stort fravær siden efterårsferien, og skolen er bekymret for hendes trivsel.</p>
<p>Socialrådgiveren holder en børnesamtale med pigen i næste uge.</p>
</main></body></html>
"""


def anonymous(setting: Setting, path: str) -> httpx.Response:
    return httpx.get(f"{setting.base}{path}", timeout=30)


def found_by_search(setting: Setting, words: str) -> set[str]:
    answer = anonymous(setting, f"/api/search?q={words}")
    assert answer.status_code == 200
    return {result["id"] for result in answer.json()["results"]}


def test_a_case_note_is_held_until_a_curator_redacts_and_releases_it(
    setting: Setting, browser: Browser, run_dir: Path
) -> None:
    folder = run_dir / "personoplysninger"
    folder.mkdir()
    note = folder / "sagsnotat-skolefravaer.html"
    note.write_text(CASE_NOTE, encoding="utf-8")
    report = ingest(folder, env=setting.stack.env)
    [held] = report["documents"]
    assert held["status"] == "held", held
    document_id = held["id"]

    # Held: not found, and as if it did not exist for anyone but a curator.
    assert document_id not in found_by_search(setting, "Tjørnehøjskolen")
    for path in (f"/dokument/{document_id}", f"/api/documents/{document_id}"):
        assert anonymous(setting, path).status_code == 404
    assert anonymous(setting, f"/api/documents/{document_id}/original").status_code == 404
    # A file's name may say whose case it is: the run shows it to curators only.
    run = anonymous(setting, f"/api/runs/{report['run_id']}").json()
    assert [d["filename"] for d in run["documents"]] != [note.name]
    assert run["documents"][0]["status"] == "held" and run["documents"][0]["id"] is None

    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, setting.base)
        page.goto(f"{setting.base}/personoplysninger")
        listed = page.locator(".personal-data-document").filter(has_text="Sagsnotat om skolefravær")
        expect(listed.get_by_text("Tilbageholdt")).to_be_visible()
        expect(listed.get_by_text(CPR)).to_be_visible()
        assert accessibility_violations(page) == []
        screenshot(page, "personal-data-held")

        listed.get_by_role("link").click()
        expect(page.get_by_text("Tilbageholdt for personoplysninger")).to_be_visible()
        findings = page.locator("#personoplysninger .personal-data-list li")
        expect(findings.filter(has_text="Barns navn")).to_have_count(1)
        expect(findings.filter(has_text="CPR-nummer")).to_have_count(1)
        assert accessibility_violations(page) == []
        screenshot(page, "personal-data-findings")

        page.get_by_role("button", name=re.compile(r"Skjul.*barns navn")).click()
        expect(page.get_by_text("Oplysningen er skjult")).to_be_visible()
        # The number still holds the document back; the curator lets it stand.
        page.get_by_role("button", name="Frigiv dokumentet").click()
        expect(page.get_by_text("Dokumentet er frigivet")).to_be_visible()
        expect(page.get_by_text("Tilbageholdt for personoplysninger")).to_have_count(0)

    def redacted_text() -> str:
        answer = anonymous(setting, f"/api/documents/{document_id}")
        assert answer.status_code == 200
        return " ".join(p["text"] for p in answer.json()["pages"])

    text = redacted_text()
    assert "[skjult]" in text and CHILD not in text and "Vestergaard" not in text
    assert document_id in found_by_search(setting, "Tjørnehøjskolen")
    assert document_id not in found_by_search(setting, "Vestergaard")
    assert anonymous(setting, f"/api/documents/{document_id}/original").status_code == 404

    # A changed file of the same source: read again, the redaction applied again, the released
    # number not held again.
    with note.open("a", encoding="utf-8") as file:
        file.write("<!-- en ny udgave -->\n")
    again = ingest(folder, env=setting.stack.env)
    assert [d["status"] for d in again["documents"]] == ["indexed"]
    text = redacted_text()
    assert "[skjult]" in text and CHILD not in text

    # The data is stored once, with the finding: not in the audit trail, not in the logs.
    with setting.stack.session() as session:
        events = [
            (e.action, json.dumps([e.target, e.before, e.after], ensure_ascii=False))
            for e in session.query(AuditEvent).all()
            if e.action.startswith("personal_data.")
        ]
    assert {action for action, _said in events} == {
        "personal_data.redact",
        "personal_data.release",
    }
    for _action, said in events:
        assert CHILD not in said and "Vestergaard" not in said and CPR not in said
    # (The server's access log has the test's own search for the name: a user's query.)
    logged = (run_dir / "corrections-worker.log").read_text(encoding="utf-8", errors="replace")
    assert "Vestergaard" not in logged and CPR not in logged


def test_an_admin_reads_the_curators_work_in_the_audit_trail(
    setting: Setting, browser: Browser
) -> None:
    admin = "tilsyn.rettelser@eksempel.dk"
    add_account(setting.stack, admin, "admin")
    with page_at(browser, WIDTHS["desktop"]) as page:
        log_in(page, setting.base, admin)
        page.goto(f"{setting.base}/revision")
        page.get_by_label("Hvem (e-mailadresse)").fill(EMAIL)
        page.get_by_role("button", name="Vis", exact=True).click()
        rows = page.locator("table tbody tr")
        expect(rows.first).to_be_visible()
        actions = set(rows.locator("td:nth-child(3)").all_inner_texts())
        assert {"navn rettet", "metadata rettet", "filer indlæst", "fil prøvet igen"} <= actions
        assert "vidensbasen rettet" in actions
        assert {"personoplysning skjult", "personoplysninger godkendt"} <= actions
        assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == {EMAIL}
        assert accessibility_violations(page) == []
        screenshot(page, "audit-curator-work")


def test_the_curators_forms_fit_a_phone(setting: Setting, browser: Browser) -> None:
    with page_at(browser, WIDTHS["phone"]) as page:
        log_in(page, setting.base)
        page.goto(f"{setting.base}/dokument/{setting.document_id}")
        page.locator("a.entity-fix-link").first.click()
        page.get_by_text("Ret metadata").click()
        assert_fits(page)
        assert accessibility_violations(page) == []
        screenshot(page, "document-curator-forms")
        kb_id = next(e["kb_id"] for e in document(setting)["entities"] if e["kb_id"])
        for path in (f"/entitet/{kb_id}", "/indlaesninger", "/rettelser", "/personoplysninger"):
            page.goto(f"{setting.base}{path}")
            assert_fits(page)
            assert accessibility_violations(page) == []
