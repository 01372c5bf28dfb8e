"""Curators' corrections, kept apart from what the pipeline makes and applied on top of it.

The pipeline may read a document again at any time (the same file, a new file of the same
source, a new model), and each time its output is replaced; the corrections stay here, and the
steps apply them again: metadata corrections as the most trusted source of metadata, entity
corrections to the mentions the entity pipeline finds.

An entity correction is anchored to a page and to the entity as the document's entity list
groups it: its knowledge-base record, or else its label and normalised text. When the anchor is
gone after the document was read again, the correction is kept and marked for review.
"""

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.expression import false

from vidensbank.store.base import Base, UTCDateTime, table, utcnow


class MetadataField(StrEnum):
    """The metadata a curator can correct, named as a source's metadata names them."""

    TITLE = "title"
    PUBLISHED = "published"
    PUBLISHER = "publisher"
    KIND = "kind"
    AUTHORS = "authors"
    TARGET_AGE = "target_age"
    PROFESSIONAL = "professional"
    ISBN = "isbn"
    RIGHTS = "rights"


class EntityAction(StrEnum):
    REJECT = "reject"  # not an entity (of this kind)
    RELABEL = "relabel"  # an entity of another kind
    LINK = "link"  # this knowledge-base record
    ADD = "add"  # an entity the pipeline missed


class MetadataCorrection(Base):
    __tablename__ = "metadata_corrections"
    __table_args__ = (UniqueConstraint("document_id", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[Any] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EntityCorrection(Base):
    __tablename__ = "entity_corrections"
    # An id names its correction in "Tag tilbage": SQLite would give a deleted one to the next.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    page: Mapped[int] = mapped_column(Integer)
    # The anchor: the entity's label and key (its KB record, or its normalised text) as the
    # pipeline had it, and the words as they stand on the page.
    label: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))
    new_label: Mapped[str | None] = mapped_column(String(20), nullable=True)
    new_kb_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    needs_review: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="Its anchor was gone the last time the document's entities were found.",
    )


_METADATA = table(MetadataCorrection)
_ENTITY = table(EntityCorrection)


def metadata_corrections(
    session: Session, *, document_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Each of these documents' corrected metadata, field by field, as a source's metadata (a
    document without corrections is left out)."""
    found: dict[str, dict[str, Any]] = {}
    for document_id, field, value in session.execute(
        select(_METADATA.c.document_id, _METADATA.c.field, _METADATA.c.value).where(
            _METADATA.c.document_id.in_(document_ids)
        )
    ):
        found.setdefault(document_id, {})[field] = value
    return found


def set_metadata_correction(
    session: Session, *, document_id: str, field: MetadataField, value: Any, author: str
) -> Any:
    """Correct one field (``None``: take the correction back); return the value it replaced."""
    row = session.scalars(
        select(MetadataCorrection).where(
            MetadataCorrection.document_id == document_id, MetadataCorrection.field == field
        )
    ).first()
    before = row.value if row is not None else None
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            MetadataCorrection(document_id=document_id, field=field, value=value, author=author)
        )
    else:
        row.value, row.author, row.created_at = value, author, utcnow()
    return before


def entity_corrections(session: Session, *, document_id: str) -> list[EntityCorrection]:
    """The document's entity corrections, oldest first (the order they are applied in)."""
    return list(
        session.scalars(
            select(EntityCorrection)
            .where(EntityCorrection.document_id == document_id)
            .order_by(EntityCorrection.id)
        )
    )


def added(session: Session, *, document_id: str, key: str) -> bool:
    """Whether a curator already added the name of this key to the document."""
    query = select(EntityCorrection.id).where(
        EntityCorrection.document_id == document_id,
        EntityCorrection.action == EntityAction.ADD,
        EntityCorrection.key == key,
    )
    return session.scalars(query.limit(1)).first() is not None


def pages_corrected(
    session: Session,
    *,
    document_id: str,
    label: str,
    key: str,
    action: str,
    new_label: str | None,
    new_kb_id: str | None,
) -> set[int]:
    """The pages this very correction of the entity is stored for already (a second click; or
    an earlier one, before the name was found on more pages)."""
    query = select(EntityCorrection.page).where(
        EntityCorrection.document_id == document_id,
        EntityCorrection.label == label,
        EntityCorrection.key == key,
        EntityCorrection.action == action,
        EntityCorrection.new_label.is_(None)
        if new_label is None
        else EntityCorrection.new_label == new_label,
        EntityCorrection.new_kb_id.is_(None)
        if new_kb_id is None
        else EntityCorrection.new_kb_id == new_kb_id,
    )
    return set(session.scalars(query))


def corrected_document_ids(session: Session, *, among: Sequence[str] | None = None) -> list[str]:
    """The documents with entity corrections (of those ``among``, when given)."""
    query = select(_ENTITY.c.document_id).distinct().order_by(_ENTITY.c.document_id)
    if among is not None:
        query = query.where(_ENTITY.c.document_id.in_(among))
    return list(session.scalars(query))


def corrections_for_review(session: Session) -> list[EntityCorrection]:
    return list(
        session.scalars(
            select(EntityCorrection)
            .where(EntityCorrection.needs_review.is_(True))
            .order_by(EntityCorrection.document_id, EntityCorrection.id)
        )
    )


def mark_for_review(session: Session, *, document_id: str, lost: set[int]) -> None:
    """Record which of the document's corrections lost their anchor this time."""
    for correction in entity_corrections(session, document_id=document_id):
        correction.needs_review = correction.id in lost


def correction_key(correction: EntityCorrection) -> tuple[str, ...]:
    """What the pages of one correction a curator made have in common."""
    return (
        correction.document_id,
        correction.action,
        correction.label,
        correction.key,
        correction.text,
        correction.new_label or "",
        correction.new_kb_id or "",
    )


def same_correction(session: Session, correction: EntityCorrection) -> list[EntityCorrection]:
    """Every page's row of the correction ``correction`` is one page of."""
    key = correction_key(correction)
    return [
        row
        for row in entity_corrections(session, document_id=correction.document_id)
        if correction_key(row) == key
    ]
