"""Admins manage the accounts: add a curator or an admin, close an account."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api.auth import AdminAccount
from vidensbank import accounts
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, NotFoundError
from vidensbank.store.users import Role
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def _users_page(
    request: Request,
    account: Account,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    """The accounts; with ``form`` and ``error``, the new-user form again as the admin filled
    it in (but the password), with why it was refused."""
    users = accounts.list_users()
    by_email = {user.email: user for user in users}

    def named(parameter: str, active: bool | None = None) -> str | None:
        """The address a link names, only of an account that exists (as ``active`` says): the
        message is the page's to say."""
        user = by_email.get(request.query_params.get(parameter, ""))
        return user.email if user and active in (None, user.active) else None

    return templates.TemplateResponse(
        request,
        "users.html",
        {
            "users": users,
            "account": account,
            "role_labels": {role.value: role.label for role in Role},
            # "Åbn igen …" of a closed account fills in its address.
            "form": form or {"email": request.query_params.get("aabn", "")},
            "error": error,
            "added": named("oprettet"),
            "reopened": named("genaabnet", active=True),
            "closed": named("lukket", active=False),
            # "Åbn igen …" of a closed account: the form says so.
            "reopening": named("aabn"),
        },
        status_code=400 if error else 200,
    )


@router.get("/brugere")
def users_page(request: Request, account: AdminAccount) -> Response:
    return _users_page(request, account)


@router.post("/brugere")
def add_user(
    request: Request,
    account: AdminAccount,
    email: Annotated[str, Form(max_length=accounts.MAX_EMAIL_CHARS)],
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD_CHARS)],
    role: Annotated[Role, Form()],
) -> Response:
    try:
        reopened = accounts.add_user(email, password, role, actor=account.email)
    except BadRequestError as error:
        form = {"email": email, "role": role.value}
        return _users_page(request, account, form=form, error=error.message)
    query = urlencode({"genaabnet" if reopened else "oprettet": accounts.normalize_email(email)})
    # A fragment of its own: the form's "#ny-bruger" was kept, and the message stood out of view.
    return RedirectResponse(f"/brugere?{query}#besked", status_code=303)


@router.get("/brugere/{email:path}/luk")
def close_page(request: Request, email: str, account: AdminAccount) -> Response:
    """Asks before an account is closed: its owner is logged out and cannot log in again."""
    user = accounts.get_user(email)
    if user is None or not user.active:
        raise NotFoundError("Der findes ingen åben konto med den e-mailadresse.")
    return templates.TemplateResponse(
        request, "user_close.html", {"user": user, "account": account}
    )


@router.post("/brugere/{email:path}/luk")
def deactivate(email: str, account: AdminAccount, confirm: Annotated[str, Form()] = "") -> Response:
    if accounts.normalize_email(email) == account.email:
        # The last admin must not lock everyone out; another admin, or the command line, can.
        raise BadRequestError("Du kan ikke lukke din egen konto her.")
    if confirm != "ja":
        raise BadRequestError("Kontoen er ikke lukket: bekræft det på siden, der spørger først.")
    if not accounts.deactivate(email, actor=account.email):
        raise NotFoundError("Der findes ingen åben konto med den e-mailadresse.")
    query = urlencode({"lukket": accounts.normalize_email(email)})
    return RedirectResponse(f"/brugere?{query}#besked", status_code=303)
