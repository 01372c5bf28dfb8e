"""The ASGI application: the JSON API and the web pages, served together."""

import base64
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from search_api.api.routes import router as api_router
from search_api.query.search import warm_up
from web.access_log import AccessLogMiddleware
from web.account_pages import router as account_router
from web.audit_pages import router as audit_router
from web.batch_pages import router as batch_router
from web.collection_pages import router as collection_router
from web.compression import Compression
from web.correction_pages import router as correction_router
from web.errors import install_error_handlers
from web.http_protocol import HeadAsGet
from web.pages import router as pages_router
from web.personal_data_pages import router as personal_data_router
from web.query_string import NFCQueryString
from web.search_engines import router as search_engines_router
from web.security import SecurityMiddleware
from web.static_files import STATIC_DIR, VersionedStaticFiles, static_url
from web.upload_pages import router as upload_router
from web.usage_pages import router as usage_router
from web.user_pages import router as user_router
from web.withdrawal_pages import router as withdrawal_router

# Swagger UI's files ship in the fastapi-offline package, so /docs works without the internet.
DOCS_ASSETS = "/static-offline-docs"


def _docs_page(app: FastAPI) -> HTMLResponse:
    """Swagger UI from the app's own files. Its page starts the UI with one inline script,
    which the page's policy allows by its hash and nothing else inline."""
    page = get_swagger_ui_html(
        openapi_url=str(app.openapi_url),
        title="Vidensbank – API",
        swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
    )
    # Swagger UI's own text is English: a screen reader reads it so.
    html = bytes(page.body).decode().replace("<html>", '<html lang="en">', 1)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", html, re.S)
    )
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": f"default-src 'self'; script-src 'self' {hashes}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'"
        },
    )


def _openapi_without_422(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, without the 422 FastAPI adds to every route with parameters: this
    app answers invalid parameters with a 400 or 413 and a Danish message, documented per route."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        for path in schema["paths"].values():
            for operation in path.values():
                operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Before the process takes requests: its first two searches waited 0.8 and 0.3 s for them.
    await run_in_threadpool(warm_up)
    yield


def create_app() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # The Elasticsearch client logs every request it sends at INFO: two thirds of the log,
    # beside the access log's line for the request itself. Its warnings and errors stay.
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    app = FastAPIOffline(
        title="Vidensbank",
        description="Søgning i forskning, værktøjer og publikationer om børneinddragelse og "
        "udsatte børns liv.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        static_url=DOCS_ASSETS,
        lifespan=_lifespan,
    )
    # Innermost: the routes read the query string in NFC; the access log keeps it as sent.
    app.add_middleware(NFCQueryString)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityMiddleware)
    app.add_middleware(Compression)
    # Outermost, so it logs the requests the security middleware refuses too.
    app.add_middleware(AccessLogMiddleware)
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(batch_router)
    app.include_router(account_router)
    app.include_router(collection_router)
    app.include_router(audit_router)
    app.include_router(withdrawal_router)
    app.include_router(correction_router)
    app.include_router(personal_data_router)
    app.include_router(upload_router)
    app.include_router(user_router)
    app.include_router(usage_router)
    app.include_router(search_engines_router)
    app.add_api_route(
        "/docs", lambda: _docs_page(app), include_in_schema=False, response_class=HTMLResponse
    )
    # Asked for by browsers and tools that do not read the pages' icon link.
    app.add_api_route(
        "/favicon.ico",
        lambda: RedirectResponse(static_url("favicon.svg"), status_code=301),
        include_in_schema=False,
    )
    app.mount("/static", VersionedStaticFiles(directory=STATIC_DIR), name="static")
    app.openapi = lambda: _openapi_without_422(app)  # type: ignore[method-assign]
    return app


app = create_app()
