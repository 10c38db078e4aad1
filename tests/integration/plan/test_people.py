"""The firm's people on both databases: who may resolve complaints and grant goodwill without asking
(a limit without its currency refused), the share of recoveries front-line staff closed worked by
hand, qualifications whose renewal opens one task 60 days ahead (the job run twice opens it once),
articles and talks with their totals per year and kind; the pages (a viewer reads, cannot write)
and the ``people`` commands."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.db.types import utcnow
from servicescape.plan import people
from servicescape.platform.jobs.runner import run_job
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.conftest import api_as
from tests.contract.shape import assert_error
from tests.integration.pages.conftest import browser_as, field_error, flash_after, owner_browser, plain
from tests.integration.plan.knowledge_firm import client_with_revenue, resolved_complaint, staff_id

__all__ = ["browser_as", "owner_browser"]     # the fixtures
runner = CliRunner()


def test_empowerment_and_the_front_line_share_of_recoveries(api: TestClient, runtime: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    hafiz = staff_id(runtime, Role.staff, "hafiz@firm.example", "Hafiz")
    nurul = staff_id(runtime, Role.staff, "nurul@firm.example", "Nurul")
    eszter = staff_id(runtime, Role.manager, "eszter@firm.example", "Eszter")
    set_ = api.put(f"/api/v1/empowerment/{hafiz}", json={"resolve_complaints": True, "goodwill_limit": "1500",
                                                          "currency": "myr"})
    assert set_.status_code == 200, set_.text
    assert set_.json()["goodwill_limit"] == "1500.0000" or float(set_.json()["goodwill_limit"]) == 1500
    assert set_.json()["currency"] == "MYR"
    assert_error(api.put(f"/api/v1/empowerment/{nurul}", json={"goodwill_limit": "200"}), 422, "validation_failed",
                 field="currency")
    assert_error(api.put(f"/api/v1/empowerment/{nurul}", json={"goodwill_limit": "-5", "currency": "EUR"}), 422,
                 "validation_failed", field="goodwill_limit")
    assert_error(api.put(f"/api/v1/empowerment/{nurul}", json={"goodwill_limit": "5", "currency": "XQX"}), 422,
                 "validation_failed", field="currency")
    assert_error(api.put("/api/v1/empowerment/999999", json={}), 404, "not_found")
    listed = {row["staff_id"]: row for row in api.get("/api/v1/empowerment").json()}
    assert listed[hafiz]["resolve_complaints"] and not listed[nurul]["resolve_complaints"]
    assert listed[nurul]["goodwill_limit"] is None
    assert api.delete(f"/api/v1/empowerment/{hafiz}").status_code == 204
    assert_error(api.delete(f"/api/v1/empowerment/{hafiz}"), 404, "not_found")
    assert_error(api_as(app, runtime, Role.staff).put(f"/api/v1/empowerment/{nurul}", json={}), 403,
                 "permission_denied")
    # resolved in the last 90 days: 3 by front-line staff (Hafiz twice, Nurul), 1 by a manager, 1 with no
    # owner; one resolved long ago and one still open do not count → 3 of 5
    client = client_with_revenue(runtime, "Syarikat Maju", 1000)
    now = utcnow()
    for owner, resolved in ((hafiz, now - timedelta(days=3)), (hafiz, now - timedelta(days=10)),
                            (nurul, now - timedelta(days=20)), (eszter, now - timedelta(days=5)),
                            (None, now - timedelta(days=6)), (hafiz, now - timedelta(days=200)), (nurul, None)):
        resolved_complaint(runtime, client, owner, resolved)
    share = api.get("/api/v1/plan/frontline-recoveries").json()
    assert (share["resolved"], share["by_frontline"], share["share"]) == (5, 3, 0.6)
    with runtime.transaction() as session:
        found = people.frontline_recoveries(session, now - timedelta(days=15), now, by=SYSTEM)
        assert (found.resolved, found.by_frontline, found.share) == (4, 2, 0.5)
        empty = people.frontline_recoveries(session, datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 2, 1, tzinfo=UTC),
                                            by=SYSTEM)
        assert (empty.resolved, empty.share) == (0, None)
    assert_error(api.get("/api/v1/plan/frontline-recoveries", params={"since": "2026-05-01", "until": "2026-01-01"}),
                 422, "validation_failed", field="until")


def test_renewals_open_one_task_60_days_ahead(api: TestClient, runtime: Runtime) -> None:
    maria = staff_id(runtime, Role.staff, "maria@firm.example", "Мария")
    today = date.today()
    for name, renews in (("F-gas category I", 30), ("Electrical competency", 59), ("BMS", 90), ("Lapsed licence", -10),
                         ("Long lapsed", -200)):
        made = api.post("/api/v1/qualifications", json={"staff_id": maria, "name": name, "issuer": "Authority",
                                                        "obtained_on": (today - timedelta(days=700)).isoformat(),
                                                        "renews_on": (today + timedelta(days=renews)).isoformat()})
        assert made.status_code == 201, made.text
    assert_error(api.post("/api/v1/qualifications", json={"staff_id": maria, "name": "Backwards",
                                                          "obtained_on": "2026-05-01", "renews_on": "2026-01-01"}),
                 422, "validation_failed", field="renews_on")
    first = run_job(runtime, "plan.renewals")
    assert first.status.value == "succeeded", first.error
    assert first.counts == {"tasks": 3}
    assert run_job(runtime, "plan.renewals").counts == {"tasks": 0}
    with runtime.transaction() as session:
        tasks = session.scalars(select(Task).where(Task.rule == "plan.renewals").order_by(Task.due_at)).all()
        assert [t.owner_id for t in tasks] == [maria] * 3 and {t.kind for t in tasks} == {"renewal"}
        assert [t.title.split(" (")[0] for t in tasks] == ["Renew Lapsed licence", "Renew F-gas category I",
                                                           "Renew Electrical competency"]
    # renewed: a new date, a new task when it comes within 60 days again
    bms = api.get("/api/v1/qualifications", params={"staff_id": maria}).json()["items"]
    far = next(q for q in bms if q["name"] == "BMS")
    api.patch(f"/api/v1/qualifications/{far['id']}", json={"renews_on": (today + timedelta(days=45)).isoformat()})
    with runtime.transaction() as session:
        assert people.open_renewal_tasks(session, today=today, zone=runtime.settings.zone, by=SYSTEM) == 1


def test_articles_and_talks_with_their_enquiries(api: TestClient, runtime: Runtime) -> None:
    author = staff_id(runtime, Role.manager, "georgi@firm.example", "Георги")
    for kind, day, enquiries in (("article", "2025-03-01", 4), ("article", "2025-09-01", 2), ("talk", "2025-10-01", 5),
                                 ("forum", "2026-02-01", 1), ("talk", "2026-04-01", 0)):
        made = api.post("/api/v1/prestige-items", json={"kind": kind, "title": f"{kind} {day}", "happened_on": day,
                                                        "audience": "Facility managers", "staff_id": author,
                                                        "enquiries": enquiries})
        assert made.status_code == 201, made.text
    assert_error(api.post("/api/v1/prestige-items", json={"kind": "talk", "title": "x", "happened_on": "2026-01-01",
                                                          "enquiries": -1}), 422, "validation_failed",
                 field="enquiries")
    assert_error(api.post("/api/v1/prestige-items", json={"kind": "podcast", "title": "x",
                                                          "happened_on": "2026-01-01"}), 422, "validation_failed",
                 field="kind")
    answer = api.get("/api/v1/plan/prestige-totals").json()
    totals = [(t["year"], t["kind"], t["items"], t["enquiries"]) for t in answer]
    assert totals == [(2026, "talk", 1, 0), (2026, "forum", 1, 1), (2025, "article", 2, 6), (2025, "talk", 1, 5)]


def test_the_people_and_prestige_pages(runtime: Runtime, owner_browser, browser_as) -> None:  # type: ignore[no-untyped-def]
    hafiz = staff_id(runtime, Role.staff, "hafiz@firm.example", "Muhammad Hafiz")
    page = owner_browser.get("/plan/people")
    assert page.status_code == 200 and "Muhammad Hafiz" in page.text
    saved = owner_browser.post(f"/plan/people/{hafiz}/empowerment", {"resolve_complaints": "1",
                                                                     "goodwill_limit": "1 500,00", "currency": "MYR"})
    assert "was saved" in flash_after(saved, owner_browser)
    refused = owner_browser.post(f"/plan/people/{hafiz}/empowerment", {"goodwill_limit": "200", "currency": ""})
    assert refused.status_code == 422 and "currency" in plain(refused.text).lower()
    added = owner_browser.post("/plan/qualifications", {"staff_id": str(hafiz), "kind": "certification",
                                                        "name": "Refrigerant licence", "issuer": "Energy Commission",
                                                        "renews_on": (date.today() + timedelta(days=20)).isoformat()})
    assert "was added" in flash_after(added, owner_browser)
    bad = owner_browser.post("/plan/qualifications", {"staff_id": str(hafiz), "name": ""})
    assert bad.status_code == 422 and field_error(bad.text, "f-qualification-name")
    with runtime.transaction() as session:
        assert people.open_renewal_tasks(session, today=date.today(), zone=runtime.settings.zone, by=SYSTEM) == 1
        renewal = session.scalars(select(Task.id).where(Task.rule == "plan.renewals")).one()
    held = people_qualification(runtime)
    assert f'href="/plan/people#qualification-{held}"' in owner_browser.get(f"/tasks/{renewal}").text
    text = plain(owner_browser.get("/plan/people", params={"since": "2026-01-01", "until": "2026-12-31"}).text)
    assert "Refrigerant licence" in text and "Renew soon" in text
    assert 'value="1500"' in owner_browser.get("/plan/people").text
    assert owner_browser.get("/plan/people", params={"since": "0001-01-01"}).status_code == 422
    viewer = browser_as(Role.viewer)
    seen = viewer.get("/plan/people")
    assert seen.status_code == 200 and "1,500.00 MYR" in plain(seen.text) and "empower-" not in seen.text
    assert viewer.post(f"/plan/people/{hafiz}/empowerment", {"resolve_complaints": "1"}).status_code == 403
    assert viewer.post("/plan/qualifications", {"staff_id": str(hafiz), "name": "x"}).status_code == 403
    with runtime.transaction() as session:
        qualification = people.qualification_list(session, by=SYSTEM)[0][0].id
    assert viewer.post(f"/plan/qualifications/{qualification}/delete").status_code == 403
    assert "was deleted" in flash_after(owner_browser.post(f"/plan/qualifications/{qualification}/delete"),
                                        owner_browser)
    # articles and talks: anyone who records adds one; managers delete
    staff = browser_as(Role.staff)
    told = staff.post("/plan/prestige", {"kind": "talk", "title": "Same face, sold and delivered",
                                         "happened_on": "2026-03-10", "audience": "Service managers",
                                         "venue": "Summit", "staff_id": str(hafiz), "enquiries": "7"})
    assert "was added" in flash_after(told, staff)
    wrong = staff.post("/plan/prestige", {"kind": "talk", "title": "x", "happened_on": "2026-03-10",
                                          "enquiries": "-2"})
    assert wrong.status_code == 422 and field_error(wrong.text, "f-prestige-enquiries")
    shown = plain(viewer.get("/plan/prestige").text)
    assert "Same face, sold and delivered" in shown and "Service managers" in shown and "2026" in shown
    assert 'action="/plan/prestige"' not in viewer.get("/plan/prestige").text
    with runtime.transaction() as session:
        item = people.prestige_list(session, by=SYSTEM)[0][0].id
    assert staff.post(f"/plan/prestige/{item}/delete").status_code == 403
    assert "was deleted" in flash_after(owner_browser.post(f"/plan/prestige/{item}/delete"), owner_browser)


def people_qualification(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return people.qualification_list(session, by=SYSTEM)[0][0].id


def test_the_people_commands(runtime: Runtime, db_url: str) -> None:
    staff_id(runtime, Role.staff, "kayan@firm.example", "黃嘉欣")
    for args in (["empower", "kayan@firm.example", "--goodwill", "300", "--currency", "USD"],
                 ["qualify", "kayan@firm.example", "Registered electrical worker", "--issuer", "EMSD",
                  "--renews", (date.today() + timedelta(days=10)).isoformat()],
                 ["prestige", "article", "Cooling through the heat wave", "--on", "2026-05-01", "--by",
                  "kayan@firm.example", "--enquiries", "3"],
                 ["renewals"]):
        result = runner.invoke(cli, ["people", *args, "--db", db_url])
        assert result.exit_code == 0, result.output
    again = runner.invoke(cli, ["people", "renewals", "--db", db_url])
    assert "0 tasks opened" in again.output
    refused = runner.invoke(cli, ["people", "empower", "kayan@firm.example", "--goodwill", "30", "--db", db_url])
    assert refused.exit_code == 1 and "currency" in refused.output
    unknown = runner.invoke(cli, ["people", "qualify", "nobody@firm.example", "X", "--db", db_url])
    assert unknown.exit_code == 1 and "nobody@firm.example" in unknown.output
    shown = runner.invoke(cli, ["people", "show", "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.stdout)
    kayan = next(row for row in found["empowerment"] if row["name"] == "黃嘉欣")
    assert kayan["goodwill_limit"].startswith("300") and kayan["currency"] == "USD"
    assert found["qualifications"][0]["name"] == "Registered electrical worker"
    assert found["prestige"] == [{"year": 2026, "kind": "article", "items": 1, "enquiries": 3}]
    assert found["frontline_recoveries"]["resolved"] == 0
    assert runner.invoke(cli, ["people", "show", "--db", db_url]).exit_code == 0
