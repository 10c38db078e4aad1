"""``servicescape tasks ...``: the task list from the terminal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, opened, out, print_json
from servicescape.clients.service import resolve_client_ref
from servicescape.tasks import service
from servicescape.tasks.models import Task, TaskPriority, TaskStatus
from servicescape.tasks.schemas import TaskOut

tasks_app = typer.Typer(help="Tasks: follow-ups, call-backs, recoveries, reviews.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")


def _row(task: Task) -> dict[str, Any]:
    return TaskOut.model_validate(task).model_dump(mode="json")


@tasks_app.command("list")
def list_tasks(
    owner: Annotated[str | None, typer.Option(help="Only this staff member's (e-mail).")] = None,
    client: Annotated[str | None, typer.Option(help="Only this client's (id or external id).")] = None,
    status: Annotated[TaskStatus | None, typer.Option(help="open (default), done or cancelled.")] = TaskStatus.open,
    due: Annotated[str | None, typer.Option(help="overdue, today, week or none.")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    per_page: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List tasks, open ones by when they are due."""
    with opened(db) as runtime, runtime.transaction() as session:
        filters = service.TaskFilters(
            owner_id=auth.get_by_email(session, owner).id if owner else None, status=status,
            client_id=resolve_client_ref(session, client) if client else None, due=due,
        )
        found = service.task_page(session, filters, day_end=service.end_of_today(runtime.settings.zone),
                                  page=page, per_page=per_page, by=SYSTEM)
        rows = [{**_row(t), "owner": t.owner.name if t.owner else None,
                 "client": t.client.name if t.client else None} for t in found.items]
    if json:
        print_json({"items": rows, "total": found.total, "page": found.page, "pages": found.pages})
        return
    table = Table("id", "title", "client", "owner", "due", "priority", "status",
                  caption=f"page {found.page} of {found.pages} — {found.total} tasks")
    for row in rows:
        table.add_row(str(row["id"]), row["title"], row["client"] or "", row["owner"] or "",
                      (row["due_at"] or "")[:16], row["priority"], row["status"])
    out.print(table)


@tasks_app.command("add")
def add(
    title: str,
    owner: Annotated[str | None, typer.Option(help="Who does it (e-mail).")] = None,
    client: Annotated[str | None, typer.Option(help="The client (id or external id).")] = None,
    due: Annotated[datetime | None, typer.Option(help="When, e.g. 2026-12-24T17:00 (the firm's clock).")] = None,
    priority: TaskPriority = TaskPriority.normal,
    kind: Annotated[str, typer.Option(help="follow_up, call_back, meeting, other, ...")] = "follow_up",
    notes: str | None = None,
    db: DbOption = None,
) -> None:
    """Add a task."""
    with opened(db) as runtime, runtime.transaction() as session:
        zone = runtime.settings.zone
        data = {
            "title": title, "kind": kind, "priority": priority, "notes": notes,
            "owner_id": auth.get_by_email(session, owner).id if owner else None,
            "client_id": resolve_client_ref(session, client) if client else None,
            "due_at": (due if due.tzinfo else due.replace(tzinfo=zone)) if due else None,
        }
        task = service.tasks.create(session, data, by=SYSTEM)
        out.print(f"Added task {task.id}: {task.title}")


@tasks_app.command("close")
def close(
    task_id: int,
    outcome: Annotated[str, typer.Option(help="What was done (or why it is cancelled).")],
    cancel: Annotated[bool, typer.Option("--cancel", help="Cancelled, not done.")] = False,
    db: DbOption = None,
) -> None:
    """Close a task with its outcome."""
    with opened(db) as runtime, runtime.transaction() as session:
        task = service.tasks.get(session, task_id, by=SYSTEM)
        service.close(session, task, outcome=outcome, cancelled=cancel, by=SYSTEM)
        out.print(f"Task {task.id} is {task.status.value}.")
