"""The offerings and capacity commands a user types, on both databases: a package's levels and a new
price, a value case's figures, a person's contract set and changed, hours booked and recorded, the
outlook, realisation and the over-booking warning."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import calc
from servicescape.cli.main import app
from servicescape.offerings import value
from servicescape.runtime import Runtime
from tests.conftest import make_staff
from tests.integration.offerings.conftest import build_catalogue

runner = CliRunner()


def as_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_packages_and_value_cases(runtime: Runtime, db_url: str) -> None:
    firm = build_catalogue(runtime)
    shown = as_json("packages", "show", str(firm.package_id), "--day", "2026-06-01", "--db", db_url)
    assert [level["price"] for level in shown["levels"]] == ["4800.00", "9600.00", "18500.00"]
    premier = str(firm.levels["Premier"])
    assert runner.invoke(app, ["packages", "set-price", premier, "EUR", "19900", "--from", "2026-07-01",
                               "--db", db_url]).exit_code == 0
    later = as_json("packages", "show", str(firm.package_id), "--day", "2026-07-01", "--db", db_url)
    assert later["levels"][2]["price"] == "19900.00" and len(later["levels"][2]["history"]) == 3
    refused = runner.invoke(app, ["packages", "set-price", premier, "EUR", "0", "--from", "2026-08-01",
                                  "--db", db_url])
    assert refused.exit_code == 1 and "amount" in refused.output
    with runtime.transaction() as session:
        case_id = value.value_cases.create(session, {
            "client_id": firm.client_id, "title": "Year one", "currency": "EUR", "price": Decimal(12000),
            "benefits": [{"kind": "time_saved", "description": "Hours", "low": Decimal(10000),
                          "expected": Decimal(15000), "high": Decimal(20000)}]}, by=SYSTEM).id
    case = as_json("value", "show", str(case_id), "--db", db_url)
    assert [s["value"] for s in case["scenarios"]] == ["-2000.00", "3000.00", "8000.00"] and case["illustrative"]
    assert as_json("value", "list", str(firm.client_id), "--db", db_url)[0]["id"] == case_id


def test_a_contract_bookings_and_the_weeks_ahead(runtime: Runtime, db_url: str) -> None:
    person = make_staff(runtime, Role.staff, email="ana@firm.example").id
    ahead = calc.week_start(date.today()) + timedelta(weeks=1)
    assert runner.invoke(app, ["capacity", "set", str(person), "--hours", "32", "--days", "0,1,2,3",
                               "--db", db_url]).exit_code == 0
    assert runner.invoke(app, ["capacity", "set", str(person), "--hours", "40", "--rate", "45", "--currency", "EUR",
                               "--db", db_url]).exit_code == 0          # changed, not added twice
    for n in range(5):
        assert runner.invoke(app, ["capacity", "book", str(person), (ahead + timedelta(days=n)).isoformat(), "9",
                                   "--db", db_url]).exit_code == 0
    bad = runner.invoke(app, ["capacity", "book", str(person), ahead.isoformat(), "30", "--db", db_url])
    assert bad.exit_code == 1 and "hours" in bad.output
    heat = as_json("capacity", "heatmap", "--first", ahead.isoformat(), "--weeks", "1", "--db", db_url)
    cell = heat["staff"][0]["weeks"][0]
    assert (cell["available"], cell["scheduled"], cell["band"]) == (40.0, 45.0, "over")
    outlook = as_json("capacity", "outlook", "--weeks", "3", "--db", db_url)
    assert outlook["weeks"][1]["confirmed"] == 45.0 and outlook["overbooked"][0]["week"] == ahead.isoformat()
    worked = (calc.week_start(date.today()) - timedelta(weeks=1)).isoformat()
    assert runner.invoke(app, ["capacity", "book", str(person), worked, "8", "--worked", "--billed", "6",
                               "--db", db_url]).exit_code == 0
    firm = as_json("capacity", "performance", "--first", worked, "--last", worked, "--db", db_url)["firm"]
    assert (firm["worked"], firm["billed"], firm["realisation"]) == (8, 6, 0.75)
    warned = runner.invoke(app, ["capacity", "warn", "--db", db_url])
    assert warned.exit_code == 0 and "0 tasks opened" in warned.output     # over-booked, but no promised window
