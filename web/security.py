"""Security headers on every response, only the host names the service is known by, no
request body larger than its route takes, forms only in UTF-8 (also when a script sends its
letters unencoded), and a malformed ``Range`` ignored.

One small ASGI middleware rather than a library: the policy is four headers, a host check and a
size check, and a response that needs its own policy (an original file, the API docs) sets it
itself. The size is checked from ``Content-Length`` before anything of the body is read: the
framework reads a whole form before any route code runs.
"""

import json
import re

from python_multipart.multipart import parse_options_header
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.api.auth import LOG_IN_FIRST, SESSION_COOKIE, bearer_token, current_account
from vidensbank.settings import get_settings
from web.errors import error_response

# No inline script anywhere in the app: the pages' JavaScript is a file from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
BAD_HOST = "Vidensbank svarer ikke på dette værtsnavn."
# Every form and API request but an upload is far smaller than this.
BODY_LIMIT_BYTES = 1024 * 1024
UPLOAD_PATH = "/indlaesninger"
TOO_LARGE = "Forespørgslen er for stor."
TOO_LARGE_UPLOAD = "Indlæs højst {mb} MB ad gangen; del filerne op i flere omgange."
NO_LENGTH = "Forespørgslen skal sige, hvor lang den er (Content-Length)."
NO_LENGTH_UPLOAD = (
    "Indlæs filerne fra formularen på siden Indlæsninger (forespørgslen mangler sin længde)."
)


def allowed_hosts() -> frozenset[str]:
    return frozenset(
        host.strip().lower() for host in get_settings().allowed_hosts.split(",") if host.strip()
    )


def _hostname(host_header: str) -> str:
    """``example.org:8000`` → ``example.org``; ``[::1]:8000`` → ``[::1]``."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


def _body_refusal(scope: Scope, headers: Headers) -> tuple[int, str] | None:
    """The status and Danish reason to refuse a request whose body is too large for its route
    (an upload: one file's limit) or whose length is not given; None to let it in."""
    upload = scope["method"] == "POST" and scope["path"] == UPLOAD_PATH
    limit = get_settings().max_file_bytes + BODY_LIMIT_BYTES if upload else BODY_LIMIT_BYTES
    length = headers.get("content-length")
    if length is None:
        # No length and not chunked: no body at all. A chunked body could be of any size; the
        # app's forms and a browser always say how long theirs are.
        if "chunked" not in headers.get("transfer-encoding", "").lower():
            return None
        return 411, NO_LENGTH_UPLOAD if upload else NO_LENGTH
    if not length.isdigit():
        return 400, "Forespørgslens længde (Content-Length) er ikke et tal."
    if int(length) <= limit:
        return None
    if upload:
        return 413, TOO_LARGE_UPLOAD.format(mb=get_settings().max_file_bytes // (1024 * 1024))
    return 413, TOO_LARGE


BAD_TOKEN = (
    "Den personlige nøgle virker ikke: den er forkert, taget tilbage, eller kontoen er lukket. "
    "Lav en ny på siden Konto."
)


async def _account_refusal(scope: Scope) -> tuple[int, str] | None:
    """Who sends the request, checked before its body is read where it matters:
    - an upload's body, up to a file's limit, is read for a curator only: the framework reads
      (and spools to disk) a whole form before the route's own check, so anyone could make
      the server take in hundreds of megabytes before its 401;
    - a personal token that does not work is refused on every route: served as anybody's, a
      script reading its private collections got an empty list and never learnt that its key
      had been taken back."""
    request = Request(scope)
    token = bearer_token(request)
    upload = scope["method"] == "POST" and scope["path"] == UPLOAD_PATH
    if token is None and not upload:
        return None
    try:
        account = await run_in_threadpool(current_account, request)
    except SQLAlchemyError:
        return None  # the route answers as it does when the database fails
    # Every account is a curator's or an admin's: an account may upload.
    if account is not None:
        return None
    return 401, BAD_TOKEN if token is not None else LOG_IN_FIRST


NOT_UTF8 = "Formularen skal sendes som UTF-8."
FORMS = (b"multipart/form-data", b"application/x-www-form-urlencoded")
# One or more byte ranges ("bytes=0-99", "bytes=500-", "bytes=-500"), each from its start.
_BYTE_RANGES = re.compile(r"\s*bytes\s*=\s*(?:\d+-\d*|-\d+)(?:\s*,\s*(?:\d+-\d*|-\d+))*\s*")


def _form_refusal(content_type: bytes, options: dict[bytes, bytes]) -> tuple[int, str] | None:
    """A form in another character set than UTF-8 (a browser never names one): the framework
    would decode it by that name, and UTF-7 can spell half a surrogate pair, which no text
    of ours can hold."""
    charset = options.get(b"charset", b"utf-8").lower()
    if content_type in FORMS and charset not in (b"utf-8", b"utf8"):
        return 415, NOT_UTF8
    return None


def _url_encoded_utf8(receive: Receive) -> Receive:
    """A URL-encoded form whose letters beyond ASCII come as raw bytes (``curl -d
    "reason=Ændret"``; a browser encodes them) with those bytes percent-encoded: the framework
    reads such a body as Latin-1, so "Ændret" was stored as "Ã\x86ndret", in the public reason
    for a withdrawal and the audit trail. Percent-encoded, UTF-8 is what it decodes them as."""

    async def receive_encoded() -> Message:
        message = await receive()
        body = message.get("body", b"")
        if message["type"] == "http.request" and _BEYOND_ASCII.search(body):
            message = dict(message, body=_BEYOND_ASCII.sub(_percent, body))
        return message

    return receive_encoded


_BEYOND_ASCII = re.compile(rb"[\x80-\xff]")


def _percent(byte: re.Match[bytes]) -> bytes:
    return b"%%%02X" % byte[0][0]


def _valid_range(value: str) -> bool:
    """Whether a ``Range`` is byte ranges, each from its start to its end or beyond: anything
    else is ignored and the whole file sent (RFC 9110, 14.2), where the framework answered
    400 in English."""
    if not _BYTE_RANGES.fullmatch(value):
        return False
    for part in value.split("=", 1)[1].split(","):
        start, end = part.strip().split("-")
        if start and end and int(start) > int(end):
            return False
    return True


def is_personal(scope: Scope) -> bool:
    """Whether a request is answered for someone logged in (a session or a personal token):
    with their private data and their CSRF token. The static files are the same for everyone."""
    headers = Headers(scope=scope)
    return not scope["path"].startswith("/static") and (
        "authorization" in headers or f"{SESSION_COOKIE}=" in headers.get("cookie", "")
    )


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.hosts = allowed_hosts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = _hostname(headers.get("host", "").lower())
        if "*" not in self.hosts and host not in self.hosts:
            await self._refuse(scope, send, 400, BAD_HOST)
            return

        # What a logged-in user is shown (a new token, private collections, held documents) is
        # kept by no cache.
        personal = is_personal(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                if "content-security-policy" not in response_headers:
                    response_headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                for name, value in SECURITY_HEADERS.items():
                    response_headers.setdefault(name, value)
                if personal:
                    response_headers["Cache-Control"] = "private, no-store"
            await send(message)

        content_type, options = parse_options_header(headers.get("content-type", ""))
        refusal = (
            _body_refusal(scope, headers)
            or _form_refusal(content_type, options)
            or await _account_refusal(scope)
        )
        if refusal is not None:
            response = error_response(
                Request(scope),
                *refusal,
                headers={"WWW-Authenticate": "Bearer"} if refusal[0] == 401 else None,
            )
            await response(scope, receive, send_with_headers)
            return
        if "range" in headers and not _valid_range(headers["range"]):
            scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k != b"range"])
        if content_type == b"application/x-www-form-urlencoded":
            receive = _url_encoded_utf8(receive)
        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
        """A plain answer, given before the app (its pages) is trusted with the request."""
        if scope["path"].startswith(("/api", "/healthz")):
            body = json.dumps({"error": message, "status": status}, ensure_ascii=False).encode()
            content_type = b"application/json"
        else:
            body = message.encode()
            content_type = b"text/plain; charset=utf-8"
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            *((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
