"""The HTTP protocol the server speaks: uvicorn's h11 protocol with Nagle's algorithm off.

With more than one worker, uvicorn hands its processes a socket made without the TCP protocol
number, and asyncio then leaves TCP_NODELAY off on the connections it accepts. On a kept-alive
connection (every browser's) each response then waits for the client's delayed ACK: about 45
ms on every request, measured on this machine (``bench/search_latency.py``), where one worker
answered in 6 ms. Setting the option on each connection puts that right.
"""

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]
