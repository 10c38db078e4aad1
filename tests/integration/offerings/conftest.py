"""A small catalogue with levels, a price history, an add-on and a client sold the top level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.offerings import catalogue
from servicescape.offerings.service import packages
from servicescape.runtime import Runtime


@dataclass(frozen=True)
class Catalogue:
    package_id: int
    levels: dict[str, int]
    addon_id: int
    client_id: int
    engagement_id: int      # active, sold at Premier
    done_ids: list[int]     # completed engagements of the client


def build_catalogue(runtime: Runtime) -> Catalogue:
    with runtime.transaction() as session:
        package = packages.create(session, {"name": "Planned Maintenance", "currency": "EUR"}, by=SYSTEM)
        levels = {}
        for position, (name, targets) in enumerate((("Essential", (None, None, None)), ("Professional", (8, 5, 30)),
                                                    ("Premier", (4, 3, 14)))):
            levels[name] = catalogue.levels.create(session, {
                "package_id": package.id, "name": name, "position": position, "summary": f"{name} care",
                "inclusions": [f"{name} visits", "Annual report"], "first_response_hours": targets[0],
                "resolution_days": targets[1], "cadence_days": targets[2], "perceived_quality": 4.5 + position},
                by=SYSTEM).id
        for name, (old, new) in {"Essential": (4500, 4800), "Professional": (9000, 9600),
                                 "Premier": (18000, 18500)}.items():
            for amount, since in ((old, date(2025, 1, 1)), (new, date(2026, 1, 1))):
                catalogue.prices.create(session, {"level_id": levels[name], "currency": "EUR",
                                                  "amount": Decimal(amount), "valid_from": since}, by=SYSTEM)
        catalogue.prices.create(session, {"level_id": levels["Premier"], "currency": "MYR",
                                          "amount": Decimal(85000), "valid_from": date(2026, 1, 1)}, by=SYSTEM)
        addon = catalogue.addons.create(session, {"package_id": package.id, "name": "Out-of-hours cover"}, by=SYSTEM)
        catalogue.prices.create(session, {"addon_id": addon.id, "currency": "EUR", "amount": Decimal(1200),
                                          "valid_from": date(2026, 1, 1)}, by=SYSTEM)
        client = clients.clients.create(session, {"name": "Permata Timur Sdn Bhd", "tier": "standard",
                                                  "language": "ms"}, by=SYSTEM)
        engagement = clients.engagements.create(session, {
            "client_id": client.id, "package_id": package.id, "status": "active", "start_date": date(2026, 1, 1),
            "value": Decimal(18500), "currency": "EUR"}, by=SYSTEM)
        catalogue.set_engagement_level(session, engagement.id, levels["Premier"], by=SYSTEM)
        done = [clients.engagements.create(session, {
            "client_id": client.id, "package_id": package.id, "status": "completed",
            "start_date": date(2024 + k // 2, 1 + 6 * (k % 2), 1)}, by=SYSTEM).id for k in range(3)]
        return Catalogue(package.id, levels, addon.id, client.id, engagement.id, done)
