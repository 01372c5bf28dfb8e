"""Logging in and out, and the account page with its personal API tokens."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api.auth import (
    BAD_CSRF,
    SESSION_COOKIE,
    CuratorAccount,
    bearer_token,
    current_account,
    require,
    set_session_cookie,
)
from vidensbank import accounts
from vidensbank.accounts import Account
from vidensbank.errors import ForbiddenError, TooManyRequestsError, UnauthorizedError
from vidensbank.store.users import Role
from web.form_tokens import FormToken
from web.templating import local_path, templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# The login form's own CSRF guard: there is no session yet.
LOGIN_TOKEN = FormToken(cookie="vb_login_csrf", path="/log-ind")
MAX_FIELD_CHARS = 1000


def _local(path: str | None) -> str:
    """Where to go after logging in: a path of this site only, never another host."""
    return local_path(path) or "/"


def _login_form(
    request: Request,
    next_path: str,
    status: int = 200,
    message: str | None = None,
    email: str = "",
    notice: str | None = None,
) -> Response:
    token = LOGIN_TOKEN.token(request)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "csrf": token,
            "next": _local(next_path),
            "message": message,
            "email": email,
            "notice": notice,
        },
        status_code=status,
    )
    LOGIN_TOKEN.set(request, response, token)
    return response


LOGGED_OUT = "Du er logget ud."


@router.get("/log-ind")
def login_page(request: Request, next: str = "/", logget_ud: str = "") -> Response:
    if current_account(request) is not None:
        return RedirectResponse(_local(next), status_code=303)
    return _login_form(request, next, notice=LOGGED_OUT if logget_ud else None)


Field = Annotated[str, Form(max_length=MAX_FIELD_CHARS)]


@router.post("/log-ind")
def log_in(
    request: Request,
    email: Field,
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD_CHARS)],
    csrf_token: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "",
    next: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "/",
) -> Response:
    if not LOGIN_TOKEN.sent_with(request, csrf_token):
        return _login_form(request, next, 403, BAD_CSRF)
    address = request.client.host if request.client else "ukendt"
    try:
        login = accounts.log_in(email, password, address)
    except (UnauthorizedError, TooManyRequestsError) as error:
        # The address stays in the form: a mistyped password is retyped, not both.
        return _login_form(request, next, error.status, error.message, email)
    response = RedirectResponse(_local(next), status_code=303)
    set_session_cookie(request, response, login.session_token)
    LOGIN_TOKEN.clear(response)
    return response


# A personal token works for scripts; it does not log out, nor make or take back tokens: a
# leaked token could otherwise make more of itself, and its "log out" ended nothing.
BROWSER_ONLY = (
    "Dette gøres i en browser, logget ind, på siden Konto: en personlig nøgle kan ikke logge "
    "ud eller lave og tage nøgler tilbage."
)


# A new token goes to the account page in a cookie of its own, which that page shows once and
# clears: answered by the POST itself, a reload of the page made another token.
NEW_TOKEN_COOKIE = "vb_new_token"
NEW_TOKEN_SECONDS = 300


def _browser_session(account: Account) -> Account:
    if account.csrf_token is None:
        raise ForbiddenError(BROWSER_ONLY)
    return account


async def _account_to_log_out(request: Request) -> Account | None:
    """None when the browser's session has already ended: a second "Log ud" from a tab left
    open, or one after the session ran out, was a 401 page saying to log in."""
    if current_account(request) is None and bearer_token(request) is None:
        return None
    return await require(Role.CURATOR)(request)


@router.post("/log-ud")
def log_out(
    request: Request, account: Annotated[Account | None, Depends(_account_to_log_out)]
) -> Response:
    if account is not None:
        _browser_session(account)
        accounts.log_out(request.cookies.get(SESSION_COOKIE, ""), account)
    # The login page says it: sent to the search page, nothing showed the logout had happened.
    response = RedirectResponse("/log-ind?logget_ud=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(NEW_TOKEN_COOKIE, path="/konto")  # a token not yet shown
    return response


def _account_page(
    request: Request, account: Account, new_token: str | None = None, revoked: bool = False
) -> Response:
    return templates.TemplateResponse(
        request,
        "account.html",
        {
            "account": account,
            "tokens": accounts.api_tokens(account),
            "new_token": new_token,
            "new_token_hint": accounts.token_hint(new_token) if new_token else None,
            "revoked": revoked,
        },
    )


@router.get("/konto")
def account_page(request: Request, taget_tilbage: str = "") -> Response:
    account = current_account(request)
    if account is None:
        return RedirectResponse("/log-ind?next=/konto", status_code=303)
    sent = request.cookies.get(NEW_TOKEN_COOKIE, "")
    owner = accounts.account_for_api_token(sent) if sent else None
    new = sent if owner is not None and owner.user_id == account.user_id else None
    response = _account_page(request, account, new_token=new, revoked=bool(taget_tilbage))
    if sent:
        response.delete_cookie(NEW_TOKEN_COOKIE, path="/konto")
    return response


@router.post("/konto/token")
def new_token(request: Request, account: CuratorAccount) -> Response:
    token = accounts.new_api_token(_browser_session(account))
    response = RedirectResponse("/konto", status_code=303)
    response.set_cookie(
        NEW_TOKEN_COOKIE,
        token,
        max_age=NEW_TOKEN_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/konto",
    )
    return response


@router.post("/konto/token/{key}/tag-tilbage")
def revoke_token(key: str, account: CuratorAccount) -> Response:
    accounts.revoke_api_token(_browser_session(account), key)
    return RedirectResponse("/konto?taget_tilbage=1", status_code=303)
