"""Accounts: who may edit, how they prove it, and how often they may try.

Passwords are hashed with Argon2 (pwdlib's recommended settings). Logging in gives a session
secret for a cookie and a CSRF token for its forms; a personal API token is for scripts. Failed
logins are counted per account and per address in SQL, so every API process sees them.
"""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from pwdlib import PasswordHash

from vidensbank.errors import (
    BadRequestError,
    NotFoundError,
    TooManyRequestsError,
    UnauthorizedError,
)
from vidensbank.store import audit
from vidensbank.store import users as user_store
from vidensbank.store.audit import COMMAND_LINE
from vidensbank.store.base import utcnow
from vidensbank.store.db import session_scope
from vidensbank.store.users import ApiToken, LoginSession, Role, User

# A login lasts while it is used: it ends after this long without a request (longer than WCAG
# 2.2.1's 20 hours, so a curator who leaves a form open overnight can still save it), and in
# any case this long after logging in. A fixed 12 hours ended a session in the middle of work,
# and the form's text was lost with it.
SESSION_IDLE = dt.timedelta(hours=24)
SESSION_MAX = dt.timedelta(days=7)
# A session's expiry is moved on at most this often (a database write).
SESSION_RENEWAL = dt.timedelta(hours=1)
MIN_PASSWORD_CHARS = 12
# The most the web forms take (a longer field is answered 413), so an account made on the
# command line can always log in.
MAX_PASSWORD_CHARS = 1000
MAX_EMAIL_CHARS = 320
# At most this many failed logins per account, and per address, in the window.
FAILED_LOGINS_PER_ACCOUNT = 5
FAILED_LOGINS_PER_ADDRESS = 20
FAILED_LOGIN_WINDOW = dt.timedelta(minutes=15)
# Personal tokens start with this, so a leaked one is recognisable in logs and scanners.
TOKEN_PREFIX = "vb_"
# An address as a person types it: no control characters, brackets or quotes ("<script>@…",
# a NUL, "a@[127.0.0.1]" were accepted), and a domain of names with a dot.
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f<>()\[\]\\,;:\"]+@(?:[\w-]+\.)+[\w-]+")
WRONG_LOGIN = "E-mailadressen eller adgangskoden er forkert."

_hasher = PasswordHash.recommended()
# Checked when no account has the address, so a wrong address takes as long as a wrong password.
_NO_ACCOUNT = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Account:
    """Who a request comes from. ``csrf_token`` is None for an API token: a script sends it
    itself, a browser never sends it on its own."""

    user_id: int
    email: str
    role: Role
    csrf_token: str | None


@dataclass(frozen=True)
class Login:
    session_token: str
    account: Account


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def add_user(email: str, password: str, role: Role, actor: str = COMMAND_LINE) -> bool:
    """Make an account, or open a closed one again with this password and role (its history
    is kept; nothing else could reopen it); return whether it was closed."""
    email = normalize_email(email)
    if len(email) > MAX_EMAIL_CHARS:
        raise BadRequestError(f"E-mailadressen må højst have {MAX_EMAIL_CHARS} tegn.")
    if not EMAIL.fullmatch(email):
        raise BadRequestError(f"»{email}« er ikke en e-mailadresse.")
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequestError(f"Adgangskoden skal have mindst {MIN_PASSWORD_CHARS} tegn.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise BadRequestError(f"Adgangskoden må højst have {MAX_PASSWORD_CHARS} tegn.")
    if not password.strip():
        raise BadRequestError("Adgangskoden må ikke bestå af mellemrum alene.")
    with session_scope() as session:
        existing = user_store.get_user_by_email(session, email=email)
        if existing is not None and existing.active:
            raise BadRequestError(f"Der findes allerede en bruger med {email}.")
        if existing is not None:
            audit.record(
                session,
                actor=actor,
                action="user.reopen",
                target=email,
                before={"active": False, "role": existing.role},
                after={"active": True, "role": role},
            )
            existing.active, existing.role = True, role
            existing.password_hash = _hasher.hash(password)
            # A login or token made while it was being closed (the password checked before,
            # the session stored after) stayed, dead while the account was closed and alive
            # again when it was opened with a new password: it opens with none.
            user_store.end_sessions(session, user_id=existing.id)
            return True
        session.add(User(email=email, password_hash=_hasher.hash(password), role=role))
        audit.record(session, actor=actor, action="user.add", target=email, after={"role": role})
        return False


def list_users() -> list[User]:
    with session_scope() as session:
        return user_store.list_users(session)


def get_user(email: str) -> User | None:
    with session_scope() as session:
        return user_store.get_user_by_email(session, email=normalize_email(email))


def deactivate(email: str, actor: str = COMMAND_LINE) -> bool:
    """Deactivate the account and end its sessions and tokens; False if there is no open one
    (closing a closed one again said it was closed)."""
    with session_scope() as session:
        user = user_store.get_user_by_email(session, email=normalize_email(email))
        if user is None or not user.active:
            return False
        audit.record(
            session,
            actor=actor,
            action="user.deactivate",
            target=user.email,
            before={"active": user.active},
            after={"active": False},
        )
        user.active = False
        user_store.end_sessions(session, user_id=user.id)
        return True


def log_in(email: str, password: str, address: str) -> Login:
    """A new session for the account, or an error that says neither whether the address has an
    account nor which of the two was wrong."""
    email = normalize_email(email)
    keys = [f"account:{email}", f"address:{address}"]
    now = utcnow()
    # The attempt is recorded before it is counted, in a transaction of its own: attempts sent
    # at once each count those before them (counted first, 19 of 30 wrong passwords sent
    # together were checked against a limit of 5).
    with session_scope() as session:
        attempt = user_store.record_login_attempt(
            session, keys=keys, forget_before=now - FAILED_LOGIN_WINDOW
        )
    with session_scope() as session:
        by_account, by_address = (
            user_store.count_failed_logins(session, key=key, since=now - FAILED_LOGIN_WINDOW)
            for key in keys
        )
        refused = by_account > FAILED_LOGINS_PER_ACCOUNT or by_address > FAILED_LOGINS_PER_ADDRESS
        if refused:
            # A refused attempt checks no password: it does not prolong the wait.
            user_store.forget_login_attempt(session, ids=attempt)
    if refused:
        minutes = int(FAILED_LOGIN_WINDOW.total_seconds() // 60)
        raise TooManyRequestsError(
            f"For mange forkerte forsøg. Vent {minutes} minutter, og prøv igen."
        )
    with session_scope() as session:
        user = user_store.get_user_by_email(session, email=email)
        valid = _hasher.verify(password, user.password_hash if user else _NO_ACCOUNT)
        if user is None or not valid or not user.active:
            # Named only when the address is an account's: what else was typed may be anything.
            audit.record(
                session,
                actor=user.email if user else "ukendt",
                action="login.failed",
                target=user.email if user else "",
            )
            login = None
        else:
            user_store.forget_login_attempt(session, ids=attempt)
            user_store.forget_failed_logins(session, key=keys[0])
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session.add(
                LoginSession(
                    token_hash=digest(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    expires_at=now + SESSION_IDLE,
                )
            )
            audit.record(session, actor=user.email, action="login", target=user.email)
            login = Login(token, Account(user.id, user.email, Role(user.role), csrf))
    # Raised after the commit: the failed attempt must count.
    if login is None:
        raise UnauthorizedError(WRONG_LOGIN)
    return login


def log_out(session_token: str, account: Account) -> None:
    with session_scope() as session:
        if user_store.end_session(session, token_hash=digest(session_token)):
            audit.record(session, actor=account.email, action="logout", target=account.email)


def account_for_session(session_token: str) -> Account | None:
    with session_scope() as session:
        found = user_store.user_for_session(session, token_hash=digest(session_token))
        if found is None:
            return None
        user, login = found
        now = utcnow()
        if login.expires_at - now < SESSION_IDLE - SESSION_RENEWAL:
            login.expires_at = min(now + SESSION_IDLE, login.created_at + SESSION_MAX)
        return Account(user.id, user.email, Role(user.role), login.csrf_token)


def account_for_api_token(token: str) -> Account | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    with session_scope() as session:
        user = user_store.user_for_api_token(session, token_hash=digest(token))
        return None if user is None else Account(user.id, user.email, Role(user.role), None)


@dataclass(frozen=True)
class TokenListed:
    """A personal token as its owner sees it listed: when it was made, and the key that takes
    it back (the start of its digest; the token itself is never kept)."""

    key: str
    created_at: dt.datetime
    hint: str | None  # the token's beginning ("vb_AbCdEfGh"); None for one made before


TOKEN_KEY_CHARS = 12
TOKEN_HINT_CHARS = 8


def token_hint(token: str) -> str:
    return token[: len(TOKEN_PREFIX) + TOKEN_HINT_CHARS]


def api_tokens(account: Account) -> list[TokenListed]:
    with session_scope() as session:
        return [
            TokenListed(row.token_hash[:TOKEN_KEY_CHARS], row.created_at, row.hint)
            for row in user_store.list_api_tokens(session, user_id=account.user_id)
        ]


def revoke_api_token(account: Account, key: str) -> None:
    """The account's token listed under ``key`` stops working."""
    with session_scope() as session:
        found = [
            row
            for row in user_store.list_api_tokens(session, user_id=account.user_id)
            if row.token_hash[:TOKEN_KEY_CHARS] == key
        ]
        if len(found) != 1:
            raise NotFoundError("Nøglen findes ikke (længere) på din konto.")
        [token] = found
        user_store.delete_api_token(session, user_id=account.user_id, token_hash=token.token_hash)
        audit.record(
            session,
            actor=account.email,
            action="token.revoke",
            target=account.email,
            before={"nøgle": f"{token.hint}…" if token.hint else key},
        )


def new_api_token(account: Account) -> str:
    """A personal token for scripts; it is shown once and only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with session_scope() as session:
        session.add(
            ApiToken(token_hash=digest(token), user_id=account.user_id, hint=token_hint(token))
        )
        audit.record(session, actor=account.email, action="token.create", target=account.email)
    return token
