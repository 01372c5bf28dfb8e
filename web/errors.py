"""One error handler for both formats: JSON under /api and /healthz, a Danish page elsewhere."""

import logging
from collections.abc import Mapping
from enum import Enum
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import psycopg.errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, ProgrammingError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from search_api.api.parameters import unknown_parameter
from search_api.query.batch import BatchParams
from search_api.query.filters import FILTERS, FILTERS_BY_NAME, INVALID_VALUE
from vidensbank.danish import danish_number
from vidensbank.errors import VidensbankError
from vidensbank.store.users import Role
from web.templating import SORT_LABELS, local_path, templates

log = logging.getLogger(__name__)


class Gender(Enum):
    """What a Danish adjective agrees with: "titlen er ugyldig", "navnet er ugyldigt",
    "filerne er ugyldige"."""

    COMMON = "common"
    NEUTER = "neuter"
    PLURAL = "plural"


class ParameterName(NamedTuple):
    """A parameter as a sentence names it, with the gender its adjectives take."""

    text: str
    gender: Gender = Gender.COMMON


COMMON, NEUTER, PLURAL = Gender.COMMON, Gender.NEUTER, Gender.PLURAL

PARAMETER_NAMES: dict[str, ParameterName] = {
    "q": ParameterName("søgeteksten"),
    "page": ParameterName("sidenummeret", NEUTER),
    "size": ParameterName("antal resultater pr. side", NEUTER),
    "sort": ParameterName("sortering"),
    "format": ParameterName("formatet", NEUTER),
    "side": ParameterName("sidetallet", NEUTER),
    **{f.name: ParameterName(f.noun, NEUTER if f.neuter else COMMON) for f in FILTERS},
    # The forms' fields: "Parameteren 'value' mangler" named no field a curator had seen.
    "action": ParameterName("handlingen"),
    "actor": ParameterName("brugeren"),
    "authors": ParameterName("forfatterne", PLURAL),
    "by": ParameterName("opdelingen"),
    "collection_id": ParameterName("samlingens id", NEUTER),
    "confirm": ParameterName("bekræftelsen"),
    "correction_id": ParameterName("rettelsens nummer", NEUTER),
    "csrf_token": ParameterName("sikkerhedstegnet (CSRF)", NEUTER),
    "description": ParameterName("beskrivelsen"),
    "document_id": ParameterName("dokumentets id", NEUTER),
    "edit_id": ParameterName("ændringens nummer", NEUTER),
    "email": ParameterName("e-mailadressen"),
    "end": ParameterName("til-måneden"),
    "entity_label": ParameterName("navnets type"),
    "field": ParameterName("feltet", NEUTER),
    "files": ParameterName("filerne", PLURAL),
    "fund": ParameterName("fundet", NEUTER),
    "isbn": ParameterName("ISBN-nummeret", NEUTER),
    "kb_id": ParameterName("posten i vidensbasen"),
    "key": ParameterName("nøglen"),
    "limit": ParameterName("antallet", NEUTER),
    "new_label": ParameterName("den nye type"),
    "number": ParameterName("filens nummer", NEUTER),
    "offset": ParameterName("hvor listen begynder", NEUTER),
    "password": ParameterName("adgangskoden"),
    "published": ParameterName("udgivelsesdatoen"),
    "reason": ParameterName("begrundelsen"),
    "rights": ParameterName("rettighederne", PLURAL),
    "role": ParameterName("rollen"),
    "run_id": ParameterName("indlæsningens nummer", NEUTER),
    "shown_description": ParameterName("beskrivelsen"),
    "shown_published": ParameterName("udgivelsesdatoen"),
    "shown_title": ParameterName("titlen"),
    "soegning": ParameterName("søgningen"),
    "start": ParameterName("fra-måneden"),
    "text": ParameterName("teksten"),
    "title": ParameterName("titlen"),
    "value": ParameterName("navnet", NEUTER),
    "version": ParameterName("formularens version"),
}

# Errors whose general sentence would name a parameter but not say what to do.
SPECIFIC_MESSAGES: dict[tuple[str, str], str] = {
    # The batch search's JSON body: "Parameteren 'queries' mangler" named no search.
    ("queries", "missing"): "queries (søgningerne) mangler.",
    ("queries", "list_type"): "queries skal være en liste af søgninger (tekster).",
    ("queries", "string_type"): "queries skal være en liste af søgninger (tekster).",
    # The users' form names the roles by their Danish labels, not their values.
    ("role", "enum"): "Vælg rollen " + " eller ".join(role.label for role in Role) + ".",
}

# The API's one JSON body is a batch search's: a body that is no object of its fields (a list,
# a string) was "Parameteren 'body' er ugyldig", naming no field anyone had sent.
BODY_FIELDS = tuple(BatchParams.model_fields)
NOT_AN_OBJECT = (
    'Indholdet skal være et JSON-objekt med søgningerne i "queries", '
    'fx {"queries": ["anbringelse", "efterværn"]}.'
)
BATCH_SEARCH = "En søgning med en liste"

HTTP_MESSAGES = {
    404: "Der er ingen side på den adresse.",
    405: "Metoden (HTTP) er ikke tilladt på denne adresse.",
}
# A page's address opened in a way its links and buttons never do: a form's address typed in.
WRONG_METHOD_ON_PAGE = "Adressen kan ikke åbnes direkte. Gå tilbage, og brug knappen på siden."
UNEXPECTED = "Der skete en uventet fejl. Prøv igen senere."
DATABASE_DOWN = "Databasen svarer ikke lige nu. Prøv igen om lidt."
OUTDATED_SCHEMA = (
    "Databasens indhold er ikke opdateret til denne version af Vidensbank. "
    "Driften skal køre »vidensbank init«."
)
# What SQLite says of a table or column the code expects and the database lacks; PostgreSQL
# raises its own exceptions for them.
_SQLITE_MISSING = ("no such table", "no such column", "has no column named")
_POSTGRES_MISSING = (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn)


def _agrees(gender: Gender, common: str, neuter: str, plural: str) -> str:
    """The form of a word that agrees with a noun of ``gender``."""
    return {COMMON: common, NEUTER: neuter, PLURAL: plural}[gender]


def _number(value: object) -> str:
    """A limit as Danish writes it: "100.000", but a year ("9999") and other numbers of four
    digits without the point, as Danish may write them; anything but a number as it is."""
    return danish_number(value) if isinstance(value, int) and value >= 10_000 else str(value)


def explain_validation_error(error: Mapping[str, Any]) -> tuple[int, str]:
    """A status and a Danish sentence for one pydantic validation error."""
    kind = error.get("type", "")
    if kind == "json_invalid":
        return 400, "Forespørgslens indhold er ikke gyldig JSON."
    location = tuple(error.get("loc", ()))
    if location == ("body",):
        return 400, NOT_AN_OBJECT
    # The parameter is the last name in the location: ("query", "year", 0) is about "year".
    field = next((str(p) for p in reversed(location) if isinstance(p, str)), "?")
    if kind == "extra_forbidden":  # only a batch search's body refuses a key it does not know
        return 400, unknown_parameter(field, BODY_FIELDS, kind="Feltet", where=BATCH_SEARCH)
    if specific := SPECIFIC_MESSAGES.get((field, kind)):
        return 400, specific
    noun, gender = PARAMETER_NAMES.get(field, ParameterName(f"parameteren '{field}'"))
    name = noun[0].upper() + noun[1:]  # capitalize() wrote "Isbn-nummeret"
    ctx = error.get("ctx", {})
    if kind == "string_too_long":
        too_long = _agrees(gender, "lang", "langt", "lange")
        return 413, f"{name} er for {too_long} (højst {_number(ctx.get('max_length'))} tegn)."
    if kind == "too_long":
        return 400, f"Der er for mange værdier af {noun} (højst {_number(ctx.get('max_length'))})."
    search_filter = FILTERS_BY_NAME.get(field)
    # Pydantic lists the allowed values in English ("'a', 'b' or 'c'").
    one_of = str(ctx.get("expected")).replace(" or ", " eller ")
    # With the names the search form gives them.
    for value, label in SORT_LABELS.items():
        one_of = one_of.replace(f"'{value}'", f"'{value}' ({label.lower()})")
    if kind == INVALID_VALUE and search_filter and search_filter.hint:
        return 400, f"{name} skal være {search_filter.hint}."
    one = _agrees(gender, "en", "et", "nogle")
    messages = {
        "string_too_short": f"{name} må ikke være {_agrees(gender, 'tom', 'tomt', 'tomme')}.",
        "int_parsing": f"{name} skal være et helt tal.",
        "greater_than_equal": f"{name} skal være mindst {_number(ctx.get('ge'))}.",
        "less_than_equal": f"{name} må højst være {_number(ctx.get('le'))}.",
        "literal_error": f"{name} skal være {one} af følgende: {one_of}.",
        "enum": f"{name} skal være {one} af følgende: {one_of}.",
        "missing": f"{name} mangler.",
    }
    invalid = _agrees(gender, "ugyldig", "ugyldigt", "ugyldige")
    return 400, messages.get(kind, f"{name} er {invalid}.")


def _outdated_schema(exc: DBAPIError) -> bool:
    """Whether the database lacks a table or column this version uses: it was not upgraded
    (``vidensbank init``) when the version was installed."""
    if isinstance(exc.orig, _POSTGRES_MISSING):
        return True
    return any(missing in str(exc.orig) for missing in _SQLITE_MISSING)


def _came_from(request: Request) -> str | None:
    """The page of this site a refused form was sent from (its Referer), for the way back to
    it; None for any other site, or when the browser did not say."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or local_path(referer.path) is None:
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def error_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The Danish error: JSON under /api, the site's error page elsewhere."""
    if request.url.path.startswith(("/api", "/healthz")):
        return JSONResponse(
            {"error": message, "status": status}, status_code=status, headers=headers
        )
    back = _came_from(request) if request.method == "POST" and status < 500 else None
    # A form about something gone (a name taken back in another tab) is no mistyped address.
    page_missing = status == 404 and request.method != "POST"
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "message": message,
            "status": status,
            "back": back,
            "page_missing": page_missing,
            "heading": _heading(status, page_missing),
        },
        status_code=status,
        headers=headers,
    )


def _heading(status: int, page_missing: bool) -> str:
    """An error page's heading, also its title (which was "Fejl 404" alone)."""
    if page_missing:
        return "Siden blev ikke fundet"
    headings = {
        401: "Du er ikke logget ind",
        503: "Vidensbank svarer ikke lige nu",
        410: "Dokumentet er trukket tilbage",
    }
    return headings.get(status) or (
        "Det kunne ikke lade sig gøre" if status < 500 else "Der skete en fejl"
    )


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route of the path takes: the framework named only the first route's
    (``/samlinger`` said ``GET`` while it takes ``POST`` too). HEAD is answered as GET."""
    methods = {
        method
        for method in _METHODS
        for route in app.router.routes
        # A mount (the static files) answers its own 405 with its own Allow.
        if not isinstance(route, Mount)
        and route.matches({**request.scope, "method": method})[0] is Match.FULL
    }
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VidensbankError)
    async def project_error(request: Request, exc: VidensbankError) -> Response:
        if exc.status >= 500:
            log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc.message)
        # A 401 names the way to authenticate a script: its personal token (RFC 6750).
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(request, exc.status, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        status, message = (
            explain_validation_error(errors[0]) if errors else (400, "Ugyldig forespørgsel.")
        )
        return error_response(request, status, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, "Forespørgslen kunne ikke behandles.")
        if exc.status_code == 405 and not request.url.path.startswith(("/api", "/healthz")):
            message = WRONG_METHOD_ON_PAGE
        # Keeps what the exception says of the response, such as the Allow of a 405.
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed_methods(app, request)):
            headers["Allow"] = ", ".join(allowed)
        return error_response(request, exc.status_code, message, headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(ProgrammingError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        if _outdated_schema(exc):
            log.error("database schema out of date on %s: %s", request.url.path, exc.orig)
            return error_response(request, 503, OUTDATED_SCHEMA)
        if isinstance(exc, ProgrammingError):
            # A mistake in the code's SQL, not a database that is down.
            log.exception("database error on %s", request.url.path)
            return error_response(request, 500, UNEXPECTED)
        log.warning("database unavailable on %s: %s", request.url.path, exc)
        return error_response(request, 503, DATABASE_DOWN)

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> Response:
        # PostgreSQL refuses text with a NUL character ("/samlinger/%00"); SQLite stores it.
        log.info("value the database refuses on %s: %s", request.url.path, exc.orig)
        return error_response(
            request, 400, "Forespørgslen indeholder tegn, som ikke kan bruges (fx et nultegn)."
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        # The framework raises the error again after this answer, and the server logs it with
        # its traceback: logged here too, every 500 wrote its traceback twice (15 KB).
        log.error("unexpected error on %s: %r", request.url.path, exc)
        return error_response(request, 500, UNEXPECTED)
