"""Hostile files through the real queue, worker, database and Elasticsearch, in one run.

Some 220 generated files (``tests/hostile_files.py``) lie beside a few good sample documents in
one folder, which is ingested once by a worker of this module's own, on its own queue. Every
file must end ``indexed`` or ``quarantined`` with a reason code its category allows; nothing may
fail or hang, no reason may show a server path, and no worker process may grow past 600 MB.
"""

import json
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest

from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest_command
from tests.hostile_files import (
    AUTHORS,
    AUTHORS_AS_TEXT,
    DECLARED_ENCODINGS,
    INDEXED,
    MARKERS,
    NON_UTF8_NAMES,
    PASSWD_LINK,
    Hostile,
    generate,
)
from tests.quality import report
from tests.stacks import Stack, own_stack
from vidensbank.identity import document_id, file_uri
from vidensbank.settings import get_settings
from vidensbank.store import runs as run_store

REDIS_DB = 13
# The budget of the whole run on this 2-core machine; a file still pending then counts as hung.
INGEST_TIMEOUT = 150
MAX_WORKER_RSS = 600 * 2**20
GOOD_FILES = 5


@dataclass(frozen=True)
class Outcome:
    filename: str
    status: str
    code: str | None
    reason: str | None
    document_id: str | None

    def shown(self) -> str:
        return f"{self.status} {self.code or ''} {self.reason or ''}".strip()


@dataclass
class HostileRun:
    folder: Path
    hostile: list[Hostile]
    good: list[str]
    outcomes: list[Outcome]
    peak_rss: int
    seconds_generating: float
    seconds_ingesting: float

    def outcome(self, name: str) -> Outcome:
        """The run's item for an entry: listed by its name, or by a path ending in it."""
        [found] = [
            o for o in self.outcomes if o.filename == name or o.filename.endswith(f"/{name}")
        ]
        return found

    def mismatches(self) -> list[tuple[Hostile, Outcome | None]]:
        wrong: list[tuple[Hostile, Outcome | None]] = []
        for entry in self.hostile:
            try:
                outcome: Outcome | None = self.outcome(entry.name)
            except ValueError:
                outcome = None
            if outcome is None or not acceptable(entry, outcome):
                wrong.append((entry, outcome))
        return wrong


def acceptable(entry: Hostile, outcome: Outcome) -> bool:
    if outcome.status == "indexed":
        return INDEXED in entry.accept
    return outcome.status == "quarantined" and outcome.code in entry.accept


class PeakRss(threading.Thread):
    """Samples the largest resident set of any single process of the worker's tree."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in processes:
                try:
                    self.peak = max(self.peak, process.memory_info().rss)
                except psutil.NoSuchProcess:
                    continue

    def stop(self) -> int:
        self.stopping.set()
        self.join()
        return self.peak


def copy_good_files(corpus: Path, folder: Path) -> list[str]:
    """A few rendered sample documents, PDF and HTML, copied beside the hostile files."""
    names = sorted(json.loads((corpus / "manifest.json").read_text(encoding="utf-8")))
    pdfs = [n for n in names if n.endswith(".pdf")][:3]
    htmls = [n for n in names if n.endswith(".html")][: GOOD_FILES - len(pdfs)]
    for name in pdfs + htmls:
        shutil.copyfile(corpus / name, folder / name)
    return pdfs + htmls


def summarize(run: HostileRun) -> list[str]:
    """One line per category: how many files, what became of them, how many did not match."""
    wrong = {entry.name for entry, _outcome in run.mismatches()}
    by_category: dict[str, list[Hostile]] = {}
    for entry in run.hostile:
        by_category.setdefault(entry.category, []).append(entry)
    lines = [f"{'category':<28} {'files':>5} {'wrong':>5}  outcomes"]
    for category, entries in by_category.items():
        seen: Counter[str] = Counter()
        for entry in entries:
            try:
                outcome = run.outcome(entry.name)
                quarantined = outcome.status == "quarantined"
                seen[(outcome.code or "?") if quarantined else outcome.status] += 1
            except ValueError:
                seen["not listed"] += 1
        bad = sum(entry.name in wrong for entry in entries)
        shown = ", ".join(f"{key} {count}" for key, count in seen.most_common())
        lines.append(f"{category:<28} {len(entries):>5} {bad:>5}  {shown}")
    lines.append(
        f"{len(run.hostile)} hostile and {len(run.good)} good files; generated in "
        f"{run.seconds_generating:.1f} s, ingested in {run.seconds_ingesting:.1f} s; largest "
        f"worker process {run.peak_rss / 2**20:.0f} MB"
    )
    lines.extend(
        f"MISMATCH {entry.name!r} ({entry.category}): got "
        f"{outcome.shown() if outcome else 'not listed'}; accepts {sorted(entry.accept)}"
        for entry, outcome in run.mismatches()
    )
    return lines


@pytest.fixture(scope="module")
def hostile_stack(stack: None, run_dir: Path) -> Iterator[Stack]:
    # Kombu's Redis transport keeps the unacknowledged tasks of all queues of a database in one
    # hash, and every worker on it hands back those older than its own visibility timeout (the
    # session's worker: 30 s), so our slow tasks would run again and again. Hence a database of
    # our own, besides a stack of our own.
    broker = urlsplit(get_settings().broker_url)._replace(path=f"/{REDIS_DB}").geturl()
    with own_stack(
        "hostile", run_dir, VB_BROKER_URL=broker, VB_BROKER_VISIBILITY_TIMEOUT="600"
    ) as own:
        yield own


@pytest.fixture(scope="module")
def hostile_run(hostile_stack: Stack, corpus: Path, run_dir: Path) -> Iterator[HostileRun]:
    folder = run_dir / "fjendtlige" / "samling"
    started = time.monotonic()
    hostile = generate(folder)
    seconds_generating = time.monotonic() - started
    good = copy_good_files(corpus, folder)

    env = hostile_stack.env
    worker = start_worker("hostile", run_dir / "hostile-worker.log", concurrency=2, env=env)
    sampler = PeakRss(worker.pid)
    sampler.start()
    started = time.monotonic()
    finished = False
    try:
        result = subprocess.run(
            ingest_command(folder, timeout=INGEST_TIMEOUT),
            env=env,
            capture_output=True,
            text=True,
            timeout=INGEST_TIMEOUT + 60,
        )
        seconds_ingesting = time.monotonic() - started
        # 2: the timeout was reached with files still pending; the test below names them.
        assert result.returncode in (0, 2), result.stderr
        finished = result.returncode == 0
        run_id = json.loads(result.stdout)["run_id"]
    finally:
        peak_rss = sampler.stop()
        # A worker still busy after the timeout would hold up a warm shutdown.
        stop_worker(worker, signal.SIGTERM if finished else signal.SIGKILL)

    with hostile_stack.session() as session:
        ingest_run = run_store.get_run(session, run_id=run_id)
        assert ingest_run is not None
        outcomes = [
            Outcome(i.filename, i.status, i.reason_code, i.reason, i.document_id)
            for i in ingest_run.items
        ]
    run = HostileRun(
        folder, hostile, good, outcomes, peak_rss, seconds_generating, seconds_ingesting
    )
    report("hostile files (outcome by category)", summarize(run))
    yield run


@pytest.fixture(scope="module")
def api(hostile_stack: Stack, hostile_run: HostileRun, run_dir: Path) -> Iterator[httpx.Client]:
    """The API of the hostile run's own stack, over HTTP."""
    with (
        hostile_stack.serve(run_dir / "hostile-api.log") as url,
        httpx.Client(base_url=url) as client,
    ):
        yield client


def test_every_hostile_file_ends_with_an_acceptable_outcome(hostile_run: HostileRun) -> None:
    wrong = [
        f"{entry.name!r}: {outcome.shown() if outcome else 'not listed'} "
        f"(accepts {sorted(entry.accept)})"
        for entry, outcome in hostile_run.mismatches()
    ]
    assert not wrong, f"{len(wrong)} files ended wrong:\n" + "\n".join(wrong)


def test_nothing_failed_hung_or_appeared_unasked(hostile_run: HostileRun) -> None:
    statuses = Counter(outcome.status for outcome in hostile_run.outcomes)
    assert statuses["failed"] == 0, [o for o in hostile_run.outcomes if o.status == "failed"]
    assert statuses["pending"] == 0, [
        o.filename for o in hostile_run.outcomes if o.status == "pending"
    ]
    expected = len(hostile_run.hostile) + len(hostile_run.good)
    assert len(hostile_run.outcomes) == expected


def test_good_files_beside_hostile_ones_are_indexed(hostile_run: HostileRun) -> None:
    for name in hostile_run.good:
        outcome = hostile_run.outcome(name)
        assert outcome.status == "indexed" and outcome.reason is None, outcome


def test_reasons_never_name_a_server_path(hostile_run: HostileRun) -> None:
    leaks = [
        outcome
        for outcome in hostile_run.outcomes
        if outcome.reason is not None
        and any(
            path in outcome.reason
            for path in ("/tmp", "file://", str(hostile_run.folder.parent.parent), "/etc/")
        )
    ]
    assert not leaks


def test_worker_memory_stays_bounded(hostile_run: HostileRun) -> None:
    assert 0 < hostile_run.peak_rss < MAX_WORKER_RSS, f"{hostile_run.peak_rss / 2**20:.0f} MB"


@pytest.mark.parametrize("name", sorted(MARKERS))
def test_word_on_the_last_page_is_found(
    hostile_run: HostileRun, api: httpx.Client, name: str
) -> None:
    word, page = MARKERS[name]
    outcome = hostile_run.outcome(name)
    assert outcome.status == "indexed", outcome
    response = api.get("/api/search", params={"q": word, "size": 50})
    assert response.status_code == 200, response.text
    [result] = [r for r in response.json()["results"] if r["id"] == outcome.document_id]
    if result["hits"]:
        assert page in {hit["page"] for hit in result["hits"]}


@pytest.mark.parametrize("name", DECLARED_ENCODINGS)
def test_declared_encodings_are_decoded(
    hostile_run: HostileRun, api: httpx.Client, name: str
) -> None:
    outcome = hostile_run.outcome(name)
    assert outcome.status == "indexed", outcome
    text = "\n".join(
        p["text"] for p in api.get(f"/api/documents/{outcome.document_id}").json()["pages"]
    )
    assert "Børn" in text and "\ufffd" not in text


def test_authors_given_as_one_string_are_two_people(
    hostile_run: HostileRun, api: httpx.Client
) -> None:
    outcome = hostile_run.outcome(AUTHORS_AS_TEXT)
    assert outcome.status == "indexed", outcome
    assert api.get(f"/api/documents/{outcome.document_id}").json()["authors"] == AUTHORS


def test_link_to_etc_passwd_creates_no_document(hostile_run: HostileRun, api: httpx.Client) -> None:
    outcome = hostile_run.outcome(PASSWD_LINK)
    assert (outcome.status, outcome.code, outcome.document_id) == (
        "quarantined",
        "outside_root",
        None,
    )
    for uri in (file_uri(hostile_run.folder / PASSWD_LINK), "file:///etc/passwd"):
        assert api.get(f"/api/documents/{document_id(uri)}").status_code == 404


@pytest.mark.parametrize("name", NON_UTF8_NAMES)
def test_names_that_are_not_utf8_are_shown_with_a_replacement_character(
    hostile_run: HostileRun, api: httpx.Client, name: str
) -> None:
    outcome = hostile_run.outcome(name)
    assert outcome.status == "indexed", outcome
    assert api.get(f"/api/documents/{outcome.document_id}").json()["filename"] == name


def test_generator_is_quick_and_deterministic(hostile_run: HostileRun, tmp_path: Path) -> None:
    assert hostile_run.seconds_generating < 10
    again = generate(tmp_path / "igen")
    assert again == hostile_run.hostile
    assert len(again) >= 210
