"""``servicescape portal invite|users|close|requests|accept|decline|notify``: who may use the
client portal, and what clients asked there."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.clients.models import Engagement
from servicescape.portal import accounts, notices, service
from servicescape.portal.models import PortalRequest, PortalUser, RequestStatus
from servicescape.promises.models import Promise

portal_app = typer.Typer(help="The client portal: invite a client's contacts, see and answer what they asked.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(portal_app, name="portal")


def _user(user: PortalUser) -> dict[str, Any]:
    return {"id": user.id, "contact_id": user.contact_id, "client_id": user.client_id, "email": user.email,
            "active": user.active, "invited_at": user.invited_at, "last_sign_in_at": user.last_sign_in_at}


def _request(request: PortalRequest) -> dict[str, Any]:
    return {"id": request.id, "client_id": request.client_id, "kind": request.kind, "status": request.status,
            "promise_id": request.promise_id, "level_id": request.level_id, "addon_id": request.addon_id,
            "preferred_start": request.preferred_start, "preferred_end": request.preferred_end,
            "message": request.message, "answer": request.answer, "created_at": request.created_at}


def _moment(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{name}: not a date and time such as 2026-03-01T14:00+08:00: {text}")
    if moment.tzinfo is None:
        fail(f"{name}: give a timezone, e.g. 2026-03-01T14:00+08:00")
    return moment


@portal_app.command()
def invite(contact_id: int,
           print_link: Annotated[bool, typer.Option("--print-link", help="Print the one-time sign-in link "
                                                    "instead of e-mailing it (to hand it over another way).")] = False,
           db: DbOption = None) -> None:
    """Invite a contact to the client portal: a one-time sign-in link, valid for a week, is e-mailed
    (or printed)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        invited = accounts.invite(session, runtime.settings, contact_id, send=not print_link, by=SYSTEM)
        email = invited.user.email
    if print_link:
        print(invited.link)
    else:
        out.print(f"Invited {email}: the sign-in link is in the outbox.")


@portal_app.command()
def users(client_id: int, json: JsonOption = False, db: DbOption = None) -> None:
    """The client's contacts who may use the portal."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = [_user(u) for u in accounts.users_of(session, client_id, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "e-mail", "active", "invited", "last sign-in")
    for row in found:
        table.add_row(str(row["id"]), row["email"], "yes" if row["active"] else "closed",
                      f"{row['invited_at']:%Y-%m-%d}" if row["invited_at"] else "",
                      f"{row['last_sign_in_at']:%Y-%m-%d %H:%M}" if row["last_sign_in_at"] else "")
    out.print(table)


@portal_app.command()
def close(user_id: int, db: DbOption = None) -> None:
    """Close a portal account: its sessions and links end at once."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        user = accounts.close(session, accounts.get_user(session, user_id, by=SYSTEM), by=SYSTEM)
        out.print(f"Closed the portal account of {user.email}.")


@portal_app.command()
def requests(status: Annotated[str, typer.Option(help="open, accepted, declined or all.")] = "open",
             json: JsonOption = False, db: DbOption = None) -> None:
    """What clients asked in the portal, newest first."""
    if status not in (*RequestStatus, "all"):
        fail(f"--status: one of open, accepted, declined, all (not {status})")
    chosen = None if status == "all" else RequestStatus(status)
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = [_request(r) for r in service.requests(session, service.RequestFilters(status=chosen), by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "asked", "client", "what", "status", "message")
    for row in found:
        table.add_row(str(row["id"]), f"{row['created_at']:%Y-%m-%d %H:%M}", str(row["client_id"]), row["kind"],
                      row["status"], (row["message"] or "")[:60])
    out.print(table)


@portal_app.command()
def accept(request_id: int,
           start: Annotated[str | None, typer.Option(help="The new window's start (default: as asked).")] = None,
           end: Annotated[str | None, typer.Option(help="The new window's end.")] = None,
           answer: Annotated[str | None, typer.Option(help="Words the client sees.")] = None,
           db: DbOption = None) -> None:
    """Accept a request: a new window re-promises the appointment; an order of a level becomes a
    proposed engagement."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        request = service.get_request(session, request_id, by=SYSTEM)
        made = service.accept(session, request, start=_moment(start, "--start"), end=_moment(end, "--end"),
                              answer=answer, by=SYSTEM)
        if isinstance(made, Promise):
            out.print(f"Accepted: promise {made.id} re-promises promise {made.repromised_from_id}.")
        elif isinstance(made, Engagement):
            out.print(f"Accepted: engagement {made.id} is proposed.")
        else:
            out.print(f"Accepted request {request_id}.")


@portal_app.command()
def decline(request_id: int, answer: Annotated[str, typer.Option(help="Why, in words the client sees.")],
            db: DbOption = None) -> None:
    """Decline a request, saying why."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        service.decline(session, service.get_request(session, request_id, by=SYSTEM), answer=answer, by=SYSTEM)
    out.print(f"Declined request {request_id}.")


@portal_app.command()
def notify(db: DbOption = None) -> None:
    """E-mail contacts about their promises' changes now (the job does it every two minutes)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        count = notices.tell(session, runtime.settings)
    out.print(f"{count} e-mail(s) queued.")
