"""A small firm for the analytics tests: 40 clients over three years, invoices in EUR and HUF (with a
rate) and in USD (without one), engagements sold from two service packages; the network is cut
(tests/support/offline.py): DuckDB's extensions and Spark must never reach for it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.offerings import service as offerings
from servicescape.runtime import Runtime
from tests.support.offline import no_network

SEGMENTS = ("Law", "Architecture", "Insurance")
MARKETS = ("HU", "BG", "MY")
TODAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def offline() -> Iterator[None]:
    with no_network() as refused:
        yield
    assert not refused, f"analytics reached for the network: {refused}"


def build_firm(runtime: Runtime, *, clients_count: int = 40, seed: int = 7) -> dict[str, int]:
    """Clients with a heavy-tailed spread of revenue; returns counts of what was made."""
    rng = random.Random(seed)
    made = {"invoices": 0, "usd": 0}
    with runtime.transaction() as session:
        offerings.set_rate(session, "HUF", 0.0025, reporting_currency="EUR", by=SYSTEM)
        packages = [offerings.packages.create(session, {"name": name, "currency": "EUR"}, by=SYSTEM).id
                    for name in ("Retainer", "Project")]
        for number in range(clients_count):
            client = clients.clients.create(session, {
                "name": f"Client {number:02d}", "segment": SEGMENTS[number % 3], "country": MARKETS[number % 3],
                "tier": "key" if number < 4 else "standard"}, by=SYSTEM)
            engagement = clients.engagements.create(session, {
                "client_id": client.id, "package_id": packages[number % 2], "description": "Work",
                "start_date": date(2023, 7, 1)}, by=SYSTEM)
            size = 20_000 / (number + 1) ** 1.2          # a few clients bring most of the revenue
            first = date(2023, 7, 1) + timedelta(days=rng.randrange(0, 900))
            day, visits = first, 1 + int(rng.expovariate(0.25))
            for _visit in range(visits):
                if day > TODAY:
                    break
                currency = "HUF" if number % 5 == 0 else "EUR"
                amount = Decimal(str(round(size * rng.uniform(0.5, 1.5) * (400 if currency == "HUF" else 1), 2)))
                clients.invoices.create(session, {"client_id": client.id, "engagement_id": engagement.id,
                                                  "issued_on": day, "amount": amount, "currency": currency},
                                        by=SYSTEM)
                made["invoices"] += 1
                day += timedelta(days=rng.randrange(20, 200))
            if number % 13 == 0:   # an invoice in a currency without a rate: left out, counted
                clients.invoices.create(session, {"client_id": client.id, "issued_on": first,
                                                  "amount": Decimal(100), "currency": "USD"}, by=SYSTEM)
                made["usd"] += 1
    return made
