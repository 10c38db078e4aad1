"""``servicescape privacy export SUBJECT --out DIR``, ``privacy erase SUBJECT --yes`` and ``privacy retention``:
data-protection requests and retention limits from the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, interactive, opened, out, print_json
from servicescape.db.types import utcnow
from servicescape.privacy import erase as erase_service
from servicescape.privacy import retention, service

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


@privacy_app.command("retention", help="How long the firm keeps each kind of record that may be limited (survey free "
                                       "text, notes, what complaints said, e-mails sent, portal sign-ins): show the "
                                       "limits, set them (--set KEY=MONTHS, or KEY=off to keep), or erase what is "
                                       "past them now (--apply; the privacy.retention job does it every night).")
def retention_command(changes: Annotated[list[str] | None, typer.Option("--set", help="KEY=MONTHS or KEY=off")] = None,
                      apply: Annotated[bool, typer.Option("--apply", help="erase what is past the limits now")] = False,
                      db: DbOption = None, json: JsonOption = False) -> None:
    parsed: list[tuple[str, int | None]] = []
    for change in changes or []:
        key, _sep, typed = change.partition("=")
        if typed.strip().lower() == "off":
            parsed.append((key.strip(), None))
            continue
        try:
            parsed.append((key.strip(), int(typed)))
        except ValueError:
            fail(f"--set {change}: give KEY=MONTHS (e.g. survey_text=24) or KEY=off")
    with opened(db) as runtime, runtime.transaction() as session:
        for key, months in parsed:
            retention.set_months(session, key, months, by=SYSTEM)
        erased = retention.apply(session, now=utcnow(), by=SYSTEM) if apply else None
        found = [rule.as_dict() for rule in retention.rules(session, by=SYSTEM)]
    if json:
        print_json({"rules": found, "erased": erased})
        return
    table = Table("kind of record", "key", "kept", "tables")
    for rule in found:
        table.add_row(rule["label"], rule["key"], "always" if rule["months"] is None else f"{rule['months']} months",
                      ", ".join(rule["tables"]))
    out.print(table)
    if erased is not None:
        out.print("erased now: " + (", ".join(f"{key} {count}" for key, count in erased.items()) or "nothing"))
