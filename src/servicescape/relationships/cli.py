"""``servicescape contacts overdue``, ``accounts key|continuity|new-faces``, ``agenda``, ``cadence
show|set``, ``rates list|set`` and ``calendar link``: relationships from the terminal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, opened, out, print_json
from servicescape.clients.models import Tier
from servicescape.db.types import utcnow
from servicescape.offerings import service as offerings
from servicescape.relationships import accounts, calendar, service
from servicescape.relationships.agenda import agenda
from servicescape.relationships.schemas import AgendaOut, KeyAccountsOut, NewFaceOut, OverduePageOut

contacts_app = typer.Typer(help="Contacts with clients: who is overdue for one.", no_args_is_help=True)
accounts_app = typer.Typer(help="Key accounts, continuity and new faces.", no_args_is_help=True)
cadence_app = typer.Typer(help="How often each tier should hear from the firm.", no_args_is_help=True)
rates_app = typer.Typer(help="Exchange rates into the reporting currency.", no_args_is_help=True)
calendar_app = typer.Typer(help="Private calendar links (iCalendar) of promises and reviews.", no_args_is_help=True)

GROUPS = (("contacts", contacts_app), ("accounts", accounts_app), ("cadence", cadence_app), ("rates", rates_app),
          ("calendar", calendar_app))


def _merge(app: typer.Typer, name: str, group: typer.Typer) -> None:
    """Add ``group`` as ``servicescape NAME``; when another capability registered NAME first, add
    the group's commands to that one instead (a second group of the same name would hide one)."""
    for info in app.registered_groups:
        existing = info.typer_instance
        if existing is not None and (info.name or existing.info.name) == name:
            existing.registered_commands.extend(group.registered_commands)
            return
    app.add_typer(group, name=name)


def register(app: typer.Typer) -> None:
    for name, group in GROUPS:
        _merge(app, name, group)
    app.command("agenda")(show_agenda)


def _day(value: datetime | None) -> str:
    return value.isoformat()[:16].replace("T", " ") if value else ""


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _whole(amount: float, currency: str) -> str:
    return f"{amount:,.0f} {currency}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


# --- contacts ------------------------------------------------------------------------------------

@contacts_app.command("overdue")
def overdue(
    owner: Annotated[str | None, typer.Option(help="Only this staff member's clients (e-mail).")] = None,
    tier: Annotated[Tier | None, typer.Option(help="Only this tier.")] = None,
    page: Annotated[int, typer.Option(min=1)] = 1,
    per_page: Annotated[int, typer.Option(min=1, max=500)] = 50,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Clients overdue for contact: key accounts first, then by revenue, then the longest overdue.

    Active clients not contacted (the interaction log) within their tier's cadence (`cadence show`)."""
    with opened(db) as runtime, runtime.transaction() as session:
        owner_id = auth.get_by_email(session, owner).id if owner else None
        found = service.overdue_contacts(session, now=utcnow(), reporting_currency=runtime.settings.reporting_currency,
                                         owner_id=owner_id, tier=tier, page=page, per_page=per_page, by=SYSTEM)
        data = OverduePageOut.of(found).model_dump(mode="json")
    if json:
        print_json(data)
        return
    table = Table(caption=f"page {found.page} of {found.pages} — {found.total} clients overdue for contact; revenue: "
                          "the last 12 months")
    table.add_column("client", overflow="fold")
    table.add_column("tier")
    table.add_column("owner", overflow="fold")
    table.add_column("last contact", no_wrap=True)
    table.add_column("overdue", justify="right", no_wrap=True)
    table.add_column("revenue", justify="right", no_wrap=True)
    for item in found.items:
        table.add_row(f"{item.name} ({item.client_id})", item.tier.value, item.owner_name or "",
                      _date(item.last_contact_at) or "never", f"{item.days_overdue} d",
                      _whole(item.revenue, found.currency))
    out.print(table)


# --- accounts ------------------------------------------------------------------------------------

@accounts_app.command("key")
def key(
    page: Annotated[int, typer.Option(min=1, help="This page of --per-page accounts (default: all of them).")] = 1,
    per_page: Annotated[int | None, typer.Option(min=1, max=500, help="Accounts per page.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Key accounts: the fewest clients that bring 80% of the last twelve months' revenue.

    Revenue is compared in the reporting currency (`rates list`); each account with its last contact,
    next review, open promises, complaints and recovery tasks."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = accounts.key_accounts(session, now=utcnow(), reporting_currency=runtime.settings.reporting_currency,
                                      page=page, per_page=per_page, by=SYSTEM)
        data = KeyAccountsOut.model_validate(found.as_dict()).model_dump(mode="json")
    if json:
        print_json(data)
        return
    table = Table(caption=f"{found.count} of {found.clients_with_revenue} clients bring "
                          f"{_share(found.revenue_share)} of {_money(found.total_revenue, found.currency)}. "
                          "contact: the last one; open: promises / complaints / recoveries")
    table.add_column("client", overflow="fold")
    for column in (found.currency, "share", "cum."):
        table.add_column(column, justify="right", no_wrap=True)
    for column in ("contact", "review", "open"):
        table.add_column(column, no_wrap=True)
    for a in found.accounts:
        table.add_row(f"{a.name} ({a.client_id})", f"{a.revenue:,.0f}", _share(a.revenue_share),
                      _share(a.cumulative_share), _date(a.last_contact_at),
                      _date(a.next_review_at) if a.next_review_at or not a.planned_review_on
                      else f"{a.planned_review_on:%Y-%m-%d} (planned)",
                      f"{a.open_promises}/{a.open_complaints}/{a.open_recoveries}")
    out.print(table)
    for currency, count in sorted(found.unconverted.items()):
        out.print(f"[yellow]{count} {'invoice' if count == 1 else 'invoices'} in {currency} left out: no exchange "
                  f"rate (servicescape rates set {currency} RATE).[/]")


@accounts_app.command("continuity")
def continuity(
    days: Annotated[int, typer.Option(min=1, max=3650, help="The period, in days up to today.")] = 365,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Continuity: work delivered by whoever sold it, and delivery people per client."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = accounts.continuity(session, now=utcnow(), days=days, by=SYSTEM)
    if json:
        print_json(found.as_dict())
        return
    table = Table("figure", "value", caption=f"since {found.since.date().isoformat()}")
    table.add_row("engagements sold and delivered", str(found.engagements))
    table.add_row("delivered by the person who sold them", f"{found.same_person} ({_share(found.same_person_share)})")
    table.add_row("clients delivered to", str(found.clients))
    table.add_row("delivery people per client (mean)", "" if found.mean_delivery_staff is None
                  else f"{found.mean_delivery_staff:.2f}")
    for people, clients in found.distribution.items():
        table.add_row(f"clients with {people} delivery {'person' if people == '1' else 'people'}", str(clients))
    out.print(table)


@accounts_app.command("new-faces")
def new_faces(
    days: Annotated[int, typer.Option(min=1, max=365, help="This many days back and ahead.")] = 30,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Key accounts meeting a delivery person they never worked with."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = accounts.new_faces(session, now=utcnow(), days=days, by=SYSTEM)
    rows = [NewFaceOut.model_validate(face, from_attributes=True).model_dump(mode="json") for face in found]
    if json:
        print_json({"days": days, "items": rows})
        return
    table = Table("client", "new person", "first promise", "promise", caption=f"{len(rows)} new faces")
    for face in found:
        table.add_row(face.client_name, face.staff_name, _day(face.first_at), str(face.promise_id))
    out.print(table)


# --- agenda --------------------------------------------------------------------------------------

def show_agenda(
    staff: Annotated[str | None, typer.Option(help="Whose day (e-mail); default: everyone with something on it.")]
    = None,
    date: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                  help="Which day (default: today, the firm's clock).")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """A staff member's day (or everyone's): promises, risks, recoveries, reviews, overdue contacts."""
    found: list[tuple[str, str, dict[str, Any], bool]] = []
    with opened(db) as runtime, runtime.transaction() as session:
        settings, now = runtime.settings, utcnow()
        day = date.date() if date else now.astimezone(settings.zone).date()
        people = [auth.get_by_email(session, staff)] if staff else \
            [p for p in auth.directory(session, by=SYSTEM) if p.active]
        for person in people:
            day_of = agenda(session, person.id, day=day, zone=settings.zone, now=now,
                            reporting_currency=settings.reporting_currency, by=SYSTEM)
            found.append((person.email, person.name, AgendaOut.of(day_of).model_dump(mode="json"), day_of.is_empty))
    if staff:
        email, name, data, _empty = found[0]
        if json:
            print_json({**data, "staff": email})
        else:
            _print_agenda(data, name, settings.zone)
        return
    busy = [(email, name, data) for email, name, data, empty in found if not empty]
    if json:
        print_json([{**data, "staff": email} for email, _name, data in busy])
        return
    for _email, name, data in busy:
        _print_agenda(data, name, settings.zone)
    if not busy:
        out.print("Nothing on anyone's agenda.")


def _print_agenda(data: dict[str, Any], name: str, zone: Any) -> None:
    def local(value: str | None) -> str:
        return _day(datetime.fromisoformat(value).astimezone(zone)) if value else ""

    out.print(f"[bold]{name}[/], {data['day']}")
    sections: list[tuple[str, list[dict[str, Any]], str]] = [
        ("Promises", data["promises"], "window_start"), ("At risk", data["at_risk"], "window_start"),
        ("Service recovery", data["recoveries"], "due_at"), ("Account reviews", data["reviews"], "due_at"),
    ]
    for title, items, when in sections:
        if not items:
            continue
        table = Table("when", "what", "client", title=title, title_justify="left")
        for item in items:
            table.add_row(local(item[when]), item["title"] or item.get("kind", ""), item["client_name"] or "")
        out.print(table)
    overdue = data["overdue"]
    if overdue["items"]:
        table = Table("client", "tier", "days overdue", title=f"Overdue for contact ({overdue['total']})",
                      title_justify="left")
        for item in overdue["items"]:
            table.add_row(item["name"], item["tier"], str(item["days_overdue"]))
        out.print(table)
    if not any(items for _title, items, _when in sections) and not overdue["items"]:
        out.print("Nothing on the agenda.")


# --- cadence -------------------------------------------------------------------------------------

def _print_cadence(every: dict[Tier, int], json: bool) -> None:
    if json:
        print_json([{"tier": tier.value, "every_days": days} for tier, days in every.items()])
        return
    table = Table("tier", "contact at least every (days)")
    for tier, days in every.items():
        table.add_row(tier.value, str(days))
    out.print(table)


@cadence_app.command("show")
def cadence_show(db: DbOption = None, json: JsonOption = False) -> None:
    """How often each tier should hear from the firm."""
    with opened(db) as runtime, runtime.transaction() as session:
        every = service.cadence_of(session, by=SYSTEM)
    _print_cadence(every, json)


@cadence_app.command("set")
def cadence_set(
    tier: Annotated[Tier, typer.Argument(help="key, growth or standard.")],
    days: Annotated[int, typer.Argument(help="Contact a client of the tier at least this often (1 to 3650).")],
    db: DbOption = None,
) -> None:
    """Set how often a tier should hear from the firm."""
    with opened(db) as runtime, runtime.transaction() as session:
        every = service.set_cadence(session, tier, days, by=SYSTEM)
    _print_cadence(every, False)


# --- rates ---------------------------------------------------------------------------------------

@rates_app.command("list")
def rates_list(db: DbOption = None, json: JsonOption = False) -> None:
    """The exchange rates into the reporting currency."""
    with opened(db) as runtime, runtime.transaction() as session:
        currency = runtime.settings.reporting_currency
        known = service.exchange_rates(session, currency, by=SYSTEM)
    if json:
        print_json({"reporting_currency": currency,
                    "rates": [{"currency": code, "rate": rate} for code, rate in sorted(known.items())]})
        return
    table = Table("currency", f"1 unit in {currency}")
    for code, rate in sorted(known.items()):
        table.add_row(code, f"{rate:g}")
    out.print(table)


@rates_app.command("set")
def rates_set(
    currency: Annotated[str, typer.Argument(help="An ISO 4217 code such as MYR.")],
    rate: Annotated[float, typer.Argument(help="What one unit is worth in the reporting currency.")],
    db: DbOption = None,
) -> None:
    """Set what one unit of a currency is worth in the reporting currency."""
    with opened(db) as runtime, runtime.transaction() as session:
        reporting = runtime.settings.reporting_currency
        found = offerings.set_rate(session, currency, rate, reporting_currency=reporting, by=SYSTEM)
        out.print(f"1 {found.currency} = {found.rate:g} {reporting}")


# --- calendar ------------------------------------------------------------------------------------

@calendar_app.command("link")
def calendar_link(
    staff: Annotated[str, typer.Option(help="Whose calendar (e-mail).")],
    db: DbOption = None,
) -> None:
    """Make a staff member's private calendar link and print it.

    Calendar applications subscribe to it without signing in. It is shown only this once, and the
    old link stops working."""
    with opened(db) as runtime, runtime.transaction() as session:
        token = calendar.new_link(session, auth.get_by_email(session, staff), by=SYSTEM)
        url = service.calendar_url(runtime.settings.public_url, token)
    out.print(url, soft_wrap=True)
