"""Ingest runs as the API and the pages report them, and the curators' uploads and retries."""

import os
import stat
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from ingest.runs import list_sources, start_run
from ingest.sources import is_web_address
from ingest.sources.upload import clean_name, store_uploads
from nlp_models.personal_data import redact_filename, redacted_keys
from search_api.api.schemas import (
    CrawlPublic,
    IngestItemPublic,
    IngestRunList,
    IngestRunPublic,
)
from vidensbank.accounts import Account
from vidensbank.celery_app import require_broker
from vidensbank.errors import BadRequestError, NotFoundError
from vidensbank.identity import path_from_uri, public_source_uri
from vidensbank.store import audit
from vidensbank.store import crawl as crawl_store
from vidensbank.store import runs as run_store
from vidensbank.store.crawl import Crawl
from vidensbank.store.db import session_scope
from vidensbank.store.runs import IngestItem, IngestRun, ItemStatus

MAX_UPLOAD_FILES = 50
CANNOT_RETRY = (
    "Filen kan ikke prøves igen herfra (den er ikke længere en almindelig fil samme sted); "
    "indlæs dens mappe igen."
)


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# A held file's name may itself say whose case it is: only curators see it in a run.
HELD_FILE = "Tilbageholdt fil (personoplysninger; kun kuratorer ser navnet)"
# What a curator reads of a held file: its reason was empty, and nothing led to the review.
HELD_REASON = "Der står personoplysninger i den, som en kurator skal se efter, før den kan findes."


def _item_public(item: IngestItem, show_held: bool, redacted: set[str]) -> IngestItemPublic:
    if item.status == ItemStatus.HELD and not show_held:
        return IngestItemPublic(
            filename=HELD_FILE,
            source_uri=None,
            status=item.status,
            id=None,
            reason_code=None,
            reason=None,
        )
    return IngestItemPublic(
        filename=redact_filename(item.filename, redacted),
        source_uri=public_source_uri(item.source_uri),
        status=item.status,
        id=item.document_id,
        reason_code=item.reason_code,
        reason=HELD_REASON if item.status == ItemStatus.HELD else item.reason,
    )


def _run_public(
    run: IngestRun, crawl: Crawl | None, show_held: bool, redacted: dict[str, set[str]]
) -> IngestRunPublic:
    """``redacted``: the keys curators redacted in the items' documents, which their files'
    names lose too."""
    return IngestRunPublic(
        run_id=run.id,
        created_at=run.created_at,
        counts=dict(Counter(item.status for item in run.items)),
        documents=[
            _item_public(item, show_held, redacted.get(item.document_id or "", set()))
            for item in run.items
        ],
        crawl=None
        if crawl is None
        else CrawlPublic(
            source=crawl.source,
            base_url=crawl.base_url,
            since=crawl.since,
            started_at=crawl.started_at,
            **crawl.figures().as_dict(),
        ),
    )


def get_run(run_id: str, *, show_held: bool) -> IngestRunPublic:
    """A run and what became of its files; the names of held files only for ``show_held``
    (a curator, or the operator's command line)."""
    with session_scope() as session:
        run = run_store.get_run(session, run_id=run_id)
        if run is None:
            raise NotFoundError("Indlæsningen findes ikke.")
        crawl = crawl_store.get_crawl(session, run_id=run_id)
        return _run_public(run, crawl, show_held, _redactions(session, [run]))


def list_runs(*, show_held: bool) -> IngestRunList:
    with session_scope() as session:
        found = run_store.list_runs(session)
        crawls = crawl_store.crawls_of(session, run_ids=[run.id for run in found])
        redacted = _redactions(session, found)
        return IngestRunList(
            runs=[_run_public(run, crawls.get(run.id), show_held, redacted) for run in found]
        )


def _redactions(session: Session, runs: Sequence[IngestRun]) -> dict[str, set[str]]:
    ids = {item.document_id for run in runs for item in run.items if item.document_id}
    return redacted_keys(session, document_ids=sorted(ids))


def upload(account: Account, files: list[tuple[str, BinaryIO]]) -> str:
    """Start a run on files uploaded in the browser; return its id."""
    if not files:
        raise BadRequestError("Vælg en eller flere filer.")
    if len(files) > MAX_UPLOAD_FILES:
        raise BadRequestError(f"Du kan indlæse højst {MAX_UPLOAD_FILES} filer ad gangen.")
    # Every name checked before any file replaces an earlier upload.
    names = [clean_name(name) for name, _data in files]
    if len(set(names)) < len(names):
        same = next(name for name in names if names.count(name) > 1)
        raise BadRequestError(
            f"To af filerne får samme navn her ({same}): giv dem forskellige navne, og prøv igen."
        )
    # The queue first: a refused upload must not have replaced an earlier one of its name.
    require_broker("Filerne er ikke modtaget, og intet er sat i gang.")
    paths = store_uploads(files)
    # Listed as the command line lists files: the same checks.
    items = list_sources([str(path) for path in paths])
    run_id = start_run(items)
    with session_scope() as session:
        audit.record(
            session,
            actor=account.email,
            action="run.upload",
            target=f"indlaesning:{run_id}",
            after={"files": [item.filename for item in items]},
        )
    return run_id


def retry(account: Account, run_id: str, number: int) -> str:
    """Run the ``number``-th file of a run (as the run lists them, from 1) again from where it
    came, when it was quarantined or failed; return the new run's id. The file is listed again
    as a new ingest of its path or address would list it, with the same checks."""
    with session_scope() as session:
        run = run_store.get_run(session, run_id=run_id)
        if run is None or not 1 <= number <= len(run.items):
            raise NotFoundError("Filen findes ikke i indlæsningen.")
        item = run.items[number - 1]
        if item.status not in (ItemStatus.QUARANTINED, ItemStatus.FAILED):
            raise BadRequestError("Kun filer i karantæne eller med fejl kan prøves igen.")
        if crawl_store.get_crawl(session, run_id=run_id) is not None:
            # Fetched again by hand, it would skip what a crawl keeps to: the publisher's
            # hosts, its robots.txt and its pace.
            raise BadRequestError(
                "En fil fra en gennemgang af en udgivers websted hentes igen ved næste "
                "gennemgang af webstedet. Bed driften om at starte en gennemgang nu."
            )
        location, source_uri = item.location, item.source_uri
    web = is_web_address(location)
    path = None if web else path_from_uri(location)
    # Only a regular file itself (never a link or a folder the listing refused: listing a path
    # named directly would follow it), and only when it lists as the same source again.
    if path is not None and not _regular_file(path):
        raise BadRequestError(CANNOT_RETRY)
    again = list_sources([location if path is None else str(path)], manifests=False)
    if len(again) != 1 or (again[0].location, again[0].source_uri) != (location, source_uri):
        raise BadRequestError(CANNOT_RETRY)
    new_run = start_run(again)
    with session_scope() as session:
        audit.record(
            session,
            actor=account.email,
            action="run.retry",
            target=f"indlaesning:{new_run}",
            after={"files": [entry.filename for entry in again], "from_run": run_id},
        )
    return new_run
