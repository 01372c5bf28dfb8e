"""The static files, named in the pages by their content's version so browsers keep them.

A page links ``/static/style.css?v=<hash of the file>``: the address changes when the file
does, so a browser may keep the file for a year and never ask again (without a version it
asked for each of the five to eight files on every page, or kept an old stylesheet after an
update). What the stylesheets link themselves (the design system's fonts and icons, which
change only with its pinned version) is kept for a day."""

import hashlib
import logging
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
VERSIONED = "public, max-age=31536000, immutable"
UNVERSIONED = "public, max-age=86400"
NOT_THIS_VERSION = "no-cache"

log = logging.getLogger(__name__)


def static_url(path: str) -> str:
    """The address of a static file with its version: ``style.css`` →
    ``/static/style.css?v=1a2b3c4d5e``; without one when the file is missing (the design
    system not installed yet), which made every page a 500, the error page too."""
    version = _version(path)
    return f"/static/{path}?v={version}" if version else f"/static/{path}"


def _version(path: str) -> str | None:
    try:
        return _content_version(path)
    except OSError:
        log.warning("static file %s is missing", path)
        return None


@cache
def _content_version(path: str) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]


class VersionedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 206, 304):
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v")
            response.headers["Cache-Control"] = _cache_control(path, asked)
        return response


def _cache_control(path: str, asked: list[str] | None) -> str:
    """Kept a year only under the version this server has of the file: a server of the old
    code asked for the new version during an update would have had its old file kept a year."""
    if asked is None:
        return UNVERSIONED
    return VERSIONED if asked == [_version(path)] else NOT_THIS_VERSION
