"""``servicescape backup PATH`` and ``servicescape restore PATH`` (see servicescape.platform.backup)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servicescape.cli.common import DbOption, JsonOption, err, fail, interactive, opened, out, print_json
from servicescape.platform.backup import (
    BackupReport,
    RestoreReport,
    backup_database,
    prepare_restore,
    restore_database,
)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    path: Annotated[Path, typer.Argument(
        help="The backup file to write, or a folder to write servicescape-<UTC time>.db|.dump in.")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Back up the database while the app may be running (a SQLite file or a pg_dump archive)."""
    with opened(db, upgrade=False) as runtime, _working("Backing up", quiet=json):
        report = backup_database(runtime.engine, path, force=force)
    if json:
        print_json(report.as_dict())
        return
    _print_tables(report)
    out.print(f"Backed up {report.database} to {report.path}: {_size(report.bytes)}, "
              f"{report.rows:,} rows, schema {report.revision}, in {report.seconds:.1f} s.")


def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `servicescape backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Restore a backup into an EMPTY database, then bring its schema up to date."""
    with opened(db, upgrade=False) as runtime:
        plan = prepare_restore(runtime.engine, path)
        if interactive() and not yes and not typer.confirm(
                f"Restore {plan.path} ({_size(plan.bytes)}, schema {plan.revision}) "
                f"into {plan.database}?", default=False, err=True):
            fail("restore cancelled; nothing was changed")
        with _working("Restoring", quiet=json):
            report = restore_database(runtime.engine, path)
    if json:
        print_json(report.as_dict())
        return
    _print_tables(report)
    out.print(f"Restored {report.path} into {report.database}: {report.rows:,} rows, "
              f"schema {_schema_change(report)}, in {report.seconds:.1f} s.")


@contextmanager
def _working(what: str, *, quiet: bool) -> Iterator[None]:
    """A spinner on a terminal (the work is one long step); nothing otherwise.

    SIGTERM (a service manager stopping a scheduled backup) exits through Python's clean-up, like
    Ctrl+C, so that the temporary file is removed.
    """
    show = not quiet and err.is_terminal
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with err.status(f"{what}…") if show else nullcontext():
            yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _print_tables(report: BackupReport) -> None:
    table = Table("table", "rows")
    for name, rows in report.tables.items():
        table.add_row(name, f"{rows:,}")
    out.print(table)


def _schema_change(report: RestoreReport) -> str:
    if report.backup_revision == report.revision:
        return str(report.revision)
    return f"{report.backup_revision} → {report.revision}"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    size = count / 1024
    for unit in ("KB", "MB", "GB"):
        if size < 1024:
            return f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TB"
