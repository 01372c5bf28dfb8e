"""Ingest runs and their items: what each file of a run became. The steps run on documents;
a run learns from its items what became of its files."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum, nonmember
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from vidensbank.store.base import Base, UTCDateTime, table, utcnow


class ItemStatus(StrEnum):
    """What became of one file of an ingest run (the CLI contract's ``status``)."""

    PENDING = "pending"
    INDEXED = "indexed"
    UNCHANGED = "unchanged"
    QUARANTINED = "quarantined"
    FAILED = "failed"
    # Read, but a curator has taken the document down: it stays out of search.
    WITHDRAWN = "withdrawn"
    # Read, but personal data was found: out of search until a curator has looked.
    HELD = "held"

    FINAL = nonmember(frozenset({INDEXED, UNCHANGED, QUARANTINED, FAILED, WITHDRAWN, HELD}))
    # Where a document read stands now: its item follows it from one to another (a held
    # document released, a public one withdrawn or held by new rules), so a run's page neither
    # hides a public document's name nor shows a held one's.
    STANDING = nonmember(frozenset({INDEXED, WITHDRAWN, HELD}))

    @property
    def label(self) -> str:
        """The status in Danish, as the pages show it."""
        return _ITEM_LABELS[self]


_ITEM_LABELS = {
    ItemStatus.PENDING: "venter",
    ItemStatus.INDEXED: "søgbar",
    ItemStatus.UNCHANGED: "uændret",
    ItemStatus.QUARANTINED: "i karantæne",
    ItemStatus.FAILED: "fejlet",
    ItemStatus.WITHDRAWN: "trukket tilbage",
    ItemStatus.HELD: "tilbageholdt",
}


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    queue: Mapped[str] = mapped_column(
        String(200), doc="The Celery queue the run's items were put on."
    )
    items: Mapped[list["IngestItem"]] = relationship(
        back_populates="run", order_by="IngestItem.id", cascade="all, delete-orphan"
    )


class IngestItem(Base):
    __tablename__ = "ingest_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("ingest_runs.id"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    location: Mapped[str] = mapped_column(Text, doc="Where the worker fetches the file from.")
    source_uri: Mapped[str] = mapped_column(Text, doc="The document's source identity.")
    source_metadata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.PENDING, index=True)
    document_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    run: Mapped[IngestRun] = relationship(back_populates="items")


# The pipeline settles items for every document, through Core.
_ITEMS = table(IngestItem)


@dataclass(frozen=True)
class NewItem:
    """A file of a new run as its source listed it. One the listing already refused (a link out
    of the folder, a bad manifest entry) carries its reason and is quarantined at once; one its
    source already settled (a crawl's unchanged or withdrawn publication) carries its final
    ``status``. ``document_id`` names the document it belongs to when the source knows it (a
    publication that moved keeps its document); otherwise its source identity decides."""

    filename: str
    location: str
    source_uri: str
    source_metadata: dict[str, Any]
    reason_code: str | None = None
    reason: str | None = None
    status: str | None = None
    document_id: str | None = None

    @property
    def initial_status(self) -> str:
        if self.status is not None:
            return self.status
        return ItemStatus.PENDING if self.reason_code is None else ItemStatus.QUARANTINED


def create_run(session: Session, *, queue: str, items: Sequence[NewItem]) -> IngestRun:
    """A new ingest run on ``queue`` with one item per file."""
    run = IngestRun(id=uuid.uuid4().hex, queue=queue)
    run.items = [
        IngestItem(
            filename=item.filename,
            location=item.location,
            source_uri=item.source_uri,
            source_metadata=item.source_metadata,
            status=item.initial_status,
            document_id=item.document_id,
            reason_code=item.reason_code,
            reason=item.reason,
        )
        for item in items
    ]
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, *, run_id: str) -> IngestRun | None:
    return session.scalars(
        select(IngestRun).where(IngestRun.id == run_id).options(selectinload(IngestRun.items))
    ).first()


def status_counts(session: Session, *, run_id: str) -> dict[str, int]:
    """How many of a run's items have each status: cheap enough to ask several times a
    second while a run is followed."""
    rows = session.execute(
        select(IngestItem.status, func.count())
        .where(IngestItem.run_id == run_id)
        .group_by(IngestItem.status)
    )
    return {status: count for status, count in rows.tuples()}


def list_runs(session: Session, *, limit: int = 50) -> Sequence[IngestRun]:
    return session.scalars(
        select(IngestRun)
        .order_by(IngestRun.created_at.desc())
        .limit(limit)
        .options(selectinload(IngestRun.items))
    ).all()


def unfinished_item_ids(session: Session, *, queue: str) -> list[int]:
    """Items of the runs on ``queue`` that have not reached a final status."""
    return list(
        session.scalars(
            select(IngestItem.id)
            .join(IngestRun)
            .where(IngestRun.queue == queue, IngestItem.status.not_in(ItemStatus.FINAL))
            .order_by(IngestItem.id)
        )
    )


def get_item(session: Session, *, item_id: int) -> IngestItem | None:
    return session.get(IngestItem, item_id)


def get_items(session: Session, *, item_ids: Sequence[int]) -> list[IngestItem]:
    """These items, in the order of ``item_ids`` (those that exist)."""
    found = {
        item.id: item
        for item in session.scalars(select(IngestItem).where(IngestItem.id.in_(item_ids)))
    }
    return [found[item_id] for item_id in item_ids if item_id in found]


def tie_item(session: Session, *, item_id: int, document_id: str) -> None:
    """The item brings in this document."""
    session.execute(update(_ITEMS).where(_ITEMS.c.id == item_id).values(document_id=document_id))


def finish_item(
    session: Session,
    *,
    item_id: int,
    status: str,
    document_id: str | None = None,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    item = session.get(IngestItem, item_id)
    if item is None:
        return
    item.status = status
    item.document_id = document_id or item.document_id
    item.reason_code = reason_code
    item.reason = reason


def settle_items(
    session: Session,
    *,
    document_ids: Sequence[str],
    status: str,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    """Give every unfinished item that brought in these documents its final status: the steps
    run on documents, and a run learns from here what became of its files. An item that says
    where its document stands (``ItemStatus.STANDING``) follows it to another such status."""
    if not document_ids:
        return
    settled = ItemStatus.FINAL - ItemStatus.STANDING if status in ItemStatus.STANDING else None
    session.execute(
        update(_ITEMS)
        .where(
            _ITEMS.c.document_id.in_(document_ids),
            _ITEMS.c.status.not_in(settled if settled is not None else ItemStatus.FINAL),
            _ITEMS.c.status != status,
        )
        .values(status=status, reason_code=reason_code, reason=reason)
    )
