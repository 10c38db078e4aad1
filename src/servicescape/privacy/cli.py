"""``servicescape privacy export SUBJECT --out DIR`` and ``privacy erase SUBJECT --yes``: data-protection
requests from the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, interactive, opened, out, print_json
from servicescape.db.types import utcnow
from servicescape.privacy import erase as erase_service
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


@privacy_app.command("erase", help="Erase a client (its id) or a contact person (contact:ID) everywhere: names, "
                                   "e-mails, phones and free text anonymised, their sign-in and the embeddings of "
                                   "what they said deleted; the records that figures count stay, without the "
                                   "person. Cannot be undone (a backup can). Audited with the reason.")
def erase(subject: Annotated[str, typer.Argument(help="a client's id (42) or a contact person's (contact:7)")],
          yes: Annotated[bool, typer.Option("--yes", help="erase without asking (required where no one can answer)")]
          = False,
          reason: Annotated[str, typer.Option("--reason", help="the request, e.g. 'e-mail of 2026-11-30'")] = "",
          db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime:
        with runtime.transaction() as session:
            found = service.subject(session, subject)
        if not yes:
            if not interactive():
                fail(f"Erasing {found.name} cannot be undone: give --yes to confirm.")
            typer.confirm(f"Erase {found.name} ({found.label}) everywhere? This cannot be undone", abort=True)
        with runtime.transaction() as session:
            done = erase_service.erase(session, subject, reason=reason, now=utcnow(), by=SYSTEM)
    if json:
        print_json(done)
        return
    table = Table("table", "rows erased")
    for name, count in done["tables"].items():
        table.add_row(name, str(count))
    out.print(table)
    out.print(f"{found.name} ({found.label}) erased: {sum(done['tables'].values())} rows; "
              f"{done['audit_events']} audit events keep what happened without the values")
