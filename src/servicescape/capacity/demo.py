"""The demo firm's capacity: each engineer's contract (hours, days, the office's holiday calendar,
standard rate), three years of recorded work with the firm's season (cooling-season and year-end
peaks), next weeks' schedule with a peak that over-books two engineers, leave, and the pipeline's
estimates for proposed engagements."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.capacity import calc, calendars
from servicescape.demo import firm
from servicescape.demo.roster import midnight
from servicescape.demo.steps import DemoRun, table

#: the office each person works from (their public holidays), hours a week, rate (currency, per hour)
OFFICES = {"aisyah": "MY", "hafiz": "MY", "nurul": "MY", "siewling": "MY", "meiling": "HK", "wanglei": "CN",
           "kayan": "HK", "georgi": "BG", "maria": "BG", "eszter": "HU", "gergo": "HU"}
RATES = {"MY": ("MYR", 180), "HK": ("USD", 55), "CN": ("USD", 40), "BG": ("EUR", 38), "HU": ("EUR", 42)}
MANAGER_HOURS, ENGINEER_HOURS = 32.0, 40.0
#: the two engineers next weeks' peak over-books
OVERBOOKED = ("hafiz", "gergo")
HISTORY_WEEKS = 3 * 52
AHEAD_WEEKS = 12


def season(day: date) -> float:
    """The firm's load by time of year: cooling season (May–August) and the year-end rush are busy,
    January and the Lunar New Year weeks quiet."""
    t = 2 * math.pi * (day.timetuple().tm_yday / 365.25)
    return 0.97 + 0.12 * math.sin(t - 1.9) + 0.06 * math.cos(2 * t)


def load_capacity(run: DemoRun) -> None:
    rng = random.Random(run.spec.seed * 7_919 + 96)
    today = run.spec.today
    staff = run.ids["staff"]
    people = [m for m in firm.ROSTER if m.active and m.role != Role.viewer and m.key in OFFICES]
    created = midnight(today) - timedelta(days=HISTORY_WEEKS * 7 + 30)
    stamp = {"created_at": created, "updated_at": created}
    with run.runtime.transaction() as session:
        connection = session.connection()
        known = set(connection.scalars(select(table("staff_capacity").c.staff_id)))
        if any(staff[m.key] in known for m in people):
            return   # the firm set capacity already: the demo does not add to it
        rows = []
        for member in people:
            country = OFFICES[member.key]
            currency, rate = RATES[country]
            hours = MANAGER_HOURS if member.role in (Role.owner, Role.manager) else ENGINEER_HOURS
            rows.append({"staff_id": staff[member.key], "hours_per_week": hours, "working_days": [0, 1, 2, 3, 4],
                         "country": country, "roles": ["manager"] if hours == MANAGER_HOURS else ["engineer"],
                         "standard_rate": Decimal(rate), "currency": currency,
                         "starts_on": None, **stamp})
        run.insert(connection, "staff_capacity", rows)
        leave = _leave(run, rng, people, today)
        run.insert(connection, "staff_leave", leave)
        run.insert(connection, "booking", _bookings(run, rng, people, rows, leave, today, stamp))
        _pipeline(run, connection, rng, stamp)


def _leave(run: DemoRun, rng: random.Random, people: list[Any], today: date) -> list[dict[str, Any]]:
    """Two weeks a year each, and a week off for one engineer in the coming month."""
    staff = run.ids["staff"]
    found = []
    for member in people:
        for year_back in range(3):
            start = calc.week_start(today - timedelta(days=365 * year_back + rng.randint(30, 300)))
            found.append({"staff_id": staff[member.key], "starts_on": start, "ends_on": start + timedelta(days=11),
                          "note": "Annual leave"})
    start = calc.week_start(today + timedelta(days=21))
    found.append({"staff_id": staff["nurul"], "starts_on": start, "ends_on": start + timedelta(days=4),
                  "note": "Annual leave"})
    stamp = midnight(today) - timedelta(days=40)
    return [{**row, "created_at": stamp, "updated_at": stamp} for row in found]


def _bookings(run: DemoRun, rng: random.Random, people: list[Any], terms: list[dict[str, Any]],
              leave: list[dict[str, Any]], today: date, stamp: dict[str, Any]) -> list[dict[str, Any]]:
    staff = run.ids["staff"]
    first = calc.week_start(today) - timedelta(weeks=HISTORY_WEEKS)
    last = calc.week_start(today) + timedelta(weeks=AHEAD_WEEKS, days=-1)
    peak = calc.week_start(today) + timedelta(weeks=3)
    rows = []
    for member, term in zip(people, terms, strict=True):
        off = calendars.holiday_dates(term["country"], first, last)
        for item in leave:
            if item["staff_id"] == staff[member.key]:
                days = (item["ends_on"] - item["starts_on"]).days + 1
                off |= {item["starts_on"] + timedelta(days=n) for n in range(days)}
        per_day = term["hours_per_week"] / 5
        day = first
        while day <= last:
            if day.weekday() < 5 and day not in off:
                ahead = day >= today
                if not ahead:
                    load = season(day) * rng.uniform(0.85, 1.12)
                elif member.key in OVERBOOKED and peak <= day < peak + timedelta(weeks=2):
                    load = 1.3   # the peak: more booked than the week holds
                else:
                    load = min(0.72, season(day) * 0.7 * rng.uniform(0.9, 1.06))   # room for appointments
                hours = round(per_day * load * 2) / 2
                if ahead and (day - today).days > 28 and member.key not in OVERBOOKED:
                    hours = round(hours * max(0.2, 1 - (day - today).days / 90) * 2) / 2   # further out, less booked
                for part in _split(hours, rng):
                    billable = rng.random() < 0.9
                    worked = not ahead
                    rows.append({"staff_id": staff[member.key], "day": day, "hours": part, "billable": billable,
                                 "status": "worked" if worked else "scheduled",
                                 "billed_hours": (round(part * rng.uniform(0.8, 1.0) * 4) / 4)
                                 if worked and billable else None,
                                 "client_id": None, "engagement_id": None, "role": None, "note": None, **stamp})
            day += timedelta(days=1)
    return rows


def _split(hours: float, rng: random.Random) -> list[float]:
    if hours <= 0:
        return []
    if hours <= 4 or rng.random() < 0.5:
        return [hours]
    first = round(hours * rng.uniform(0.3, 0.7) * 2) / 2
    return [first, hours - first] if 0 < first < hours else [hours]


def _pipeline(run: DemoRun, connection: Any, rng: random.Random, stamp: dict[str, Any]) -> None:
    engagements = table("engagement")
    proposed = connection.scalars(select(engagements.c.id).where(engagements.c.status == "proposed")
                                  .order_by(engagements.c.id)).all()
    run.insert(connection, "pipeline_estimate", [
        {"engagement_id": engagement_id, "hours": float(rng.choice((40, 80, 120, 200))),
         "probability": rng.choice((0.2, 0.35, 0.5, 0.7)), **stamp} for engagement_id in proposed])
