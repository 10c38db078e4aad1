"""``servicescape packages list|show|set-price``, ``value list|show`` and ``pricing van-westendorp|
gabor-granger|create|studies|import|invite|show``: the catalogue with its levels and dated prices, value cases, and
price research (an answer file analysed without storing it, or a study's stored answers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.db.types import utcnow
from servicescape.offerings import catalogue, research, research_links, value

packages_app = typer.Typer(help="The service catalogue: packages, their levels, what each includes, the "
                                "targets it promises and its dated list prices.", no_args_is_help=True)
value_app = typer.Typer(help="Value cases: a client's return at low, expected and high estimates.",
                        no_args_is_help=True)
pricing_app = typer.Typer(help="Price research: Van Westendorp (with Newton-Miller-Smith) and Gabor-Granger.",
                          no_args_is_help=True)

ConventionOption = Annotated[str, typer.Option(
    "--convention", help="PMC/PME convention: original (too cheap ∩ not cheap, too expensive ∩ not expensive; "
                         "pricesensitivitymeter's default) or narrower (too cheap ∩ expensive, too expensive ∩ "
                         "cheap).")]
MinimumOption = Annotated[int, typer.Option("--minimum", min=1, help="Valid answers a segment needs to be analysed.")]


def register(app: typer.Typer) -> None:
    app.add_typer(packages_app, name="packages")
    app.add_typer(value_app, name="value")
    app.add_typer(pricing_app, name="pricing")


# --- packages -------------------------------------------------------------------------------------

@packages_app.command("list")
def packages_list(db: DbOption = None, json: JsonOption = False) -> None:
    """Every package, active ones first."""
    with opened(db) as runtime, runtime.transaction() as session:
        found = [{"id": p.id, "name": p.name, "active": p.active, "off_peak": p.off_peak,
                  "description": p.description} for p in catalogue.catalogue_list(session, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "package", "active", "off-peak")
    for p in found:
        table.add_row(str(p["id"]), str(p["name"]), "yes" if p["active"] else "no", "yes" if p["off_peak"] else "")
    out.print(table)


@packages_app.command("show")
def packages_show(package_id: int, currency: Annotated[str | None, typer.Option(help="e.g. EUR")] = None,
                  day: Annotated[str | None, typer.Option(help="Prices on this day, YYYY-MM-DD (default: today).")]
                  = None, db: DbOption = None, json: JsonOption = False) -> None:
    """A package's levels side by side: what each includes, its targets, its price and price history."""
    with opened(db) as runtime, runtime.transaction() as session:
        on = _day(day) or utcnow().astimezone(runtime.settings.zone).date()
        with user_errors():
            found = catalogue.comparison(session, package_id, currency=currency, day=on, by=SYSTEM)
        payload = _comparison(found)
    if json:
        print_json(payload)
        return
    out.print(f"[bold]{payload['package']}[/] — {payload['currency']}, {payload['day']}")
    table = Table("", *[level["name"] for level in payload["levels"]])
    table.add_row("price", *[str(level["price"] or "—") for level in payload["levels"]])
    for name in ("first_response_hours", "resolution_days", "cadence_days"):
        table.add_row(name.replace("_", " "), *[str(level[name] or "tier") for level in payload["levels"]])
    table.add_row("includes", *["\n".join(level["inclusions"]) for level in payload["levels"]])
    out.print(table)
    for addon in payload["addons"]:
        out.print(f"+ {addon['name']}: {addon['price'] or '—'}")


def _comparison(found: catalogue.Comparison) -> dict[str, Any]:
    return {"package": found.package.name, "package_id": found.package.id, "currency": found.currency,
            "day": found.day.isoformat(), "currencies": found.currencies,
            "levels": [{"id": c.level.id, "name": c.level.name, "inclusions": c.level.inclusions,
                        "first_response_hours": c.level.first_response_hours,
                        "resolution_days": c.level.resolution_days, "cadence_days": c.level.cadence_days,
                        "price": None if c.price is None else str(c.price.amount),
                        "history": [{"amount": str(p.amount), "since": p.since.isoformat()} for p in c.history]}
                       for c in found.levels],
            "addons": [{"id": a.id, "name": a.name, "price": None if p is None else str(p.amount)}
                       for a, p in found.addons]}


@packages_app.command("set-price")
def packages_set_price(level_id: int, currency: str, amount: str,
                       since: Annotated[str, typer.Option("--from", help="First day of the price, YYYY-MM-DD.")],
                       note: Annotated[str | None, typer.Option(help="Why it changed.")] = None,
                       db: DbOption = None) -> None:
    """A new list price of a level from a day on (the earlier prices stay in the history)."""
    try:
        price = Decimal(amount)
    except InvalidOperation:
        fail(f"amount: {amount} is not a number")
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = catalogue.prices.create(session, {"level_id": level_id, "currency": currency.upper(), "amount": price,
                                                 "valid_from": _day(since), "note": note}, by=SYSTEM)
        out.print(f"level {level_id}: {made.amount} {made.currency} from {made.valid_from}")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{text} is not a date (YYYY-MM-DD)")


# --- value cases ----------------------------------------------------------------------------------

@value_app.command("list")
def value_list(client_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """A client's value cases, newest first."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = [_case(value.view(session, case.id, by=SYSTEM))
                 for case in value.cases_of_client(session, client_id, by=SYSTEM)]
    if json:
        print_json(found)
        return
    table = Table("id", "title", "price", "expected value", "ROI", "payback (months)", "backed")
    for case in found:
        expected = case["scenarios"][1]
        table.add_row(str(case["id"]), case["title"], f"{case['price']} {case['currency']}", str(expected["value"]),
                      str(expected["roi"]), str(expected["payback_months"]),
                      "no (illustrative)" if case["illustrative"] else "yes")
    out.print(table)


@value_app.command("show")
def value_show(case_id: int, db: DbOption = None, json: JsonOption = False) -> None:
    """One value case at the three estimates."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = _case(value.view(session, case_id, by=SYSTEM))
    if json:
        print_json(found)
        return
    label = " (illustrative)" if found["illustrative"] else ""
    out.print(f"[bold]{found['title']}[/]{label} — {found['client']}, {found['price']} {found['currency']} "
              f"over {found['horizon_months']} months")
    table = Table("", "low", "expected", "high")
    for name in ("benefits", "client_costs", "total_cost", "value", "roi", "payback_months"):
        table.add_row(name.replace("_", " "), *[str(s[name]) for s in found["scenarios"]])
    out.print(table)


def _case(found: value.ValueCaseView) -> dict[str, Any]:
    case = found.case
    return {"id": case.id, "client_id": case.client_id, "client": found.client_name, "title": case.title,
            "currency": case.currency, "price": str(case.price), "horizon_months": case.horizon_months,
            "illustrative": found.illustrative, "delivered_outcomes": found.delivered_outcomes,
            "scenarios": [{"name": s.name, "benefits": str(s.benefits), "client_costs": str(s.client_costs),
                           "total_cost": str(s.total_cost), "value": str(s.value),
                           "roi": None if s.roi is None else str(s.roi),
                           "payback_months": None if s.payback_months is None else str(s.payback_months)}
                          for s in found.scenarios]}


# --- price research -------------------------------------------------------------------------------

@pricing_app.command("van-westendorp")
def van_westendorp(file: Path, convention: ConventionOption = "original", minimum: MinimumOption = 30,
                   json: JsonOption = False) -> None:
    """Analyse a CSV/XLSX of answers without storing it. Columns: too_cheap, cheap, expensive, too_expensive;
    optional respondent, segment, likely_cheap and likely_expensive (1-5, for Newton-Miller-Smith).
    Prints opp, idp, pmc, pme, valid and invalid (answers whose prices are not in order are counted, not used)."""
    with user_errors():
        found = research.analyse_psm_answers(research.read_psm_file(file), convention=convention, minimum=minimum)
    _print_psm(found, json)


def _print_psm(found: dict[str, Any], json: bool) -> None:
    whole = found["whole"]
    summary = {name: whole[name] for name in ("opp", "idp", "pmc", "pme", "valid", "invalid", "total", "convention")}
    if json:
        print_json({**summary, "segments": found["segments"], "curves": whole["curves"], "prices": whole["prices"],
                    "nms": whole.get("nms")})
        return
    table = Table("point", "price")
    for name, label in (("opp", "optimal price point (OPP)"), ("idp", "indifference price point (IDP)"),
                        ("pmc", "point of marginal cheapness (PMC)"),
                        ("pme", "point of marginal expensiveness (PME)")):
        table.add_row(label, "—" if whole[name] is None else f"{whole[name]:g}")
    out.print(table)
    out.print(f"{whole['valid']} valid answers, {whole['invalid']} invalid (prices not in order: counted, not used); "
              f"PMC/PME convention: {whole['convention']}")
    if whole.get("nms"):
        nms = whole["nms"]
        out.print(f"Newton-Miller-Smith: most trial at {nms['best_trial_price']:g}, "
                  f"most revenue at {nms['best_revenue_price']:g}")
    for segment in found["segments"]:
        name = segment["segment"] or "(no segment)"
        if segment["too_few"]:
            out.print(f"{name}: too few answers ({segment['valid']} valid, {segment['minimum']} needed)")
        else:
            out.print(f"{name}: OPP {segment['opp']}, IDP {segment['idp']}, range {segment['pmc']}–{segment['pme']}")


@pricing_app.command("gabor-granger")
def gabor_granger(file: Path, grid: Annotated[str, typer.Option(help="The prices asked, ascending: 100,150,200")],
                  minimum: MinimumOption = 30, json: JsonOption = False) -> None:
    """Analyse a CSV/XLSX of answers (respondent, price, buys; optional segment) without storing it: demand
    and revenue per price point and the revenue-maximising price."""
    try:
        prices = [float(p) for p in grid.split(",")]
    except ValueError:
        fail(f"grid: {grid} is not a list of prices")
    with user_errors():
        found = research.analyse_gabor_granger_answers(research.read_gabor_granger_file(file), prices,
                                                       minimum=minimum)
    _print_gg(found, json)


def _print_gg(found: dict[str, Any], json: bool) -> None:
    if json:
        print_json(found)
        return
    table = Table("price", "asked", "would buy", "demand", "revenue per respondent")
    for point in found["whole"]["points"]:
        table.add_row(f"{point['price']:g}", str(point["asked"]), str(point["buyers"]),
                      "—" if point["demand"] is None else f"{point['demand']:.0%}",
                      "—" if point["revenue"] is None else f"{point['revenue']:.2f}")
    out.print(table)
    out.print(f"revenue-maximising price: {found['whole']['best_price']}")


@pricing_app.command("create")
def pricing_create(name: str,
                   method: Annotated[str, typer.Option(help="van_westendorp or gabor_granger.")] = "van_westendorp",
                   currency: Annotated[str, typer.Option(help="The currency the prices are asked in.")] = "EUR",
                   grid: Annotated[str | None, typer.Option(help="Gabor-Granger's prices, ascending: 100,150,200")]
                   = None,
                   level: Annotated[int | None, typer.Option(help="The package level it is about.")] = None,
                   minimum: MinimumOption = 30, db: DbOption = None, json: JsonOption = False) -> None:
    """A new price study (then `pricing import` or `pricing invite`)."""
    prices: list[Decimal] = []
    try:
        prices = [Decimal(p) for p in grid.split(",")] if grid else []
    except InvalidOperation:
        fail(f"--grid: {grid} is not a list of prices")
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        made = research.studies.create(session, {"name": name, "method": method, "currency": currency.upper(),
                                                 "grid": prices, "level_id": level, "minimum_sample": minimum},
                                       by=SYSTEM)
        found = {"id": made.id, "name": made.name, "method": made.method.value, "currency": made.currency}
    if json:
        print_json(found)
        return
    out.print(f"study {found['id']}: {found['name']} ({found['method']}, {found['currency']})")


@pricing_app.command("studies")
def pricing_studies(db: DbOption = None, json: JsonOption = False) -> None:
    """The firm's price studies and how many answers each holds."""
    with opened(db) as runtime, runtime.transaction() as session:
        counts = research.answer_counts(session, by=SYSTEM)
        found = [{"id": s.id, "name": s.name, "method": s.method.value, "currency": s.currency,
                  "asked_on": s.asked_on, "answers": counts.get(s.id, 0)}
                 for s in research.studies.page(session, per_page=500, by=SYSTEM).items]
    if json:
        print_json(found)
        return
    table = Table("id", "study", "method", "currency", "asked on", "answers")
    for s in found:
        table.add_row(*("" if s[name] is None else str(s[name])
                        for name in ("id", "name", "method", "currency", "asked_on", "answers")))
    out.print(table)


@pricing_app.command("import")
def pricing_import(study_id: int, file: Path,
                   replace: Annotated[bool, typer.Option(help="Replace the study's answers.")] = False,
                   db: DbOption = None) -> None:
    """Store a CSV/XLSX of answers in a study: the whole file, or nothing at the first bad cell."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        n = research.store_answers(session, study_id, file, replace=replace, by=SYSTEM)
    out.print(f"{n} answers stored in study {study_id}")


@pricing_app.command("invite")
def pricing_invite(study_id: int,
                   client: Annotated[list[int] | None, typer.Option("--client", help="A client's id (repeat).")] = None,
                   segment: Annotated[str | None, typer.Option(help="Every active client of a segment.")] = None,
                   expires_days: Annotated[int, typer.Option(help="Days the links work.")] = 30,
                   db: DbOption = None, json: JsonOption = False) -> None:
    """Ask clients the study's four price questions (and the two likelihoods): a private link each,
    e-mailed in their language (`mail send` or the server sends them); the links are printed once."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        invited = research_links.invite(session, runtime.settings, study_id, client_ids=client or [],
                                        segment=segment, expires_days=expires_days, by=SYSTEM)
        found = [{"client_id": i.client_id, "email": i.email, "link": i.link} for i in invited]
    if json:
        print_json(found)
        return
    for item in found:
        out.print(f"{item['client_id']}\t{item['email']}\t{item['link']}", soft_wrap=True)
    out.print(f"{len(found)} clients invited")


@pricing_app.command("show")
def pricing_show(study_id: int, convention: ConventionOption = "original", db: DbOption = None,
                 json: JsonOption = False) -> None:
    """A stored study analysed: the whole sample and each segment with enough answers."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        found = research.study_analysis(session, study_id, convention=convention, by=SYSTEM)
    if found["method"] == "van_westendorp":
        _print_psm(found, json)
    else:
        _print_gg(found, json)
