"""The Jinja2 environment: autoescaping on, Danish date and label filters."""

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError

from ingest import language
from search_api.api.auth import current_account
from search_api.api.labels import LABELS, WITH_ARTICLE
from vidensbank.accounts import Account
from vidensbank.danish import MONTHS, date_and_time
from vidensbank.errors import ReasonCode, VidensbankError
from vidensbank.store.runs import ItemStatus
from web import charts
from web.static_files import static_url

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Item statuses and quarantine reasons in Danish, from the one place that defines each.
STATUSES = {status.value: status.label for status in ItemStatus}
REASONS = {code.value: code.label for code in ReasonCode}
# Items whose document can be opened: it is in the index.
SEARCHABLE = frozenset({ItemStatus.INDEXED.value, ItemStatus.UNCHANGED.value})


def danish_date(value: dt.date | dt.datetime | None, *, seconds: bool = False) -> str:
    """A date, or a moment in Danish time (``vidensbank.danish.date_and_time``)."""
    if value is None:
        return "ukendt dato"
    if isinstance(value, dt.datetime):
        return date_and_time(value, seconds=seconds)
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["danish_date"] = danish_date


def language_name(code: str) -> str:
    """A language by its Danish name ("en" → "Engelsk"), or by its code when it has none here."""
    name = language.NAMES.get(code, code)
    return name[:1].upper() + name[1:]


templates.env.filters["language_name"] = language_name


def readable(value: Any) -> str:
    """A stored JSON value as a person reads it: text as it is, true and false as "ja" and
    "nej", a list of texts with commas, anything else as JSON with its letters unescaped
    (not "B\\u00f8rns")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False)


templates.env.filters["readable"] = readable


def local_path(path: str | None) -> str | None:
    """``path`` if it is a page of this site; None for anything a browser would take to another
    host (``//host``, ``/\\host``) or no path at all."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return None


def login_url(request: Request | None, back: str | None = None) -> str:
    """The login page, returning afterwards to the page shown (a page asked for with GET), or
    to ``back``, the page a refused form came from."""
    if request is None:
        return "/log-ind"
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = here if request.method == "GET" else back
    if not target or target == "/" or request.url.path == "/log-ind":
        return "/log-ind"
    return f"/log-ind?{urlencode({'next': target})}"


# The search's orders as its forms name them.
SORT_LABELS = {"relevance": "Mest relevante", "newest": "Nyeste først"}

templates.env.globals["login_url"] = login_url
templates.env.globals["static_url"] = static_url
templates.env.globals["SORT_LABELS"] = SORT_LABELS
templates.env.globals["LABELS"] = LABELS
templates.env.globals["LABELS_WITH_ARTICLE"] = WITH_ARTICLE
templates.env.globals["STATUSES"] = STATUSES
templates.env.globals["REASONS"] = REASONS
templates.env.globals["SEARCHABLE"] = SEARCHABLE


def account_of(request: Request) -> Account | None:
    """Who is logged in, for the header. A page about the database being down has a header
    too, so not knowing is no error here."""
    try:
        return current_account(request)
    except (OperationalError, VidensbankError):
        return None


templates.env.globals["account_of"] = account_of
templates.env.globals.update(charts.TEMPLATE_GLOBALS)

# Every page is compiled when the app starts and never read again: a server keeps the
# templates of the code it runs. Read when first used, and again when changed on disk, a
# checkout updated under a running server (before the restart an upgrade makes) gave its old
# code the new templates, which called what it did not have: 776 of 19,496 requests a 500.
templates.env.auto_reload = False
for name in templates.env.list_templates():
    templates.env.get_template(name)
