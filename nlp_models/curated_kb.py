"""The knowledge base as every process uses it at run time: the YAML records shipped with the
package (the seed) with the curators' edits from SQL applied (``vidensbank.store.kb_edits``).

The edits live apart from the seed, so ``vidensbank init`` and any update of the YAML files
keep them. A process keeps its knowledge base and looks at most every ``CHECK_SECONDS``
whether the edits changed (the entity step looks at every task); the version a document is
enriched with names the seed and the edits, so an edit makes every document stale for
``vidensbank reenrich --stale``.
"""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from nlp_models.knowledge_base import (
    KnowledgeBase,
    apply_edits,
    kb_version,
    load_knowledge_base,
    load_records,
)
from vidensbank.settings import get_settings
from vidensbank.store import kb_edits
from vidensbank.store.db import session_scope

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0


@dataclass
class _Current:
    folder: Path  # the seed's
    stamp: str  # of the edits applied; "" for none
    kb: KnowledgeBase
    checked: float


_current: _Current | None = None
# Counts ``forget`` calls: edits read before one are not installed after it.
_generation = 0
_lock = threading.Lock()


def _edits() -> tuple[str, list[tuple[str, str, str]]]:
    with session_scope() as session:
        edits = kb_edits.list_edits(session)
        stamp = kb_edits.edits_stamp(edits) if edits else ""
        return stamp, [(e.record_id, e.action, e.value) for e in edits]


def _refresh(max_age: float) -> _Current:
    global _current
    folder = get_settings().kb_dir
    now = time.monotonic()
    known, generation = _current, _generation
    if known is not None and known.folder == folder and now - known.checked < max_age:
        return known
    try:
        # Outside the lock: a slow database holds up this caller only.
        stamp, edits = _edits()
    except SQLAlchemyError as exc:
        # No database (yet): the seed, or what this process last had, serves meanwhile.
        log.info("knowledge-base edits not read: %s", exc)
        with _lock:
            if _current is None or _current.folder != folder:
                _current = _Current(folder, "", load_knowledge_base(folder), now)
            _current.checked = now
            return _current
    with _lock:
        if generation != _generation:
            # This process changed the edits meanwhile: what was read may be older.
            stamp, edits = _edits()
        if _current is None or _current.folder != folder or _current.stamp != stamp:
            kb = apply_edits(load_records(folder), edits) if edits else load_knowledge_base(folder)
            _current = _Current(folder, stamp, kb, now)
        _current.checked = now
        return _current


def with_edits(edits: Sequence[kb_edits.KBEdit]) -> KnowledgeBase:
    """The seed with these edits applied (read by the caller, in its own transaction)."""
    seed = load_knowledge_base(get_settings().kb_dir)
    return apply_edits(
        list(seed.records.values()), [(e.record_id, e.action, e.value) for e in edits]
    )


def current_knowledge_base(max_age: float = CHECK_SECONDS) -> KnowledgeBase:
    """The knowledge base with the edits as they were at most ``max_age`` seconds ago."""
    return _refresh(max_age).kb


def current_kb_version(max_age: float = CHECK_SECONDS) -> str:
    """The version a document enriched now carries: the seed's, and the edits' stamp."""
    stamp = _refresh(max_age).stamp
    seed = kb_version(get_settings().kb_dir)
    return f"{seed}-{stamp}" if stamp else seed


def forget() -> None:
    """Read the edits again at the next use (after this process changed them)."""
    global _current, _generation
    with _lock:
        _current = None
        _generation += 1
