"""Editions: each document's text signature, its bands (the index that finds candidates), and
the edition group it belongs to.

A document alone has no group row. A group's id is the id of its oldest member (the first
ingested), so it stays when a newer edition joins. Members that are withdrawn, held back or
unreadable stay in the group but are left out of its listing.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    LargeBinary,
    String,
    delete,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from vidensbank.store.base import Base, UTCDateTime, table, utcnow
from vidensbank.store.documents import DOCUMENTS, Document, DocumentStatus, is_public


class EditionSignature(Base):
    __tablename__ = "edition_signatures"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(20))
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class EditionBand(Base):
    """One band of a signature, hashed: documents with an equal key are candidates."""

    __tablename__ = "edition_bands"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EditionMember(Base):
    __tablename__ = "edition_members"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[str] = mapped_column(String(40), index=True)
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EditionSeparation(Base):
    """A curator's decision that the document is no other document's edition: linking leaves
    it alone, whatever its text."""

    __tablename__ = "edition_separations"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    separated_by: Mapped[str] = mapped_column(String(320))
    separated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# Linking runs for every document: its statements go through Core.
_SIGNATURES = table(EditionSignature)
_BANDS = table(EditionBand)
_MEMBERS = table(EditionMember)
_SEPARATIONS = table(EditionSeparation)


def separate(session: Session, *, document_id: str, by: str) -> None:
    if session.get(EditionSeparation, document_id) is None:
        session.add(EditionSeparation(document_id=document_id, separated_by=by))
        session.flush()


def unseparate(session: Session, *, document_id: str) -> None:
    session.execute(delete(EditionSeparation).where(EditionSeparation.document_id == document_id))


def separated(session: Session, *, document_ids: Iterable[str]) -> set[str]:
    """Those of these documents a curator keeps apart from every other."""
    return set(
        session.scalars(
            select(_SEPARATIONS.c.document_id).where(
                _SEPARATIONS.c.document_id.in_(list(document_ids))
            )
        )
    )


def lock_editions(session: Session) -> None:
    """Link one document at a time, so two editions read at once still find each other (on
    SQLite the first write takes the database's one write lock anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(1917)"))


def put_signatures(
    session: Session, *, version: str, signatures: Mapping[str, tuple[bytes, Sequence[int]]]
) -> None:
    """Each document's signature and band keys, in place of what it had. A text too short to
    compare gets an empty signature and no bands: it was looked at."""
    if not signatures:
        return
    document_ids = list(signatures)
    session.execute(delete(_BANDS).where(_BANDS.c.document_id.in_(document_ids)))
    session.execute(delete(_SIGNATURES).where(_SIGNATURES.c.document_id.in_(document_ids)))
    session.execute(
        insert(_SIGNATURES),
        [
            {"document_id": d, "version": version, "signature": data}
            for d, (data, _keys) in signatures.items()
        ],
    )
    bands = [
        {"key": k, "document_id": d} for d, (_data, keys) in signatures.items() for k in set(keys)
    ]
    if bands:
        session.execute(insert(_BANDS), bands)


def band_members(session: Session, *, keys: Sequence[int]) -> dict[int, set[str]]:
    """The documents in each of these bands (by key) that have any."""
    found: dict[int, set[str]] = {}
    for key, document_id in session.execute(
        select(_BANDS.c.key, _BANDS.c.document_id).where(_BANDS.c.key.in_(list(set(keys))))
    ):
        found.setdefault(int(key), set()).add(str(document_id))
    return found


def signatures(session: Session, *, document_ids: Iterable[str], version: str) -> dict[str, bytes]:
    rows = session.execute(
        select(_SIGNATURES.c.document_id, _SIGNATURES.c.signature).where(
            _SIGNATURES.c.document_id.in_(list(document_ids)),
            _SIGNATURES.c.version == version,
        )
    )
    return {str(i): bytes(s) for i, s in rows}


def groups_of(session: Session, *, document_ids: Iterable[str]) -> dict[str, str]:
    """The group of each of these documents that has one."""
    rows = session.execute(
        select(_MEMBERS.c.document_id, _MEMBERS.c.group_id).where(
            _MEMBERS.c.document_id.in_(list(document_ids))
        )
    )
    return {str(d): str(g) for d, g in rows}


def members(session: Session, *, group_ids: Iterable[str]) -> list[str]:
    return list(
        session.scalars(
            select(_MEMBERS.c.document_id).where(_MEMBERS.c.group_id.in_(list(group_ids)))
        )
    )


def oldest_first(session: Session, *, document_ids: Iterable[str]) -> list[str]:
    """These documents in the order they were first ingested."""
    return list(
        session.scalars(
            select(DOCUMENTS.c.id)
            .where(DOCUMENTS.c.id.in_(list(document_ids)))
            .order_by(DOCUMENTS.c.created_at, DOCUMENTS.c.id)
        )
    )


def set_groups(session: Session, *, groups: Mapping[str, str | None]) -> list[str]:
    """Put each document in its group (None: alone); return those whose group changed."""
    before = groups_of(session, document_ids=groups)
    changed = [d for d, g in groups.items() if before.get(d) != g]
    if changed:
        session.execute(delete(_MEMBERS).where(_MEMBERS.c.document_id.in_(changed)))
        joined = [{"document_id": d, "group_id": groups[d]} for d in changed if groups[d]]
        if joined:
            session.execute(insert(_MEMBERS), joined)
    return changed


def other_editions(session: Session, *, document_id: str) -> list[Document]:
    """The document's other editions that anyone may read, oldest publication first."""
    own = aliased(EditionMember)
    other = aliased(EditionMember)
    return list(
        session.scalars(
            select(Document)
            .join(other, other.document_id == Document.id)
            .join(own, own.group_id == other.group_id)
            .where(
                own.document_id == document_id,
                Document.id != document_id,
                Document.status == DocumentStatus.INDEXED,
                is_public(),
            )
            .order_by(Document.published, Document.id)
        )
    )


def unsigned_document_ids(session: Session, *, version: str) -> list[str]:
    """Readable documents without a signature of this version (never linked, or linked by
    other rules)."""
    signed = select(EditionSignature.document_id).where(EditionSignature.version == version)
    return list(
        session.scalars(
            select(Document.id)
            .where(
                Document.status.in_([DocumentStatus.ENRICHED, DocumentStatus.INDEXED]),
                Document.id.not_in(signed),
            )
            .order_by(Document.id)
        )
    )
