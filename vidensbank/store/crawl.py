"""What the crawler knows of each publisher's site, and what each crawl did.

One row per address a crawl read (a publication's file, or a listing or landing page): how to
ask whether it changed (ETag, Last-Modified), what it was (its content hash), the document it
brought in (for a landing page, the document of the publication it led to), and when it was
first and last listed and when it went. A crawl is an ingest run; its figures sit beside the
run.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.expression import false

from vidensbank.store.base import Base, UTCDateTime, utcnow


class AddressKind(StrEnum):
    FILE = "file"  # a publication: its disappearance withdraws the document
    # A publication listed only by a feed of the latest items: it drops off the feed in time,
    # which does not mean the publisher removed it.
    FEED_ENTRY = "feed"
    # A listing or landing page: its validators are kept, and a landing page's document, so a
    # crawl that cannot read the page knows which publication is behind it.
    PAGE = "page"

    @property
    def publication(self) -> bool:
        return self != AddressKind.PAGE


class CrawledAddress(Base):
    __tablename__ = "crawl_addresses"
    __table_args__ = (UniqueConstraint("source", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(50), doc="The publisher's key.")
    url: Mapped[str] = mapped_column(Text, doc="The address as the publisher lists it.")
    kind: Mapped[str] = mapped_column(String(10), default=AddressKind.FILE)
    etag: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    document_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    published: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, doc="The publisher's date: a crawl --since a later day skips it."
    )
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    gone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="The crawler withdrew its document when it went (a curator's withdrawal is not).",
    )


@dataclass
class CrawlFigures:
    """What one crawl asked and found."""

    requests: int = 0
    pages: int = 0
    not_modified: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: int = 0
    gone: int = 0
    restored: int = 0
    refused: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Crawl(Base):
    """One crawl of one publisher: an ingest run, with its figures."""

    __tablename__ = "crawls"

    run_id: Mapped[str] = mapped_column(ForeignKey("ingest_runs.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(50), index=True)
    base_url: Mapped[str] = mapped_column(Text)
    since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    moved: Mapped[int] = mapped_column(Integer, default=0)
    gone: Mapped[int] = mapped_column(Integer, default=0)
    restored: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)

    def figures(self) -> CrawlFigures:
        return CrawlFigures(**{f.name: getattr(self, f.name) for f in fields(CrawlFigures)})


def addresses(session: Session, *, source: str) -> list[CrawledAddress]:
    return list(
        session.scalars(
            select(CrawledAddress)
            .where(CrawledAddress.source == source)
            .order_by(CrawledAddress.id)
        )
    )


@dataclass(frozen=True)
class Seen:
    """An address as this crawl read it."""

    url: str
    kind: AddressKind
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    document_id: str | None = None
    published: dt.date | None = None
    # Still withdrawn by the crawler (listed again, but not yet read again): the flag stays so
    # the document is restored once it is.
    withdrawn: bool = False


def record_seen(session: Session, *, source: str, seen: Sequence[Seen]) -> None:
    """Keep what a crawl read of each address; one it lists again is no longer gone."""
    rows = {row.url: row for row in addresses(session, source=source)}
    now = utcnow()
    for address in seen:
        row = rows.get(address.url)
        if row is None:
            row = CrawledAddress(source=source, url=address.url, first_seen=now)
            session.add(row)
            rows[address.url] = row
        if not (row.kind and AddressKind(row.kind).publication) or address.kind.publication:
            # A publication read once more only as a page (an adapter's landing page, or a
            # web-only one skipped by --since) stays a publication.
            row.kind = address.kind
        row.etag = address.etag
        row.last_modified = address.last_modified
        row.content_hash = address.content_hash
        row.document_id = address.document_id or row.document_id
        row.published = address.published or row.published
        row.last_seen = now
        row.gone_at = None
        row.withdrawn = address.withdrawn
    session.flush()


def move_address(session: Session, *, source: str, old_url: str, new_url: str) -> None:
    """A publication now lives at ``new_url``: the old address's history goes with it."""
    rows = {row.url: row for row in addresses(session, source=source)}
    old = rows.get(old_url)
    if old is None:
        return
    new = rows.get(new_url)
    if new is not None:
        session.delete(new)
        session.flush()
    old.url = new_url
    session.flush()


def mark_gone(session: Session, *, source: str, url: str, withdrawn: bool) -> None:
    row = session.scalar(
        select(CrawledAddress).where(CrawledAddress.source == source, CrawledAddress.url == url)
    )
    if row is not None:
        row.gone_at = utcnow()
        row.withdrawn = withdrawn


def withdrawn_by_crawler(session: Session, *, document_id: str) -> bool:
    """Whether the crawler withdrew the document (its publication went), and restores it when
    the publication comes back."""
    return (
        session.scalar(
            select(CrawledAddress.id).where(
                CrawledAddress.document_id == document_id, CrawledAddress.withdrawn.is_(True)
            )
        )
        is not None
    )


def keep_withdrawn(session: Session, *, document_id: str) -> None:
    """A curator's withdrawal of a document the crawler withdrew: the crawler no longer restores
    it when its publication comes back."""
    session.execute(
        update(CrawledAddress)
        .where(CrawledAddress.document_id == document_id, CrawledAddress.withdrawn.is_(True))
        .values(withdrawn=False)
    )


def record_crawl(
    session: Session,
    *,
    run_id: str,
    source: str,
    base_url: str,
    since: dt.date | None,
    started_at: dt.datetime,
    figures: CrawlFigures,
) -> None:
    session.add(
        Crawl(
            run_id=run_id,
            source=source,
            base_url=base_url,
            since=since,
            started_at=started_at,
            **figures.as_dict(),
        )
    )


def get_crawl(session: Session, *, run_id: str) -> Crawl | None:
    return session.get(Crawl, run_id)


def crawls_of(session: Session, *, run_ids: Sequence[str]) -> dict[str, Crawl]:
    """The crawls these runs came from, by run."""
    return {
        crawl.run_id: crawl
        for crawl in session.scalars(select(Crawl).where(Crawl.run_id.in_(run_ids)))
    }
