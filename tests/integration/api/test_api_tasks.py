"""/api/v1/tasks beyond the generic routes (tests/contract has those): closing with an outcome,
reopening, who a task belongs to, and the list's filters and order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.db.types import utcnow
from servicescape.runtime import Runtime
from servicescape.tasks import service
from tests.conftest import api_as, make_staff
from tests.integration.api.conftest import assert_error, created, utc


def new_task(api: TestClient, **fields: Any) -> dict[str, Any]:
    return created(api.post("/api/v1/tasks", json={"title": "Call back about the renewal", **fields}))


def test_a_task_belongs_to_whoever_adds_it_unless_given_to_someone(api: TestClient, owner: Staff,
                                                                    runtime: Runtime) -> None:
    colleague = make_staff(runtime, Role.staff, "aisyah@firm.test", "Aisyah Rahman")
    mine = new_task(api)
    assert (mine["owner_id"], mine["created_by_id"], mine["status"], mine["kind"]) == (owner.id, owner.id, "open",
                                                                                      "follow_up")
    assert (mine["outcome"], mine["closed_at"], mine["rule"]) == (None, None, None)
    theirs = new_task(api, owner_id=colleague.id, kind="meeting", priority="urgent")
    assert (theirs["owner_id"], theirs["created_by_id"]) == (colleague.id, owner.id)
    assert_error(api.post("/api/v1/tasks", json={"title": "x", "kind": "gardening"}), 422, "validation_failed",
                 field="kind")
    assert_error(api.post("/api/v1/tasks", json={"title": "x", "due_at": "2025-03-01T10:00:00"}), 422,
                 "validation_failed", field="due_at")
    assert_error(api.post("/api/v1/tasks", json={"title": "x", "owner_id": 999}), 422, "validation_failed",
                 field="owner_id")
    assert_error(api.post("/api/v1/tasks", json={"title": "x", "status": "done"}), 422, "validation_failed",
                 field="status")  # closing is POST /close's business
    assert_error(api.patch(f"/api/v1/tasks/{mine['id']}", json={"status": "done"}), 422, "validation_failed",
                 field="status")


def test_closing_needs_an_outcome_and_records_who_and_when(api: TestClient, owner: Staff) -> None:
    task = new_task(api)
    url = f"/api/v1/tasks/{task['id']}"
    assert_error(api.post(f"{url}/close", json={}), 422, "validation_failed", field="outcome")
    assert_error(api.post(f"{url}/close", json={"outcome": "   "}), 422, "validation_failed", field="outcome")
    assert api.get(url).json()["status"] == "open"

    before = utcnow()
    done = api.post(f"{url}/close", json={"outcome": " Called; the renewal is agreed. "})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["outcome"], body["closed_by_id"]) == ("done", "Called; the renewal is agreed.",
                                                                       owner.id)
    assert before - timedelta(seconds=1) <= utc(body["closed_at"]) <= utcnow()
    assert api.get(url).json() == body
    assert_error(api.post(f"{url}/close", json={"outcome": "again"}), 409, "conflict", field="status")

    reopened = api.post(f"{url}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["status"], reopened.json()["closed_at"], reopened.json()["closed_by_id"]) == (
        "open", None, None)
    assert reopened.json()["outcome"] == "Called; the renewal is agreed."  # kept until closed again
    assert_error(api.post(f"{url}/reopen"), 409, "conflict", field="status")

    cancelled = api.post(f"{url}/close", json={"outcome": "The client moved away.", "cancelled": True})
    assert (cancelled.json()["status"], cancelled.json()["outcome"]) == ("cancelled", "The client moved away.")

    assert_error(api.post("/api/v1/tasks/999999/close", json={"outcome": "x"}), 404, "not_found")
    assert_error(api.post("/api/v1/tasks/999999/reopen"), 404, "not_found")
    assert_error(api.post("/api/v1/tasks/0/close", json={"outcome": "x"}), 422, "validation_failed", field="id")


def test_viewers_cannot_close_or_reopen(app, runtime: Runtime, api: TestClient) -> None:  # type: ignore[no-untyped-def]
    task = new_task(api)
    viewer = api_as(app, runtime, Role.viewer)
    url = f"/api/v1/tasks/{task['id']}"
    assert_error(viewer.post(f"{url}/close", json={"outcome": "done"}), 403, "permission_denied")
    api.post(f"{url}/close", json={"outcome": "done"})
    assert_error(viewer.post(f"{url}/reopen"), 403, "permission_denied")
    assert api.get(url).json()["status"] == "done"
    staff = api_as(app, runtime, Role.staff)
    assert staff.post(f"{url}/reopen").json()["status"] == "open"


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()["items"]]


def test_the_list_filters_and_puts_what_is_due_first(api: TestClient, owner: Staff, runtime: Runtime) -> None:
    colleague = make_staff(runtime, Role.staff, "daniel@firm.test", "Daniel Lim")
    client = created(api.post("/api/v1/clients", json={"name": "Tan Holdings"}))
    now = datetime.now(UTC)
    new_task(api, title="undated")
    new_task(api, title="next week", due_at=(now + timedelta(days=5)).isoformat(), kind="meeting")
    new_task(api, title="overdue", due_at=(now - timedelta(days=2)).isoformat(), client_id=client["id"])
    new_task(api, title="later this month", due_at=(now + timedelta(days=20)).isoformat(), priority="urgent",
             owner_id=colleague.id)
    closed = new_task(api, title="closed")
    api.post(f"/api/v1/tasks/{closed['id']}/close", json={"outcome": "done"})
    with runtime.transaction() as session:  # a rule's task, made once however often the rule runs
        for _ in range(2):
            service.ensure_task(session, dedupe_key="rule:1", rule="test.rule", data={"title": "from a rule"},
                                by=SYSTEM)

    assert titles(api.get("/api/v1/tasks")) == ["overdue", "next week", "later this month", "undated",
                                                "from a rule"]
    assert titles(api.get("/api/v1/tasks", params={"status": "done"})) == ["closed"]
    assert titles(api.get("/api/v1/tasks", params={"due": "overdue"})) == ["overdue"]
    assert titles(api.get("/api/v1/tasks", params={"due": "week"})) == ["overdue", "next week"]
    assert titles(api.get("/api/v1/tasks", params={"due": "none"})) == ["undated", "from a rule"]
    assert titles(api.get("/api/v1/tasks", params={"owner_id": colleague.id})) == ["later this month"]
    assert titles(api.get("/api/v1/tasks", params={"client_id": client["id"]})) == ["overdue"]
    assert titles(api.get("/api/v1/tasks", params={"kind": "meeting"})) == ["next week"]
    assert titles(api.get("/api/v1/tasks", params={"priority": "urgent"})) == ["later this month"]
    assert_error(api.get("/api/v1/tasks", params={"due": "someday"}), 422, "validation_failed", field="due")
    assert_error(api.get("/api/v1/tasks", params={"status": "lost"}), 422, "validation_failed", field="status")
    rule_task = api.get("/api/v1/tasks", params={"due": "none"}).json()["items"][1]
    assert (rule_task["rule"], rule_task["created_by_id"], rule_task["owner_id"]) == ("test.rule", None, None)
