"""Security headers on every response, and only the host names the service is known by.

One small ASGI middleware rather than a library: the policy is four headers and a host check,
and a response that needs its own policy (an original file, the API docs) sets it itself.
"""

import json

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vidensbank.settings import get_settings

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
BAD_HOST = "Værtsnavnet i forespørgslen er ikke et, Vidensbank svarer på."


def allowed_hosts() -> frozenset[str]:
    return frozenset(
        host.strip().lower() for host in get_settings().allowed_hosts.split(",") if host.strip()
    )


def _hostname(host_header: str) -> str:
    """``example.org:8000`` → ``example.org``; ``[::1]:8000`` → ``[::1]``."""
    if host_header.startswith("["):
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.hosts = allowed_hosts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _hostname(Headers(scope=scope).get("host", "").lower())
        if "*" not in self.hosts and host not in self.hosts:
            await self._refuse_host(scope, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse_host(scope: Scope, send: Send) -> None:
        if scope["path"].startswith(("/api", "/healthz")):
            body = json.dumps({"error": BAD_HOST, "status": 400}, ensure_ascii=False).encode()
            content_type = b"application/json"
        else:
            body = BAD_HOST.encode()
            content_type = b"text/plain; charset=utf-8"
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            *((name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()),
        ]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": body})
