"""``servicescape capacity heatmap|outlook|performance|set|book|import|warn``: who is available when,
how full they are, the hours that perished unsold, and the demand of the weeks ahead."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.capacity import demand, importing, service
from servicescape.capacity.models import BookingStatus
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.db.types import utcnow
from servicescape.runtime import Runtime

capacity_app = typer.Typer(help="Staff capacity against demand: utilisation per staff and week, perished hours "
                                "and their cost, realisation, and the demand outlook.", no_args_is_help=True)

WeeksOption = Annotated[int, typer.Option("--weeks", min=1, max=service.MAX_WEEKS, help="How many weeks.")]
FirstOption = Annotated[str | None, typer.Option("--first", help="The first week (a day in it, YYYY-MM-DD; "
                                                                 "default: half the weeks before today).")]
BAND_STYLE = {"under": "yellow", "well": "green", "over": "bold red", "none": "dim"}


def register(app: typer.Typer) -> None:
    app.add_typer(capacity_app, name="capacity")


def _today(runtime: Runtime) -> date:
    return utcnow().astimezone(runtime.settings.zone).date()


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{name}: {text} is not a date (YYYY-MM-DD)")


@capacity_app.command("heatmap")
def heatmap(weeks: WeeksOption = 12, first: FirstOption = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Utilisation (billable ÷ available) per staff and week, with bands (< 80% under-used, 80–100% well used,
    > 100% over-booked), and the perished hours of past weeks with their cost at the standard rate."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        today = _today(runtime)
        start = _day(first, "--first") or today - timedelta(weeks=weeks // 2)
        found = service.heatmap_payload(service.heatmap(
            session, start, weeks, today=today, zone=runtime.settings.zone,
            reporting_currency=runtime.settings.reporting_currency, by=SYSTEM))
    if json:
        print_json(found)
        return
    table = Table("staff", *[week[5:] for week in found["weeks"]], "perished h", f"cost {found['currency']}")
    for row in found["staff"]:
        cells = []
        for cell in row["weeks"]:
            u = cell["utilisation"]
            cells.append(f"[{BAND_STYLE[cell['band']]}]{'—' if u is None else f'{u:.0%}'}[/]")
        table.add_row(row["name"], *cells, f"{row['perished_hours']:g}",
                      "—" if row["perished_cost"] is None else f"{row['perished_cost']:,.0f}")
    out.print(table)
    out.print(f"perished: {found['perished_hours']:g} hours, {found['perished_cost'] or 0:,.0f} {found['currency']}")


@capacity_app.command("outlook")
def outlook(weeks: WeeksOption = 12, db: DbOption = None, json: JsonOption = False) -> None:
    """The weeks ahead: confirmed work + weighted pipeline against the seasonal baseline and capacity; the
    baseline's backtest beside a naive last-year one; over-booked people; what to sell in valleys."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        settings, today = runtime.settings, _today(runtime)
        found = demand.demand_payload(demand.demand(session, today=today, weeks=weeks, zone=settings.zone,
                                                    reporting_currency=settings.reporting_currency, by=SYSTEM))
        found["suggestions"] = demand.valley_suggestions(session, today=today,
                                                         reporting_currency=settings.reporting_currency, by=SYSTEM)
    if json:
        print_json(found)
        return
    table = Table("week", "confirmed", "pipeline", "baseline", "expected", "capacity", "load", "")
    for week in found["weeks"]:
        flag = "peak" if week["peak"] else "valley" if week["valley"] else ""
        table.add_row(week["week"], *[_hours(week[name]) for name in
                                      ("confirmed", "pipeline", "baseline", "expected", "capacity")],
                      "—" if week["load"] is None else f"{week['load']:.0%}", flag)
    out.print(table)
    for name, label in (("seasonal", "seasonal baseline"), ("naive_last_year", "naive last year")):
        b = found["backtest"][name]
        wape = "—" if b["wape"] is None else f"{b['wape']:.1%}"
        out.print(f"backtest, {label}: WAPE {wape}, MAE {_hours(b['mae'])} h over {b['compared']} weeks")
    for item in found["overbooked"]:
        out.print(f"over-booked: {item['name']}, week of {item['week']}: "
                  f"{item['scheduled']} h of {item['available']} h")


def _hours(value: Any) -> str:
    return "—" if value is None else f"{value:,.0f}"


@capacity_app.command("performance")
def performance(first: Annotated[str | None, typer.Option(help="First day (default: 90 days ago).")] = None,
                last: Annotated[str | None, typer.Option(help="Last day (default: today).")] = None,
                db: DbOption = None, json: JsonOption = False) -> None:
    """Realisation (billed ÷ recorded billable hours) and effective rate (revenue ÷ hours worked)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        end = _day(last, "--last") or _today(runtime)
        found = service.performance_payload(service.performance(
            session, _day(first, "--first"), end,
            reporting_currency=runtime.settings.reporting_currency, by=SYSTEM))
    if json:
        print_json(found)
        return
    table = Table("staff", "worked h", "billable h", "billed h", "realisation", "effective rate")
    for row in [*found["staff"], {"name": "firm", **found["firm"]}]:
        table.add_row(row["name"], _hours(row["worked"]), _hours(row["recorded_billable"]), _hours(row["billed"]),
                      "—" if row["realisation"] is None else f"{row['realisation']:.0%}",
                      "—" if row["effective_rate"] is None else f"{row['effective_rate']:,.2f}")
    out.print(table)


@capacity_app.command("set")
def set_terms(staff_id: int, hours: Annotated[float, typer.Option("--hours", help="Contracted hours a week.")],
              days: Annotated[str, typer.Option(help="Working days, 0 = Monday: 0,1,2,3,4")] = "0,1,2,3,4",
              country: Annotated[str | None, typer.Option(help="Public holidays of: MY, BG, CN, TW, HK, HU, ...")]
              = None,
              rate: Annotated[str | None, typer.Option(help="Standard rate per hour.")] = None,
              currency: Annotated[str | None, typer.Option(help="The rate's currency.")] = None,
              db: DbOption = None) -> None:
    """A person's capacity: contracted hours, working days, holiday calendar and standard rate."""
    try:
        working = [int(d) for d in days.split(",")]
    except ValueError:
        fail(f"--days: {days} is not a list of days 0-6")
    data: dict[str, Any] = {"hours_per_week": hours, "working_days": working, "country": country,
                            "standard_rate": Decimal(rate) if rate else None,
                            "currency": currency.upper() if currency else None}
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        existing = service.capacity_of(session, staff_id, by=SYSTEM)
        if existing is None:
            service.staff_capacity.create(session, {"staff_id": staff_id, **data}, by=SYSTEM)
        else:
            service.staff_capacity.update(session, existing, data, by=SYSTEM)
    out.print(f"staff {staff_id}: {hours:g} h a week on days {working}")


@capacity_app.command("book")
def book(staff_id: int, day: str, hours: float,
         worked: Annotated[bool, typer.Option(help="Record work done (default: schedule work ahead).")] = False,
         billed: Annotated[float | None, typer.Option(help="Hours billed (work done only).")] = None,
         billable: Annotated[bool, typer.Option(help="Billable work.")] = True,
         engagement: Annotated[int | None, typer.Option(help="The engagement it is for.")] = None,
         db: DbOption = None) -> None:
    """Book hours of a person on a day (scheduled), or record hours worked (--worked)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = service.bookings.create(session, {
            "staff_id": staff_id, "day": _day(day, "day"), "hours": hours, "billable": billable,
            "status": "worked" if worked else "scheduled", "billed_hours": billed, "engagement_id": engagement},
            by=SYSTEM)
    out.print(f"booking {made.id}: staff {staff_id}, {made.day}, {made.hours:g} h ({BookingStatus(made.status).value})")


@capacity_app.command("import")
def import_bookings(file: Path, db: DbOption = None) -> None:
    """Bookings from a CSV/XLSX (columns staff — an e-mail or id —, day, hours; optional billable, status,
    billed_hours, engagement_id, note): all of them, or none at the first bad row."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        n = importing.import_bookings(session, file, by=SYSTEM)
    out.print(f"{n} bookings imported")


@capacity_app.command("warn")
def warn(weeks: WeeksOption = 6, db: DbOption = None) -> None:
    """Open a task for each person over-booked in a week where they hold promised windows (the daily job does)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = demand.warn_overbooked(session, today=_today(runtime), weeks=weeks, zone=runtime.settings.zone,
                                      reporting_currency=runtime.settings.reporting_currency, by=SYSTEM)
    out.print(f"{made} tasks opened")
