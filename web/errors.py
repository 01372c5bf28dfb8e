"""One error handler for both formats: JSON under /api and /healthz, a Danish page elsewhere."""

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from search_api.query.filters import FILTERS, FILTERS_BY_NAME, INVALID_VALUE
from vidensbank.errors import VidensbankError
from web.templating import SORT_LABELS, local_path, templates

log = logging.getLogger(__name__)

PARAMETER_NAMES = {
    "q": "søgeteksten",
    "page": "sidenummeret",
    "size": "antal resultater pr. side",
    "sort": "sortering",
    "format": "formatet",
    "side": "sidetallet",
    **{f.name: f.noun for f in FILTERS},
    # The forms' fields: "Parameteren 'value' mangler" named no field a curator had seen.
    "action": "handlingen",
    "actor": "brugeren",
    "authors": "forfatterne",
    "by": "opdelingen",
    "collection_id": "samlingens id",
    "confirm": "bekræftelsen",
    "correction_id": "rettelsens nummer",
    "csrf_token": "sikkerhedstegnet (CSRF)",
    "description": "beskrivelsen",
    "document_id": "dokumentets id",
    "edit_id": "ændringens nummer",
    "email": "e-mailadressen",
    "end": "slutmåneden",
    "entity_label": "navnets type",
    "field": "feltet",
    "files": "filerne",
    "fund": "fundet",
    "isbn": "ISBN-nummeret",
    "kb_id": "posten i vidensbasen",
    "key": "nøglen",
    "limit": "antallet",
    "new_label": "den nye type",
    "number": "filens nummer",
    "offset": "hvor listen begynder",
    "password": "adgangskoden",
    "published": "udgivelsesdatoen",
    "reason": "begrundelsen",
    "rights": "rettighederne",
    "role": "rollen",
    "run_id": "indlæsningens nummer",
    "shown_description": "beskrivelsen",
    "shown_published": "udgivelsesdatoen",
    "shown_title": "titlen",
    "soegning": "søgningen",
    "start": "startmåneden",
    "text": "teksten",
    "title": "titlen",
    "value": "navnet",
    "version": "formularens version",
}

HTTP_MESSAGES = {
    404: "Der er ingen side på den adresse.",
    405: "Den metode er ikke tilladt her.",
}


def explain_validation_error(error: Mapping[str, Any]) -> tuple[int, str]:
    """A status and a Danish sentence for one pydantic validation error."""
    # The parameter is the last name in the location: ("query", "year", 0) is about "year".
    field = next((str(p) for p in reversed(error.get("loc", ())) if isinstance(p, str)), "?")
    noun = PARAMETER_NAMES.get(field, f"parameteren '{field}'")
    name = noun[0].upper() + noun[1:]  # capitalize() wrote "Isbn-nummeret"
    ctx = error.get("ctx", {})
    kind = error.get("type", "")
    if kind == "string_too_long":
        return 413, f"{name} er for lang (højst {ctx.get('max_length')} tegn)."
    if kind == "too_long":
        return 400, f"Der er for mange værdier af {noun} (højst {ctx.get('max_length')})."
    search_filter = FILTERS_BY_NAME.get(field)
    # Pydantic lists the allowed values in English ("'a', 'b' or 'c'").
    one_of = str(ctx.get("expected")).replace(" or ", " eller ")
    # With the names the search form gives them.
    for value, label in SORT_LABELS.items():
        one_of = one_of.replace(f"'{value}'", f"'{value}' ({label.lower()})")
    if kind == INVALID_VALUE and search_filter and search_filter.hint:
        return 400, f"{name} skal være {search_filter.hint}."
    messages = {
        "string_too_short": f"{name} må ikke være tom.",
        "int_parsing": f"{name} skal være et helt tal.",
        "greater_than_equal": f"{name} skal være mindst {ctx.get('ge')}.",
        "less_than_equal": f"{name} må højst være {ctx.get('le')}.",
        "literal_error": f"{name} skal være en af: {one_of}.",
        "enum": f"{name} skal være en af: {one_of}.",
        "missing": f"{name} mangler.",
    }
    return 400, messages.get(kind, f"{name} er ugyldig.")


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
    return templates.TemplateResponse(
        request,
        "error.html",
        {"message": message, "status": status, "back": back},
        status_code=status,
        headers=headers,
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
        # Keeps what the exception says of the response, such as the Allow of a 405.
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed_methods(app, request)):
            headers["Allow"] = ", ".join(allowed)
        return error_response(request, exc.status_code, message, headers)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> Response:
        log.warning("database unavailable on %s: %s", request.url.path, exc)
        return error_response(request, 503, "Databasen svarer ikke lige nu. Prøv igen om lidt.")

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> Response:
        # PostgreSQL refuses text with a NUL character ("/samlinger/%00"); SQLite stores it.
        log.info("value the database refuses on %s: %s", request.url.path, exc.orig)
        return error_response(
            request, 400, "Forespørgslen indeholder tegn, som ikke kan bruges (fx et nultegn)."
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "Der skete en uventet fejl. Prøv igen senere.")
