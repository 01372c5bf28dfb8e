"""The static files, named in the pages by their content's version so browsers keep them.

A page links ``/static/style.css?v=<hash of the file>``: the address changes when the file
does, so a browser may keep the file for a year and never ask again (without a version it
asked for each of the five to eight files on every page, or kept an old stylesheet after an
update). What the stylesheets link themselves (the design system's fonts and icons, which
change only with its pinned version) is kept for a day."""

import hashlib
from functools import cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
VERSIONED = "public, max-age=31536000, immutable"
UNVERSIONED = "public, max-age=86400"


@cache
def static_url(path: str) -> str:
    """The address of a static file with its version: ``style.css`` →
    ``/static/style.css?v=1a2b3c4d5e``."""
    digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]
    return f"/static/{path}?v={digest}"


class VersionedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 206, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = VERSIONED if versioned else UNVERSIONED
        return response
