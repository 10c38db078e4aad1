"""``servicescape privacy export SUBJECT --out DIR``: a data-protection request from the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, opened, out, print_json
from servicescape.db.types import utcnow
from servicescape.privacy import service

privacy_app = typer.Typer(help="Data-protection requests: everything held about a client or a contact person.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")


@privacy_app.command("export", help="Export everything the firm holds about a client (its id) or a contact person "
                                    "(contact:ID), from every capability, to an empty folder: subject.json and one "
                                    "CSV per table. The request is kept in the audit trail.")
def export(subject: Annotated[str, typer.Argument(help="a client's id (42) or a contact person's (contact:7)")],
           to: Annotated[Path, typer.Option("--out", help="the folder to write (created; must hold no export)")],
           db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        manifest = service.export(session, subject, to, now=utcnow(), by=SYSTEM)
    if json:
        print_json(manifest | {"folder": str(to)})
        return
    table = Table("table", "rows")
    for name, count in manifest["counts"].items():
        table.add_row(name, str(count))
    out.print(table)
    out.print(f"{manifest['subject']['name']}: {sum(manifest['counts'].values())} rows written to {to}")
