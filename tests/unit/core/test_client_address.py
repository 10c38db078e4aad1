"""Which address a request came from: X-Forwarded-For is believed only from trusted proxies."""

from ipaddress import ip_network

import pytest

from servicescape.web.deps import forwarded_client

PROXIES = (ip_network("10.0.0.0/24"), ip_network("fd00::/64"))


@pytest.mark.parametrize(("peer", "headers", "client"), [
    # no proxy in between: the header is whatever the client wrote, and ignored
    ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
    # our proxy appended the address it saw
    ("10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
    # the client forged addresses to the left; the proxy's own entry is the last one
    ("10.0.0.2", ["1.1.1.1, 2.2.2.2, 198.51.100.1"], "198.51.100.1"),
    # two proxies of ours in a row, and the header split over two lines
    ("10.0.0.2", ["6.6.6.6, 198.51.100.1", "10.0.0.7"], "198.51.100.1"),
    # IPv6 proxies and clients, with brackets and ports
    ("fd00::2", ["[2001:db8::7]:4711"], "2001:db8::7"),
    ("10.0.0.2", ["198.51.100.1:52100"], "198.51.100.1"),
    # the proxy sent no header, or nothing readable: the proxy itself (never the client's words)
    ("10.0.0.2", [], "10.0.0.2"),
    ("10.0.0.2", ["unknown"], "10.0.0.2"),
    ("10.0.0.2", ["198.51.100.1, garbage, 10.0.0.7"], "10.0.0.7"),
])
def test_the_first_address_that_no_trusted_proxy_holds_is_the_client(peer: str, headers: list[str],
                                                                       client: str) -> None:
    assert forwarded_client(peer, headers, PROXIES) == client


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert forwarded_client("10.0.0.2", ["198.51.100.1"], ()) == "10.0.0.2"
