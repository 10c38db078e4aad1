"""A small rate limiter for public (sign-in-free) routes: at most ``hits`` requests per ``seconds``
from one client address to one route key, answered past that with 429 and ``Retry-After``.

* **Sliding window.** Each (route key, address) keeps the times of its counted requests in the
  window; a request is refused while ``hits`` of them are younger than ``seconds``, and
  ``Retry-After`` says when the oldest one leaves the window. No burst at a window's edge, as a
  fixed window would allow.
* **Per address.** The address is ``web.deps.client_address`` (``X-Forwarded-For`` believed only
  from ``trusted_proxies``), counted as ``auth.limits.address_group`` does: an IPv4 address, or
  an IPv6 /64 (one subscriber's network, which hands out addresses by the million).
* **Per process, then shared.** The sliding window lives in this process's memory, one limiter per
  app (``limiter_of``): it turns a flood away without touching the database. A request it lets
  through is then counted in the database (``shared_hit``, table ``rate_window``), which every
  worker and every server on the same database shares: two fixed windows, the current one and the
  one before weighed by how much of it still overlaps the sliding window (the estimate Cloudflare
  and others use), incremented atomically, so the limit holds across ``--workers N``, across two
  servers and under concurrency. A refused request costs nothing in the database (its increment is
  rolled back). The ``system.prune_rate_limits`` job forgets expired windows.
* **Bounded.** At most ``max_keys`` keys are kept; the least recently used goes first, so a
  flood of new addresses cannot grow memory without end.
* **Thread-safe.** Sync routes run in a thread pool: one lock guards the table (each operation
  is a few dictionary and deque steps).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from fastapi import FastAPI, Request
from sqlalchemy import Table, case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from servicescape.auth.limits import address_group
from servicescape.errors import TooManyAttempts
from servicescape.i18n import ngettext
from servicescape.platform.ratelimit_models import RateWindow
from servicescape.runtime import Runtime
from servicescape.web.deps import client_address

DEFAULT_MAX_KEYS = 100_000
WINDOWS = cast(Table, RateWindow.__table__)
_CREATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Limit:
    hits: int           # requests allowed within the window
    seconds: float      # the window's length

    def __post_init__(self) -> None:
        if self.hits < 1 or self.seconds <= 0:
            raise ValueError(f"a rate limit needs hits >= 1 and seconds > 0, not {self.hits}/{self.seconds}")


class RateLimited(TooManyAttempts):
    """TooManyAttempts with the seconds to wait (sent as ``Retry-After`` by the error handler)."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext("Too many requests from your network. Please wait %(num)d minute and try again.",
                     "Too many requests from your network. Please wait %(num)d minutes and try again.", minutes),
            details={"retry_after_seconds": retry_after})
        self.retry_after = retry_after


class RateLimiter:
    """Sliding-window counts per (route key, address); see the module docstring."""

    def __init__(self, *, max_keys: int = DEFAULT_MAX_KEYS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_keys = max_keys
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()

    def _recent(self, key: tuple[str, str], limit: Limit, now: float) -> deque[float]:
        """The key's times still in the window (the key made the most recently used)."""
        times = self._hits.get(key)
        if times is None:
            times = self._hits[key] = deque()
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while times and times[0] <= now - limit.seconds:
            times.popleft()
        return times

    def hit(self, route: str, address: str, limit: Limit, *, cost: int = 1) -> None:
        """Count ``cost`` requests, or raise RateLimited (counting nothing) when they would go
        past the limit."""
        key = (route, address_group(address))
        with self._lock:
            now = self._clock()
            times = self._recent(key, limit, now)
            if len(times) + cost > limit.hits:
                # the request may go when enough of the oldest ones have left the window
                leaving = times[min(len(times) - 1, len(times) + cost - limit.hits - 1)] if times else now
                raise RateLimited(max(1, math.ceil(leaving + limit.seconds - now)))
            times.extend([now] * cost)

    def charge(self, route: str, address: str, limit: Limit, *, cost: int = 1) -> None:
        """Count ``cost`` more requests without refusing this one (e.g. a miss that should slow
        the next tries); never more than the limit is kept."""
        key = (route, address_group(address))
        with self._lock:
            now = self._clock()
            times = self._recent(key, limit, now)
            times.extend([now] * min(cost, max(limit.hits - len(times), 0)))

    def remaining(self, route: str, address: str, limit: Limit) -> int:
        key = (route, address_group(address))
        with self._lock:
            return max(limit.hits - len(self._recent(key, limit, self._clock())), 0)

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)


def limiter_of(app: FastAPI) -> RateLimiter:
    """The app's limiter, made on first use (one per app object, so one per server process)."""
    found = getattr(app.state, "rate_limiter", None)
    if isinstance(found, RateLimiter):
        return found
    with _CREATE_LOCK:
        found = getattr(app.state, "rate_limiter", None)
        if not isinstance(found, RateLimiter):
            found = app.state.rate_limiter = RateLimiter()
    return found


def check(request: Request, route: str, limit: Limit, *, cost: int = 1) -> None:
    """Count this request from its client address under ``route``, or raise RateLimited: this
    process's window first, then the one all servers share."""
    address = client_address(request)
    limiter_of(request.app).hit(route, address, limit, cost=cost)
    shared_hit(request.app.state.runtime, route, address, limit, cost=cost)


def charge(request: Request, route: str, limit: Limit, *, cost: int = 1) -> None:
    """Count ``cost`` more for this request's address under ``route`` (refusing nothing now)."""
    address = client_address(request)
    limiter_of(request.app).charge(route, address, limit, cost=cost)
    shared_hit(request.app.state.runtime, route, address, limit, cost=cost, refuse=False)


def _upsert(connection: Any, values: dict[str, Any], hits: Any) -> Any:
    insert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(WINDOWS).values(values)
    return insert.on_conflict_do_update(index_elements=["route", "address", "slot"],
                                        set_={"hits": hits(WINDOWS.c.hits)}).returning(WINDOWS.c.hits)


def shared_hit(runtime: Runtime, route: str, address: str, limit: Limit, *, cost: int = 1, refuse: bool = True,
               now: float | None = None) -> None:
    """Count ``cost`` requests in the database's windows for (route, address group), or raise
    RateLimited (counting nothing) when the estimate would go past the limit; ``refuse=False``
    counts without refusing (never beyond the limit)."""
    moment = time.time() if now is None else now
    window = int(moment // limit.seconds)
    overlap = 1.0 - (moment / limit.seconds - window)          # how much of the window before still counts
    key = {"route": route[:40], "address": address_group(address)[:64]}
    values = key | {"slot": window, "hits": min(cost, limit.hits) if not refuse else cost,
                    "expires_at": (window + 2) * limit.seconds}
    with runtime.transaction() as session:
        connection = session.connection()
        if refuse:
            current = connection.execute(_upsert(connection, values, lambda hits: hits + cost)).scalar_one()
        else:
            capped = lambda hits: case((hits + cost > limit.hits, limit.hits), else_=hits + cost)  # noqa: E731
            current = connection.execute(_upsert(connection, values, capped)).scalar_one()
        before = connection.scalar(select(WINDOWS.c.hits).where(
            WINDOWS.c.route == key["route"], WINDOWS.c.address == key["address"], WINDOWS.c.slot == window - 1)) or 0
        if refuse and current + before * overlap > limit.hits:
            # the increment is rolled back with the transaction; come back when enough has left
            if current > limit.hits:
                wait = overlap * limit.seconds + limit.seconds * min(1.0, (current - limit.hits) / max(current, 1))
            else:
                wait = (overlap - (limit.hits - current) / max(before, 1)) * limit.seconds
            raise RateLimited(max(1, math.ceil(wait)))


def prune(runtime: Runtime, *, now: float | None = None) -> int:
    """Forget the windows no limit weighs any more; how many."""
    moment = time.time() if now is None else now
    with runtime.transaction() as session:
        return session.connection().execute(delete(WINDOWS).where(
            WINDOWS.c.expires_at < moment)).rowcount or 0


def per_minute(hits: int) -> Limit:
    return Limit(hits, 60.0)
