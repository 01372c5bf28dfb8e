"""The ASGI application: the JSON API and the web pages, served together."""

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from search_api.routes import router as api_router
from web.errors import install_error_handlers
from web.pages import router as pages_router


def create_app() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = FastAPI(
        title="Vidensbank",
        description="Søgning i forskning, værktøjer og publikationer om børneinddragelse og "
        "udsatte børns liv.",
        version="0.1.0",
    )
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app


app = create_app()
