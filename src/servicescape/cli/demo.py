"""``servicescape demo``: fill a database with the demo firm (see servicescape.demo)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.cli.common import DbOption, fail, opened, out
from servicescape.demo import firm
from servicescape.demo.generator import DemoSpec
from servicescape.demo.load import client_count, load_demo
from servicescape.runtime import Runtime


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    clients: Annotated[int, typer.Option(
        min=1, max=10_000_000, help="How many clients (contacts, engagements, invoices and "
                                    "interactions follow in proportion).")] = firm.DEMO_CLIENTS,
    seed: Annotated[int, typer.Option(help="The same seed and --today give the same firm.")]
    = firm.DEMO_SEED,
    today: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="The day the three years of history lead up to "
                                   "(default: today, UTC).")] = None,
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="Do nothing when the database already has clients.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Load it although SERVICESCAPE_MODE is production (a firm's real database).")] = False,
    db: DbOption = None,
) -> None:
    """Create the schema and fill it with a believable firm: staff, packages, clients, history."""
    day = today.date() if today else datetime.now(UTC).date()
    spec = DemoSpec(clients=clients, seed=seed, today=day)
    with opened(db) as runtime:
        if runtime.settings.mode == "production" and not force:
            fail("the demo firm is for trying Servicescape out, and SERVICESCAPE_MODE is production (a firm's "
                 "real data). Run it with SERVICESCAPE_MODE=demo (./scripts/demo does) or add --force.")
        where = runtime.engine.url.render_as_string(hide_password=True)
        with runtime.transaction() as session:
            existing = client_count(session)
        if existing and if_empty:
            out.print(f"The demo is already there: {existing:,} clients in {where}; nothing changed.")
            _sign_in(runtime)
            return
        if existing:
            fail(f"{where} already has {existing:,} clients; the demo needs an empty client book. "
                 "Use --if-empty to leave it as it is, or --db for another database.")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn())
        with Progress(*columns, console=out) as progress:
            task = progress.add_task("Clients", total=clients)
            result = load_demo(runtime, spec,
                               on_progress=lambda done: progress.update(task, completed=done))
        out.print(f"[bold]{firm.DEMO_FIRM_NAME}[/]: seed {seed}, three years of history up to {day}.")
        table = Table("table", "rows")
        for name, count in result.counts.items():
            table.add_row(name, f"{count:,}")
        out.print(table)
        out.print(f"{result.rows:,} rows in {result.seconds:.1f} s into {where}.")
        for email in result.reused_staff:
            out.print(f"[yellow]{email} already existed; its password was left as it was.[/]")
        if not result.demo_passwords:
            out.print("[yellow]This database already had staff: the demo's staff were added without the "
                      "published demo password (set one with `servicescape user password EMAIL`).[/]")
            return
        _sign_in(runtime)


def _sign_in(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        owner = auth.find_by_email(session, firm.DEMO_OWNER_EMAIL)
    out.print(f"\nSign in at {firm.DEMO_URL} (start it with `servicescape serve`):")
    out.print(f"  e-mail:   {firm.DEMO_OWNER_EMAIL}")
    out.print(f"  password: {firm.DEMO_OWNER_PASSWORD}")
    if owner is None:
        out.print("[yellow]This database has no demo owner account; it was not made by "
                  "`servicescape demo`.[/]")
        return
    out.print("Every demo staff account signs in with this same password (demo data only):")
    table = Table("name", "e-mail", "role")
    for member in firm.ROSTER:
        if member.active:
            table.add_row(member.name, member.email, member.role.value)
    out.print(table)
