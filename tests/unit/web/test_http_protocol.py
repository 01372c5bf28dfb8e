"""Responses on kept-alive connections are sent at once, not after the client's delayed ACK."""

import asyncio
import socket
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from web.http_protocol import NoDelayH11Protocol


class Transport(asyncio.Transport):
    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {
            "socket": self.sock,
            "peername": ("127.0.0.1", 1),
            "sockname": ("127.0.0.1", 2),
        }.get(name, default)


def test_accepted_connections_have_nagle_off() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # proto 0, as uvicorn's
        assert not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        config = Config(app="web.app:app")
        config.load()
        loop = asyncio.new_event_loop()
        try:
            protocol = NoDelayH11Protocol(config, ServerState(), {}, _loop=loop)
            protocol.connection_made(Transport(sock))
        finally:
            loop.close()
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
