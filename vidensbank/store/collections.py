"""Collections: documents a curator puts together in an order, each with a note.

A collection is private (curators only) until it is published; its id is random, so a private
collection's address says nothing and a published one's never changes.
"""

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from vidensbank.danish import sort_key
from vidensbank.store.base import Base, UTCDateTime, utcnow
from vidensbank.store.documents import Document, is_public


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    entries: Mapped[list["CollectionEntry"]] = relationship(
        order_by="CollectionEntry.position", cascade="all, delete-orphan", lazy="selectin"
    )


class CollectionEntry(Base):
    __tablename__ = "collection_entries"

    collection_id: Mapped[str] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[Document] = relationship(lazy="selectin")


def list_collections(session: Session, *, published_only: bool) -> list[Collection]:
    query = select(Collection)
    if published_only:
        query = query.where(Collection.published.is_(True))
    return sorted(session.scalars(query), key=lambda c: (sort_key(c.title), c.id))


def entry_counts(session: Session, *, public_only: bool) -> dict[str, int]:
    """How many documents each collection holds; with ``public_only``, those anyone may read
    (what its page lists to a visitor)."""
    query = select(CollectionEntry.collection_id, func.count()).group_by(
        CollectionEntry.collection_id
    )
    if public_only:
        query = query.join(Document, Document.id == CollectionEntry.document_id).where(is_public())
    return {collection_id: count for collection_id, count in session.execute(query)}


def get_collection(session: Session, *, collection_id: str) -> Collection | None:
    return session.get(Collection, collection_id)


def lock_collection(session: Session, *, collection_id: str) -> Collection | None:
    """The collection, its row taken for this transaction first (an UPDATE locks it on
    PostgreSQL and takes SQLite's write lock) and read after: curators writing to it at once
    wait for each other and each sees what the one before stored. None when it does not
    exist (deleted meanwhile)."""
    session.execute(
        update(Collection)
        .where(Collection.id == collection_id)
        .values(updated_at=Collection.updated_at)
    )
    return session.get(Collection, collection_id, populate_existing=True)


def delete_collection(session: Session, *, collection_id: str) -> None:
    session.execute(delete(CollectionEntry).where(CollectionEntry.collection_id == collection_id))
    session.execute(delete(Collection).where(Collection.id == collection_id))
