"""A publisher's site for the tests: a local HTTP server serving a folder, as a real site would.

    with Site(folder) as site:              # a threaded server on 127.0.0.1, a free port
        site.url("/rapporter/")             # "http://127.0.0.1:PORT/rapporter/"
        site.fail("/a.pdf", 503, times=2)   # the next two requests for /a.pdf answer 503
        site.requests                       # every request so far, as ``Request``s
        site.paths(304)                     # the paths requested so far that answered 304
        site.gaps()                         # seconds between successive requests
        site.clear()                        # forget them (before a second crawl)

What it serves, from the folder (which a test may change between crawls):
- every file, with an ``ETag`` (a hash of its bytes) and a ``Last-Modified`` (its mtime); a
  request whose ``If-None-Match`` or ``If-Modified-Since`` matches gets a 304 without a body;
- ``robots.txt`` when the folder has one (a 404 otherwise, as for any missing file);
- redirects listed in ``_redirects.txt``, one a line: ``/old-path new-url 301`` (``new-url``
  absolute, or a path on this site); ``#`` starts a comment;
- ``/folder/`` as ``/folder/index.html``; anything else that is not a file is a 404;
- a file whose name has ``.gzip.`` in it (``pakket.gzip.pdf``) as it is, said to be gzip
  (``Content-Encoding: gzip``): a broken one when its bytes are not.
``fail`` makes a path answer a status (429 or 503, with ``Retry-After`` when given) a number of
times before it is served again.
"""

import email.utils
import hashlib
import http.server
import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

REDIRECTS = "_redirects.txt"


@dataclass(frozen=True)
class Request:
    """One request as the server saw it; ``at`` is ``time.monotonic()`` when it arrived."""

    at: float
    method: str
    path: str
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None
    status: int


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: str | None


class Site:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[Request] = []
        self._failures: dict[str, _Failure] = {}
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def fail(self, path: str, status: int, *, times: int, retry_after: str | None = None) -> None:
        """Answer ``status`` to the next ``times`` requests for ``path``."""
        with self._lock:
            self._failures[path] = _Failure(status, times, retry_after)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def paths(self, status: int | None = None) -> list[str]:
        """The paths requested so far (with this status, when given), in order."""
        return [r.path for r in self.requests if status is None or r.status == status]

    def gaps(self) -> list[float]:
        """Seconds between each request and the next, as the server saw them arrive."""
        return [b.at - a.at for a, b in itertools.pairwise(self.requests)]

    def __enter__(self) -> "Site":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            failure = self._failures.get(path)
            if failure is None or failure.times <= 0:
                return None
            failure.times -= 1
            return failure

    def _redirect(self, path: str) -> tuple[str, int] | None:
        listing = self.root / REDIRECTS
        if not listing.is_file():
            return None
        for line in listing.read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) == 3 and parts[0] == path:
                target = parts[1] if "://" in parts[1] else self.url(parts[1])
                return target, int(parts[2])
        return None

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # the tests read ``site.requests`` instead

            def do_HEAD(self) -> None:
                self._answer(body=False)

            def do_GET(self) -> None:
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                arrived = time.monotonic()
                path = unquote(urlsplit(self.path).path)
                status, headers, content = self._response(path)
                with site._lock:
                    site.requests.append(
                        Request(
                            at=arrived,
                            method=self.command,
                            path=path,
                            if_none_match=self.headers.get("If-None-Match"),
                            if_modified_since=self.headers.get("If-Modified-Since"),
                            user_agent=self.headers.get("User-Agent"),
                            status=status,
                        )
                    )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if body:
                    self.wfile.write(content)

            def _response(self, path: str) -> tuple[int, dict[str, str], bytes]:
                if (failure := site._take_failure(path)) is not None:
                    headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                    return failure.status, headers, b"busy"
                if (redirect := site._redirect(path)) is not None:
                    return redirect[1], {"Location": redirect[0]}, b""
                file = site.root / path.lstrip("/")
                if path.endswith("/"):
                    file = file / "index.html"
                if ".." in Path(path).parts or not file.is_file() or file.name == REDIRECTS:
                    return 404, {"Content-Type": "text/plain"}, b"not found"
                content = file.read_bytes()
                etag = f'"{hashlib.sha256(content).hexdigest()[:16]}"'
                modified = email.utils.formatdate(int(file.stat().st_mtime), usegmt=True)
                headers = {"ETag": etag, "Last-Modified": modified, "Content-Type": _type(file)}
                if ".gzip." in file.name:
                    headers["Content-Encoding"] = "gzip"
                if self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-None-Match") is None
                    and self.headers.get("If-Modified-Since") == modified
                ):
                    return 304, {"ETag": etag, "Last-Modified": modified}, b""
                return 200, headers, content

        return Handler


def _type(file: Path) -> str:
    return {
        ".pdf": "application/pdf",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
    }.get(file.suffix, "application/octet-stream")
