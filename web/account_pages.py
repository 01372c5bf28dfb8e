"""Logging in and out, and the account page with its personal API token."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api.auth import (
    BAD_CSRF,
    SESSION_COOKIE,
    CuratorAccount,
    current_account,
    set_session_cookie,
)
from vidensbank import accounts
from vidensbank.errors import TooManyRequestsError, UnauthorizedError
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# The login form's own CSRF guard (no session yet): the same random value in a cookie and in
# the form, which another site can neither read nor set.
LOGIN_CSRF_COOKIE = "vb_login_csrf"
MAX_FIELD_CHARS = 1000


def _local(path: str | None) -> str:
    """Where to go after logging in: a path of this site only, never another host."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return "/"


def _login_form(
    request: Request, next_path: str, status: int = 200, message: str | None = None
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf": token, "next": _local(next_path), "message": message},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/log-ind",
    )
    return response


@router.get("/log-ind")
def login_page(request: Request, next: str = "/") -> Response:
    if current_account(request) is not None:
        return RedirectResponse(_local(next), status_code=303)
    return _login_form(request, next)


Field = Annotated[str, Form(max_length=MAX_FIELD_CHARS)]


@router.post("/log-ind")
def log_in(
    request: Request,
    email: Field,
    password: Field,
    csrf_token: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "",
    next: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_form(request, next, 403, BAD_CSRF)
    address = request.client.host if request.client else "ukendt"
    try:
        login = accounts.log_in(email, password, address)
    except (UnauthorizedError, TooManyRequestsError) as error:
        return _login_form(request, next, error.status, error.message)
    response = RedirectResponse(_local(next), status_code=303)
    set_session_cookie(request, response, login.session_token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/log-ind")
    return response


@router.post("/log-ud")
def log_out(request: Request, account: CuratorAccount) -> Response:
    accounts.log_out(request.cookies.get(SESSION_COOKIE, ""), account)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/konto")
def account_page(request: Request) -> Response:
    account = current_account(request)
    if account is None:
        return RedirectResponse("/log-ind?next=/konto", status_code=303)
    return templates.TemplateResponse(request, "account.html", {"account": account})


@router.post("/konto/token")
def new_token(request: Request, account: CuratorAccount) -> Response:
    token = accounts.new_api_token(account)
    return templates.TemplateResponse(
        request, "account.html", {"account": account, "new_token": token}
    )
