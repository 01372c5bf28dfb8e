"""Who a request comes from, and the guard every write route stands behind.

A browser proves who it is with the session cookie and proves that the request is its own with
the session's CSRF token (a form's hidden field or an ``X-CSRF-Token`` header): a cookie alone
comes with any cross-site request. A script sends its personal token as ``Authorization:
Bearer vb_…``, which no other site can make a browser send.
"""

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response

from vidensbank.accounts import SESSION_MAX, Account, account_for_api_token, account_for_session
from vidensbank.errors import ForbiddenError, UnauthorizedError, UnsupportedMediaTypeError
from vidensbank.store.users import Role

SESSION_COOKIE = "vb_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOG_IN_FIRST = "Du skal være logget ind for at gøre dette."
LOG_IN_TO_SEE = "Log ind for at se siden."
WRONG_ROLE = "Din rolle giver ikke adgang til dette."
NOT_JSON = "Send forespørgslen som JSON (Content-Type: application/json)."
BAD_CSRF = (
    "Formularen er for gammel eller blev sendt fra en anden side. Genindlæs siden, og prøv igen."
)


def current_account(request: Request) -> Account | None:
    """The account of the request's token or session cookie (looked up once per request)."""
    try:
        found: Account | None = request.state.account
    except AttributeError:
        found = request.state.account = _account(request)
    return found


def bearer_token(request: Request) -> str | None:
    """The personal token a script sends (``Authorization: Bearer vb_…``), if any."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _account(request: Request) -> Account | None:
    if token := bearer_token(request):
        return account_for_api_token(token)
    if cookie := request.cookies.get(SESSION_COOKIE):
        return account_for_session(cookie)
    return None


async def _csrf_token_sent(request: Request) -> str:
    if header := request.headers.get(CSRF_HEADER):
        return header
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def require(role: Role) -> Callable[[Request], Awaitable[Account]]:
    """A dependency: the request's account, if it may act as ``role``; otherwise 401 for
    nobody, 403 for the wrong role, and 403 for a browser's write without its CSRF token."""

    async def guard(request: Request) -> Account:
        account = current_account(request)
        if account is None:
            page = request.method in SAFE_METHODS and not request.url.path.startswith("/api")
            raise UnauthorizedError(LOG_IN_TO_SEE if page else LOG_IN_FIRST)
        if not account.role.allows(role):
            raise ForbiddenError(WRONG_ROLE)
        if request.method not in SAFE_METHODS and account.csrf_token is not None:
            sent = await _csrf_token_sent(request)
            if not secrets.compare_digest(sent.encode(), account.csrf_token.encode()):
                raise ForbiddenError(BAD_CSRF)
        return account

    return guard


# The account of a request that may act as a curator (admins may too), or as an admin.
CuratorAccount = Annotated[Account, Depends(require(Role.CURATOR))]
AdminAccount = Annotated[Account, Depends(require(Role.ADMIN))]


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The session cookie: out of reach of scripts, sent only by this site's own pages and
    links, and only over HTTPS when the site is served so."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_MAX.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _json_only(request: Request) -> None:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaTypeError(NOT_JSON)


# A read-only POST that anyone may send, logged in or not, needs no CSRF token if its body must
# be JSON: a page of another site can make a browser send a form (urlencoded, multipart or
# text/plain) or a body without a content type without asking, but ``application/json`` only
# after a CORS preflight, which this app never answers with a yes. The route does not rely on
# that alone: it changes nothing, and whatever it answers, the other site cannot read.
JSONBody = Annotated[None, Depends(_json_only)]
