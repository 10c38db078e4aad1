"""The public routes' rate limiter: a sliding window per (route, address), Retry-After, thread
safety, a bounded table."""

from __future__ import annotations

import threading

import pytest

from servicescape.errors import TooManyAttempts
from servicescape.platform.ratelimit import Limit, RateLimited, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_holds_per_route_and_address_and_says_when_to_come_back() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limit = Limit(3, 60)
    for _ in range(3):
        limiter.hit("survey", "192.0.2.1", limit)
        clock.now += 10
    with pytest.raises(RateLimited) as refused:
        limiter.hit("survey", "192.0.2.1", limit)
    assert isinstance(refused.value, TooManyAttempts) and refused.value.status_code == 429
    assert refused.value.retry_after == 30          # the first hit (t=1000) leaves the window at t=1060
    assert refused.value.details == {"retry_after_seconds": 30}
    limiter.hit("survey", "192.0.2.2", limit)       # another address
    limiter.hit("unsubscribe", "192.0.2.1", limit)  # another route
    assert limiter.remaining("survey", "192.0.2.1", limit) == 0


def test_the_window_slides_a_refused_request_costs_nothing() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limit = Limit(2, 60)
    limiter.hit("r", "a", limit)                    # t=1000
    clock.now = 1030
    limiter.hit("r", "a", limit)                    # t=1030
    clock.now = 1059
    with pytest.raises(RateLimited):
        limiter.hit("r", "a", limit)
    clock.now = 1060                                # the first left: one place free
    limiter.hit("r", "a", limit)
    with pytest.raises(RateLimited) as refused:
        limiter.hit("r", "a", limit)
    assert refused.value.retry_after == 30          # the one of t=1030 leaves at 1090
    clock.now = 1200
    assert limiter.remaining("r", "a", limit) == 2


def test_a_charge_counts_without_refusing_and_a_cost_counts_several() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limit = Limit(4, 60)
    limiter.hit("r", "a", limit)
    limiter.charge("r", "a", limit)                 # e.g. an unknown token counts double
    assert limiter.remaining("r", "a", limit) == 2
    limiter.charge("r", "a", limit, cost=10)        # never beyond the limit
    assert limiter.remaining("r", "a", limit) == 0
    with pytest.raises(RateLimited):
        limiter.hit("r", "b", limit, cost=5)        # more than the limit at once: refused
    limiter.hit("r", "b", limit, cost=4)
    assert limiter.remaining("r", "b", limit) == 0


def test_ipv6_counts_per_64_network() -> None:
    limiter = RateLimiter(clock=Clock())
    limit = Limit(2, 60)
    limiter.hit("r", "2001:db8:1:2::1", limit)
    limiter.hit("r", "2001:db8:1:2:ffff::9", limit)
    with pytest.raises(RateLimited):
        limiter.hit("r", "2001:db8:1:2::abcd", limit)
    limiter.hit("r", "2001:db8:1:3::1", limit)      # another /64


def test_the_table_is_bounded_least_recently_used_first() -> None:
    limiter = RateLimiter(clock=Clock(), max_keys=3)
    limit = Limit(1, 60)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        limiter.hit("r", address, limit)
    limiter.remaining("r", "10.0.0.1", limit)       # used again: the most recent
    limiter.hit("r", "10.0.0.4", limit)             # pushes out 10.0.0.2, the least recently used
    assert len(limiter) == 3
    assert limiter.remaining("r", "10.0.0.1", limit) == 0
    assert limiter.remaining("r", "10.0.0.2", limit) == 1   # forgotten


def test_concurrent_hits_never_exceed_the_limit() -> None:
    limiter = RateLimiter()
    limit = Limit(50, 60)
    allowed: list[int] = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(40):
            try:
                limiter.hit("r", "198.51.100.7", limit)
            except RateLimited:
                continue
            with lock:
                allowed.append(1)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 50


def test_a_limit_must_make_sense() -> None:
    with pytest.raises(ValueError):
        Limit(0, 60)
    with pytest.raises(ValueError):
        Limit(5, 0)
