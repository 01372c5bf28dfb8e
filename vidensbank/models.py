"""Database models: the source of truth. Elasticsearch is derived from these rows."""

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC. SQLite keeps no time zone, so one read back without it is given UTC:
    every time the app shows carries its zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    pass


class DocumentStatus:
    """Where a document is in the pipeline. A failure is stored, never dropped."""

    PENDING = "pending"
    EXTRACTED = "extracted"
    ENRICHED = "enriched"
    INDEXED = "indexed"
    QUARANTINED = "quarantined"


class ItemStatus:
    """What became of one file of an ingest run (the CLI contract's ``status``)."""

    PENDING = "pending"
    INDEXED = "indexed"
    UNCHANGED = "unchanged"
    QUARANTINED = "quarantined"
    FAILED = "failed"

    FINAL = frozenset({INDEXED, UNCHANGED, QUARANTINED, FAILED})


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


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_uri: Mapped[str] = mapped_column(Text, unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    mime_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.PENDING, index=True)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    extractor_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kb_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source_metadata: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, doc="What the source said of the file; extraction reads it again."
    )
    active_content: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="The file carries scripts or actions (a PDF's JavaScript): it is only downloaded.",
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    pages: Mapped[list["Page"]] = relationship(
        back_populates="document", order_by="Page.number", cascade="all, delete-orphan"
    )
    entities: Mapped[list["Entity"]] = relationship(
        back_populates="document", order_by="Entity.id", cascade="all, delete-orphan"
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="pages")


class Entity(Base):
    """One entity of a document: all its mentions grouped, with the pages they stand on."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(20))
    canonical: Mapped[str] = mapped_column(Text)
    kb_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    count: Mapped[int] = mapped_column(Integer)
    pages: Mapped[list[int]] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="entities")


class KBRecordRow(Base):
    """A knowledge-base record, loaded from ``nlp_models/kb/*.yaml`` by ``vidensbank init``."""

    __tablename__ = "kb_records"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    former_names: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    parent: Mapped[str | None] = mapped_column(String(100), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
