"""``servicescape people show|empower|qualify|prestige|renewals``: who may resolve complaints and grant
goodwill without asking, the front line's share of recoveries, staff qualifications and their
renewals, and the firm's articles and talks, from the terminal."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.plan import people
from servicescape.plan.knowledge_cli import day_option, staff_id, today
from servicescape.plan.models import PrestigeKind, QualificationKind

people_app = typer.Typer(help="Who may resolve complaints without asking, qualifications, articles and talks.",
                         no_args_is_help=True)


@people_app.command("show")
def show_people(since: Annotated[str | None, typer.Option(help="Recoveries from (default: 90 days ago).")] = None,
                until: Annotated[str | None, typer.Option(help="Recoveries until (default: today).")] = None,
                db: DbOption = None, json: JsonOption = False) -> None:
    """Who may resolve complaints without asking, the front line's share of recoveries, qualifications
    and their renewals, and the articles and talks per year."""
    with opened(db) as runtime, runtime.transaction() as session:
        zone = runtime.settings.zone
        last = day_option(until, "--until") or today(runtime)
        first = day_option(since, "--since") or last - timedelta(days=90)
        recoveries = people.frontline_recoveries(session, datetime.combine(first, time(), zone),
                                                 datetime.combine(last + timedelta(days=1), time(), zone), by=SYSTEM)
        result: dict[str, Any] = {
            "empowerment": [row.as_dict() for row in people.empowerment_list(session, by=SYSTEM)],
            "frontline_recoveries": {**recoveries.as_dict(), "since": first, "until": last},
            "qualifications": [{"id": q.id, "staff_id": q.staff_id, "holder": holder, "kind": q.kind, "name": q.name,
                                "issuer": q.issuer, "obtained_on": q.obtained_on, "renews_on": q.renews_on}
                               for q, holder in people.qualification_list(session, by=SYSTEM)],
            "prestige": [t.as_dict() for t in people.prestige_totals(session, by=SYSTEM)]}
    if json:
        print_json(result)
        return
    table = Table("person", "role", "resolves complaints", "goodwill up to")
    for row in result["empowerment"]:
        limit = f"{row['goodwill_limit']} {row['currency']}" if row["goodwill_limit"] is not None else ""
        table.add_row(row["name"], row["role"], "yes" if row["resolve_complaints"] else "no", limit)
    out.print(table)
    r = result["frontline_recoveries"]
    out.print(f"recoveries {first} to {last}: {r['by_frontline']} of {r['resolved']} by the front line"
              + ("" if r["share"] is None else f" ({r['share']:.0%})"))
    for q in result["qualifications"]:
        out.print(f"{q['holder']}: {q['name']} renews {q['renews_on'] or '—'}", markup=False)
    for t in result["prestige"]:
        out.print(f"{t['year']} {t['kind'].value}: {t['items']} items, {t['enquiries']} enquiries")


@people_app.command("empower")
def empower(staff: Annotated[str, typer.Argument(help="An id or e-mail.")],
            complaints: Annotated[bool, typer.Option("--complaints/--no-complaints",
                                                     help="May resolve complaints without asking.")] = True,
            goodwill: Annotated[str | None, typer.Option(help="Goodwill they may grant, up to this amount.")] = None,
            currency: Annotated[str | None, typer.Option(help="The amount's currency.")] = None,
            db: DbOption = None) -> None:
    """What a member of staff may do without asking."""
    try:
        limit = Decimal(goodwill) if goodwill is not None else None
    except InvalidOperation:
        fail(f"--goodwill: {goodwill} is not an amount")
    with opened(db) as runtime, runtime.transaction() as session:
        row = people.set_empowerment(session, staff_id(session, staff), {
            "resolve_complaints": complaints, "goodwill_limit": limit, "currency": currency}, by=SYSTEM)
        out.print(f"{row.staff.name}: resolves complaints {'yes' if complaints else 'no'}"
                  + (f", goodwill up to {limit} {row.empowerment.currency}" if limit is not None and row.empowerment
                     else ""), markup=False)


@people_app.command("qualify")
def qualify(staff: Annotated[str, typer.Argument(help="An id or e-mail.")], name: str,
            kind: Annotated[str, typer.Option(help="certification or knowledge.")] = "certification",
            issuer: Annotated[str | None, typer.Option(help="Who issued it.")] = None,
            obtained: Annotated[str | None, typer.Option(help="Obtained on (YYYY-MM-DD).")] = None,
            renews: Annotated[str | None, typer.Option(help="Renews on (YYYY-MM-DD).")] = None,
            db: DbOption = None) -> None:
    """A staff member's certification or area of knowledge, with its renewal date."""
    with opened(db) as runtime, runtime.transaction() as session:
        made = people.qualifications.create(session, {
            "staff_id": staff_id(session, staff), "kind": _kind(kind), "name": name, "issuer": issuer,
            "obtained_on": day_option(obtained, "--obtained"), "renews_on": day_option(renews, "--renews")}, by=SYSTEM)
        out.print(f"qualification {made.id}: {made.name}", markup=False)


def _kind(text: str) -> Any:
    try:
        return QualificationKind(text)
    except ValueError:
        fail(f"--kind: {text} is not one of certification, knowledge")


@people_app.command("prestige")
def add_prestige(kind: PrestigeKind, title: str,
                 on: Annotated[str, typer.Option("--on", help="When (YYYY-MM-DD).")],
                 audience: Annotated[str | None, typer.Option(help="Who it reached.")] = None,
                 venue: Annotated[str | None, typer.Option(help="The journal, the event.")] = None,
                 author: Annotated[str | None, typer.Option("--by", help="Who: an id or e-mail.")] = None,
                 enquiries: Annotated[int, typer.Option(help="Enquiries it brought.")] = 0,
                 db: DbOption = None) -> None:
    """An article the firm wrote, a talk it gave or a forum it took part in."""
    with opened(db) as runtime, runtime.transaction() as session:
        made = people.prestige.create(session, {
            "kind": kind, "title": title, "happened_on": day_option(on, "--on"), "audience": audience, "venue": venue,
            "staff_id": staff_id(session, author) if author else None, "enquiries": enquiries}, by=SYSTEM)
        out.print(f"{made.kind.value} {made.id}: {made.title}", markup=False)


@people_app.command("renewals")
def renewals(db: DbOption = None) -> None:
    """Open a task for each qualification that renews within 60 days (the daily job does)."""
    with opened(db) as runtime, runtime.transaction() as session:
        made = people.open_renewal_tasks(session, today=today(runtime), zone=runtime.settings.zone, by=SYSTEM)
    out.print(f"{made} tasks opened")
