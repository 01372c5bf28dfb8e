"""Personal data found in documents, and what curators decided about it.

A finding is stored here once, with its text and page: this is where curators need it, and
nowhere else (logs, errors, the audit trail and the decisions carry its key, a hash). The
screening step replaces a document's findings each time it runs; the decisions stay, keyed
on what was found, so a redaction or a release holds after a re-ingest or a new model.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from vidensbank.store.base import Base, UTCDateTime, table, utcnow
from vidensbank.store.documents import DOCUMENTS, Document


class Decision(StrEnum):
    REDACT = "redact"  # the data is replaced by "[skjult]" everywhere
    RELEASE = "release"  # a curator looked: it may be published as it stands


class PersonalDataFinding(Base):
    __tablename__ = "personal_data_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    page: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(64))
    holds: Mapped[bool] = mapped_column(Boolean, doc="Whether it holds the document back.")


class PersonalDataDecision(Base):
    __tablename__ = "personal_data_decisions"
    __table_args__ = (UniqueConstraint("document_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class FindingRow:
    page: int
    start: int
    end: int
    kind: str
    text: str
    key: str
    holds: bool


# Every document is screened: the statements of screening go through Core.
_FINDINGS = table(PersonalDataFinding)
_DECISIONS = table(PersonalDataDecision)


def decisions(session: Session, *, document_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """The curators' decisions on these documents' findings: document → key → action (a
    document without decisions is left out)."""
    found: dict[str, dict[str, str]] = {}
    for document_id, key, action in session.execute(
        select(_DECISIONS.c.document_id, _DECISIONS.c.key, _DECISIONS.c.action).where(
            _DECISIONS.c.document_id.in_(document_ids)
        )
    ):
        found.setdefault(str(document_id), {})[str(key)] = str(action)
    return found


def record_screening(
    session: Session,
    *,
    document_id: str,
    findings: Sequence[FindingRow],
    version: str,
) -> bool:
    """Store a screening's findings; hold the document back while one that holds is not
    decided on, else let it go. Return whether it is held."""
    session.execute(delete(_FINDINGS).where(_FINDINGS.c.document_id == document_id))
    if findings:
        session.execute(
            insert(_FINDINGS),
            [{"document_id": document_id, **asdict(finding)} for finding in findings],
        )
    if not findings:
        # Most documents: nothing to hold them back, whatever was decided before.
        session.execute(
            update(DOCUMENTS)
            .where(DOCUMENTS.c.id == document_id)
            .values(screening_version=version, held_at=None)
        )
        return False
    session.execute(
        update(DOCUMENTS).where(DOCUMENTS.c.id == document_id).values(screening_version=version)
    )
    return update_hold(session, document_id=document_id)


def update_hold(session: Session, *, document_id: str) -> bool:
    """Hold the document back while one of its holding findings is not released; return
    whether it is held. A finding whose data a curator redacted and that is found again (the
    redaction did not take where the words stand now) holds it too."""
    decided = decisions(session, document_ids=[document_id]).get(document_id, {})
    held = any(
        finding.holds and decided.get(finding.key) != Decision.RELEASE
        for finding in findings_of(session, document_id=document_id)
    )
    document = session.get(Document, document_id)
    if document is not None:
        if held and document.held_at is None:
            document.held_at = utcnow()
        elif not held:
            document.held_at = None
    return held


def findings_of(session: Session, *, document_id: str) -> list[PersonalDataFinding]:
    return list(
        session.scalars(
            select(PersonalDataFinding)
            .where(PersonalDataFinding.document_id == document_id)
            .order_by(PersonalDataFinding.page, PersonalDataFinding.start)
        )
    )


def open_findings(session: Session, *, document_id: str) -> list[PersonalDataFinding]:
    """The findings no curator has decided on yet."""
    decided = decisions(session, document_ids=[document_id]).get(document_id, {})
    return [f for f in findings_of(session, document_id=document_id) if f.key not in decided]


def decide(
    session: Session, *, document_id: str, key: str, kind: str, action: Decision, author: str
) -> None:
    """Record a decision on what a key stands for (a later one replaces it)."""
    session.execute(
        delete(PersonalDataDecision).where(
            PersonalDataDecision.document_id == document_id, PersonalDataDecision.key == key
        )
    )
    session.add(
        PersonalDataDecision(
            document_id=document_id, key=key, kind=kind, action=action, author=author
        )
    )
    session.flush()


def redaction_count(session: Session, *, document_id: str) -> int:
    decided = decisions(session, document_ids=[document_id]).get(document_id, {})
    return len([action for action in decided.values() if action == Decision.REDACT])


def redacted_documents(session: Session, *, document_ids: Sequence[str]) -> set[str]:
    """Those of these documents with personal data a curator redacted (their originals are
    not served)."""
    return set(
        session.scalars(
            select(PersonalDataDecision.document_id).where(
                PersonalDataDecision.document_id.in_(document_ids),
                PersonalDataDecision.action == Decision.REDACT,
            )
        )
    )


def documents_to_review(session: Session) -> list[Document]:
    """Held documents first, then those with findings no curator has decided on."""
    with_findings = select(PersonalDataFinding.document_id).distinct()
    documents = session.scalars(
        select(Document)
        .where(Document.withdrawn_at.is_(None), Document.id.in_(with_findings))
        .order_by(Document.held_at.is_(None), Document.held_at, Document.title)
    )
    return [
        document
        for document in documents
        if document.held_at is not None or open_findings(session, document_id=document.id)
    ]
