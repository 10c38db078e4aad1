"""The scorecard on a small firm whose figures are counted by hand, on both databases: promises kept
on time and clients told before one broke, complaints answered and resolved on time, the plan's
target scoring a measure, targets set and met, a measure of an unused capability left out (not
zero); the owners' weights (audited), the API, the CLI and the page; bad input named."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from servicescape.audit.models import AuditEvent
from servicescape.auth import service as auth
from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients.service import clients
from servicescape.errors import ValidationFailed
from servicescape.plan import planning
from servicescape.platform.jobs import runner
from servicescape.platform.jobs.models import RunStatus
from servicescape.promises.models import Complaint, ComplaintStatus, Promise, PromiseStatus
from servicescape.runtime import Runtime
from servicescape.scorecard import catalogue, service
from servicescape.scorecard.models import Snapshot
from servicescape.tasks.models import Task
from tests.conftest import PASSWORD, api_as, sign_in
from tests.contract.shape import assert_error
from tests.integration.pages.conftest import counting_queries

PERIOD = "2026-10"
OCTOBER = datetime(2026, 10, 1, tzinfo=UTC)


def at(day: int, hour: int = 10) -> datetime:
    return OCTOBER.replace(day=day, hour=hour)


@pytest.fixture
def firm(runtime: Runtime) -> None:
    """Six promises due in October (3 kept, 1 late, 1 missed after an at-risk notice, 1 cancelled)
    and three complaints received in October (one answered and resolved on time, one late for both,
    one never answered), and a plan for 2026 with one target."""
    with runtime.transaction() as session:
        client = clients.create(session, {"name": "Kovács és Társa Kft."}, by=SYSTEM)
        for day, status, kept, announced in ((3, PromiseStatus.kept, at(3, 9), None),
                                             (6, PromiseStatus.kept, at(6, 9), None),
                                             (9, PromiseStatus.kept, at(9, 9), None),
                                             (12, PromiseStatus.late, at(13), None),
                                             (15, PromiseStatus.open, None, at(14)),
                                             (18, PromiseStatus.cancelled, None, None)):
            session.add(Promise(client_id=client.id, title=f"Visit {day}", window_start=at(day, 8),
                                window_end=at(day), status=status, kept_at=kept, announced_at=announced,
                                cancelled_at=at(1) if status == PromiseStatus.cancelled else None))
        hafiz = auth.create_staff(session, name="Muhammad Hafiz", email="hafiz@firm.test", role=Role.staff,
                                  password=PASSWORD, by=SYSTEM)
        for received, response_due, answered, resolution_due, resolved in (
                (1, at(2), at(2, 9), at(5), at(4)), (2, at(3), at(4), at(10), at(12)), (5, at(6), None, at(20), None)):
            session.add(Complaint(client_id=client.id, received_at=at(received), text="Late again",
                                  response_due_at=response_due, resolution_due_at=resolution_due,
                                  first_response_at=answered, resolved_at=resolved, owner_id=hafiz.id,
                                  status=ComplaintStatus.resolved if resolved else ComplaintStatus.open))
        plan = planning.plans.create(session, {"name": "2026", "starts_on": date(2026, 1, 1),
                                               "ends_on": date(2026, 12, 31)}, by=SYSTEM)
        planning.set_target(session, plan.id, {"measure": "promises_kept_on_time", "comparison": ">=", "value": 50},
                            by=SYSTEM)


def test_the_figures_are_the_hand_counted_ones(runtime: Runtime, firm: None) -> None:
    with runtime.transaction() as session:
        found = service.scorecard(session, runtime.settings, period=PERIOD, now=datetime.now(UTC), by=SYSTEM)
    measures = {r.measure.key: r for r in found.measures}
    kept = measures["promises_kept_on_time"]
    assert (kept.figure.value, kept.figure.n) == (60.0, 5)            # 3 of 5, the cancelled one left out
    assert kept.target == (">=", 50.0) and kept.met is True and kept.score == 100.0   # scored by the target
    assert (measures["told_before_broken"].figure.value, measures["told_before_broken"].figure.n) == (50.0, 2)
    answered = measures["complaint_response_on_time"].figure
    resolved = measures["complaint_resolution_on_time"].figure
    assert (round(answered.value, 2), answered.n) == (33.33, 3) and (round(resolved.value, 2), resolved.n) == (33.33, 3)
    assert measures["complaint_response_on_time"].score == pytest.approx(0.0)    # below 50: the poor end
    assert measures["targets_met"].figure.value == 100.0 and measures["targets_met"].figure.n == 1
    assert measures["targets_set"].figure.value == pytest.approx(100 / 11)
    nps = measures["nps"]
    assert nps.figure.status == "not_in_use" and nps.score is None       # no survey ever: left out, not zero
    quality = next(e for e in found.elements if e.key == "quality")
    # promises 100 (by the target), response 0 and resolution 0 (33% is below 50), SERVQUAL not in use
    assert quality.now.score == pytest.approx(100 / 3) and (quality.now.scored, quality.now.total) == (3, 4)
    assert quality.now.coverage == pytest.approx(3 / 4)
    assert [e.key for e in found.elements] == list(catalogue.ELEMENTS)
    assert [g.key for g in found.goals] == ["trust", "staff", "processes", "satisfaction"]
    assert found.previous.key == "2026-09" and measures["promises_kept_on_time"].previous.status == "no_data"


def test_a_scorecard_is_computed_once_an_hour_until_the_data_changes(runtime: Runtime, firm: None) -> None:
    now = datetime(2026, 11, 20, 9, 30, 5, tzinfo=UTC)
    with runtime.transaction() as session:
        first = service.scorecard(session, runtime.settings, period=PERIOD, now=now, by=SYSTEM)
    with counting_queries(runtime) as statements, runtime.transaction() as session:   # another view that hour
        again = service.scorecard(session, runtime.settings, period=PERIOD, now=now + timedelta(minutes=29),
                                  by=SYSTEM)
    assert again is first and again.data_as_of == now and len(statements) <= 2   # the data's version only
    with runtime.transaction() as session:                              # the next hour: counted again
        later = service.scorecard(session, runtime.settings, period=PERIOD, now=now + timedelta(minutes=30),
                                  by=SYSTEM)
        assert later is not first and later.measures == first.measures
        other = service.scorecard(session, runtime.settings, period="2026-09", now=now, by=SYSTEM)
        assert other.period.key == "2026-09"
    with runtime.transaction() as session:                              # a write: counted afresh
        session.execute(update(Promise).where(Promise.status == PromiseStatus.kept).values(status=PromiseStatus.open))
    with runtime.transaction() as session:
        changed = service.scorecard(session, runtime.settings, period=PERIOD, now=now, by=SYSTEM)
    kept_now = {r.measure.key: r.figure for r in changed.measures}["promises_kept_on_time"]
    assert changed is not first and kept_now.value != 60.0             # three fewer kept
    with runtime.transaction() as session, pytest.raises(ValidationFailed):
        service.scorecard(session, runtime.settings, period="2026-13", now=now, by=SYSTEM)


def test_weights_are_the_owners_and_audited(runtime: Runtime, app, api: TestClient, firm: None) -> None:  # type: ignore[no-untyped-def]
    changed = api.put("/api/v1/scorecard/weights/promises_kept_on_time", json={"weight": 3})
    assert changed.status_code == 200, changed.text
    assert {m["key"]: m["weight"] for m in changed.json()}["promises_kept_on_time"] == 3
    with runtime.transaction() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.entity == "scorecard_weight")).all()
        assert len(audit) == 1
        found = service.scorecard(session, runtime.settings, period=PERIOD, now=datetime.now(UTC), by=SYSTEM)
    quality = next(e for e in found.elements if e.key == "quality")
    assert quality.now.score == pytest.approx(300 / 5)           # (100×3 + 0 + 0) / 5
    assert_error(api.put("/api/v1/scorecard/weights/promises_kept_on_time", json={"weight": 11}), 422,
                 "validation_failed")
    assert_error(api.put("/api/v1/scorecard/weights/no_such_measure", json={"weight": 1}), 404, "not_found")
    manager = api_as(app, runtime, Role.manager)
    assert manager.get("/api/v1/scorecard").status_code == 200
    assert_error(manager.put("/api/v1/scorecard/weights/nps", json={"weight": 2}), 403, "permission_denied")
    assert_error(api_as(app, runtime, Role.viewer).get("/api/v1/scorecard"), 403, "permission_denied")


def test_the_api_names_elements_and_goals_by_their_english_keys(api: TestClient, firm: None) -> None:
    body = api.get("/api/v1/scorecard", params={"period": PERIOD}).json()
    assert [e["key"] for e in body["elements"]] == ["quality", "organisation", "knowledge", "planning", "pricing",
                                                   "communication", "relationships"]
    assert body["period"] == {"key": PERIOD, "first_day": "2026-10-01", "last_day": "2026-10-31"}
    kept = next(m for m in body["measures"] if m["key"] == "promises_kept_on_time")
    assert (kept["value"], kept["n"], kept["target"]) == (60.0, 5, {"comparison": ">=", "value": 50.0, "met": True})
    assert_error(api.get("/api/v1/scorecard", params={"period": "2026-13"}), 422, "validation_failed")
    measures = api.get("/api/v1/scorecard/measures").json()
    assert {m["key"] for m in measures} == {m.key for m in catalogue.MEASURES} and all(m["formula"] for m in measures)


def test_the_cli_and_the_pages(runtime: Runtime, db_url: str, web: TestClient, owner, firm: None) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    shown = runner.invoke(cli, ["scorecard", "show", "--period", PERIOD, "--json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    assert {g["key"] for g in json.loads(shown.stdout)["goals"]} == {"trust", "staff", "processes", "satisfaction"}
    table = runner.invoke(cli, ["scorecard", "show", "--period", PERIOD, "--db", db_url])
    assert table.exit_code == 0 and "Promises kept on time" in table.stdout and "not in use" in table.stdout
    bad = runner.invoke(cli, ["scorecard", "show", "--period", "last week", "--db", db_url])
    assert bad.exit_code == 1 and "period" in bad.output
    weighed = runner.invoke(cli, ["scorecard", "weights", "--set", "nps=2", "--json", "--db", db_url])
    assert weighed.exit_code == 0 and json.loads(weighed.stdout)["nps"] == 2
    refused = runner.invoke(cli, ["scorecard", "weights", "--set", "nps=heavy", "--db", db_url])
    assert refused.exit_code == 1 and "KEY=WEIGHT" in refused.output
    sign_in(web, owner.email)
    page = web.get("/scorecard", params={"period": PERIOD})
    assert page.status_code == 200 and "60.0%" in page.text and 'id="measure-promises_kept_on_time"' in page.text
    assert 'id="chart-elements"' in page.text and 'id="gap-4"' in page.text and 'id="element-10"' in page.text
    assert web.get("/scorecard", params={"period": "nonsense"}).status_code == 422
    catalogue_page = web.get("/scorecard/measures")
    assert catalogue_page.status_code == 200 and 'name="nps"' in catalogue_page.text
    token = catalogue_page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {m.key: "1" for m in catalogue.MEASURES} | {"csrf_token": token, "nps": "4"}
    saved = web.post("/scorecard/measures", data=form, follow_redirects=False)
    assert saved.status_code == 303
    with runtime.transaction() as session:
        assert service.weights(session, by=SYSTEM)["nps"] == 4
    wrong = web.post("/scorecard/measures", data={**form, "nps": "12"})
    assert wrong.status_code == 422 and "between 0 and 10" in wrong.text


def test_the_refresh_job_keeps_the_home_panels_scorecard(runtime: Runtime, web: TestClient, owner,  # type: ignore[no-untyped-def]
                                                         firm: None) -> None:
    sign_in(web, owner.email)
    assert 'id="scorecard-panel"' not in web.get("/").text        # never computed on the home page
    first = runner.run_job(runtime, "scorecard.refresh")
    assert first.status == RunStatus.succeeded, first.error
    with runtime.transaction() as session:
        kept = {row.period: row for row in session.scalars(select(Snapshot))}
    quarter = service.quarter_of(datetime.now(UTC).astimezone(runtime.settings.zone).date())
    assert set(kept) == {"90d", quarter} and kept["90d"].payload["period"]["key"] == "90d"
    home = web.get("/").text
    assert 'id="scorecard-panel"' in home and 'href="/scorecard"' in home
    assert runner.run_job(runtime, "scorecard.refresh").status == RunStatus.succeeded
    with runtime.transaction() as session:
        assert len(session.scalars(select(Snapshot)).all()) == 2   # replaced, not added


def test_history_by_quarter(api: TestClient, runtime: Runtime, firm: None) -> None:
    found = api.get("/api/v1/scorecard/history", params={"quarters": 6}).json()
    assert len(found) == 6 and found[-1]["period"]["key"] == service.quarter_of(
        datetime.now(UTC).astimezone(runtime.settings.zone).date())
    october = next(row for row in found if row["period"]["key"] == "2026-Q4")
    assert set(october["elements"]) == set(catalogue.ELEMENTS) and october["overall"] is not None
    assert_error(api.get("/api/v1/scorecard/history", params={"quarters": 13}), 422, "validation_failed")
    shown = CliRunner().invoke(cli, ["scorecard", "history", "--quarters", "2", "--json",
                                     "--db", runtime.settings.effective_database_url])
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)) == 2
    refused = CliRunner().invoke(cli, ["scorecard", "history", "--quarters", "0",
                                       "--db", runtime.settings.effective_database_url])
    assert refused.exit_code == 1 and "quarters" in refused.output


def test_a_weak_measure_becomes_an_owned_recommendation(app, api: TestClient, runtime: Runtime,  # type: ignore[no-untyped-def]
                                                         firm: None) -> None:
    found = api.get("/api/v1/scorecard/recommendations").json()
    answer = next(r for r in found if r["rule"] == "answer_complaints")       # 1 of 3 answered on time
    assert (round(answer["why"]["figure"], 2), answer["why"]["n"], answer["status"]) == (33.33, 3, "open")
    assert answer["owners"] == [{"owner": "Muhammad Hafiz", "records": 1}]
    assert [r["client"] for r in answer["records"]] == ["Kovács és Társa Kft."] and answer["link"] == "/complaints"
    assert_error(api_as(app, runtime, Role.staff).post("/api/v1/scorecard/recommendations/answer_complaints/accept"),
                 403, "permission_denied")
    accepted = api.post("/api/v1/scorecard/recommendations/answer_complaints/accept")
    assert accepted.status_code == 200 and accepted.json() == {"tasks_opened": 1}
    with runtime.transaction() as session:
        task = session.scalars(select(Task).where(Task.kind == "scorecard")).one()
        owner = session.get(Staff, task.owner_id)
        assert owner is not None and owner.name == "Muhammad Hafiz" and "Kovács" in task.title
    assert_error(api.post("/api/v1/scorecard/recommendations/answer_complaints/accept"), 409, "conflict")
    assert next(r for r in api.get("/api/v1/scorecard/recommendations").json()
                if r["rule"] == "answer_complaints")["status"] == "accepted"
    assert_error(api.post("/api/v1/scorecard/recommendations/no_such_rule/accept"), 404, "not_found")


def test_dismissing_needs_a_reason(api: TestClient, runtime: Runtime, web: TestClient, owner,  # type: ignore[no-untyped-def]
                                   firm: None) -> None:
    url = "/api/v1/scorecard/recommendations/answer_complaints/dismiss"
    assert_error(api.post(url, json={"reason": ""}), 422, "validation_failed")
    refused = CliRunner().invoke(cli, ["recommendations", "dismiss", "answer_complaints",
                                       "--db", runtime.settings.effective_database_url])
    assert refused.exit_code == 1 and "reason" in refused.output
    sign_in(web, owner.email)
    page = web.get("/scorecard").text
    assert 'id="recommendation-answer_complaints"' in page and "Complaints are waiting for a first answer" in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert web.post("/scorecard/recommendations/answer_complaints/dismiss", data={"csrf_token": token, "reason": ""},
                    follow_redirects=False).status_code == 303              # told why on the page, nothing saved
    assert api.post(url, json={"reason": "The complaints desk is being rebuilt this month"}).status_code == 204
    listed = CliRunner().invoke(cli, ["recommendations", "list", "--json",
                                      "--db", runtime.settings.effective_database_url])
    dismissed = next(r for r in json.loads(listed.stdout) if r["rule"] == "answer_complaints")
    assert (dismissed["status"], dismissed["reason"]) == ("dismissed",
                                                          "The complaints desk is being rebuilt this month")
    assert_error(api.post("/api/v1/scorecard/recommendations/answer_complaints/accept"), 409, "conflict")
    assert "Dismissed" in web.get("/scorecard").text


def test_a_manager_accepts_from_the_scorecard_page(runtime: Runtime, web: TestClient, owner,  # type: ignore[no-untyped-def]
                                                   firm: None) -> None:
    sign_in(web, owner.email)
    page = web.get("/scorecard").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    accepted = web.post("/scorecard/recommendations/answer_complaints/accept", data={"csrf_token": token},
                        follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/scorecard#recommendations"
    after = web.get("/scorecard").text
    assert "1 task was opened." in after and 'action="/scorecard/recommendations/answer_complaints/accept"' not in after
    with runtime.transaction() as session:
        assert len(session.scalars(select(Task).where(Task.kind == "scorecard")).all()) == 1
    again = web.post("/scorecard/recommendations/answer_complaints/accept", data={"csrf_token": token},
                     follow_redirects=False)
    assert again.status_code == 303 and "decided already" in web.get("/scorecard").text


def test_the_five_gaps_and_the_checklist(api: TestClient, runtime: Runtime, db_url: str, firm: None) -> None:
    """Gap 4 from the promise ledger: kept on time 60.0% scores 100 (the plan's target is 50), told
    before broken 50.0% scores (50 − 20) / (90 − 20) = 42.86; the gap's score is their mean, 71.43.
    Element #1 (promises kept) is ticked, #4 (told before broken, under 60) is not, #8 (cadence) too."""
    found = api.get("/api/v1/scorecard/gaps", params={"period": PERIOD})
    assert found.status_code == 200, found.text
    body = found.json()
    gaps = {g["number"]: g for g in body["gaps"]}
    assert [g["key"] for g in body["gaps"]] == ["knowledge", "standards", "delivery", "communication", "client"]
    assert {e["key"]: e["score"] for e in gaps[4]["evidence"]} == {"promises_kept_on_time": 100.0,
                                                                    "told_before_broken": 42.86}
    assert gaps[4]["score"] == 71.43
    assert gaps[5]["score"] is None and gaps[5]["evidence"][0]["status"] == "not_in_use"   # no surveys
    ticks = {t["number"]: t["ticked"] for t in body["checklist"]}
    assert len(ticks) == 10 and ticks[1] is True and ticks[4] is False and ticks[2] is None
    shown = CliRunner().invoke(cli, ["scorecard", "gaps", "--period", PERIOD, "--db", db_url])
    assert shown.exit_code == 0 and "Communication gap" in shown.stdout and "no data" in shown.stdout
    assert_error(api.get("/api/v1/scorecard/gaps", params={"period": "2026-13"}), 422, "validation_failed")


def test_the_organisation_rules_name_what_to_do_and_who(runtime: Runtime) -> None:
    """Reliability: Ana kept 5 of 5 promises in the last 90 days, Béla 1 of 5 (a spread of 80 points,
    scoring 0), so Béla's coming promise is listed for him. Front-line recoveries: both complaints
    resolved were a manager's (0%), so the open one the manager holds of Ana's client goes to Ana."""
    from datetime import timedelta

    from servicescape.scorecard import recommendations

    now = datetime.now(UTC)
    with runtime.transaction() as session:
        ana = auth.create_staff(session, name="Ana Horvat", email="ana@firm.test", role=Role.staff,
                                password=PASSWORD, by=SYSTEM)
        bela = auth.create_staff(session, name="Béla Kiss", email="bela@firm.test", role=Role.staff,
                                 password=PASSWORD, by=SYSTEM)
        boss = auth.create_staff(session, name="Mária Nagy", email="maria@firm.test", role=Role.manager,
                                 password=PASSWORD, by=SYSTEM)
        client = clients.create(session, {"name": "Tan Logistics", "owner_id": ana.id}, by=SYSTEM)
        for owner, kept in ((ana, 5), (bela, 1)):
            for n in range(5):
                end = now - timedelta(days=10 + n)
                session.add(Promise(client_id=client.id, title=f"Visit {n}", owner_id=owner.id,
                                    window_start=end - timedelta(hours=2), window_end=end,
                                    status=PromiseStatus.kept if n < kept else PromiseStatus.missed,
                                    kept_at=end - timedelta(hours=1) if n < kept else None))
        session.add(Promise(client_id=client.id, title="Boiler check", owner_id=bela.id, status=PromiseStatus.open,
                            window_start=now + timedelta(days=2), window_end=now + timedelta(days=2, hours=2)))
        for days, resolved in ((20, True), (15, True), (5, False)):
            session.add(Complaint(client_id=client.id, received_at=now - timedelta(days=days), text="Late",
                                  response_due_at=now - timedelta(days=days - 1),
                                  resolution_due_at=now - timedelta(days=days - 3), owner_id=boss.id,
                                  first_response_at=now - timedelta(days=days - 0.5),
                                  resolved_at=now - timedelta(days=days - 2) if resolved else None,
                                  status=ComplaintStatus.resolved if resolved else ComplaintStatus.open))
        session.flush()
        found = {r.rule.key: r for r in recommendations.recommendations(session, runtime.settings, now=now,
                                                                         by=SYSTEM)}
    steady = found["steady_reliability"]
    assert steady.figure == 80.0 and steady.score == 0
    assert [(i.client_name, i.owner_name) for i in steady.items] == [("Tan Logistics", "Béla Kiss")]
    assert "Boiler check" in steady.items[0].detail
    frontline = found["empower_frontline"]
    assert frontline.figure == 0.0 and [(i.client_name, i.owner_name) for i in frontline.items] == [
        ("Tan Logistics", "Ana Horvat")]
    dismissed = CliRunner().invoke(cli, ["recommendations", "dismiss", "steady_reliability", "--reason",
                                         "Béla is new; he shadows Ana this month", "--json",
                                         "--db", runtime.settings.effective_database_url])
    assert dismissed.exit_code == 0, dismissed.output
    assert json.loads(dismissed.stdout) == {"rule": "steady_reliability", "status": "dismissed",
                                            "reason": "Béla is new; he shadows Ana this month"}


def test_the_managers_estimate_of_what_clients_value(app, runtime: Runtime, api: TestClient, web: TestClient,  # type: ignore[no-untyped-def]
                                                     owner, db_url: str) -> None:
    split = {"tangibles": 10, "reliability": 35, "responsiveness": 25, "assurance": 15, "empathy": 15}
    assert api.get("/api/v1/scorecard/expectations").json() == {"managers": None}
    saved = api.put("/api/v1/scorecard/expectations", json=split)
    assert saved.status_code == 200 and saved.json()["managers"]["reliability"] == 35
    assert_error(api.put("/api/v1/scorecard/expectations", json={**split, "empathy": 30}), 422, "validation_failed")
    assert_error(api_as(app, runtime, Role.manager).put("/api/v1/scorecard/expectations", json=split), 403,
                 "permission_denied")
    with runtime.transaction() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.entity == "scorecard_expectation")).first()
    shown = CliRunner().invoke(cli, ["scorecard", "expectations", "--json", "--db", db_url])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["managers"]["responsiveness"] == 25
    bad = CliRunner().invoke(cli, ["scorecard", "expectations", "--set", "reliability=lots", "--db", db_url])
    assert bad.exit_code == 1 and "DIMENSION=POINTS" in bad.output
    sign_in(web, owner.email)
    page = web.get("/scorecard/measures")
    assert page.status_code == 200 and 'id="expectations"' in page.text and 'value="35"' in page.text
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    posted = web.post("/scorecard/expectations", data={**{k: str(v) for k, v in split.items()}, "reliability": "40",
                                                       "empathy": "10", "csrf_token": token}, follow_redirects=False)
    assert posted.status_code == 303
    wrong = web.post("/scorecard/expectations", data={**{k: str(v) for k, v in split.items()}, "empathy": "50",
                                                      "csrf_token": token})
    assert wrong.status_code == 422 and "100" in wrong.text


def test_the_page_reads_the_fresh_snapshot_of_the_last_90_days(runtime: Runtime, firm: None) -> None:
    """The job's snapshot gives back the very scorecard it kept; a weight changed since, or an hour
    and more, and the scorecard is computed again."""
    from datetime import timedelta

    now = datetime.now(UTC).replace(microsecond=0)
    with runtime.transaction() as session:
        service.refresh(session, runtime.settings, now=now, by=SYSTEM)
    with runtime.transaction() as session:
        kept = service.latest(session, runtime.settings, now=now + timedelta(minutes=30), by=SYSTEM)
        computed = service.scorecard(session, runtime.settings, period=None, now=now, by=SYSTEM)
        assert kept.data_as_of == now and kept.as_dict() == computed.as_dict()
        later = service.latest(session, runtime.settings, now=now + timedelta(hours=2), by=SYSTEM)
        assert later.data_as_of == now + timedelta(hours=2)
        service.set_weight(session, "nps", 3, by=SYSTEM)
    with runtime.transaction() as session:
        reweighed = service.latest(session, runtime.settings, now=now + timedelta(minutes=40), by=SYSTEM)
        assert reweighed.data_as_of == now + timedelta(minutes=40)
