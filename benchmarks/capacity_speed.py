"""Capacity and demand at the size of a large firm: the staff × week heatmap and the demand outlook for
200 staff with 3 years of bookings (SQLite), against a naive per-row Python baseline of the same
heatmap measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/capacity_speed.py [--staff N] [--years N] [--repeat N] [--db PATH]

The database (default /tmp/servicescape-capacity-bench/firm-<staff>.db) is reused when it holds the
asked-for staff; else built: the schema by the real migrations (``open_runtime``), then with plain
``executemany``: ``--staff`` people with a contract (40 h, Mon–Fri, a holiday calendar of one of MY,
BG, CN, TW, HK, HU, a standard rate), two weeks of leave a year each, and ``--years`` years of worked
bookings up to today plus 12 weeks scheduled ahead (one or two a working day: about 2 × 260 × years
per person; 312,000 rows for 200 people over 3 years), and 150 proposed engagements with estimates.

Measured, ``--repeat`` times each (median and best), in one process:

- the heatmap of the last 156 weeks (``capacity.service.heatmap``: SQL grouped by person and day,
  numpy for the weeks, holidays from the ``holidays`` package, leave);
- the heatmap of the 12 weeks ahead plus the outlook (``capacity.demand.demand``: the weeks ahead, 3
  years of history per week, the seasonal baseline and both backtests);
- the naive baseline: every booking row read through the ORM and added to its cell in a Python loop,
  every day of every person's weeks checked for holidays and leave one by one.

The issue's target: the heatmap and the outlook under 1 s each. Prints PASS/FAIL and exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import calc, calendars, demand, service
from servicescape.capacity.models import Booking, PipelineEstimate, StaffCapacity
from servicescape.clients.models import Client, Engagement
from servicescape.config import Settings
from servicescape.promises.models import StaffLeave
from servicescape.runtime import Runtime, open_runtime

COUNTRIES = calendars.SHIPPED_COUNTRIES
TARGET_SECONDS = 1.0


def settings_for(path: Path) -> Settings:
    return Settings(mode="dev", data_dir=path.parent, database_url=f"sqlite:///{path}", run_jobs=False,
                    reporting_currency="EUR")


def build(path: Path, staff: int, years: int, today: date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    runtime = open_runtime(settings_for(path))
    rng = random.Random(20261203)
    first = calc.week_start(today) - timedelta(weeks=52 * years)
    last = calc.week_start(today) + timedelta(weeks=12)
    stamp = datetime.now(UTC)
    with runtime.transaction() as session:
        connection = session.connection()
        connection.execute(insert(Staff), [{"id": n, "name": f"Engineer {n}", "email": f"e{n}@bench.test",
                                            "role": "staff", "active": True, "created_at": stamp,
                                            "updated_at": stamp} for n in range(1, staff + 1)])
        connection.execute(insert(StaffCapacity), [{
            "staff_id": n, "hours_per_week": 40.0, "working_days": [0, 1, 2, 3, 4], "country": COUNTRIES[n % 6],
            "roles": ["engineer"], "standard_rate": 42 * 10_000, "currency": "EUR", "starts_on": None,
            "created_at": stamp, "updated_at": stamp} for n in range(1, staff + 1)])
        leave = []
        for n in range(1, staff + 1):
            for year in range(years + 1):
                start = first + timedelta(days=365 * year + rng.randint(0, 330))
                leave.append({"staff_id": n, "starts_on": start, "ends_on": start + timedelta(days=11),
                              "note": None, "created_at": stamp, "updated_at": stamp})
        connection.execute(insert(StaffLeave), leave)
        rows: list[dict[str, Any]] = []
        day = first
        while day < last:
            if day.weekday() < 5:
                worked = day < today
                for n in range(1, staff + 1):
                    for hours in ((8.0,) if rng.random() < 0.5 else (4.5, 3.5)):
                        rows.append({"staff_id": n, "day": day, "hours": hours, "billable": rng.random() < 0.85,
                                     "status": "worked" if worked else "scheduled",
                                     "billed_hours": hours if worked else None, "created_at": stamp,
                                     "updated_at": stamp})
                if len(rows) > 50_000:
                    connection.execute(insert(Booking), rows)
                    rows = []
            day += timedelta(days=1)
        connection.execute(insert(Booking), rows)
        connection.execute(insert(Client), [{"id": n, "name": f"Prospect {n}", "kind": "organisation",
                                             "tier": "standard", "status": "active", "custom_fields": {},
                                             "created_at": stamp, "updated_at": stamp} for n in range(1, 151)])
        connection.execute(insert(Engagement), [{
            "id": n, "client_id": n, "description": "Audit", "status": "proposed",
            "start_date": today + timedelta(days=rng.randint(0, 60)), "end_date": today + timedelta(days=90),
            "created_at": stamp, "updated_at": stamp} for n in range(1, 151)])
        connection.execute(insert(PipelineEstimate), [{
            "engagement_id": n, "hours": float(rng.choice((40, 80, 160))), "probability": rng.choice((0.2, 0.5)),
            "created_at": stamp, "updated_at": stamp} for n in range(1, 151)])
    runtime.close()


def naive_heatmap(runtime: Runtime, first: date, weeks: int) -> dict[tuple[int, date], float]:
    """Per row in Python: each booking read as an ORM object and added to its cell; each day of each
    person's weeks checked against holidays and leave one by one."""
    last = first + timedelta(weeks=weeks)
    cells: dict[tuple[int, date], float] = defaultdict(float)
    available: dict[tuple[int, date], float] = defaultdict(float)
    with runtime.transaction() as session:
        for booking in session.scalars(select(Booking).where(Booking.day >= first, Booking.day < last)):
            cells[(booking.staff_id, calc.week_start(booking.day))] += booking.hours
        for terms in session.scalars(select(StaffCapacity)):
            leave = session.scalars(select(StaffLeave).where(StaffLeave.staff_id == terms.staff_id)).all()
            off = calendars.public_holidays(terms.country, first, last) if terms.country else {}
            day = first
            while day < last:
                away = day in off or any(item.starts_on <= day <= item.ends_on for item in leave)
                if day.weekday() in terms.working_days and not away:
                    available[(terms.staff_id, calc.week_start(day))] += terms.hours_per_week / len(terms.working_days)
                day += timedelta(days=1)
    return {key: cells[key] / hours if hours else float("nan") for key, hours in available.items()}


def timed(repeat: int, work: Any) -> tuple[float, float, Any]:
    took, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        took.append(time.perf_counter() - started)
    return statistics.median(took), min(took), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    today = date.today()
    path = args.db or Path(f"/tmp/servicescape-capacity-bench/firm-{args.staff}-{args.years}.db")
    built = path.exists()
    if built:
        runtime = open_runtime(settings_for(path))
        with runtime.transaction() as session:
            built = session.scalar(select(func.count()).select_from(StaffCapacity)) == args.staff
            session.execute(delete(Booking).where(Booking.id < 0))
        runtime.close()
    if not built:
        started = time.perf_counter()
        build(path, args.staff, args.years, today)
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    runtime = open_runtime(settings_for(path))
    zone = runtime.settings.zone
    with runtime.transaction() as session:
        rows = session.scalar(select(func.count()).select_from(Booking))
    print(f"{args.staff} staff, {rows:,} bookings over {args.years} years and 12 weeks ahead")
    weeks = 52 * args.years
    first = calc.week_start(today) - timedelta(weeks=weeks)

    def heatmap() -> Any:
        with runtime.transaction() as session:
            return service.heatmap(session, first, weeks, today=today, zone=zone, reporting_currency="EUR", by=SYSTEM)

    def outlook() -> Any:
        with runtime.transaction() as session:
            found = demand.demand(session, today=today, weeks=12, zone=zone, reporting_currency="EUR", by=SYSTEM)
            return demand.demand_payload(found)

    heat_median, heat_best, grid = timed(args.repeat, heatmap)
    out_median, out_best, _outlook = timed(args.repeat, outlook)
    naive_median, naive_best, naive = timed(max(1, args.repeat // 2), lambda: naive_heatmap(runtime, first, weeks))
    # the two agree on every cell: hours booked ÷ hours available
    index = {row.staff_id: n for n, row in enumerate(grid.staff)}
    columns = {week: n for n, week in enumerate(grid.weeks)}
    for (staff_id, week), value in naive.items():
        cell = index[staff_id], columns[week]
        ours = grid.scheduled[cell] / grid.available[cell] if grid.available[cell] else float("nan")
        assert (math.isnan(ours) and math.isnan(value)) or math.isclose(ours, value), (staff_id, week, ours, value)
    print(f"the heatmap and the naive baseline agree on all {len(naive):,} cells")
    print(f"heatmap, {weeks} weeks:       median {heat_median * 1000:7.1f} ms  best {heat_best * 1000:7.1f} ms")
    print(f"outlook, 12 weeks ahead:   median {out_median * 1000:7.1f} ms  best {out_best * 1000:7.1f} ms")
    print(f"naive per-row heatmap:     median {naive_median * 1000:7.1f} ms  best {naive_best * 1000:7.1f} ms")
    print(f"ratio naive ÷ heatmap: {naive_median / heat_median:.1f}×")
    ok = heat_median < TARGET_SECONDS and out_median < TARGET_SECONDS
    print(f"{'PASS' if ok else 'FAIL'}: heatmap and outlook under {TARGET_SECONDS:g} s (median)")
    runtime.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
