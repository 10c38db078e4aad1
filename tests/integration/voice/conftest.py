"""Every voice test runs with the network cut (tests/support/offline.py): only loopback is allowed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.offline import no_network


@pytest.fixture(autouse=True)
def offline() -> Iterator[None]:
    with no_network() as refused:
        yield
    assert not refused, f"voice reached for the network: {refused}"
