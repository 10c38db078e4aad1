"""``servicescape scorecard show|history|measures|weights``, ``recommendations list|accept|dismiss`` and
``health list|show|refresh``: the scorecard from the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json
from servicescape.db.types import utcnow
from servicescape.i18n import _
from servicescape.platform.files import write_whole
from servicescape.scorecard import api, catalogue, expectations, health, recommendations, report, service

scorecard_app = typer.Typer(
    help="The scorecard: the seven elements of service marketing (quality, organisation, knowledge, planning, "
         "pricing, communication, relationships) and the four goals (trust, staff, processes, satisfaction), "
         "scored 0-100 from the firm's own records.", no_args_is_help=True)

ARROWS = {"up": "↑", "down": "↓", "flat": "→", None: ""}
PeriodOption = Annotated[str | None, typer.Option(
    "--period", help="2026, 2026-Q3, 2026-11 or 90d (default: the 90 days to now)")]


def register(app: typer.Typer) -> None:
    app.add_typer(scorecard_app, name="scorecard")
    app.add_typer(recommendations_app, name="recommendations")
    app.add_typer(health_app, name="health")
    app.add_typer(report_app, name="report")


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


@scorecard_app.command("show", help="The scorecard of a period: each element and goal with its score, coverage "
                                    "and trend, then every measure with its figure, sample and target. --json names "
                                    "them by their English keys.")
def show(period: PeriodOption = None,
         db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.scorecard(session, runtime.settings, period=period, now=utcnow(), by=SYSTEM)
    if json:
        print_json(found.as_dict())
        return
    out.print(f"Scorecard {found.period.first_day} – {found.period.last_day} (before: {found.previous.first_day} – "
              f"{found.previous.last_day}); overall {_score(found.overall.now.score)} "
              f"{ARROWS[found.overall.trend]}")
    for title, groups in (("element", found.elements), ("goal", found.goals)):
        table = Table(title, "score", "trend", "coverage", "measures")
        for group in groups:
            table.add_row(_(group.label), _score(group.now.score), ARROWS[group.trend], f"{group.now.coverage:.0%}",
                          f"{group.now.scored}/{group.now.total}")
        out.print(table)
    table = Table("measure", "figure", "n", "target", "score", "trend")
    for m in found.measures:
        figure = "not in use" if m.figure.status == "not_in_use" else (
            "no data" if m.figure.value is None else f"{m.figure.value:.1f}")
        target = f"{m.target[0]} {m.target[1]:g}" if m.target else ""
        table.add_row(_(m.measure.label), figure, str(m.figure.n), target, _score(m.score), ARROWS[m.trend])
    out.print(table)


@scorecard_app.command("gaps", help="The five gaps of the SERVQUAL model (knowledge, standards, delivery, "
                                    "communication, the client's) and the ten elements of marketing professional "
                                    "services as an evidence checklist, from the period's measures.")
def show_gaps(period: PeriodOption = None,
              db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        card = service.scorecard(session, runtime.settings, period=period, now=utcnow(), by=SYSTEM)
        found = api.gaps_out(session, card, SYSTEM)
    if json:
        print_json(found)
        return
    table = Table("gap", "score", "evidence")
    for gap in found["gaps"]:
        evidence = "; ".join(f"{e['label']} {_score(e['score'])}" for e in gap["evidence"])
        table.add_row(f"{gap['number']}. {gap['label']}\n[dim]{gap['question']}[/dim]", _score(gap["score"]), evidence)
    out.print(table)
    table = Table("element", "ticked", "evidence")
    for tick in found["checklist"]:
        mark = {True: "yes", False: "no", None: "no data"}[tick["ticked"]]
        table.add_row(f"{tick['number']}. {tick['label']}", mark, tick["evidence_label"])
    out.print(table)


@scorecard_app.command("history", help="The overall, element and goal scores of the last quarters (the running "
                                       "one last), computed from the records as they are now.")
def history(quarters: Annotated[int, typer.Option("--quarters", help="How many quarters (1-12).")] = 4,
            db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.history(session, runtime.settings, quarters=quarters, now=utcnow(), by=SYSTEM)
    if json:
        print_json(found)
        return
    table = Table("quarter", "overall", *catalogue.ELEMENTS, *catalogue.GOALS)
    for row in found:
        table.add_row(row["period"]["key"], _score(row["overall"]),
                      *(_score(row["elements"][key]) for key in catalogue.ELEMENTS),
                      *(_score(row["goals"][key]) for key in catalogue.GOALS))
    out.print(table)


@scorecard_app.command("measures", help="The measure catalogue: formula, source, thresholds (scores 0 / 100), "
                                        "elements, goals and weight.")
def measures(db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        found = api.measures_out(service.weights(session, by=SYSTEM))
    if json:
        print_json([m.model_dump() for m in found])
        return
    table = Table("measure", "source", "0 at", "100 at", "elements", "goals", "weight")
    for m in found:
        table.add_row(f"{m.label}\n[dim]{m.formula}[/dim]", m.source, f"{m.poor:g}", f"{m.good:g}",
                      ", ".join(m.elements), ", ".join(m.goals), f"{m.weight:g}")
    out.print(table)


@scorecard_app.command("weights", help="Show the weights, or change them: --set KEY=WEIGHT (0 to 10; 0 leaves the "
                                       "measure out), as often as needed. Audited.")
def weights(changes: Annotated[list[str] | None, typer.Option("--set", help="KEY=WEIGHT")] = None,
            db: DbOption = None, json: JsonOption = False) -> None:
    parsed: list[tuple[str, float]] = []
    for change in changes or []:
        key, _sep, typed = change.partition("=")
        try:
            parsed.append((key.strip(), float(typed)))
        except ValueError:
            fail(f"--set {change}: give KEY=WEIGHT, e.g. nps=2")
    with opened(db) as runtime, runtime.transaction() as session:
        found = service.weights(session, by=SYSTEM)
        for key, value in parsed:
            found = service.set_weight(session, key, value, by=SYSTEM)
    if json:
        print_json(found)
        return
    table = Table("measure", "weight")
    for key, weight in found.items():
        table.add_row(key, f"{weight:g}")
    out.print(table)


@scorecard_app.command("expectations", help="What the managers believe clients value: points of 100 per SERVQUAL "
                                            "dimension, compared with the clients' own in gap 1. Show them, or set "
                                            "all five: --set reliability=30 --set responsiveness=25 ... (owners; "
                                            "audited).")
def expectations_command(changes: Annotated[list[str] | None, typer.Option("--set", help="DIMENSION=POINTS")] = None,
                         db: DbOption = None, json: JsonOption = False) -> None:
    points: dict[str, float] = {}
    for change in changes or []:
        key, _sep, typed = change.partition("=")
        try:
            points[key.strip()] = float(typed)
        except ValueError:
            fail(f"--set {change}: give DIMENSION=POINTS, e.g. reliability=30")
    with opened(db) as runtime, runtime.transaction() as session:
        found = (expectations.set_estimate(session, points, by=SYSTEM) if points
                 else expectations.estimate(session, by=SYSTEM))
    if json:
        print_json({"managers": found})
        return
    if found is None:
        out.print("No estimate yet: set the five dimensions' points with --set DIMENSION=POINTS.")
        return
    table = Table("dimension", "points")
    for key, value in found.items():
        table.add_row(key, f"{value:g}")
    out.print(table)


recommendations_app = typer.Typer(help="What to fix first: the scorecard's weakest measures turned into owned "
                                       "actions (accept: a task for each owner; dismiss: with a reason).",
                                  no_args_is_help=True)
RuleArgument = Annotated[str, typer.Argument(help="The recommendation's rule, e.g. contact_key_accounts.")]


@recommendations_app.command("list", help="The recommendations of the last 90 days, weakest measure first: why "
                                           "(figure, sample, score, trend), what to do, who owns how many records.")
def recommendations_list(db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        found = [r.as_dict() for r in recommendations.recommendations(session, runtime.settings, by=SYSTEM)]
    if json:
        print_json(found)
        return
    if not found:
        out.print("No recommendation: no measure with a rule scores under 60.")
    for r in found:
        owners = ", ".join(f"{o['owner']} {o['records']}" for o in r["owners"])
        out.print(f"[bold]{r['rule']}[/bold] ({r['status']}): {r['title']} — {r['why']['figure']:.1f} over "
                  f"{r['why']['n']}, score {r['why']['score']:.0f}. {r['action']} Owners: {owners}. {r['link']}")


@recommendations_app.command("accept", help="Accept a recommendation: a task for each record's owner, due in a week.")
def recommendations_accept(rule: RuleArgument, db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        opened_tasks = recommendations.accept(session, runtime.settings, rule, by=SYSTEM)
    if json:
        print_json({"tasks_opened": opened_tasks})
        return
    out.print(f"Accepted: {opened_tasks} task(s) opened.")


@recommendations_app.command("dismiss", help="Dismiss a recommendation for this quarter; --reason is required.")
def recommendations_dismiss(rule: RuleArgument,
                            reason: Annotated[str, typer.Option("--reason", help="Why it is set aside.")] = "",
                            db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        recommendations.dismiss(session, runtime.settings, rule, reason, by=SYSTEM)
    if json:
        print_json({"rule": rule, "status": "dismissed", "reason": reason.strip()})
        return
    out.print("Dismissed for this quarter.")


health_app = typer.Typer(help="Client health: each active client scored 0-100 from their own records (promises, "
                              "complaints, survey answers, sentiment, contact, purchase rhythm, spend trend), with "
                              "its trend against 90 days before and a risk level.", no_args_is_help=True)


@health_app.command("list", help="Clients by kept health: key accounts first, then the highest risk and the worst "
                                 "score (--sort change: the steepest fall). Run 'health refresh' first on a new firm.")
def health_list(risk: Annotated[str | None, typer.Option("--risk", help="high, medium, low or unknown")] = None,
                sort: Annotated[str, typer.Option("--sort", help="health or change")] = "health",
                page: Annotated[int, typer.Option("--page", min=1)] = 1,
                per_page: Annotated[int, typer.Option("--per-page", min=1, max=500)] = 50,
                db: DbOption = None, json: JsonOption = False) -> None:
    from servicescape.scorecard.health_api import page_out

    with opened(db) as runtime, runtime.transaction() as session:
        found = health.listing(session, risk=risk, sort=sort, page=page, per_page=per_page, by=SYSTEM)
    if json:
        print_json(page_out(found))
        return
    if found.computed_at is None:
        out.print("Health was never computed: run 'servicescape health refresh'.")
        return
    title = f"{found.total} clients (page {found.page} of {found.pages}), computed {found.computed_at:%Y-%m-%d %H:%M}"
    table = Table("client", "id", "tier", "owner", "health", "change", "risk", title=title)
    for line in found.items:
        table.add_row(line.name, str(line.client_id), line.tier.value, line.owner_name or "",
                      f"{_score(line.score)} {ARROWS[line.trend]}",
                      "" if line.change is None else f"{line.change:+.0f}", line.risk)
    out.print(table)


@health_app.command("show", help="One client's health now, computed from their records: score, trend, risk and "
                                 "every part's figure, weight and score.")
def health_show(client_id: Annotated[int, typer.Argument(help="The client's id.")],
                db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        found = health.of_client(session, runtime.settings, client_id, now=utcnow(), by=SYSTEM)
    if json:
        print_json(found.as_dict())
        return
    out.print(f"Health {_score(found.score)} {ARROWS[found.trend]} (90 days before: {_score(found.previous_score)}), "
              f"risk {found.risk}, {found.coverage:.0%} of the weight with data")
    table = Table("part", "figure", "weight", "score", "90 days before")
    for part in found.parts:
        figure = "no data" if part.value is None else part.value if isinstance(part.value, str) else f"{part.value:.1f}"
        table.add_row(_(part.part.label), figure, f"{part.part.weight:g}", _score(part.score),
                      _score(part.previous_score))
    out.print(table)


@health_app.command("refresh", help="Compute every active client's health again and run the playbooks (a task for "
                                    "the owner of each client at risk, once a quarter). The job does this every "
                                    "six hours.")
def health_refresh(no_playbooks: Annotated[bool, typer.Option("--no-playbooks", help="Only compute.")] = False,
                   db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        done = health.refresh(session, runtime.settings, now=utcnow(), by=SYSTEM, act=not no_playbooks)
    if json:
        print_json(done)
        return
    counts = ", ".join(f"{key} {value}" for key, value in done["risk"].items())
    out.print(f"{done['clients']} clients: {counts}; {done['tasks_opened']} task(s) opened.")


report_app = typer.Typer(help="Printable reports as PDF: the firm's report of a period and a client's account pack.",
                         no_args_is_help=True)
OutOption = Annotated[Path, typer.Option("--out", help="Where to write the PDF.", dir_okay=False, writable=True)]
LangOption = Annotated[str | None, typer.Option("--lang", help="en, ms, bg, zh-Hans, zh-Hant or hu (default: the "
                                                             "firm's language)")]


@report_app.command("firm", help="The owner's and manager's report of a period: scorecard with trends, the five "
                                 "gaps, the ten elements, promise reliability, quality gaps, what clients said, key "
                                 "accounts and health, capacity outlook, recommendations and a methods appendix.")
def report_firm(out_file: OutOption,
                period: PeriodOption = None,
                lang: LangOption = None, db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        html = report.firm_html(session, runtime.settings, period=period, language=lang, now=utcnow(), by=SYSTEM,
                                for_pdf=True)
    _written(out_file, report.pdf(html), json)


def _written(out_file: Path, pdf: bytes, json: bool) -> None:
    write_whole(out_file, pdf)
    if json:
        print_json({"file": str(out_file), "bytes": len(pdf)})
        return
    out.print(f"Wrote {out_file} ({len(pdf):,} bytes).")


@report_app.command("client", help="A client's account pack for a key-account review: health and its parts, what "
                                   "they value, invoices by month, promises, complaints, what they said, last "
                                   "contacts.")
def report_client(client_id: Annotated[int, typer.Argument(help="The client's id.")], out_file: OutOption,
                  lang: LangOption = None, db: DbOption = None, json: JsonOption = False) -> None:
    with opened(db) as runtime, runtime.transaction() as session:
        html = report.client_html(session, runtime.settings, client_id, language=lang, now=utcnow(), by=SYSTEM,
                                  for_pdf=True)
    _written(out_file, report.pdf(html), json)
