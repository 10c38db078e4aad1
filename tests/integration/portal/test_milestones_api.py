"""Engagement milestones through the API and the CLI on both databases: added last and kept in order,
``done_at`` following the status, reordered, moved to another engagement, bad input named with
nothing saved, viewers reading only; and the portal's ``engagement_progress``, which reads one
client's active and lately completed engagements and nothing of anyone else's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.errors import ValidationFailed
from servicescape.portal import milestones
from servicescape.portal.models import Milestone, MilestoneStatus
from servicescape.runtime import Runtime
from tests.conftest import api_as
from tests.integration.pages.conftest import counting_queries

runner = CliRunner()


@dataclass(frozen=True)
class Book:
    client_id: int
    active: int
    recent: int          # completed 30 days ago
    old: int             # completed 400 days ago
    proposed: int
    cancelled: int
    other_client: int
    theirs: int          # the other client's active engagement


def engagement(session: Any, client_id: int, status: str, *, ended_days_ago: int | None = None,
               description: str = "Commissioning and handover") -> int:
    today = date.today()
    end = today - timedelta(days=ended_days_ago) if ended_days_ago is not None else today + timedelta(days=90)
    return clients.engagements.create(session, {
        "client_id": client_id, "description": description, "status": status,
        "start_date": end - timedelta(days=120), "end_date": end}, by=SYSTEM).id


def build_book(runtime: Runtime) -> Book:
    with runtime.transaction() as session:
        mine = clients.clients.create(session, {"name": "Gradina Hotels EOOD"}, by=SYSTEM).id
        other = clients.clients.create(session, {"name": "Kedai Runcit Sdn Bhd"}, by=SYSTEM).id
        return Book(mine, engagement(session, mine, "active"),
                    engagement(session, mine, "completed", ended_days_ago=30, description="Energy audit"),
                    engagement(session, mine, "completed", ended_days_ago=400, description="Old audit"),
                    engagement(session, mine, "proposed", description="Response desk"),
                    engagement(session, mine, "cancelled", ended_days_ago=10, description="Cancelled work"),
                    other, engagement(session, other, "active", description="Their maintenance"))


def count(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(Milestone)) or 0


def test_milestones_are_kept_in_order_and_done_at_follows_the_status(api: TestClient, runtime: Runtime) -> None:
    book = build_book(runtime)
    url = f"/api/v1/engagements/{book.active}/milestones"
    made = []
    for name, due in (("Pre-commissioning checks", "2026-03-02"), ("Functional performance tests", "2026-04-13"),
                      ("Handover documentation", None)):
        answer = api.post(url, json={"name": f"  {name} ", "due_on": due})
        assert answer.status_code == 201, answer.text
        assert answer.headers["location"] == f"/api/v1/milestones/{answer.json()['id']}"
        made.append(answer.json())
    assert [m["position"] for m in made] == [0, 1, 2]
    assert made[0]["name"] == "Pre-commissioning checks" and made[0]["status"] == "planned"
    assert made[0]["done_at"] is None and made[2]["due_on"] is None
    first, second, third = (m["id"] for m in made)

    done = api.patch(f"/api/v1/milestones/{first}", json={"status": "done"}).json()
    assert done["status"] == "done" and done["done_at"] is not None
    noted = api.patch(f"/api/v1/milestones/{first}", json={"note": "Signed off on site.", "status": "done"}).json()
    assert noted["done_at"] == done["done_at"]                      # staying done keeps when it was done
    reopened = api.patch(f"/api/v1/milestones/{first}", json={"status": "in_progress"}).json()
    assert reopened["done_at"] is None and reopened["note"] == "Signed off on site."
    added_done = api.post("/api/v1/milestones", json={"engagement_id": book.active, "name": "Site staff training",
                                                      "status": "done"})
    assert added_done.status_code == 201 and added_done.json()["done_at"] is not None
    assert added_done.json()["position"] == 3

    ordered = api.put(f"{url}/order", json={"ids": [third, first, added_done.json()["id"], second]})
    assert ordered.status_code == 200, ordered.text
    assert [m["id"] for m in api.get(url).json()] == [third, first, added_done.json()["id"], second]
    assert [m["position"] for m in api.get(url).json()] == [0, 1, 2, 3]

    moved = api.patch(f"/api/v1/milestones/{second}", json={"engagement_id": book.proposed}).json()
    assert moved["engagement_id"] == book.proposed and moved["position"] == 0
    assert second not in [m["id"] for m in api.get(url).json()]
    assert api.get(f"/api/v1/milestones/{second}").json()["name"] == "Functional performance tests"
    assert api.get("/api/v1/milestones").json()["total"] == 4
    assert api.delete(f"/api/v1/milestones/{third}").status_code == 204
    assert [m["id"] for m in api.get(url).json()] == [first, added_done.json()["id"]]


def test_bad_input_is_named_and_nothing_is_saved(api: TestClient, runtime: Runtime) -> None:
    book = build_book(runtime)
    url = f"/api/v1/engagements/{book.active}/milestones"
    kept = api.post(url, json={"name": "Snag list cleared"}).json()
    before = count(runtime)
    for body, field in (({"name": ""}, "name"), ({"name": "   "}, "name"), ({"name": "x" * 301}, "name"),
                        ({"name": "Visit", "due_on": "next week"}, "due_on"),
                        ({"name": "Visit", "status": "finished"}, "status"),
                        ({"name": "Visit", "position": 3}, "position")):
        answer = api.post(url, json=body)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field, (body, answer.text)
    missing = api.post("/api/v1/milestones", json={"engagement_id": 999_999, "name": "Visit"})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "engagement_id"
    assert "999999" in missing.json()["error"]["message"]
    assert api.post("/api/v1/engagements/999999/milestones", json={"name": "Visit"}).status_code == 404
    assert api.get("/api/v1/engagements/999999/milestones").status_code == 404
    moved = api.patch(f"/api/v1/milestones/{kept['id']}", json={"engagement_id": 999_999})
    assert moved.status_code == 422 and moved.json()["error"]["field"] == "engagement_id"
    for ids in ([], [kept["id"], kept["id"]], [kept["id"] + 1000]):
        answer = api.put(f"{url}/order", json={"ids": ids})
        assert answer.status_code == 422 and answer.json()["error"]["field"] == "ids", answer.text
    assert count(runtime) == before
    assert api.get(f"/api/v1/milestones/{kept['id']}").json() == kept


def test_a_viewer_reads_milestones_and_changes_none(app: Any, api: TestClient, runtime: Runtime) -> None:
    book = build_book(runtime)
    made = api.post(f"/api/v1/engagements/{book.active}/milestones", json={"name": "Kick-off"}).json()
    with api_as(app, runtime, Role.viewer) as viewer:
        assert viewer.get(f"/api/v1/engagements/{book.active}/milestones").json()[0]["id"] == made["id"]
        refused = viewer.post(f"/api/v1/engagements/{book.active}/milestones", json={"name": "Mine"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
        assert viewer.patch(f"/api/v1/milestones/{made['id']}", json={"status": "done"}).status_code == 403
        assert viewer.put(f"/api/v1/engagements/{book.active}/milestones/order",
                          json={"ids": [made["id"]]}).status_code == 403
        assert viewer.delete(f"/api/v1/milestones/{made['id']}").status_code == 403
    assert api.get(f"/api/v1/milestones/{made['id']}").json() == made


def test_engagement_progress_reads_only_the_clients_current_engagements(runtime: Runtime) -> None:
    book = build_book(runtime)
    with runtime.transaction() as session:
        for engagement_id, steps in ((book.active, ("done", "in_progress", "planned")), (book.recent, ("done",)),
                                     (book.old, ("done",)), (book.proposed, ("planned",)),
                                     (book.theirs, ("in_progress", "planned"))):
            for n, status in enumerate(steps):
                milestones.milestones.create(session, {"engagement_id": engagement_id, "name": f"Step {n + 1}",
                                                       "status": status}, by=SYSTEM)
    with runtime.transaction() as session:
        found = milestones.engagement_progress(session, book.client_id)
        theirs = milestones.engagement_progress(session, book.other_client)
        nobody = milestones.engagement_progress(session, 999_999)
    assert [p.engagement_id for p in found] == [book.active, book.recent]     # active first
    active, recent = found
    assert {p.client_id for p in found} == {book.client_id}
    assert (active.done, active.total, active.share_done) == (1, 3, 1 / 3)
    assert active.next_milestone is not None and active.next_milestone.name == "Step 2"
    assert [m.status for m in active.milestones] == [MilestoneStatus.done, MilestoneStatus.in_progress,
                                                     MilestoneStatus.planned]
    assert active.description == "Commissioning and handover" and active.package is None
    assert (recent.done, recent.total, recent.next_milestone) == (1, 1, None)
    assert [p.engagement_id for p in theirs] == [book.theirs] and nobody == []
    # 180 days after the recent one ended it is no longer shown
    later = date.today() + timedelta(days=151)
    with runtime.transaction() as session:
        assert [p.engagement_id for p in milestones.engagement_progress(session, book.client_id, today=later)] \
            == [book.active]


def test_progress_reads_in_the_same_queries_however_many_engagements(runtime: Runtime) -> None:
    book = build_book(runtime)

    def queries() -> int:
        with counting_queries(runtime) as statements, runtime.transaction() as session:
            milestones.engagement_progress(session, book.client_id)
            milestones.open_engagements(session, book.client_id, by=SYSTEM)
        return len(statements)

    few = queries()
    with runtime.transaction() as session:
        for n in range(6):
            more = engagement(session, book.client_id, "active", description=f"Site {n}")
            for step in range(4):
                milestones.milestones.create(session, {"engagement_id": more, "name": f"Step {step}"}, by=SYSTEM)
    assert queries() == few


def test_an_engagement_holds_at_most_200_milestones(runtime: Runtime) -> None:
    book = build_book(runtime)
    with runtime.transaction() as session:
        for n in range(milestones.MAX_MILESTONES):
            milestones.milestones.create(session, {"engagement_id": book.active, "name": f"Step {n}"}, by=SYSTEM)
    with runtime.transaction() as session, pytest.raises(ValidationFailed) as refused:
        milestones.milestones.create(session, {"engagement_id": book.active, "name": "One too many"}, by=SYSTEM)
    assert refused.value.field == "engagement_id"
    assert count(runtime) == milestones.MAX_MILESTONES


def test_the_milestones_commands(runtime: Runtime, db_url: str) -> None:
    book = build_book(runtime)

    def run(*args: str) -> Any:
        result = runner.invoke(cli, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
        return result

    made = json.loads(run("milestones", "add", str(book.active), "Site survey", "--due", "2026-05-04",
                          "--json").stdout)
    assert (made["name"], made["due_on"], made["status"], made["position"]) == ("Site survey", "2026-05-04",
                                                                               "planned", 0)
    second = json.loads(run("milestones", "add", str(book.active), "Findings workshop", "--json").stdout)
    changed = json.loads(run("milestones", "set", str(made["id"]), "--status", "done", "--due", "",
                             "--json").stdout)
    assert changed["status"] == "done" and changed["done_at"] and changed["due_on"] is None
    run("milestones", "order", str(book.active), str(second["id"]), str(made["id"]))
    listed = json.loads(run("milestones", "list", str(book.active), "--json").stdout)
    assert [m["id"] for m in listed] == [second["id"], made["id"]]
    assert "Findings workshop" in run("milestones", "list", str(book.active)).stdout
    assert "deleted milestone" in run("milestones", "delete", str(second["id"])).stdout
    bad = runner.invoke(cli, ["milestones", "set", str(made["id"]), "--status", "finished", "--db", db_url])
    assert bad.exit_code == 1 and "status" in bad.output
    missing = runner.invoke(cli, ["milestones", "list", "999999", "--db", db_url])
    assert missing.exit_code == 1 and "999999" in missing.output
    assert len(json.loads(run("milestones", "list", str(book.active), "--json").stdout)) == 1
