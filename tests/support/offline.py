"""A guard that fails a test on any socket to a non-loopback address (voice of the client must work
with no network: its models come inside PyPI packages). ``no_network()`` patches ``socket.socket``'s
``connect``/``connect_ex`` and ``socket.create_connection`` for the duration; Unix sockets and
127.0.0.0/8 / ::1 (PostgreSQL, the SMTP server, the live server) stay allowed."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class NetworkUsed(AssertionError):
    """Something tried to reach the network."""


def _loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):      # a Unix socket path
        return True
    host = address[0] if isinstance(address, tuple) and address else None
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def no_network() -> Iterator[list[Any]]:
    """Yields the list of refused addresses (empty when nothing tried)."""
    refused: list[Any] = []
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex
    original_create = socket.create_connection

    def connect(self: socket.socket, address: Any) -> Any:
        if not _loopback(address):
            refused.append(address)
            raise NetworkUsed(f"a test tried to reach {address!r}: voice of the client must work offline")
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if not _loopback(address):
            refused.append(address)
            raise NetworkUsed(f"a test tried to reach {address!r}: voice of the client must work offline")
        return original_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if not _loopback(address):
            refused.append(address)
            raise NetworkUsed(f"a test tried to reach {address!r}: voice of the client must work offline")
        return original_create(address, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.create_connection = create_connection  # type: ignore[assignment]
    try:
        yield refused
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
        socket.create_connection = original_create  # type: ignore[assignment]
