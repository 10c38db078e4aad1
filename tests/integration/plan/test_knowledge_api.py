"""What key accounts value, through /api/v1 on both databases: a profile recorded and read back,
criteria whose weights do not add up to 100 refused naming ``criteria`` (nothing half-saved), the
SERVQUAL prefill with the client's latest importance split, and the key-account review's view
(never recorded, review overdue, the share with needs recorded)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.db.types import utcnow
from servicescape.plan import knowledge
from servicescape.relationships.accounts import open_watch_tasks
from servicescape.runtime import Runtime
from servicescape.tasks.models import Task
from tests.conftest import api_as, sign_in
from tests.contract.shape import assert_error
from tests.integration.plan.knowledge_firm import answer_importance, client_with_revenue

SPLIT = {"tangibles": 10, "reliability": 35, "responsiveness": 25, "assurance": 20, "empathy": 10}


def test_a_profile_is_recorded_and_bad_weights_are_refused(api: TestClient, runtime: Runtime) -> None:
    client = client_with_revenue(runtime, "Permata Timur Sdn Bhd", 50_000)
    url = f"/api/v1/clients/{client}/account-profile"
    empty = api.get(url).json()
    assert empty["criteria"] == [] and empty["needs"] is None and empty["servqual_split"] is None
    saved = api.patch(url, json={
        "needs": "Cooling that never stops.", "how_they_choose": "Three quotes every two years.",
        "last_review_on": "2026-01-10", "next_review_on": "2026-04-10",
        "criteria": [{"name": "Response time", "weight": 60}, {"name": "Price", "weight": 40}]})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert [(c["name"], c["weight"], c["source"]) for c in body["criteria"]] == [
        ("Response time", 60, "entered"), ("Price", 40, "entered")]
    assert body["needs"] == "Cooling that never stops." and body["next_review_on"] == "2026-04-10"
    for criteria, problem in (([{"name": "Price", "weight": 60}, {"name": "Speed", "weight": 30}], "90"),
                              ([{"name": "Price", "weight": 50}, {"name": "PRICE", "weight": 50}], "twice"),
                              ([{"name": "Price", "weight": 101}], "0 to 100")):
        refused = api.patch(url, json={"needs": "Changed.", "criteria": criteria})
        assert_error(refused, 422, "validation_failed", field="criteria")
        assert problem in refused.json()["error"]["message"]
    assert_error(api.patch(url, json={"criteria": [{"name": "Price", "weight": "x"}]}), 422, "validation_failed",
                 field="criteria.0.weight")
    assert_error(api.patch(url, json={"last_review_on": "2026-05-01"}), 422, "validation_failed",
                 field="next_review_on")
    assert api.get(url).json() == body                                  # nothing half-saved
    only_needs = api.patch(url, json={"needs": "Fewer visits, longer ones."}).json()
    assert only_needs["criteria"] == body["criteria"] and only_needs["how_they_choose"] == body["how_they_choose"]
    cleared = api.patch(url, json={"criteria": []}).json()
    assert cleared["criteria"] == []
    assert_error(api.get("/api/v1/clients/999999/account-profile"), 404, "not_found")
    assert_error(api.patch("/api/v1/clients/999999/account-profile", json={"needs": "x"}), 404, "not_found")


def test_the_servqual_prefill_takes_the_latest_importance_split(api: TestClient, runtime: Runtime) -> None:
    client = client_with_revenue(runtime, "Стоянов ЕООД", 20_000)
    other = client_with_revenue(runtime, "Kovács Kft.", 10_000)
    answer_importance(runtime, client, {"tangibles": 30, "reliability": 20, "responsiveness": 20, "assurance": 15,
                                        "empathy": 15}, days_ago=200)
    answer_importance(runtime, client, SPLIT, days_ago=20)               # the latest one counts
    url = f"/api/v1/clients/{client}/account-profile"
    assert api.get(url).json()["servqual_split"] == SPLIT
    api.patch(url, json={"criteria": [{"name": "Price", "weight": 100}]})
    prefilled = api.post(f"{url}/servqual-prefill")
    assert prefilled.status_code == 200, prefilled.text
    assert [(c["name"], c["weight"], c["source"]) for c in prefilled.json()["criteria"]] == [
        ("Tangibles", 10, "servqual"), ("Reliability", 35, "servqual"), ("Responsiveness", 25, "servqual"),
        ("Assurance", 20, "servqual"), ("Empathy", 10, "servqual")]
    hungarian = api.post(f"{url}/servqual-prefill", headers={"Accept-Language": "hu"}).json()
    assert sum(c["weight"] for c in hungarian["criteria"]) == 100
    refused = api.post(f"/api/v1/clients/{other}/account-profile/servqual-prefill")
    assert_error(refused, 422, "validation_failed", field="criteria")
    assert api.get(f"/api/v1/clients/{other}/account-profile").json()["criteria"] == []


def test_the_key_account_review_sees_needs_and_overdue_reviews(api: TestClient, runtime: Runtime, app) -> None:  # type: ignore[no-untyped-def]
    big = client_with_revenue(runtime, "Big Account Sdn Bhd", 50_000)
    middle = client_with_revenue(runtime, "Middle Account Sdn Bhd", 40_000)
    client_with_revenue(runtime, "Small Client", 10_000)
    past = (date.today() - timedelta(days=5)).isoformat()
    api.patch(f"/api/v1/clients/{big}/account-profile", json={
        "needs": "Uptime.", "next_review_on": past, "criteria": [{"name": "Uptime", "weight": 100}]})
    found = api.get("/api/v1/plan/key-accounts")
    assert found.status_code == 200, found.text
    rows = {row["client_id"]: row for row in found.json()["accounts"]}
    assert list(rows) == [big, middle]                                   # 80% of revenue: the two largest
    assert rows[big]["needs_recorded"] and rows[big]["review_overdue"] and not rows[big]["never_recorded"]
    assert rows[middle]["never_recorded"] and not rows[middle]["needs_recorded"] and rows[middle]["criteria"] == 0
    assert found.json()["with_needs"] == 1 and found.json()["share_with_needs"] == 0.5
    with runtime.transaction() as session:
        assert knowledge.share_with_needs_recorded(session, reporting_currency="EUR", now=utcnow(),
                                                   by=SYSTEM) == (1, 2, 0.5)
        assert set(knowledge.profiles_for(session, [big, middle], by=SYSTEM)) == {big}
    viewer = api_as(app, runtime, Role.viewer)
    assert viewer.get("/api/v1/plan/key-accounts").status_code == 200
    assert viewer.get(f"/api/v1/clients/{big}/account-profile").status_code == 200
    assert_error(viewer.patch(f"/api/v1/clients/{big}/account-profile", json={"needs": "x"}), 403,
                 "permission_denied")
    assert_error(viewer.post(f"/api/v1/clients/{big}/account-profile/servqual-prefill"), 403, "permission_denied")


def test_relationships_key_account_review_reads_the_profiles_reviews(api: TestClient, web: TestClient,
                                                                    runtime: Runtime) -> None:
    big = client_with_revenue(runtime, "Big Account Sdn Bhd", 50_000)
    middle = client_with_revenue(runtime, "Middle Account Sdn Bhd", 40_000)
    client_with_revenue(runtime, "Small Client", 10_000)
    zone = runtime.settings.zone
    today = utcnow().astimezone(zone).date()
    planned, last = today + timedelta(days=30), today - timedelta(days=60)
    api.patch(f"/api/v1/clients/{big}/account-profile", json={"last_review_on": last.isoformat(),
                                                               "next_review_on": planned.isoformat()})
    api.patch(f"/api/v1/clients/{middle}/account-profile", json={"next_review_on": last.isoformat()})  # gone by
    rows = {row["client_id"]: row for row in api.get("/api/v1/relationships/key-accounts").json()["accounts"]}
    assert (rows[big]["last_review_on"], rows[big]["planned_review_on"], rows[big]["next_review_at"]) == (
        last.isoformat(), planned.isoformat(), None)
    sign_in(web, "owner@firm.test")
    cells = {name: cell for name, cell in re.findall(
        r'<a href="/clients/\d+">([^<]+)</a>.*?<td data-label="Next review"><div>(.*?)</div></td>',
        web.get("/relationships/key-accounts").text, re.S)}
    assert "Last review:" in cells["Big Account Sdn Bhd"] and "Overdue" not in cells["Big Account Sdn Bhd"]
    assert "Overdue" in cells["Middle Account Sdn Bhd"]      # the planned day has gone by, no review open
    now = utcnow()
    with runtime.transaction() as session:
        opened = open_watch_tasks(session, now=now, reporting_currency="EUR", zone=zone, by=SYSTEM)
        assert opened["tasks_opened"] == 2
        due = {c: at for c, at in session.execute(select(Task.client_id, Task.due_at).where(Task.kind == "review"))}
    assert due[big].astimezone(zone).replace(tzinfo=None) == datetime.combine(planned, time(9))   # the planned day
    assert abs(due[middle] - (now + timedelta(days=14))) < timedelta(seconds=1)             # its day has gone by
    rows = {row["client_id"]: row for row in api.get("/api/v1/relationships/key-accounts").json()["accounts"]}
    assert rows[big]["next_review_at"] is not None and rows[big]["planned_review_on"] == planned.isoformat()
