"""``servicescape plan show|new|target|review|measures``, ``competitors list|add|observe|mentions`` and
``accounts needs|needs-review``: the plan, what the firm knows of its key accounts and competitors,
from the terminal; ``people ...`` is people_cli's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from servicescape.auth import service as auth
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.clients import service as clients
from servicescape.db.types import utcnow
from servicescape.errors import NotFound
from servicescape.i18n import _
from servicescape.plan import competitors, knowledge, measures, mentions, people, planning
from servicescape.plan.models import (
    Competitor,
    EnvironmentArea,
    ObservationKind,
    Positioning,
)
from servicescape.runtime import Runtime
from servicescape.schemas import MAX_ID

plan_app = typer.Typer(help="The plan of the period: its targets and owners, and the environment review.",
                       no_args_is_help=True)
competitors_app = typer.Typer(help="Competitors: positioning, what clients report of them, where clients name them.",
                              no_args_is_help=True)
accounts_app = typer.Typer(help="Key accounts, continuity and new faces.", no_args_is_help=True)
GROUPS = (("plan", plan_app), ("competitors", competitors_app), ("accounts", accounts_app))

PlanOption = Annotated[int | None, typer.Option("--plan", help="The plan's id (default: today's plan).")]


def _merge(app: typer.Typer, name: str, group: typer.Typer) -> None:
    """Add ``group`` as ``servicescape NAME``; when another capability registered NAME first (the
    relationships' ``accounts``), add the group's commands to that one instead."""
    for info in app.registered_groups:
        existing = info.typer_instance
        if existing is not None and (info.name or existing.info.name) == name:
            existing.registered_commands.extend(group.registered_commands)
            return
    app.add_typer(group, name=name)


def register(app: typer.Typer) -> None:
    from servicescape.plan.people_cli import people_app

    for name, group in (*GROUPS, ("people", people_app)):
        _merge(app, name, group)


def today(runtime: Runtime) -> date:
    return utcnow().astimezone(runtime.settings.zone).date()


def day_option(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{name}: {text} is not a date (YYYY-MM-DD)")


def staff_id(session: Session, text: str) -> int:
    """A member of staff by id or e-mail."""
    if text.isascii() and text.isdigit():
        if len(text) > 10 or int(text) > MAX_ID:
            fail(f"no staff member {text}")
        return people.staff_member(session, int(text)).id
    return auth.get_by_email(session, text).id


def _plan_id(session: Session, runtime: Runtime, plan_id: int | None) -> int:
    if plan_id is not None:
        return planning.plans.get(session, plan_id, by=SYSTEM).id
    found = planning.current_plan(session, today(runtime), by=SYSTEM)
    if found is None:
        fail("no plan covers today: give --plan, or add one with `servicescape plan new`")
    return found.id


# --- plan ------------------------------------------------------------------------------------------

@plan_app.command("show")
def show_plan(plan: PlanOption = None, day: Annotated[str | None, typer.Option(help="A day the plan covers.")] = None,
              db: DbOption = None, json: JsonOption = False) -> None:
    """The plan (today's, or --plan, or the one of --day) with its targets, owners and environment review."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = planning.plan_view(session, plan, day=day_option(day, "--day") or today(runtime), by=SYSTEM)
        if found is None:
            fail("no plan covers that day")
        result: dict[str, Any] = {
            "plan": {"id": found.plan.id, "name": found.plan.name, "starts_on": found.plan.starts_on,
                     "ends_on": found.plan.ends_on},
            "targets": [view.as_dict() for view in found.targets],
            "environment": {area.value: [{"id": e.id, "noted_on": e.noted_on, "text": e.text,
                                          "author": found.authors.get(e.author_id or 0)} for e in entries]
                            for area, entries in found.environment.items()}}
    if json:
        print_json(result)
        return
    out.print(f"{result['plan']['name']}: {result['plan']['starts_on']} to {result['plan']['ends_on']}")
    table = Table("measure", "target", "owner", "note")
    for target in result["targets"]:
        table.add_row(target["label"], f"{target['comparison']} {target['value']:g}", target["owner"] or "",
                      target["note"] or "")
    out.print(table)
    for area, entries in result["environment"].items():
        for entry in entries:
            out.print(f"[{area}] {entry['noted_on']} {entry['author'] or ''}: {entry['text']}", markup=False)


@plan_app.command("new")
def new_plan(name: str, starts: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
             ends: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).")], db: DbOption = None) -> None:
    """A plan for a period."""
    with opened(db) as runtime, runtime.transaction() as session:
        made = planning.plans.create(session, {"name": name, "starts_on": day_option(starts, "--from"),
                                               "ends_on": day_option(ends, "--to")}, by=SYSTEM)
        out.print(f"plan {made.id}: {made.name}", markup=False)


@plan_app.command("measures")
def list_measures(json: JsonOption = False) -> None:
    """The measures a target can be set for."""
    found: list[dict[str, Any]] = [{"key": m.key, "label": _(m.label), "unit": m.unit, "comparison": m.comparison,
                                    "low": m.low, "high": m.high} for m in measures.MEASURES]
    if json:
        print_json(found)
        return
    table = Table("measure", "label", "unit", "usual", "range")
    for m in found:
        table.add_row(m["key"], m["label"], m["unit"], m["comparison"], f"{m['low']:g} to {m['high']:g}")
    out.print(table)


@plan_app.command("target")
def set_target(measure: str, value: float, plan: PlanOption = None,
               comparison: Annotated[str | None, typer.Option(help=">= or <= (default: the measure's usual).")]
               = None,
               owner: Annotated[str | None, typer.Option(help="Who answers for it: an id or e-mail.")] = None,
               note: Annotated[str | None, typer.Option(help="A note.")] = None, db: DbOption = None) -> None:
    """Set the plan's target for a measure (see `plan measures`): `plan target nps 40 --owner a@firm.example`;
    a value below zero after "--": `plan target servqual_gap -- -0.5`."""
    with opened(db) as runtime, runtime.transaction() as session:
        plan_id = _plan_id(session, runtime, plan)
        data: dict[str, Any] = {"measure": measure, "value": value, "comparison": comparison, "note": note}
        if owner is not None:
            data["owner_id"] = staff_id(session, owner)
        made = planning.set_target(session, plan_id, data, by=SYSTEM)
        out.print(f"target {made.id}: {made.measure} {made.comparison} {made.value:g}", markup=False)


@plan_app.command("review")
def add_review(area: EnvironmentArea, text: str, plan: PlanOption = None,
               on: Annotated[str | None, typer.Option("--on", help="When it was noted (default: today).")] = None,
               author: Annotated[str | None, typer.Option(help="Who noted it: an id or e-mail.")] = None,
               db: DbOption = None) -> None:
    """Add an entry to the environment review: internal, market, public, competitive or macro."""
    with opened(db) as runtime, runtime.transaction() as session:
        data: dict[str, Any] = {"plan_id": _plan_id(session, runtime, plan), "area": area, "text": text,
                                "noted_on": day_option(on, "--on") or today(runtime)}
        if author is not None:
            data["author_id"] = staff_id(session, author)
        made = planning.environment.create(session, data, by=SYSTEM)
        out.print(f"entry {made.id}: {made.area.value}, {made.noted_on}")


# --- competitors -------------------------------------------------------------------------------------

def _competitor(session: Session, text: str) -> Competitor:
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
        return competitors.competitors.get(session, int(text), by=SYSTEM)
    for found in competitors.all_competitors(session, by=SYSTEM):
        if found.name.casefold() == text.strip().casefold():
            return found
    raise NotFound(_("No competitor is called %(name)s.", name=text))


@competitors_app.command("list")
def list_competitors(db: DbOption = None, json: JsonOption = False) -> None:
    """The competitors with their positioning, segments and how often clients named them."""
    with opened(db) as runtime, runtime.transaction() as session:
        counts = competitors.mention_counts(session, by=SYSTEM)
        found: list[dict[str, Any]] = [
            {"id": c.id, "name": c.name, "positioning": c.positioning, "segments": c.segments or [],
             "website": c.website, "mentions": counts.get(c.id, 0)}
            for c in competitors.all_competitors(session, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "competitor", "positioning", "segments", "mentions")
    for c in found:
        table.add_row(str(c["id"]), c["name"], c["positioning"].value if c["positioning"] else "",
                      ", ".join(c["segments"]), str(c["mentions"]))
    out.print(table)


@competitors_app.command("add")
def add_competitor(name: str,
                   segment: Annotated[list[str] | None, typer.Option("--segment", help="A segment (repeat it).")]
                   = None,
                   positioning: Annotated[Positioning | None, typer.Option(help="Its price positioning.")] = None,
                   website: Annotated[str | None, typer.Option(help="Its website.")] = None,
                   notes: Annotated[str | None, typer.Option(help="Notes.")] = None, db: DbOption = None) -> None:
    """A competitor (the next mentions scan reads every text for its name)."""
    with opened(db) as runtime, runtime.transaction() as session:
        made = competitors.competitors.create(session, {"name": name, "segments": segment or [],
                                                        "positioning": positioning, "website": website,
                                                        "notes": notes}, by=SYSTEM)
        out.print(f"competitor {made.id}: {made.name}", markup=False)


@competitors_app.command("observe")
def observe(competitor: str, kind: ObservationKind, text: str,
            client: Annotated[str | None, typer.Option(help="The client who reported it: number or name.")] = None,
            on: Annotated[str | None, typer.Option("--on", help="When (default: today).")] = None,
            db: DbOption = None) -> None:
    """A strength or weakness of a competitor (by id or name) as a client reported it."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = _competitor(session, competitor)
        client_id = clients.find_client(session, client, by=SYSTEM).id if client else None
        made = competitors.observations.create(session, {
            "competitor_id": found.id, "kind": kind, "text": text, "client_id": client_id,
            "noted_on": day_option(on, "--on") or today(runtime)}, by=SYSTEM)
        out.print(f"observation {made.id}: {found.name}, {made.kind.value}", markup=False)


@competitors_app.command("mentions")
def list_mentions(competitor: Annotated[str | None, typer.Argument(help="Id or name (default: all).")] = None,
                  scan: Annotated[bool, typer.Option("--scan", help="Read every text again first.")] = False,
                  limit: Annotated[int, typer.Option(min=1, max=500, help="How many.")] = 50,
                  db: DbOption = None, json: JsonOption = False) -> None:
    """Where clients named competitors, newest first (`--scan`: read every comment and note first)."""
    with opened(db) as runtime, runtime.transaction() as session:
        if scan:
            scanned = mentions.scan(session, by=SYSTEM)
            if not json:
                out.print(f"read {scanned.texts} texts: {scanned.added} mentions added, {scanned.removed} removed")
        competitor_id = _competitor(session, competitor).id if competitor else None
        views, total = competitors.mentions_of(session, competitor_id, per_page=limit, by=SYSTEM)
        found = [v.as_dict() for v in views]
    if json:
        print_json({"total": total, "mentions": found})
        return
    table = Table("competitor", "source", "said", "excerpt")
    for m in found:
        table.add_row(str(m["competitor_id"]), f"{m['source']} {m['key']}",
                      m["said_at"].date().isoformat() if m["said_at"] else "", m["excerpt"])
    out.print(table)
    out.print(f"{total} mentions")


# --- accounts ---------------------------------------------------------------------------------------

@accounts_app.command("needs")
def account_needs(client: Annotated[str, typer.Argument(help="The client: its number, other id or name.")],
                  needs: Annotated[str | None, typer.Option(help="What they need.")] = None,
                  how: Annotated[str | None, typer.Option("--how", help="How they choose providers.")] = None,
                  last: Annotated[str | None, typer.Option(help="Last review (YYYY-MM-DD).")] = None,
                  next_review: Annotated[str | None, typer.Option("--next", help="Next review (YYYY-MM-DD).")]
                  = None,
                  criterion: Annotated[list[str] | None, typer.Option(
                      "--criterion", help="NAME=WEIGHT (repeat it; the weights add up to 100).")] = None,
                  servqual: Annotated[bool, typer.Option("--servqual", help="Criteria from their SERVQUAL "
                                                                            "importance split.")] = False,
                  db: DbOption = None, json: JsonOption = False) -> None:
    """What a client values: show it, or record it with the options given."""
    changes: dict[str, Any] = {}
    for key, value in (("needs", needs), ("how_they_choose", how)):
        if value is not None:
            changes[key] = value
    for key, text, name in (("last_review_on", last, "--last"), ("next_review_on", next_review, "--next")):
        if text is not None:
            changes[key] = day_option(text, name)
    if criterion:
        changes["criteria"] = [_criterion(text) for text in criterion]
    with opened(db) as runtime, runtime.transaction() as session:
        client_id = clients.find_client(session, client, by=SYSTEM).id
        if servqual:
            knowledge.prefill_from_servqual(session, client_id, by=SYSTEM)
        found = (knowledge.save_profile(session, client_id, changes, by=SYSTEM) if changes
                 else knowledge.profile_of(session, client_id, by=SYSTEM))
        result = found.as_dict()
    if json:
        print_json(result)
        return
    for label, key in (("needs", "needs"), ("how they choose", "how_they_choose"), ("last review", "last_review_on"),
                       ("next review", "next_review_on")):
        out.print(f"{label}: {result[key] or '—'}", markup=False)
    for c in result["criteria"]:
        out.print(f"  {c['name']}: {c['weight']}" + (" (SERVQUAL)" if c["source"] == "servqual" else ""),
                  markup=False)


def _criterion(text: str) -> dict[str, Any]:
    name, sep, weight = text.rpartition("=")
    if not sep or not name.strip() or not (weight.strip().isascii() and weight.strip().isdigit()):
        fail(f"--criterion: write NAME=WEIGHT, not {text}")
    return {"name": name.strip(), "weight": int(weight)}


@accounts_app.command("needs-review")
def needs_review(db: DbOption = None, json: JsonOption = False) -> None:
    """The key accounts with what is recorded of their needs, and their next review."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = knowledge.key_account_needs(session, now=utcnow(), today=today(runtime),
                                            reporting_currency=runtime.settings.reporting_currency, by=SYSTEM)
        result = found.as_dict()
    if json:
        print_json(result)
        return
    table = Table("client", "needs", "criteria", "next review", "")
    for a in result["accounts"]:
        state = "recorded" if a["needs_recorded"] else "never" if a["never_recorded"] else "in part"
        table.add_row(a["name"], state, str(a["criteria"]), str(a["next_review_on"] or ""),
                      "overdue" if a["review_overdue"] else "")
    out.print(table)
    share = result["share_with_needs"]
    out.print(f"needs recorded: {result['with_needs']} of {len(result['accounts'])}"
              + ("" if share is None else f" ({share:.0%})"))
