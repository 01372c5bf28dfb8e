"""The audit trail: every write, who made it and when, with what it changed.

Rows are only ever added: nothing in the app edits or deletes them. An event is written in the
same transaction as the change it records, so the two cannot disagree.
"""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vidensbank.store.base import Base, UTCDateTime, utcnow

# Who acted when nobody logged in did: the command line on the server.
COMMAND_LINE = "kommandolinjen"


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(AuditEvent(actor=actor, action=action, target=target, before=before, after=after))


def latest_by_target(session: Session, *, actor: str, action: str) -> dict[str, int]:
    """For each target of ``actor``'s ``action``, the id of the latest such event."""
    query = (
        select(AuditEvent.target, func.max(AuditEvent.id))
        .where(AuditEvent.actor == actor, AuditEvent.action == action)
        .group_by(AuditEvent.target)
    )
    return {target: latest for target, latest in session.execute(query)}


def list_events(
    session: Session, *, actor: str | None, action: str | None, limit: int, offset: int = 0
) -> list[AuditEvent]:
    """The newest events first, filtered by who and what."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.limit(limit).offset(offset)))
