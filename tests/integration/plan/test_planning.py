"""The plan on both databases: a plan's period, targets for the catalogue's measures (unknown
measure, value out of range, a second target for a measure: refused naming the field), the
environment review with its author, the scorecard's ``current_plan``/``targets_for``; the /plan
page and its forms (a viewer reads, cannot write); the ``plan`` commands."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.plan import measures, planning
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.contract.shape import assert_error
from tests.integration.pages.conftest import browser_as, field_error, flash_after, owner_browser, plain
from tests.integration.plan.knowledge_firm import staff_id

__all__ = ["browser_as", "owner_browser"]     # the fixtures
runner = CliRunner()
YEAR = date.today().year


def a_plan(api: TestClient, name: str = "Plan this year", first: date | None = None, last: date | None = None) -> int:
    made = api.post("/api/v1/plans", json={"name": name, "starts_on": (first or date(YEAR, 1, 1)).isoformat(),
                                           "ends_on": (last or date(YEAR, 12, 31)).isoformat()})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_plans_targets_and_the_environment_review(api: TestClient, runtime: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    assert_error(api.post("/api/v1/plans", json={"name": "Backwards", "starts_on": "2026-12-31",
                                                 "ends_on": "2026-01-01"}), 422, "validation_failed", field="ends_on")
    plan = a_plan(api)
    assert_error(api.post("/api/v1/plans", json={"name": "Plan this year", "starts_on": "2027-01-01",
                                                 "ends_on": "2027-12-31"}), 409, "conflict", field="name")
    assert_error(api.patch(f"/api/v1/plans/{plan}", json={"starts_on": f"{YEAR + 1}-01-01"}), 422,
                 "validation_failed", field="ends_on")
    owner = staff_id(runtime, Role.manager, "eszter@firm.example", "Kovács Eszter")
    kept = api.post("/api/v1/plan-targets", json={"plan_id": plan, "measure": "promises_kept_on_time", "value": 95,
                                                  "owner_id": owner})
    assert kept.status_code == 201 and kept.json()["comparison"] == ">="          # the measure's usual direction
    gap = api.post("/api/v1/plan-targets", json={"plan_id": plan, "measure": "servqual_gap", "value": -0.5,
                                                 "comparison": "<="}).json()
    assert gap["comparison"] == "<=" and gap["value"] == -0.5
    for body, field, status in (({"measure": "happiness", "value": 1}, "measure", 422),
                                ({"measure": "nps", "value": 101}, "value", 422),
                                ({"measure": "promises_kept_on_time", "value": -1}, "value", 422),
                                ({"measure": "nps", "value": 40, "comparison": "=="}, "comparison", 422),
                                ({"measure": "nps", "value": 40, "owner_id": 999999}, "owner_id", 422),
                                ({"measure": "promises_kept_on_time", "value": 90}, "measure", 409)):
        refused = api.post("/api/v1/plan-targets", json={"plan_id": plan, **body})
        assert_error(refused, status, "validation_failed" if status == 422 else "conflict", field=field)
    assert_error(api.patch(f"/api/v1/plan-targets/{gap['id']}", json={"value": 7}), 422, "validation_failed",
                 field="value")
    moved = api.patch(f"/api/v1/plan-targets/{gap['id']}", json={"measure": "nps", "value": 40}).json()
    assert moved["comparison"] == ">="                      # a new measure takes its usual direction
    assert api.get("/api/v1/plan-targets", params={"plan_id": plan}).json()["total"] == 2
    manager = api_as(app, runtime, Role.manager)
    entry = manager.post("/api/v1/environment-entries", json={"plan_id": plan, "area": "competitive",
                                                              "noted_on": f"{YEAR}-02-01",
                                                              "text": "A rival cut prices by 10%."})
    assert entry.status_code == 201 and entry.json()["author_id"] is not None
    assert_error(api.post("/api/v1/environment-entries", json={"plan_id": plan, "area": "weather",
                                                               "noted_on": f"{YEAR}-02-01", "text": "x"}),
                 422, "validation_failed", field="area")
    current = api.get("/api/v1/plan/current").json()
    assert current["plan"]["id"] == plan
    assert [t["measure"] for t in current["targets"]] == ["promises_kept_on_time", "nps"]
    assert current["targets"][0]["owner"] == "Kovács Eszter"
    assert set(current["environment"]) == {"internal", "market", "public", "competitive", "macro"}
    assert current["environment"]["competitive"][0]["text"] == "A rival cut prices by 10%."
    assert api.get("/api/v1/plan/current", params={"day": "1999-01-01"}).json() == {
        "plan": None, "targets": [], "environment": {}}
    catalogue = api.get("/api/v1/plan/measures").json()
    assert [m["key"] for m in catalogue] == [m.key for m in measures.MEASURES]
    with runtime.transaction() as session:
        found = planning.current_plan(session, date(YEAR, 6, 1), by=SYSTEM)
        assert found is not None and found.id == plan
        targets = planning.targets_for(session, date(YEAR, 6, 1), by=SYSTEM)
        assert [(t.target.measure, t.target.value) for t in targets] == [("promises_kept_on_time", 95.0), ("nps", 40.0)]
        assert planning.targets_for(session, date(YEAR + 5, 1, 1), by=SYSTEM) == []
    staff = api_as(app, runtime, Role.staff)
    assert_error(staff.post("/api/v1/plan-targets", json={"plan_id": plan, "measure": "realisation", "value": 90}),
                 403, "permission_denied")
    assert staff.post("/api/v1/environment-entries", json={"plan_id": plan, "area": "macro", "text": "Energy prices.",
                                                           "noted_on": f"{YEAR}-03-01"}).status_code == 201


def test_the_plan_page_and_its_forms(api: TestClient, runtime: Runtime, owner_browser, browser_as) -> None:  # type: ignore[no-untyped-def]
    empty = owner_browser.get("/plan")
    assert empty.status_code == 200 and "No plan for today" in empty.text
    for path in ("/messages", "/case-studies", "/proposals", "/plan/key-accounts", "/competitors", "/plan/people"):
        assert f'href="{path}"' in empty.text
    refused = owner_browser.post("/plan/plans", {"name": "Backwards", "starts_on": f"{YEAR}-12-31",
                                                 "ends_on": f"{YEAR}-01-01"})
    assert refused.status_code == 422 and field_error(refused.text, "f-plan-ends_on")
    made = owner_browser.post("/plan/plans", {"name": f"Plan {YEAR}", "starts_on": f"{YEAR}-01-01",
                                              "ends_on": f"{YEAR}-12-31"})
    assert "was added" in flash_after(made, owner_browser)
    plan = int(made.headers["location"].split("=")[1])
    added = owner_browser.post(f"/plan/plans/{plan}/targets", {"measure": "promises_kept_on_time", "comparison": "",
                                                               "value": "95", "owner_id": str(owner_browser.staff.id),
                                                               "note": "The window clients remember."})
    assert "was set" in flash_after(added, owner_browser)
    bad = owner_browser.post(f"/plan/plans/{plan}/targets", {"measure": "nps", "value": "120"})
    assert bad.status_code == 422 and field_error(bad.text, "f-target-value")
    odd = owner_browser.post(f"/plan/plans/{plan}/targets", {"measure": "nps", "value": "forty"})
    assert odd.status_code == 422 and field_error(odd.text, "f-target-value")
    changed = owner_browser.post(f"/plan/plans/{plan}/targets", {"measure": "promises_kept_on_time", "value": "97,5"})
    assert changed.status_code == 303
    noted = owner_browser.post(f"/plan/plans/{plan}/environment", {"area": "market", "noted_on": f"{YEAR}-02-01",
                                                                  "text": "Retail clients open fewer shops."})
    assert "was added" in flash_after(noted, owner_browser)
    empty_text = owner_browser.post(f"/plan/plans/{plan}/environment", {"area": "market", "noted_on": f"{YEAR}-02-01",
                                                                       "text": ""})
    assert empty_text.status_code == 422
    page = owner_browser.get(f"/plan?plan={plan}")
    text = plain(page.text)
    assert "Promises kept on time" in text and "≥ 97.5%" in text and owner_browser.staff.name in text
    assert "Retail clients open fewer shops." in text and "A share in percent: 95 for 95%." in text
    for area in ("Internal", "Market", "Public", "Competitive", "Macro"):
        assert area in text
    viewer = browser_as(Role.viewer)
    seen = viewer.get("/plan")
    assert seen.status_code == 200 and "≥ 97.5%" in plain(seen.text)
    assert 'action="/plan/plans"' not in seen.text and "/environment\"" not in seen.text
    assert viewer.post("/plan/plans", {"name": "Mine", "starts_on": f"{YEAR}-01-01",
                                       "ends_on": f"{YEAR}-12-31"}).status_code == 403
    assert viewer.post(f"/plan/plans/{plan}/environment", {"area": "macro", "noted_on": f"{YEAR}-01-01",
                                                          "text": "x"}).status_code == 403
    target = api.get("/api/v1/plan-targets", params={"plan_id": plan}).json()["items"][0]["id"]
    entry = api.get("/api/v1/environment-entries", params={"plan_id": plan}).json()["items"][0]["id"]
    assert viewer.post(f"/plan/targets/{target}/delete").status_code == 403
    assert "was removed" in flash_after(owner_browser.post(f"/plan/targets/{target}/delete"), owner_browser)
    assert "was removed" in flash_after(owner_browser.post(f"/plan/environment/{entry}/delete"), owner_browser)
    assert owner_browser.get("/plan?plan=999999").status_code == 404


def test_the_plan_commands(runtime: Runtime, db_url: str) -> None:
    owner = staff_id(runtime, Role.manager, "meiling@firm.example", "陳美玲")
    made = runner.invoke(cli, ["plan", "new", f"Plan {YEAR}", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31",
                               "--db", db_url])
    assert made.exit_code == 0, made.output
    for args in (["nps", "40", "--owner", "meiling@firm.example"],
                 ["servqual_gap", "--comparison", "<=", "--", "-0.5"], ["nps", "45", "--note", "Raised."]):
        result = runner.invoke(cli, ["plan", "target", "--db", db_url, *args])
        assert result.exit_code == 0, result.output
    refused = runner.invoke(cli, ["plan", "target", "nps", "400", "--db", db_url])
    assert refused.exit_code == 1 and "value" in refused.output
    unknown = runner.invoke(cli, ["plan", "target", "happiness", "4", "--db", db_url])
    assert unknown.exit_code == 1 and "measure" in unknown.output
    noted = runner.invoke(cli, ["plan", "review", "macro", "Refrigerant rules tighten.", "--author",
                                "meiling@firm.example", "--on", f"{YEAR}-03-01", "--db", db_url])
    assert noted.exit_code == 0, noted.output
    shown = runner.invoke(cli, ["plan", "show", "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.stdout)
    assert [(t["measure"], t["value"], t["owner_id"]) for t in found["targets"]] == [
        ("nps", 45.0, owner), ("servqual_gap", -0.5, None)]
    assert found["environment"]["macro"][0]["author"] == "陳美玲"
    assert runner.invoke(cli, ["plan", "show", "--db", db_url]).exit_code == 0
    later = runner.invoke(cli, ["plan", "show", "--day", f"{YEAR + 3}-01-01", "--db", db_url])
    assert later.exit_code == 1 and "no plan" in later.output
    listed = json.loads(runner.invoke(cli, ["plan", "measures", "--json"]).stdout)
    assert "frontline_recoveries" in {m["key"] for m in listed}
    assert runner.invoke(cli, ["plan", "measures"]).exit_code == 0
    stray = runner.invoke(cli, ["plan", "target", "nps", "40", "--plan", "999999", "--db", db_url])
    assert stray.exit_code == 1
