"""Ingest runs as the API and the pages report them."""

from collections import Counter

from search_api.api.schemas import (
    IngestItemPublic,
    IngestRunList,
    IngestRunPublic,
)
from vidensbank.errors import NotFoundError
from vidensbank.identity import public_source_uri
from vidensbank.store import runs as run_store
from vidensbank.store.db import session_scope
from vidensbank.store.runs import IngestRun


def _run_public(run: IngestRun) -> IngestRunPublic:
    return IngestRunPublic(
        run_id=run.id,
        created_at=run.created_at,
        counts=dict(Counter(item.status for item in run.items)),
        documents=[
            IngestItemPublic(
                filename=item.filename,
                source_uri=public_source_uri(item.source_uri),
                status=item.status,
                id=item.document_id,
                reason_code=item.reason_code,
                reason=item.reason,
            )
            for item in run.items
        ],
    )


def get_run(run_id: str) -> IngestRunPublic:
    with session_scope() as session:
        run = run_store.get_run(session, run_id=run_id)
        if run is None:
            raise NotFoundError("Indlæsningen findes ikke.")
        return _run_public(run)


def list_runs() -> IngestRunList:
    with session_scope() as session:
        return IngestRunList(runs=[_run_public(run) for run in run_store.list_runs(session)])
