"""The server's access log: method, path, status and time taken, and nothing of the client.

Uvicorn's own access log writes the client's address on every line, so ``vidensbank serve``
turns it off and this middleware writes the lines instead. The query string is left out too: a
search text may name a person.
"""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("vidensbank.access")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app fails before it starts a response
        took: float | None = None

        async def send_noting_status(message: Message) -> None:
            nonlocal status, took
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # The time the client waited: work done after the response (a usage count)
                # is not in it.
                took = time.perf_counter() - started
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            seconds = took if took is not None else time.perf_counter() - started
            log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status, seconds * 1000)
