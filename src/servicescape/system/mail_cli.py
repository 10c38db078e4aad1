"""``servicescape mail ...``: send what is due, look at the outbox, queue a failed e-mail again."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Column, Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, opened, out, print_json
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import MailStatus

commands = typer.Typer(help="The e-mail outbox.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="mail")


@commands.command("send")
def send(
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="Send at most this many.")] = mail.DEFAULT_BATCH,
    db: DbOption = None,
) -> None:
    """Send the e-mails that are due now (run it from cron, or let the scheduler do it)."""
    with opened(db) as runtime:
        report = mail.send_pending(runtime, limit=limit)
    out.print(f"sent {report.sent}, will retry {report.retrying}, failed {report.dead}, "
              f"to check {report.check + report.stale}, not tried {report.left}")


@commands.command("list")
def list_messages(
    status: Annotated[MailStatus | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Newest first, at most this many.")] = 50,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List the outbox, newest first (never the bodies: they hold one-time links)."""
    with opened(db) as runtime, runtime.transaction() as session:
        page = mail.outbox_page(session, statuses=(status,) if status else (), per_page=limit, by=SYSTEM)
        rows = [
            {"id": m.id, "created_at": m.created_at, "to": m.recipient, "kind": m.kind, "subject": m.subject,
             "status": m.status.value, "attempts": m.attempts, "next_attempt_at": m.next_attempt_at,
             "sent_at": m.sent_at, "last_error": m.last_error, "message_id": m.message_id}
            for m in page.items
        ]
    if json:
        print_json(rows)
        return
    table = Table("id", "created (UTC)", Column("to", no_wrap=True), "kind", "status", "tries", "last error")
    for row in rows:
        table.add_row(str(row["id"]), f"{row['created_at']:%Y-%m-%d %H:%M}", str(row["to"]),
                      str(row["kind"]), str(row["status"]), str(row["attempts"]), str(row["last_error"] or ""))
    out.print(table)


@commands.command("retry")
def retry(message_id: Annotated[int, typer.Argument(metavar="ID", min=1)], db: DbOption = None) -> None:
    """Queue a failed (or "check") e-mail again, with a fresh set of tries."""
    with opened(db) as runtime, runtime.transaction() as session:
        message = mail.send_again(session, message_id, by=SYSTEM)
        recipient = message.recipient
    out.print(f"E-mail {message_id} to {recipient} is queued again.")
