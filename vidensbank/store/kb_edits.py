"""Curators' edits to the knowledge base, kept apart from the shipped YAML records it is seeded
from, so that they survive ``vidensbank init`` and every update of the YAML files: the
knowledge base a process uses is the YAML records with these edits applied, in order
(``nlp_models.curated_kb``)."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import Integer, String, Text, false, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from vidensbank.store.base import Base, UTCDateTime, utcnow


class KBEditAction(StrEnum):
    ALIAS = "alias"  # another name the record goes by
    FORMER_NAME = "former_name"  # a name it had before
    MERGE = "merge"  # the record is the same as another (``value``): it merges into that one

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    KBEditAction.ALIAS: "andet navn",
    KBEditAction.FORMER_NAME: "tidligere navn",
    KBEditAction.MERGE: "slået sammen med",
}


class KBEdit(Base):
    __tablename__ = "kb_edits"
    # An id names its edit in "Tag tilbage": SQLite would give a deleted one to the next edit.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def lock_edits(session: Session) -> None:
    """Hold other curators' edits back until this transaction ends: two edits sent at once
    both passed the duplicate check, and a name was saved twice, or for two records."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE kb_edits IN SHARE ROW EXCLUSIVE MODE"))
    else:
        # A write that changes nothing takes SQLite's one write lock all the same.
        session.execute(update(KBEdit).where(false()).values(value=KBEdit.value))


def list_edits(session: Session) -> list[KBEdit]:
    """Every edit, oldest first: the order they are applied in."""
    return list(session.scalars(select(KBEdit).order_by(KBEdit.id)))


def edits_stamp(edits: Sequence[KBEdit]) -> str:
    """A stamp of the edits (``list_edits``): it changes with every edit made or taken back."""
    digest = hashlib.sha256()
    for edit in edits:
        digest.update(f"{edit.id}\0{edit.record_id}\0{edit.action}\0{edit.value}\n".encode())
    return digest.hexdigest()[:12]
