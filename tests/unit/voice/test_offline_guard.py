"""The guard the voice tests run under refuses the network and allows loopback."""

from __future__ import annotations

import socket

import pytest

from tests.support.offline import NetworkUsed, no_network


def test_a_socket_to_another_host_fails_and_loopback_does_not() -> None:
    with no_network() as refused:
        with socket.socket() as sock, pytest.raises(NetworkUsed):
            sock.connect(("192.0.2.1", 80))
        with pytest.raises(NetworkUsed):
            socket.create_connection(("pypi.org", 443), timeout=1)
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            with socket.create_connection(server.getsockname(), timeout=1):
                pass
        refused.clear()  # the two refusals above were this test's own
