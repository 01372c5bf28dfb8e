"""Passage vectors, stored once under the hash of the model and the passage's text."""

from collections.abc import Collection, Mapping

import numpy as np
from sqlalchemy import LargeBinary, String, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from vidensbank.store.base import Base


class PassageVector(Base):
    __tablename__ = "passage_vectors"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # float32, little-endian.
    vector: Mapped[bytes] = mapped_column(LargeBinary)


def get_vectors(session: Session, keys: Collection[str]) -> dict[str, list[float]]:
    if not keys:
        return {}
    rows = session.execute(
        select(PassageVector.key, PassageVector.vector).where(PassageVector.key.in_(set(keys)))
    )
    return {key: np.frombuffer(blob, dtype="<f4").tolist() for key, blob in rows}


def put_vectors(session: Session, vectors: Mapping[str, np.ndarray]) -> None:
    """Store vectors; one already there (another worker embedded the same text) is kept."""
    if not vectors:
        return
    rows = [
        {"key": key, "vector": np.asarray(v, dtype="<f4").tobytes()} for key, v in vectors.items()
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(PassageVector).values(rows).on_conflict_do_nothing())


def vector_keys(session: Session) -> set[str]:
    return set(session.scalars(select(PassageVector.key)))


def delete_vectors(session: Session, keys: Collection[str]) -> None:
    ordered = sorted(keys)
    # A few hundred at a time: SQLite takes a limited number of parameters in one statement.
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        session.execute(delete(PassageVector).where(PassageVector.key.in_(chunk)))
