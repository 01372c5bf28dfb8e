"""The people who edit: their accounts, login sessions, personal API tokens and failed logins.

A session or a token is a random secret the client holds; only its SHA-256 is stored, so a copy
of the database opens no session. Everything lives in SQL, not in one process's memory: the
API runs as several processes.
"""

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vidensbank.store.base import Base, UTCDateTime, utcnow


class Role(StrEnum):
    """What an account may do; anonymous visitors read everything public."""

    CURATOR = "curator"  # edits collections, documents and entities
    ADMIN = "admin"  # also manages accounts

    @property
    def label(self) -> str:
        return {Role.CURATOR: "kurator", Role.ADMIN: "administrator"}[self]

    def allows(self, needed: "Role") -> bool:
        return self == Role.ADMIN or self == needed


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(Base):
    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The synchronizer token every form and state-changing request of the session carries.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The token's first characters, by which its owner tells it from the others (too few to
    # guess the rest from: 8 of its 43 random characters).
    hint: Mapped[str | None] = mapped_column(String(16), nullable=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FailedLogin(Base):
    """One failed login, counted against the account and the address it came from."""

    __tablename__ = "failed_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def user_for_session(session: Session, *, token_hash: str) -> tuple[User, LoginSession] | None:
    """The active user of an unexpired session."""
    row = session.execute(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == token_hash,
            LoginSession.expires_at > utcnow(),
            User.active.is_(True),
        )
    ).first()
    return (row[0], row[1]) if row else None


def user_for_api_token(session: Session, *, token_hash: str) -> User | None:
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash, User.active.is_(True))
    )


def list_api_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at)
        )
    )


def delete_api_token(session: Session, *, user_id: int, token_hash: str) -> bool:
    """Whether the user had the token (it no longer works)."""
    result = session.execute(
        delete(ApiToken).where(ApiToken.user_id == user_id, ApiToken.token_hash == token_hash)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_session(session: Session, *, token_hash: str) -> bool:
    """Whether there was such a session."""
    result = session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_sessions(session: Session, *, user_id: int) -> None:
    """Every session and token of the user stops working."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))


def count_failed_logins(session: Session, *, key: str, since: dt.datetime) -> int:
    return int(
        session.scalar(select(func.count()).where(FailedLogin.key == key, FailedLogin.at > since))
        or 0
    )


def record_login_attempt(
    session: Session, *, keys: list[str], forget_before: dt.datetime
) -> list[int]:
    """The attempt counted as failed until it is known to have succeeded; its rows' ids."""
    session.execute(delete(FailedLogin).where(FailedLogin.at < forget_before))
    rows = [FailedLogin(key=key) for key in keys]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def forget_login_attempt(session: Session, *, ids: list[int]) -> None:
    session.execute(delete(FailedLogin).where(FailedLogin.id.in_(ids)))


def forget_failed_logins(session: Session, *, key: str) -> None:
    session.execute(delete(FailedLogin).where(FailedLogin.key == key))
