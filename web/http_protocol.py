"""The HTTP protocol the server speaks: uvicorn's h11 protocol with Nagle's algorithm off, and
HEAD answered as GET is.

With more than one worker, uvicorn hands its processes a socket made without the TCP protocol
number, and asyncio then leaves TCP_NODELAY off on the connections it accepts. On a kept-alive
connection (every browser's) each response then waits for the client's delayed ACK: about 45
ms on every request, measured on this machine (``bench/search_latency.py``), where one worker
answered in 6 ms. Setting the option on each connection puts that right.
"""

import asyncio
import socket

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]


class HeadAsGet:
    """A HEAD request answered with the headers GET would give, and no body (RFC 9110):
    FastAPI's routes answer GET only, so link checkers and caches got 405. The request is
    marked ``state["head"]``, so it is not counted as a use."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        scope = {**scope, "method": "GET", "state": {**scope.get("state", {}), "head": True}}

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, headers_only)
