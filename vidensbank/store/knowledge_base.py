"""Knowledge-base records as rows, loaded from ``nlp_models/kb/*.yaml`` by ``vidensbank init``:
the entity pages read them from here."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, String, Text, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from vidensbank.store.base import Base


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


def replace_kb_records(session: Session, *, records: Sequence[dict[str, Any]]) -> int:
    """Make the table hold exactly these records (the YAML files are the source)."""
    session.execute(delete(KBRecordRow))
    session.add_all(KBRecordRow(**record) for record in records)
    session.flush()
    return len(records)


def get_kb_record(session: Session, *, kb_id: str) -> KBRecordRow | None:
    return session.get(KBRecordRow, kb_id)
