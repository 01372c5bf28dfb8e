"""One error handler for both formats: JSON under /api and /healthz, a Danish page elsewhere."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vidensbank.errors import VidensbankError
from web.templating import templates

log = logging.getLogger(__name__)

PARAMETER_NAMES = {
    "q": "søgeteksten",
    "page": "sidenummeret",
    "size": "antal resultater pr. side",
    "publisher": "udgiver",
    "kind": "dokumenttype",
    "year": "år",
    "sort": "sortering",
}

HTTP_MESSAGES = {
    404: "Siden findes ikke.",
    405: "Den metode er ikke tilladt her.",
}


def explain_validation_error(error: dict[str, Any]) -> tuple[int, str]:
    """A status and a Danish sentence for one pydantic validation error."""
    field = str(error.get("loc", ["", "?"])[-1])
    name = PARAMETER_NAMES.get(field, f"parameteren '{field}'")
    ctx = error.get("ctx", {})
    kind = error.get("type", "")
    if kind == "string_too_long":
        return 413, f"{name.capitalize()} er for lang (højst {ctx.get('max_length')} tegn)."
    messages = {
        "int_parsing": f"{name.capitalize()} skal være et helt tal.",
        "greater_than_equal": f"{name.capitalize()} skal være mindst {ctx.get('ge')}.",
        "less_than_equal": f"{name.capitalize()} må højst være {ctx.get('le')}.",
        "literal_error": f"{name.capitalize()} skal være en af: {ctx.get('expected')}.",
        "missing": f"{name.capitalize()} mangler.",
    }
    return 400, messages.get(kind, f"{name.capitalize()} er ugyldig.")


def _respond(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith(("/api", "/healthz")):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"message": message, "status": status}, status_code=status
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VidensbankError)
    async def project_error(request: Request, exc: VidensbankError) -> Response:
        if exc.status >= 500:
            log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc.message)
        return _respond(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        status, message = (
            explain_validation_error(errors[0]) if errors else (400, "Ugyldig forespørgsel.")
        )
        return _respond(request, status, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, "Forespørgslen kunne ikke behandles.")
        return _respond(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _respond(request, 500, "Der skete en uventet fejl. Prøv igen senere.")
