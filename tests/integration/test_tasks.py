"""Tasks: the shared list every capability creates its tasks in — API, rules, CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from servicescape.auth.models import Role, Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.main import app as cli
from servicescape.clients import service as clients
from servicescape.errors import Conflict, ValidationFailed
from servicescape.runtime import Runtime
from servicescape.tasks import service
from servicescape.tasks.models import Task, TaskStatus
from tests.conftest import api_as, make_staff


def _client(runtime: Runtime, name: str = "Tan Holdings Sdn Bhd") -> int:
    with runtime.transaction() as session:
        return clients.clients.create(session, {"name": name, "external_id": name[:3].upper()}, by=SYSTEM).id


def _due(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def test_add_change_close_and_reopen_through_the_api(api: TestClient, runtime: Runtime, owner: Staff) -> None:
    client_id = _client(runtime)
    created = api.post("/api/v1/tasks", json={"title": "Call back about the missed window", "kind": "call_back",
                                              "client_id": client_id, "due_at": _due(2), "priority": "high"})
    assert created.status_code == 201, created.text
    task = created.json()
    assert (task["status"], task["owner_id"], task["created_by_id"], task["rule"]) == ("open", owner.id, owner.id,
                                                                                       None)
    assert created.headers["location"] == f"/api/v1/tasks/{task['id']}"
    changed = api.patch(f"/api/v1/tasks/{task['id']}", json={"priority": "urgent"})
    assert changed.status_code == 200 and changed.json()["priority"] == "urgent"
    assert api.patch(f"/api/v1/tasks/{task['id']}", json={"status": "done"}).status_code == 422
    no_outcome = api.post(f"/api/v1/tasks/{task['id']}/close", json={"outcome": ""})
    assert no_outcome.status_code == 422 and no_outcome.json()["error"]["field"] == "outcome"
    closed = api.post(f"/api/v1/tasks/{task['id']}/close", json={"outcome": "Called; new window agreed."})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closed_by_id"]) == ("done", owner.id)
    assert closed.json()["closed_at"] is not None
    again = api.post(f"/api/v1/tasks/{task['id']}/close", json={"outcome": "twice"})
    assert again.status_code == 409
    reopened = api.post(f"/api/v1/tasks/{task['id']}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open" and reopened.json()["closed_at"] is None
    cancelled = api.post(f"/api/v1/tasks/{task['id']}/close", json={"outcome": "Client withdrew.", "cancelled": True})
    assert cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "x", "kind": "telepathy"}, "kind"),
    ({"title": "x", "client_id": 999_999}, "client_id"),
    ({"title": "x", "owner_id": 999_999}, "owner_id"),
    ({"title": "x", "due_at": "2026-01-01T10:00:00"}, "due_at"),
])
def test_bad_tasks_are_refused_with_the_field_named(api: TestClient, body: dict[str, object], field: str) -> None:
    response = api.post("/api/v1/tasks", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_roles(app, runtime: Runtime, api: TestClient) -> None:  # type: ignore[no-untyped-def]
    task_id = api.post("/api/v1/tasks", json={"title": "Review the key account"}).json()["id"]
    viewer, staff = api_as(app, runtime, Role.viewer), api_as(app, runtime, Role.staff)
    assert viewer.get(f"/api/v1/tasks/{task_id}").status_code == 200
    assert viewer.post("/api/v1/tasks", json={"title": "x"}).status_code == 403
    assert viewer.post(f"/api/v1/tasks/{task_id}/close", json={"outcome": "x"}).status_code == 403
    assert staff.post(f"/api/v1/tasks/{task_id}/close", json={"outcome": "Done."}).status_code == 200
    assert staff.delete(f"/api/v1/tasks/{task_id}").status_code == 403
    assert api.delete(f"/api/v1/tasks/{task_id}").status_code == 204


def test_the_list_filters_and_orders_open_work_by_when_it_is_due(api: TestClient, runtime: Runtime,
                                                                 owner: Staff) -> None:
    for title, hours in (("later", 30), ("overdue", -3), ("undated", None), ("soon", 1)):
        body = {"title": title, **({"due_at": _due(hours)} if hours is not None else {})}
        assert api.post("/api/v1/tasks", json=body).status_code == 201
    titles = [t["title"] for t in api.get("/api/v1/tasks").json()["items"]]
    assert titles == ["overdue", "soon", "later", "undated"]
    assert [t["title"] for t in api.get("/api/v1/tasks?due=overdue").json()["items"]] == ["overdue"]
    assert [t["title"] for t in api.get("/api/v1/tasks?due=none").json()["items"]] == ["undated"]
    assert api.get(f"/api/v1/tasks?owner_id={owner.id}").json()["total"] == 4
    assert api.get("/api/v1/tasks?status=done").json()["total"] == 0
    assert api.get("/api/v1/tasks?due=yesterday").status_code == 422


def test_a_rule_creates_its_task_once(runtime: Runtime) -> None:
    client_id = _client(runtime)
    for _run in range(3):
        with runtime.transaction() as session:
            service.ensure_task(session, dedupe_key=f"recovery:promise:7:{client_id}", rule="promises.missed",
                                data={"title": "Apologise and re-promise", "kind": "follow_up",
                                      "client_id": client_id}, by=SYSTEM)
    with runtime.transaction() as session:
        tasks = session.scalars(select(Task)).all()
        assert len(tasks) == 1 and tasks[0].rule == "promises.missed" and tasks[0].created_by_id is None


def test_closing_needs_an_open_task_and_an_outcome(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        task = service.tasks.create(session, {"title": "Send the report"}, by=SYSTEM)
        with pytest.raises(ValidationFailed):
            service.close(session, task, outcome="   ", by=SYSTEM)
        service.close(session, task, outcome="Sent.", by=SYSTEM)
        with pytest.raises(Conflict):
            service.close(session, task, outcome="Sent again.", by=SYSTEM)
        assert task.status == TaskStatus.done and task.closed_by_id is None


def test_the_cli_adds_lists_and_closes(db_url: str, runtime: Runtime, owner: Staff) -> None:
    _client(runtime)
    runner = CliRunner()
    added = runner.invoke(cli, ["tasks", "add", "Quarterly review", "--owner", owner.email, "--client", "TAN",
                                "--due", "2030-01-02T10:00", "--priority", "high", "--db", db_url],
                      env={"SERVICESCAPE_TIMEZONE": "Asia/Kuala_Lumpur"})
    assert added.exit_code == 0, added.output
    listed = json.loads(runner.invoke(cli, ["tasks", "list", "--owner", owner.email, "--json", "--db", db_url]).output)
    assert [(t["title"], t["client"], t["priority"]) for t in listed["items"]] == [
        ("Quarterly review", "Tan Holdings Sdn Bhd", "high")]
    # the firm's clock: 10:00 in Kuala Lumpur is 02:00 UTC
    assert listed["items"][0]["due_at"].startswith("2030-01-02T02:00")
    closed = runner.invoke(cli, ["tasks", "close", str(listed["items"][0]["id"]), "--outcome", "Held.",
                                 "--db", db_url])
    assert closed.exit_code == 0 and "done" in closed.output
    unknown = runner.invoke(cli, ["tasks", "add", "x", "--client", "NOPE", "--db", db_url])
    assert unknown.exit_code == 1 and "error:" in unknown.output
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 1


def test_rules_open_tasks_in_bulk_once_and_only_for_writers(runtime: Runtime) -> None:
    from servicescape.errors import PermissionDenied

    row = {"kind": "follow_up", "title": "Call back", "rule": "test.rule", "dedupe_key": "test.rule:1"}
    with runtime.transaction() as session:
        viewer = session.get(Staff, make_staff(runtime, Role.viewer).id)
        with pytest.raises(PermissionDenied):
            service.insert_many(session, [row], by=viewer)
        assert service.insert_many(session, [row], by=SYSTEM) == 1
        assert service.insert_many(session, [row, {**row, "dedupe_key": "test.rule:2"}], by=SYSTEM) == 1
        assert session.scalar(select(func.count()).select_from(Task)) == 2
