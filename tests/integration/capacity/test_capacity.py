"""Capacity and demand on both databases, with figures worked by hand: available hours (contract,
working days, a public holiday, leave), utilisation and its band, bench, perished hours and their
cost, realisation and effective rate; the outlook's confirmed and pipeline hours; over-booking tasks
once per person and week; bad input named and nothing half-saved; the CLI's heatmap as JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import calc, demand, service
from servicescape.cli.main import app
from servicescape.clients import service as clients
from servicescape.promises import policies
from servicescape.promises import service as promises
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.conftest import api_as, make_staff

runner = CliRunner()
#: a past week with Hungary's Labour Day (Friday 1 May 2026), then two more
WEEK = date(2026, 4, 27)


def person(runtime: Runtime, **terms: Any) -> int:
    staff = make_staff(runtime, Role.staff, email=f"e{terms.get('hours_per_week', 40)}@firm.example")
    with runtime.transaction() as session:
        service.staff_capacity.create(session, {"staff_id": staff.id, "hours_per_week": 40.0, "country": "HU",
                                                "standard_rate": Decimal(42), "currency": "EUR", **terms}, by=SYSTEM)
    return staff.id


def book(runtime: Runtime, staff_id: int, day: date, hours: float, **more: Any) -> int:
    with runtime.transaction() as session:
        return service.bookings.create(session, {"staff_id": staff_id, "day": day, "hours": hours, **more},
                                       by=SYSTEM).id


def test_the_heatmap_worked_by_hand(api: TestClient, runtime: Runtime, db_url: str) -> None:
    gergo = person(runtime)
    # week 1: 8 h × 4 days (1 May is a public holiday) = 32 h available; 30 h billable + 4 h not
    for n, hours in enumerate((8, 8, 8, 6)):
        book(runtime, gergo, WEEK + timedelta(days=n), hours, status="worked", billed_hours=hours - 1)
    book(runtime, gergo, WEEK, 4, billable=False, status="worked")
    # week 2: 40 h available, 20 h billable → 50 %, 20 h perished × 42 EUR
    book(runtime, gergo, WEEK + timedelta(days=7), 20, status="worked", billed_hours=20)
    # week 3: leave on Monday and Tuesday → 24 h available; nothing booked → all 24 h perished
    with runtime.transaction() as session:
        policies.leave.create(session, {"staff_id": gergo, "starts_on": WEEK + timedelta(days=14),
                                        "ends_on": WEEK + timedelta(days=15)}, by=SYSTEM)
    figures = api.get("/api/v1/capacity/heatmap", params={"first": WEEK.isoformat(), "weeks": 3}).json()["figures"]
    row = figures["staff"][0]
    cells = row["weeks"]
    assert [c["available"] for c in cells] == [32.0, 40.0, 24.0]
    assert [c["scheduled"] for c in cells] == [34.0, 20.0, 0.0]
    assert [c["billable"] for c in cells] == [30.0, 20.0, 0.0]
    assert [c["utilisation"] for c in cells] == [0.94, 0.5, 0.0]          # 30/32 = 0.9375
    assert [c["band"] for c in cells] == ["well", "under", "under"]
    assert [c["bench"] for c in cells] == [-2.0, 20.0, 24.0]
    assert [c["perished_hours"] for c in cells] == [0.0, 20.0, 24.0]
    assert [c["perished_cost"] for c in cells] == [0.0, 840.0, 1008.0]
    assert figures["perished_hours"] == 44.0 and figures["perished_cost"] == 1848.0 and figures["currency"] == "EUR"
    performance = api.get("/api/v1/capacity/performance", params={"first": WEEK.isoformat(),
                                                                  "last": (WEEK + timedelta(days=20)).isoformat()})
    firm = performance.json()["figures"]["firm"]
    # worked 54 h, of which 50 billable; billed 7+7+7+5 + 20 = 46 → realisation 0.92
    assert (firm["worked"], firm["recorded_billable"], firm["billed"], firm["realisation"]) == (54, 50, 46, 0.92)
    from_cli = runner.invoke(app, ["capacity", "heatmap", "--first", WEEK.isoformat(), "--weeks", "3", "--json",
                                   "--db", db_url])
    assert from_cli.exit_code == 0, from_cli.output
    assert json.loads(from_cli.stdout)["staff"][0]["weeks"] == cells


def test_a_part_time_contract_and_an_appointment_held(api: TestClient, runtime: Runtime) -> None:
    """Three days a week at 24 h: 8 h a day; an open appointment of 2 h in a future week is scheduled
    and billable for its owner; a weekend booking counts though no capacity is there."""
    ahead = calc.week_start(date.today()) + timedelta(weeks=2)
    nurul = person(runtime, hours_per_week=24.0, working_days=[0, 2, 4], country=None)
    with runtime.transaction() as session:
        client = clients.clients.create(session, {"name": "Kedai Runcit Sdn Bhd"}, by=SYSTEM)
        start = datetime(ahead.year, ahead.month, ahead.day, 9, tzinfo=UTC) + timedelta(days=1)
        promises.promises.create(session, {"client_id": client.id, "kind": "appointment", "owner_id": nurul,
                                           "window_start": start, "window_end": start + timedelta(hours=2)},
                                 by=SYSTEM)
    book(runtime, nurul, ahead + timedelta(days=5), 3)
    figures = api.get("/api/v1/capacity/heatmap", params={"first": ahead.isoformat(), "weeks": 1}).json()["figures"]
    cell = figures["staff"][0]["weeks"][0]
    assert (cell["available"], cell["scheduled"], cell["billable"]) == (24.0, 5.0, 5.0)
    assert cell["perished_hours"] == 0.0          # a week ahead has not perished yet


def test_over_booking_opens_one_task_per_person_and_week(runtime: Runtime) -> None:
    ahead = calc.week_start(date.today()) + timedelta(weeks=1)
    hafiz = person(runtime)
    for n in range(5):
        book(runtime, hafiz, ahead + timedelta(days=n), 9.5)          # 47.5 h of 40
    with runtime.transaction() as session:
        client = clients.clients.create(session, {"name": "Syarikat Maju"}, by=SYSTEM)
        start = datetime(ahead.year, ahead.month, ahead.day, 10, tzinfo=UTC) + timedelta(days=2)
        promises.promises.create(session, {"client_id": client.id, "kind": "site_visit", "owner_id": hafiz,
                                           "window_start": start, "window_end": start + timedelta(hours=3)},
                                 by=SYSTEM)
    settings = runtime.settings
    for expected in (1, 0):
        with runtime.transaction() as session:
            made = demand.warn_overbooked(session, today=date.today(), weeks=4, zone=settings.zone,
                                          reporting_currency="EUR", by=SYSTEM)
            assert made == expected
    with runtime.transaction() as session:
        task = session.scalars(select(Task).where(Task.rule == "capacity.overbooked")).one()
        assert task.owner_id == hafiz and "50.5" in task.title and "40.0" in task.title


def test_the_outlook_counts_confirmed_work_and_the_weighted_pipeline(api: TestClient, runtime: Runtime) -> None:
    this_week = calc.week_start(date.today())
    maria = person(runtime)
    book(runtime, maria, this_week + timedelta(weeks=1), 6)
    with runtime.transaction() as session:
        client = clients.clients.create(session, {"name": "Стоянов ЕООД"}, by=SYSTEM)
        proposed = clients.engagements.create(session, {
            "client_id": client.id, "description": "Energy audit", "status": "proposed",
            "start_date": this_week + timedelta(weeks=2),
            "end_date": this_week + timedelta(weeks=3, days=6)}, by=SYSTEM)
        service.pipeline.create(session, {"engagement_id": proposed.id, "hours": 100.0, "probability": 0.4},
                                by=SYSTEM)
    outlook = api.get("/api/v1/capacity/outlook", params={"weeks": 6}).json()["figures"]
    weeks = outlook["weeks"]
    assert [w["confirmed"] for w in weeks] == [0.0, 6.0, 0.0, 0.0, 0.0, 0.0]
    assert [w["pipeline"] for w in weeks] == [0.0, 0.0, 20.0, 20.0, 0.0, 0.0]       # 100 h × 0.4 over 2 weeks
    assert all(w["baseline"] is None for w in weeks)                                # no history
    assert weeks[2]["expected"] == 20.0 and weeks[2]["valley"] is True
    assert outlook["backtest"]["seasonal"]["compared"] == 0
    assert outlook["suggestions"]["off_peak_packages"] == []


def test_bad_input_is_named_and_nothing_is_half_saved(api: TestClient, runtime: Runtime, tmp_path: Any,
                                                      db_url: str) -> None:
    staff = make_staff(runtime, Role.staff)
    for body, field in (({"staff_id": staff.id, "hours_per_week": -1}, "hours_per_week"),
                        ({"staff_id": staff.id, "hours_per_week": 40, "working_days": [7]}, "working_days"),
                        ({"staff_id": staff.id, "hours_per_week": 40, "working_days": []}, "working_days"),
                        ({"staff_id": staff.id, "hours_per_week": 40, "country": "XQ"}, "country"),
                        ({"staff_id": staff.id, "hours_per_week": 40, "standard_rate": "0", "currency": "EUR"},
                         "standard_rate")):
        answer = api.post("/api/v1/staff-capacity", json=body)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field, (body, answer.text)
    for body, field in (({"staff_id": staff.id, "day": "2026-05-04", "hours": 0}, "hours"),
                        ({"staff_id": staff.id, "day": "2026-05-04", "hours": 25}, "hours"),
                        ({"staff_id": staff.id, "day": "2026-05-04", "hours": 4, "billed_hours": 4}, "billed_hours"),
                        ({"staff_id": staff.id, "day": "2026-05-04", "hours": 4, "status": "worked",
                          "billed_hours": -1}, "billed_hours")):
        answer = api.post("/api/v1/bookings", json=body)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field, (body, answer.text)
    leave = api.post("/api/v1/promises/settings/leave", json={"staff_id": staff.id, "starts_on": "2026-05-10",
                                                              "ends_on": "2026-05-08"})
    assert leave.status_code == 422 and leave.json()["error"]["field"] == "ends_on"
    rows = tmp_path / "bookings.csv"
    rows.write_text(f"staff,day,hours,status\n{staff.email},2026-05-04,6,worked\n{staff.id},2026-05-05,30,worked\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["capacity", "import", str(rows), "--db", db_url])
    assert result.exit_code == 1 and "line 3" in result.output and "hours" in result.output
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(service.Booking)) == 0
    rows.write_text(f"staff,day,hours,status,billed_hours\n{staff.email},2026-05-04,6,worked,5.5\n", encoding="utf-8")
    assert runner.invoke(app, ["capacity", "import", str(rows), "--db", db_url]).exit_code == 0
    assert api.get("/api/v1/bookings").json()["total"] == 1
    assert api.get("/api/v1/capacity/heatmap", params={"weeks": 0}).status_code == 422


def test_managers_only(app, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    for role in (Role.viewer, Role.staff):
        client = api_as(app, runtime, role)
        assert client.get("/api/v1/capacity/heatmap").status_code == 403
        assert client.get("/api/v1/bookings").status_code == 403
    assert api_as(app, runtime, Role.manager).get("/api/v1/capacity/outlook").status_code == 200
