"""``servicescape user ...``: accounts, roles and personal API tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from servicescape.auth import invitations
from servicescape.auth import service as auth
from servicescape.auth.models import Role
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import (
    DbOption,
    JsonOption,
    err,
    fail,
    interactive,
    opened,
    out,
    print_json,
)

users = typer.Typer(help="Staff accounts, roles and API tokens.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users, name="user")


@users.command("add")
def add(
    email: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[Role, typer.Option(help="owner, manager, staff or viewer.")] = Role.staff,
    password: Annotated[str | None, typer.Option(
        envvar="SERVICESCAPE_USER_PASSWORD",
        help="Sign-in password (prompted on a terminal; without one the account uses API tokens only).",
    )] = None,
    db: DbOption = None,
) -> None:
    """Add a staff member who can sign in."""
    if password is None and interactive():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with opened(db) as runtime, runtime.transaction() as session:
        staff = auth.create_staff(session, name=name, email=email, role=role, password=password, by=SYSTEM)
    out.print(f"Added {staff.email} ({staff.role.value}).")
    if password is None:
        err.print("warning: no password set; this account can use API tokens but cannot sign in.")


@users.command("invite")
def invite(
    email: str,
    name: Annotated[str | None, typer.Option(help="Full name (needed for a new account).")] = None,
    role: Annotated[Role, typer.Option(help="owner, manager, staff or viewer (a new account).")] = Role.staff,
    db: DbOption = None,
) -> None:
    """E-mail an invitation to choose a password (adds the account when it is new)."""
    with opened(db) as runtime, runtime.transaction() as session:
        existing = auth.find_by_email(session, auth.normalise_email(email))
        if existing is not None:
            sent = invitations.invite(session, runtime.settings, existing, by=SYSTEM)
        elif name is None:
            fail("--name is required to add a new staff member")
        else:
            sent = invitations.add_and_invite(session, runtime.settings, name=name, email=email, role=role, by=SYSTEM)
        address, expires_at = sent.staff.email, sent.expires_at
        configured = runtime.settings.mail_configured
    out.print(f"Invitation for {address} queued; the link works until {expires_at:%Y-%m-%d %H:%M} UTC.")
    if not configured:
        err.print("warning: SMTP is not configured (SERVICESCAPE_SMTP_HOST); the invitation waits in the outbox.")


@users.command("list")
def list_users(db: DbOption = None, json: JsonOption = False) -> None:
    """List staff members and their roles."""
    with opened(db) as runtime, runtime.transaction() as session:
        rows = [
            {"id": s.id, "name": s.name, "email": s.email, "role": s.role.value, "active": s.active,
             "can_sign_in": s.password_hash is not None}
            for s in auth.list_staff(session, by=SYSTEM)
        ]
    if json:
        print_json(rows)
        return
    table = Table("id", "name", "e-mail", "role", "active")
    for row in rows:
        table.add_row(str(row["id"]), str(row["name"]), str(row["email"]), str(row["role"]),
                      "yes" if row["active"] else "no")
    out.print(table)


@users.command("set-role")
def set_role(email: str, role: Role, db: DbOption = None) -> None:
    """Change a staff member's role."""
    with opened(db) as runtime, runtime.transaction() as session:
        staff = auth.set_role(session, auth.get_by_email(session, email), role, by=SYSTEM)
    out.print(f"{staff.email} is now {staff.role.value}.")


@users.command("deactivate")
def deactivate(email: str, db: DbOption = None) -> None:
    """Deactivate an account: its sessions end and its API tokens are revoked at once."""
    with opened(db) as runtime, runtime.transaction() as session:
        staff = auth.deactivate(session, auth.get_by_email(session, email), by=SYSTEM)
    out.print(f"{staff.email} is deactivated.")


@users.command("activate")
def activate(email: str, db: DbOption = None) -> None:
    """Reactivate an account."""
    with opened(db) as runtime, runtime.transaction() as session:
        staff = auth.reactivate(session, auth.get_by_email(session, email), by=SYSTEM)
    out.print(f"{staff.email} is active.")


@users.command("password")
def password(
    email: str,
    new_password: Annotated[str | None, typer.Option("--password", envvar="SERVICESCAPE_USER_PASSWORD",
                                                     help="The new password (prompted on a terminal).")] = None,
    db: DbOption = None,
) -> None:
    """Set a staff member's password (ends their open sessions)."""
    if new_password is None:
        if not interactive():
            fail("--password is required when stdin is not a terminal")
        new_password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with opened(db) as runtime, runtime.transaction() as session:
        auth.set_password(session, auth.get_by_email(session, email), new_password, by=SYSTEM)
    out.print("Password changed.")


@users.command("token")
def token(
    email: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    db: DbOption = None,
) -> None:
    """Print a new personal API token (shown once; stored only as a hash)."""
    with opened(db) as runtime, runtime.transaction() as session:
        issued = auth.issue_token(session, auth.get_by_email(session, email), name=name, by=SYSTEM)
    typer.echo(issued.token)


@users.command("revoke")
def revoke(
    email: str,
    prefix: Annotated[str | None, typer.Option(help="Only the token starting with this.")] = None,
    db: DbOption = None,
) -> None:
    """Revoke a staff member's API tokens (all of them, or one by its prefix)."""
    with opened(db) as runtime, runtime.transaction() as session:
        count = auth.revoke_tokens(session, auth.get_by_email(session, email), prefix=prefix, by=SYSTEM)
    out.print(f"Revoked {count} token(s).")
