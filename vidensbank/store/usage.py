"""Usage statistics: how often documents and collections are viewed and downloaded, per month.

Nothing here identifies a person. A use is told apart from a repeat by a key (a SHA-256 the
caller makes of the day's salt, the client and the target) that is kept for its day only; the
salt is random, lives in ``usage_salts`` for its day only, and both are deleted when the next
day's salt is made, so a key can never be made again or linked to anyone. What stays is a count
per month, target and kind.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Index, Integer, String, and_, case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from vidensbank.store.base import Base
from vidensbank.store.collections import Collection
from vidensbank.store.documents import Document, is_public


class UseKind(StrEnum):
    VIEW = "view"  # the page of a document or a published collection
    DOWNLOAD = "download"  # a document's original file


class TargetType(StrEnum):
    DOCUMENT = "document"
    COLLECTION = "collection"


class UsageSalt(Base):
    """The day's random salt of the de-duplication keys; one row, for today only."""

    __tablename__ = "usage_salts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class UsageSeen(Base):
    """The keys of the uses counted today, so a repeat the same day is not counted again."""

    __tablename__ = "usage_seen"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class UsageCount(Base):
    __tablename__ = "usage_counts"
    __table_args__ = (Index("ix_usage_counts_target", "target_type", "target_id", "month"),)

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # its first day
    target_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def _insert(session: Session) -> Any:
    """``INSERT … ON CONFLICT`` in the database's own dialect (SQLite and PostgreSQL)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def salt_of(session: Session, *, day: dt.date) -> str:
    """The salt of ``day``, made when the day's first use is counted. Making it deletes every
    earlier day's salt and keys."""
    salt = session.scalar(select(UsageSalt.salt).where(UsageSalt.day == day))
    if salt is not None:
        return salt
    made = session.scalar(
        _insert(session)(UsageSalt)
        .values(day=day, salt=secrets.token_hex(32))
        .on_conflict_do_nothing()
        .returning(UsageSalt.day)
    )
    if made is not None:
        forget_before(session, day=day)
    # Another process may have made it first: theirs counts.
    return str(session.scalar(select(UsageSalt.salt).where(UsageSalt.day == day)))


def forget_before(session: Session, *, day: dt.date) -> None:
    session.execute(delete(UsageSalt).where(UsageSalt.day < day))
    session.execute(delete(UsageSeen).where(UsageSeen.day < day))


def first_today(session: Session, *, day: dt.date, key: str) -> bool:
    """Whether ``key`` is new today (it is remembered until the day is over)."""
    added = session.scalar(
        _insert(session)(UsageSeen)
        .values(day=day, key=key)
        .on_conflict_do_nothing()
        .returning(UsageSeen.day)
    )
    return added is not None


def add_use(
    session: Session, *, month: dt.date, target_type: TargetType, target_id: str, kind: UseKind
) -> None:
    """One more use of the target in the month (``month`` is its first day)."""
    statement = _insert(session)(UsageCount).values(
        month=month, target_type=target_type, target_id=target_id, kind=kind, count=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["month", "target_type", "target_id", "kind"],
            set_={"count": UsageCount.count + 1},
        )
    )


@dataclass(frozen=True)
class MonthlyUse:
    month: dt.date
    key: str  # the target's id, or its publisher
    views: int
    downloads: int


def _sums() -> tuple[ColumnElement[int], ColumnElement[int]]:
    """The views and the downloads of a group of counts."""
    return (
        func.sum(case((UsageCount.kind == UseKind.VIEW, UsageCount.count), else_=0)),
        func.sum(case((UsageCount.kind == UseKind.DOWNLOAD, UsageCount.count), else_=0)),
    )


def _in(start: dt.date, end: dt.date) -> ColumnElement[bool]:
    return and_(UsageCount.month >= start, UsageCount.month <= end)


def monthly_by_target(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    target_type: TargetType,
    target_id: str | None = None,
) -> list[MonthlyUse]:
    """Views and downloads per month and target (of one target, if given), oldest first."""
    views, downloads = _sums()
    query = select(UsageCount.month, UsageCount.target_id, views, downloads).where(
        _in(start, end), UsageCount.target_type == target_type
    )
    if target_id is not None:
        query = query.where(UsageCount.target_id == target_id)
    rows = session.execute(
        query.group_by(UsageCount.month, UsageCount.target_id).order_by(
            UsageCount.month, UsageCount.target_id
        )
    )
    return [MonthlyUse(month, target, int(v), int(d)) for month, target, v, d in rows]


def monthly_by_publisher(session: Session, *, start: dt.date, end: dt.date) -> list[MonthlyUse]:
    """Views and downloads of documents per month and publisher (as the document names it now;
    ``""`` for none), oldest first."""
    views, downloads = _sums()
    publisher = func.coalesce(Document.publisher, "")
    rows = session.execute(
        select(UsageCount.month, publisher, views, downloads)
        .join(Document, Document.id == UsageCount.target_id)
        .where(_in(start, end), UsageCount.target_type == TargetType.DOCUMENT)
        .group_by(UsageCount.month, publisher)
        .order_by(UsageCount.month, publisher)
    )
    return [MonthlyUse(month, name, int(v), int(d)) for month, name, v, d in rows]


@dataclass(frozen=True)
class TargetUse:
    target_id: str
    title: str
    publisher: str | None
    views: int
    downloads: int


def most_used_documents(
    session: Session, *, start: dt.date, end: dt.date, limit: int
) -> list[TargetUse]:
    """The public documents most used in the months, views and downloads together."""
    views, downloads = _sums()
    total = func.sum(UsageCount.count)
    rows = session.execute(
        select(Document.id, Document.title, Document.publisher, views, downloads)
        .join(Document, Document.id == UsageCount.target_id)
        .where(
            _in(start, end),
            UsageCount.target_type == TargetType.DOCUMENT,
            is_public(),
        )
        .group_by(Document.id, Document.title, Document.publisher)
        .order_by(total.desc(), Document.title, Document.id)
        .limit(limit)
    )
    return [TargetUse(i, title, publisher, int(v), int(d)) for i, title, publisher, v, d in rows]


def most_viewed_collections(
    session: Session, *, start: dt.date, end: dt.date, limit: int
) -> list[TargetUse]:
    """The published collections most viewed in the months."""
    views, downloads = _sums()
    total = func.sum(UsageCount.count)
    rows = session.execute(
        select(Collection.id, Collection.title, views, downloads)
        .join(Collection, Collection.id == UsageCount.target_id)
        .where(
            _in(start, end),
            UsageCount.target_type == TargetType.COLLECTION,
            Collection.published.is_(True),
        )
        .group_by(Collection.id, Collection.title)
        .order_by(total.desc(), Collection.title, Collection.id)
        .limit(limit)
    )
    return [TargetUse(i, title, None, int(v), int(d)) for i, title, v, d in rows]


@dataclass(frozen=True)
class DocumentFacts:
    title: str
    publisher: str | None
    public: bool


def describe_documents(session: Session, *, document_ids: list[str]) -> dict[str, DocumentFacts]:
    """Title, publisher and whether anyone may see them, of these documents (without their
    pages and entities)."""
    rows = session.execute(
        select(Document.id, Document.title, Document.publisher, is_public()).where(
            Document.id.in_(document_ids)
        )
    )
    return {
        document_id: DocumentFacts(title, publisher, bool(public))
        for document_id, title, publisher, public in rows
    }


def published_collection_titles(session: Session, *, collection_ids: list[str]) -> dict[str, str]:
    rows = session.execute(
        select(Collection.id, Collection.title).where(
            Collection.id.in_(collection_ids), Collection.published.is_(True)
        )
    )
    return {collection_id: title for collection_id, title in rows}
