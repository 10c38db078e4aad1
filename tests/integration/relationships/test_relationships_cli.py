"""``servicescape contacts overdue``, ``accounts ...``, ``agenda``, ``cadence``, ``rates`` and
``calendar link`` against a test database: JSON for programs, tables for people, one-line errors."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.cli.main import app as cli
from servicescape.runtime import Runtime
from tests.integration.relationships.firm import Firm, agenda_firm, tomorrow

runner = CliRunner()
ENV = {"SERVICESCAPE_TIMEZONE": "Asia/Kuala_Lumpur", "COLUMNS": "160"}  # tables at a wide terminal


def run(db_url: str, *args: str) -> Any:
    return runner.invoke(cli, [*args, "--db", db_url], env=ENV, catch_exceptions=False)


def test_overdue_key_accounts_and_the_agenda_as_json(db_url: str, runtime: Runtime) -> None:
    firm, ids = agenda_firm(runtime)
    other = firm.client("Other key client", tier="key")
    firm.contact(other, 20)
    firm.invoice(other, "3000.00")
    firm.invoice(ids["lee"], "500.00", currency="MYR")

    overdue = run(db_url, "contacts", "overdue", "--json")
    assert overdue.exit_code == 0, overdue.output
    found = json.loads(overdue.output)
    assert [item["name"] for item in found["items"]] == ["Tan Holdings", "Other key client"]
    assert (found["total"], found["currency"], found["items"][0]["days_overdue"]) == (2, "EUR", 40 - 14)
    only_ana = json.loads(run(db_url, "contacts", "overdue", "--owner", "ana@firm.test", "--json").output)
    assert [item["name"] for item in only_ana["items"]] == ["Tan Holdings"]
    assert json.loads(run(db_url, "contacts", "overdue", "--tier", "growth", "--json").output)["total"] == 0

    key = run(db_url, "accounts", "key", "--json")
    assert key.exit_code == 0, key.output
    accounts = json.loads(key.output)
    assert accounts["revenue_share"] == 0.8 and [a["name"] for a in accounts["accounts"]] == ["Tan Holdings"]
    assert accounts["unconverted_invoices"] == {"MYR": 1} and accounts["accounts"][0]["open_recoveries"] == 1
    assert (accounts["per_page"], accounts["pages"]) == (None, 1)  # the whole set
    paged = json.loads(run(db_url, "accounts", "key", "--per-page", "1", "--page", "2", "--json").output)
    assert (paged["accounts"], paged["clients"], paged["pages"]) == ([], 1, 1)
    table = run(db_url, "accounts", "key")
    assert "Tan Holdings" in table.output and "80.0%" in table.output
    assert "1 invoice in MYR left out: no exchange rate" in table.output

    agenda = run(db_url, "agenda", "--staff", "ana@firm.test", "--date", tomorrow().isoformat(), "--json")
    assert agenda.exit_code == 0, agenda.output
    day = json.loads(agenda.output)
    assert (day["staff"], day["day"]) == ("ana@firm.test", tomorrow().isoformat())
    assert [p["title"] for p in day["promises"]] == ["Boiler service visit"]
    assert [p["title"] for p in day["at_risk"]] == ["Quarterly report"]
    assert [t["id"] for t in day["recoveries"]] == [ids["recovery"]] and [t["id"] for t in day["reviews"]] == [
        ids["review"]]
    assert [c["name"] for c in day["overdue"]["items"]] == ["Tan Holdings"]
    printed = run(db_url, "agenda", "--staff", "ana@firm.test", "--date", tomorrow().isoformat())
    assert "Boiler service visit" in printed.output and "Overdue for contact (1)" in printed.output
    assert "Nothing on the agenda." in run(db_url, "agenda", "--staff", "ben@firm.test", "--date", "2031-01-01").output
    everyone = json.loads(run(db_url, "agenda", "--date", tomorrow().isoformat(), "--json").output)
    assert "ana@firm.test" in [day["staff"] for day in everyone]  # everyone with something on their day
    assert all(day["promises"] or day["at_risk"] or day["recoveries"] or day["reviews"] or day["overdue"]["items"]
               for day in everyone)


def test_continuity_and_new_faces(db_url: str, runtime: Runtime) -> None:
    firm = Firm(runtime)
    ana, ben = firm.person("ana"), firm.person("ben")
    client_id = firm.client("Alpha", tier="key", owner=ana)
    firm.engagement(client_id, sold_by=ana, delivered_by=ana)
    firm.engagement(client_id, sold_by=ana, delivered_by=ben)
    kept = json.loads(run(db_url, "accounts", "continuity", "--json").output)
    assert (kept["engagements"], kept["same_person"], kept["same_person_share"]) == (2, 1, 0.5)
    assert "delivered by the person who sold them" in run(db_url, "accounts", "continuity").output
    assert json.loads(run(db_url, "accounts", "new-faces", "--json").output) == {"days": 30, "items": []}
    assert "0 new faces" in run(db_url, "accounts", "new-faces").output


def test_cadence_rates_and_the_calendar_link(db_url: str, runtime: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    shown = json.loads(run(db_url, "cadence", "show", "--json").output)
    assert shown == [{"tier": "key", "every_days": 14}, {"tier": "growth", "every_days": 30},
                     {"tier": "standard", "every_days": 90}]
    assert run(db_url, "cadence", "set", "key", "21").exit_code == 0
    assert json.loads(run(db_url, "cadence", "show", "--json").output)[0] == {"tier": "key", "every_days": 21}
    bad = run(db_url, "cadence", "set", "key", "0")
    assert bad.exit_code == 1 and bad.output.startswith("error:") and "3650" in bad.output

    assert run(db_url, "rates", "set", "myr", "0.21").output.strip() == "1 MYR = 0.21 EUR"
    listed = json.loads(run(db_url, "rates", "list", "--json").output)
    assert listed == {"reporting_currency": "EUR", "rates": [{"currency": "EUR", "rate": 1.0},
                                                             {"currency": "MYR", "rate": 0.21}]}
    for args in (["rates", "set", "EUR", "2"], ["rates", "set", "ZZZ", "2"],
                 ["rates", "set", "MYR", "0"]):
        refused = run(db_url, *args)
        assert refused.exit_code == 1 and refused.output.startswith("error:"), (args, refused.output)

    Firm(runtime).person("ana")
    made = run(db_url, "calendar", "link", "--staff", "ana@firm.test")
    assert made.exit_code == 0, made.output
    url = made.output.strip()
    assert url.startswith("http://127.0.0.1:8000/calendar/") and url.endswith(".ics")
    with TestClient(app, base_url="http://127.0.0.1") as calendar_app:
        assert calendar_app.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    nobody = run(db_url, "calendar", "link", "--staff", "nobody@firm.test")
    assert nobody.exit_code == 1 and nobody.output.startswith("error:")
