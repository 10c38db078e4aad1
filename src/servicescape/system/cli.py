"""``servicescape jobs ...``: the background jobs, their runs, and running one now."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.platform.jobs import runner
from servicescape.platform.jobs.models import RunStatus

jobs_app = typer.Typer(help="Background jobs: what runs when, and what happened.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def list_jobs(db: DbOption = None, json: JsonOption = False) -> None:
    """Every registered job: its schedule, when it runs next, its last run."""
    with opened(db) as runtime, runtime.transaction() as session:
        rows: list[dict[str, Any]] = [{
            "name": item.job.name, "description": item.job.description,
            "schedule": (f"every {item.job.every}" if item.job.every else f"daily at {item.job.daily_at}"),
            "next_run_at": item.state.next_run_at if item.state else None,
            "last_status": item.last_run.status.value if item.last_run else None,
            "last_started_at": item.last_run.started_at if item.last_run else None,
            "last_error": item.last_failure.error if item.last_failure else None,
        } for item in runner.overview(session, by=SYSTEM)]
    if json:
        print_json(rows)
        return
    table = Table("job", "schedule", "next run", "last run", "status")
    for row in rows:
        table.add_row(row["name"], row["schedule"], str(row["next_run_at"] or "now")[:19],
                      str(row["last_started_at"] or "never")[:19], row["last_status"] or "")
    out.print(table)


@jobs_app.command("run")
def run(name: str, db: DbOption = None, json: JsonOption = False) -> None:
    """Run a job now, in this process (waits for it; refuses when another process runs it)."""
    with opened(db) as runtime, user_errors():
        result = runner.run_job(runtime, name, trigger="cli")
    if json:
        print_json({"job": result.job, "run": result.run_id, "status": result.status.value,
                    "counts": result.counts, "error": result.error})
    else:
        counts = ", ".join(f"{key} {value}" for key, value in result.counts.items()) or "nothing to do"
        out.print(f"{result.job}: {result.status.value} ({counts})", markup=False)
    if result.status != RunStatus.succeeded:
        fail(f"{result.job} failed: {result.error}")


@jobs_app.command("history")
def history(
    name: Annotated[str | None, typer.Argument(help="Only this job's runs.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The latest runs, newest first."""
    with opened(db) as runtime, runtime.transaction() as session:
        runs: list[dict[str, Any]] = [
            {"id": r.id, "job": r.job, "trigger": r.trigger, "attempt": r.attempt, "status": r.status.value,
             "started_at": r.started_at, "finished_at": r.finished_at, "counts": r.counts, "error": r.error}
            for r in runner.history(session, name=name, limit=limit, by=SYSTEM)
        ]
    if json:
        print_json(runs)
        return
    table = Table("run", "job", "started", "status", "trigger", "counts / error")
    for row in runs:
        detail = row["error"] or ", ".join(f"{k} {v}" for k, v in (row["counts"] or {}).items())
        table.add_row(str(row["id"]), row["job"], str(row["started_at"])[:19], row["status"], row["trigger"],
                      detail or "")
    out.print(table)
