"""The firm's own rows (staff, packages) and who looks after which clients on which day."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from servicescape.demo import catalogue, firm
from servicescape.demo.weighted import Weighted

WINDOW_DAYS = 3 * 365 + 1     # three years of history up to "today"
FIRM_SINCE_DAYS = WINDOW_DAYS + 400

Row = dict[str, Any]


def midnight(day: date) -> datetime:
    """The start of ``day`` in UTC (aware)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def sequential_ids() -> tuple[dict[str, int], dict[str, int]]:
    """Staff and package ids as a fresh database assigns them (1, 2, ... in roster order)."""
    staff = {member.key: n for n, member in enumerate(firm.ROSTER, start=1)}
    packages = {package.name: n for n, package in enumerate(catalogue.packages(), start=1)}
    return staff, packages


def staff_rows(staff_ids: Mapping[str, int], password_hash: str | None, today: date) -> list[Row]:
    """The roster as rows, created when the firm started using the product."""
    created = midnight(today) - timedelta(days=FIRM_SINCE_DAYS, hours=-9)
    return [
        {"id": staff_ids[m.key], "name": m.name, "email": m.email, "role": m.role.value,
         "password_hash": password_hash, "active": m.active, "language": m.language,
         "created_at": created, "updated_at": created}
        for m in firm.ROSTER
    ]


def package_rows(package_ids: Mapping[str, int], today: date) -> list[Row]:
    created = midnight(today) - timedelta(days=FIRM_SINCE_DAYS, hours=-9)
    return [
        {**catalogue.package_row(p, package_ids[p.name]), "created_at": created,
         "updated_at": created}
        for p in catalogue.packages()
    ]


class Team:
    """Who can look after a country's clients on a given day (people who left drop out)."""

    def __init__(self, members: tuple[tuple[str, int], ...], staff_ids: Mapping[str, int],
                 today: date) -> None:
        roster = firm.staff_by_key()
        self.lead = staff_ids[members[0][0]]
        self.ids = [staff_ids[key] for key, _ in members]
        self._members = Weighted((n, weight) for n, (_, weight) in enumerate(members))
        self.until = [
            left.toordinal() if (left := firm.left_on(roster[key], today)) else None
            for key, _ in members
        ]
        self.left = {staff_id: until for staff_id, until in zip(self.ids, self.until, strict=True)
                     if until is not None}

    def pick(self, rng: random.Random, day: int) -> int:
        """A member weighted by their share of the country's work, employed on ``day``."""
        for _ in range(4):
            n = self._members.draw(rng)
            until = self.until[n]
            if until is None or day < until:
                return self.ids[n]
        return self.lead

    def employed(self, staff_id: int, day: int) -> bool:
        until = self.left.get(staff_id)
        return until is None or day < until
