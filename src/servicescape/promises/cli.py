"""``servicescape promises|complaints|recovery ...``: the promise ledger from the terminal.

Times without a timezone are read on the firm's clock (the settings' timezone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.clients.models import Channel
from servicescape.clients.service import resolve_client_ref
from servicescape.db.types import utcnow
from servicescape.promises import complaints as complaint_service
from servicescape.promises import recovery, reliability, service
from servicescape.promises.models import PromiseKind, PromiseStatus, Severity
from servicescape.promises.schemas import ComplaintOut, PromiseOut
from servicescape.promises.sweep import sweep as run_sweep
from servicescape.runtime import Runtime
from servicescape.tasks.models import TaskStatus
from servicescape.tasks.schemas import TaskOut
from servicescape.tasks.service import end_of_today

promises_app = typer.Typer(help="The promise ledger: promises to clients, kept, late or missed.", no_args_is_help=True)
complaints_app = typer.Typer(help="Complaints against the targets of the client's tier.", no_args_is_help=True)
recovery_app = typer.Typer(help="Recovery tasks for broken promises and complaints past their targets.",
                           no_args_is_help=True)

Moment = Annotated[str, typer.Argument(help="e.g. 2026-12-24T14:00 (the firm's clock) or 2026-12-24T14:00+08:00")]
When = Annotated[str | None, typer.Option("--at", help="When (default: now), e.g. 2026-12-24T16:30.")]
Staff = Annotated[str | None, typer.Option(help="A staff member's e-mail.")]


def register(app: typer.Typer) -> None:
    app.add_typer(promises_app, name="promises")
    app.add_typer(complaints_app, name="complaints")
    app.add_typer(recovery_app, name="recovery")


def _aware(runtime: Runtime, text: str | None, option: str = "time") -> datetime | None:
    """A time as typed: ISO 8601, on the firm's clock unless it carries its offset."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option}: not a date and time such as 2026-12-24T14:00: {text!r}", code=2)
    return moment if moment.tzinfo else moment.replace(tzinfo=runtime.settings.zone)


def _staff_id(session: Any, email: str | None) -> int | None:
    return auth.get_by_email(session, email).id if email else None


def _promise_row(promise: Any) -> dict[str, Any]:
    return PromiseOut.model_validate(promise).model_dump(mode="json")


# --- promises -------------------------------------------------------------------------------------

@promises_app.command("add")
def add(
    client: Annotated[str, typer.Argument(help="The client (id or external id).")],
    start: Moment, end: Moment,
    kind: PromiseKind = PromiseKind.appointment,
    title: Annotated[str | None, typer.Option(help="What was promised.")] = None,
    owner: Staff = None,
    place: str | None = None,
    external_id: str | None = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Record a promise: the client, its window, who must deliver."""
    with opened(db) as runtime, runtime.transaction() as session:
        promise = service.promises.create(session, {
            "client_id": resolve_client_ref(session, client), "kind": kind, "title": title, "place": place,
            "owner_id": _staff_id(session, owner), "window_start": _aware(runtime, start, "start"),
            "window_end": _aware(runtime, end, "end"), "external_id": external_id}, by=SYSTEM)
        row = _promise_row(promise)
    if json:
        print_json(row)
    else:
        out.print(f"Recorded promise {row['id']} ({row['status']}).")


@promises_app.command("list")
def list_promises(
    view: Annotated[str, typer.Option(help="upcoming (default), at_risk, broken or all.")] = "upcoming",
    status: PromiseStatus | None = None,
    owner: Staff = None,
    client: Annotated[str | None, typer.Option(help="The client (id or external id).")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    per_page: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """List promises: upcoming ones soonest first, or those at risk, broken, or all."""
    with opened(db) as runtime, runtime.transaction() as session:
        filters = service.PromiseFilters(view=view, status=status, owner_id=_staff_id(session, owner),
                                         client_id=resolve_client_ref(session, client) if client else None)
        found = service.ledger(session, filters, page=page, per_page=per_page, by=SYSTEM)
        rows = [{**_promise_row(p), "client": p.client.name, "owner": p.owner.email if p.owner else None}
                for p in found.items]
        zone = runtime.settings.zone
    if json:
        print_json({"items": rows, "total": found.total, "page": found.page, "pages": found.pages})
        return
    table = Table("id", "client", "kind", "window", "owner", "status",
                  caption=f"page {found.page} of {found.pages} — {found.total} promises")
    for row, promise in zip(rows, found.items, strict=True):
        window = f"{promise.window_start.astimezone(zone):%Y-%m-%d %H:%M}–{promise.window_end.astimezone(zone):%H:%M}"
        status_text = row["status"] + (f" +{row['lateness_minutes']}m" if row["status"] == "late" else "")
        table.add_row(str(row["id"]), row["client"], row["kind"], window, row["owner"] or "",
                      status_text + (" (at risk)" if row["at_risk"] else ""))
    out.print(table)


@promises_app.command("keep")
def keep(
    promise_id: int,
    at: When = None,
    by: Annotated[str | None, typer.Option("--by", help="Who came or delivered (e-mail; default: the owner).")] = None,
    words: Annotated[str | None, typer.Option(help="The client's words on the outcome.")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Record a promise as kept (late when after the window's end)."""
    with opened(db) as runtime, runtime.transaction() as session:
        promise = service.promises.get(session, promise_id, by=SYSTEM)
        service.keep(session, promise, kept_at=_aware(runtime, at), delivered_by_id=_staff_id(session, by),
                     client_words=words, by=SYSTEM)
        row = _promise_row(promise)
    if json:
        print_json(row)
    else:
        late = f", {row['lateness_minutes']} minutes late" if row["status"] == "late" else ""
        out.print(f"Promise {promise_id} is {row['status']}{late}.")


@promises_app.command("miss")
def miss(promise_id: int, words: Annotated[str | None, typer.Option(help="The client's words.")] = None,
         db: DbOption = None) -> None:
    """Record a promise as missed (a recovery task opens)."""
    with opened(db) as runtime, runtime.transaction() as session:
        service.miss(session, service.promises.get(session, promise_id, by=SYSTEM), client_words=words, by=SYSTEM)
    out.print(f"Promise {promise_id} is missed; a recovery task is open.")


@promises_app.command("cancel")
def cancel(promise_id: int, reason: Annotated[str | None, typer.Option(help="Why it is called off.")] = None,
           db: DbOption = None) -> None:
    """Cancel an open promise by agreement (left out of the reliability figures)."""
    with opened(db) as runtime, runtime.transaction() as session:
        service.cancel(session, service.promises.get(session, promise_id, by=SYSTEM), reason=reason, by=SYSTEM)
    out.print(f"Promise {promise_id} is cancelled.")


@promises_app.command("repromise")
def repromise(promise_id: int, start: Moment, end: Moment, owner: Staff = None, db: DbOption = None,
              json: JsonOption = False) -> None:
    """Promise a new window for a broken (or breaking) promise; the old one stays as it was."""
    with opened(db) as runtime, runtime.transaction() as session:
        promise = service.promises.get(session, promise_id, by=SYSTEM)
        created = service.repromise(session, promise, {"window_start": _aware(runtime, start),
                                                       "window_end": _aware(runtime, end),
                                                       "owner_id": _staff_id(session, owner)}, by=SYSTEM)
        row = _promise_row(created)
    if json:
        print_json(row)
    else:
        out.print(f"Recorded promise {row['id']}, re-promising {promise_id}.")


@promises_app.command("sweep")
def sweep(db: DbOption = None, json: JsonOption = False) -> None:
    """Mark missed promises, find those at risk and complaints past target, open recovery tasks.

    Idempotent: running it again right after changes nothing. The web server runs it every 5 minutes."""
    with opened(db) as runtime, runtime.transaction() as session:
        report = run_sweep(session, runtime.settings, now=utcnow(), by=SYSTEM).as_dict()
    if json:
        print_json(report)
    else:
        out.print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in report.items()))


@promises_app.command("stats")
def stats(days: Annotated[int, typer.Option(min=1, max=1096, help="The period: the last this many days.")] = 365,
          db: DbOption = None, json: JsonOption = False) -> None:
    """Reliability: kept on time, late, missed and mean lateness, overall and per staff member."""
    now = utcnow()
    with opened(db) as runtime, runtime.transaction() as session:
        found = reliability.reliability(session, since=now - timedelta(days=days), until=now,
                                        zone=runtime.settings.zone, now=now, by=SYSTEM).as_dict()
    if json:
        print_json(found)
        return

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    table = Table("staff", "promises", "kept on time", "late", "missed", "mean lateness (min)",
                  caption=f"the last {days} days")
    for label, figures in [("everyone", found), *found["by_staff"].items()]:
        table.add_row(label or "(nobody)", str(figures["promises"]), share(figures["kept_on_time_share"]),
                      share(figures["late_share"]), share(figures["missed_share"]),
                      str(figures["mean_lateness_minutes"] or "—"))
    out.print(table)
    out.print(f"Broken promises the client was told about beforehand: {found['announced']} of {found['broken']}. "
              f"Clients with two or more broken promises in 90 days: {len(found['flagged_clients'])}.")


# --- complaints -----------------------------------------------------------------------------------

def _complaint_row(complaint: Any) -> dict[str, Any]:
    return ComplaintOut.model_validate(complaint).model_dump(mode="json")


@complaints_app.command("add")
def add_complaint(
    client: Annotated[str, typer.Argument(help="The client (id or external id).")],
    text: Annotated[str, typer.Argument(help="The client's words.")],
    severity: Severity = Severity.medium, channel: Channel = Channel.other, owner: Staff = None,
    received: Annotated[str | None, typer.Option(help="When it came in (default: now).")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Record a complaint; its targets come from the client's tier."""
    with opened(db) as runtime, runtime.transaction() as session:
        complaint = complaint_service.complaints.create(session, {
            "client_id": resolve_client_ref(session, client), "text": text, "severity": severity, "channel": channel,
            "owner_id": _staff_id(session, owner), "received_at": _aware(runtime, received)}, by=SYSTEM)
        row = _complaint_row(complaint)
    if json:
        print_json(row)
    else:
        out.print(f"Recorded complaint {row['id']}: first answer due {row['response_due_at']}, "
                  f"resolution due {row['resolution_due_at']}.")


@complaints_app.command("list")
def list_complaints(
    state: Annotated[str, typer.Option(help="unresolved (default), open, responded, resolved, breached, all.")] = (
        "unresolved"),
    page: Annotated[int, typer.Option(min=1)] = 1, per_page: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """List complaints, what is due first first."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = complaint_service.board(session, complaint_service.ComplaintFilters(state=state), page=page,
                                        per_page=per_page, by=SYSTEM)
        rows = [{**_complaint_row(c), "client": c.client.name} for c in found.items]
    if json:
        print_json({"items": rows, "total": found.total, "page": found.page, "pages": found.pages})
        return
    table = Table("id", "client", "received", "severity", "status", "breached",
                  caption=f"page {found.page} of {found.pages} — {found.total} complaints")
    for row in rows:
        breached = "yes" if row["response_breached_at"] or row["resolution_breached_at"] else ""
        table.add_row(str(row["id"]), row["client"], row["received_at"][:16], row["severity"], row["status"], breached)
    out.print(table)


@complaints_app.command("respond")
def respond(complaint_id: int, at: When = None,
            db: DbOption = None) -> None:
    """Record the first answer to the client."""
    with opened(db) as runtime, runtime.transaction() as session:
        complaint = complaint_service.complaints.get(session, complaint_id, by=SYSTEM)
        complaint_service.respond(session, complaint, at=_aware(runtime, at), by=SYSTEM)
        late = complaint.response_breached_at is not None
    out.print(f"Complaint {complaint_id} is answered{' (after its target)' if late else ''}.")


@complaints_app.command("resolve")
def resolve(complaint_id: int, outcome: Annotated[str, typer.Option(help="How it was resolved (required).")],
            at: When = None, db: DbOption = None) -> None:
    """Resolve a complaint with its outcome."""
    with opened(db) as runtime, runtime.transaction() as session:
        complaint = complaint_service.complaints.get(session, complaint_id, by=SYSTEM)
        complaint_service.resolve(session, complaint, outcome=outcome, at=_aware(runtime, at), by=SYSTEM)
    out.print(f"Complaint {complaint_id} is resolved.")


@complaints_app.command("stats")
def complaint_stats(days: Annotated[int, typer.Option(min=1, max=1096)] = 365, db: DbOption = None,
                    json: JsonOption = False) -> None:
    """Complaints of the last days: how many, resolved, past their targets, mean times."""
    now = utcnow()
    with opened(db) as runtime, runtime.transaction() as session:
        found = complaint_service.stats(session, since=now - timedelta(days=days), until=now, by=SYSTEM)
    data = {**found.__dict__, "breach_share": found.breach_share}
    if json:
        print_json(data)
    else:
        out.print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in data.items()))


# --- recovery -------------------------------------------------------------------------------------

@recovery_app.command("list")
def list_recovery(
    status: Annotated[TaskStatus | None, typer.Option(help="open (default), done or cancelled.")] = TaskStatus.open,
    owner: Staff = None, page: Annotated[int, typer.Option(min=1)] = 1,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """List recovery tasks, open ones by when they are due."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = recovery.recovery_page(session, status=status, owner_id=_staff_id(session, owner),
                                       day_end=end_of_today(runtime.settings.zone), page=page, by=SYSTEM)
        rows = [{**TaskOut.model_validate(t).model_dump(mode="json"), "client": t.client.name if t.client else None,
                 "owner": t.owner.email if t.owner else None} for t in found.items]
    if json:
        print_json({"items": rows, "total": found.total, "page": found.page, "pages": found.pages})
        return
    table = Table("id", "title", "owner", "due", "status", caption=f"{found.total} recovery tasks")
    for row in rows:
        table.add_row(str(row["id"]), row["title"], row["owner"] or "", (row["due_at"] or "")[:16], row["status"])
    out.print(table)


@recovery_app.command("close")
def close_recovery(task_id: int, outcome: Annotated[str, typer.Option(help="What was done for the client.")],
                   db: DbOption = None) -> None:
    """Close a recovery task with its outcome (required)."""
    with opened(db) as runtime, runtime.transaction() as session:
        recovery.close(session, task_id, outcome=outcome, by=SYSTEM)
    out.print(f"Recovery task {task_id} is closed.")
