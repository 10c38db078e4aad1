"""``servicescape analytics pareto|rfm|cohorts|clv|churn|economics|export-parquet|settings|refresh``:
where value is concentrated, who is slipping away and what each client is worth — counted on
DuckDB in this process (default) or on Spark, from the database or from a Parquet export."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from servicescape.analytics import engines, service
from servicescape.analytics.service import Counter
from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, fail, opened, out, print_json, user_errors
from servicescape.offerings import service as offerings
from servicescape.runtime import Runtime

analytics_app = typer.Typer(
    help="Customer analytics: revenue concentration (80/20), RFM segments, cohort retention, lifetime value "
         "(BG/NBD + Gamma-Gamma), churn risk and retention economics — on DuckDB or Spark.",
    no_args_is_help=True)

EngineOption = Annotated[str, typer.Option("--engine", help="duckdb (in this process) or spark "
                                           "(SERVICESCAPE_SPARK_MASTER, default local[2]).")]
SourceOption = Annotated[str, typer.Option("--source", help="db (the operational database) or a folder "
                                           "written by `analytics export-parquet`.")]
DayOption = Annotated[str | None, typer.Option(help="A date, YYYY-MM-DD (default: today on the firm's clock).")]


def register(app: typer.Typer) -> None:
    app.add_typer(analytics_app, name="analytics")


@contextmanager
def _counter(runtime: Runtime, engine: str, source: str) -> Iterator[Counter]:
    if engine not in engines.ENGINES:
        fail(f"--engine is duckdb or spark, not {engine}")
    settings = runtime.settings
    if source != "db":
        folder = Path(source)
        if not folder.is_dir():
            fail(f"--source is db or a folder written by `analytics export-parquet`: {source} is neither")
        with user_errors():
            tables = engines.duckdb_from_parquet(folder) if engine == "duckdb" else \
                engines.spark_from_parquet(folder, settings.spark_master)
        yield Counter(tables)
        return
    with runtime.transaction() as session:
        rates = offerings.rates(session, settings.reporting_currency)
    url = settings.effective_database_url
    if engine == "duckdb":
        yield Counter(engines.duckdb_from_database(url, rates, settings.reporting_currency))
    else:
        with engines.spark_from_database(url, rates, settings.reporting_currency, settings.spark_master) as tables:
            yield Counter(tables)


def _run(db: str | None, engine: str, source: str, report: str, given: dict[str, Any]) -> dict[str, Any]:
    with opened(db) as runtime, user_errors():
        with runtime.transaction() as session:
            firm = service.settings(session, by=SYSTEM)
            query = service.default_query(report, service.today(runtime.settings), firm, **given)
        with _counter(runtime, engine, source) as counter:
            try:
                return counter.count(query)
            except ValueError as exc:
                fail(str(exc))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _money(value: float | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.2f} {currency}"


@analytics_app.command("pareto")
def pareto_command(
    period: Annotated[str, typer.Option(help="12m (the last twelve months), all, or a year (2025).")] = "12m",
    engine: EngineOption = "duckdb", source: SourceOption = "db", db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """How concentrated revenue is: the top clients' share, Gini, the key-account set (80%), per year, segment, market and service package."""  # noqa: E501 - one paragraph: the CLI shows line breaks as they are
    data = _run(db, engine, source, "pareto", {"period": period})
    if as_json:
        print_json(data)
        return
    overall, currency = data["overall"], data["currency"]
    out.print(f"{overall['clients']} clients brought {_money(overall['revenue'], currency)} "
              f"({data['since'] or 'all time'} – {data['until']}); Gini {overall['gini']}.")
    out.print(f"Key accounts: {overall['key_clients']} clients ({_pct(overall['key_clients_share'])}) bring "
              f"{_pct(overall['key_revenue'] / overall['revenue'] if overall['revenue'] else None)}.")
    table = Table("top clients", "share of revenue")
    for percent, share in overall["top_shares"].items():
        table.add_row(f"{percent}%", _pct(share))
    out.print(table)
    for grouping, rows in data["by"].items():
        table = Table(grouping, "clients", "revenue", "top 20%", "Gini", title=f"by {grouping}")
        for row in rows[:20]:
            table.add_row(str(row["group"] or "—"), str(row["clients"]), _money(row["revenue"], currency),
                          _pct(row["top_shares"]["20"]), str(row["gini"]))
        out.print(table)


@analytics_app.command("rfm")
def rfm_command(
    as_of: DayOption = None,
    compare_to: Annotated[str | None, typer.Option(help="Show how clients moved between segments since this "
                                                   "date (default: 91 days before).")] = None,
    engine: EngineOption = "duckdb", source: SourceOption = "db", db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Recency, frequency and monetary scores (1–5), the grid and the named segments."""
    data = _run(db, engine, source, "rfm", {"as_of": as_of, "compare_to": compare_to})
    if as_json:
        print_json(data)
        return
    table = Table("segment", "clients", "revenue", "mean days since", "mean purchases",
                  title=f"RFM on {data['as_of']} ({data['clients']} clients)")
    for row in data["segments"]:
        table.add_row(row["segment"], str(row["clients"]), _money(row["revenue"], data["currency"]),
                      str(row["recency_days"] if row["recency_days"] is not None else "—"),
                      str(row["frequency"] if row["frequency"] is not None else "—"))
    out.print(table)


@analytics_app.command("cohorts")
def cohorts_command(
    until: DayOption = None,
    months: Annotated[int, typer.Option(help="How many monthly cohorts back.")] = service.COHORT_MONTHS,
    engine: EngineOption = "duckdb", source: SourceOption = "db", db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Clients grouped by the month they first bought: the share still buying each month after."""
    data = _run(db, engine, source, "cohorts", {"until": until, "months": months})
    if as_json:
        print_json(data)
        return
    offsets = (1, 3, 6, 12)
    table = Table("cohort", "clients", *(f"month {k}" for k in offsets), title="Retention by cohort")
    for cohort in data["cohorts"]:
        cells = {cell["offset"]: cell for cell in cohort["months"]}
        table.add_row(cohort["cohort"], str(cohort["size"]),
                      *(_pct(cells[k]["retention"]) if k in cells else "—" for k in offsets))
    out.print(table)


@analytics_app.command("clv")
def clv_command(
    until: Annotated[str | None, typer.Option(help="End of the calibration period, inclusive (YYYY-MM-DD; "
                                              "default: today).")] = None,
    time_unit: Annotated[str, typer.Option("--time-unit", help="day or week: the unit of the fitted "
                                           "parameters.")] = "week",
    holdout_until: Annotated[str | None, typer.Option(help="Check the fit against the purchases after --until "
                                                      "up to this date.")] = None,
    horizon_months: Annotated[int | None, typer.Option(help="Months of future value counted (default: the "
                                                       "firm's setting).")] = None,
    discount_rate: Annotated[float | None, typer.Option(help="Annual discount rate (0.1 = 10%; default: the "
                                                        "firm's setting).")] = None,
    engine: EngineOption = "duckdb", source: SourceOption = "db", db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Lifetime value: BG/NBD and Gamma-Gamma fitted by maximum likelihood; expected purchases, probability alive, expected spend and discounted CLV per client. Purchases on one day count once; the monetary value is the mean of the repeat purchases."""  # noqa: E501 - one paragraph: the CLI shows line breaks as they are
    data = _run(db, engine, source, "clv", {"until": until, "time_unit": time_unit, "holdout_until": holdout_until,
                                            "horizon_months": horizon_months, "annual_discount_rate": discount_rate})
    if as_json:
        print_json(data)
        return
    p = data["parameters"]
    out.print(f"BG/NBD ({data['time_unit']}s, {data['clients']} clients to {data['until']}): r={p['r']:.4f} "
              f"alpha={p['alpha']:.4f} a={p['a']:.4f} b={p['b']:.4f}, log-likelihood {data['log_likelihood']:.2f}")
    if p["p"] is not None:
        out.print(f"Gamma-Gamma ({data['repeat_clients']} repeat clients): p={p['p']:.4f} q={p['q']:.4f} "
                  f"gamma={p['gamma']:.4f}")
    out.print(f"Value over {data['horizon_months']} months: {_money(data['total_clv'], data['currency'])} "
              f"(mean {_money(data['mean_clv'], data['currency'])} per client).")
    if "holdout" in data:
        check = data["holdout"]
        out.print(f"Holdout to {check['until']}: predicted {check['predicted']:.1f} purchases, actual "
                  f"{check['actual']:.0f} ({check['relative_error']:+.1%}).")
    table = Table("client", "CLV", "P(alive)", "expected purchases", title="Top clients by value")
    for row in data["top_clients"][:20]:
        table.add_row(f"{row['name']} (#{row['client_id']})", _money(row["clv"], data["currency"]),
                      _pct(row["probability_alive"]), str(row["expected_purchases"]))
    out.print(table)


@analytics_app.command("churn")
def churn_command(
    as_of: DayOption = None, engine: EngineOption = "duckdb", source: SourceOption = "db", db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Clients slipping away: probability alive below the firm's threshold, or silent for longer than their own rhythm allows; the key accounts among them first."""  # noqa: E501 - one paragraph: the CLI shows line breaks as they are
    data = _run(db, engine, source, "churn", {"until": as_of})
    if as_json:
        print_json(data)
        return
    out.print(f"{data['at_risk']} of {data['clients']} clients at risk on {data['as_of']}: "
              f"{_money(data['revenue_at_risk'], data['currency'])} of last year's revenue "
              f"({_pct(data['revenue_at_risk_share'])}).")
    table = Table("client", "key", "P(alive)", "days silent", "usual gap", "last year", title="At risk")
    for row in [*data["key_accounts_at_risk"], *[r for r in data["clients_at_risk"] if not r["key_account"]]][:30]:
        table.add_row(f"{row['name']} (#{row['client_id']})", "yes" if row["key_account"] else "",
                      _pct(row["probability_alive"]), str(row["days_since_last_purchase"]),
                      str(row["usual_gap_days"] or "—"), _money(row["revenue_last_year"], data["currency"]))
    out.print(table)


@analytics_app.command("economics")
def economics_command(
    as_of: DayOption = None,
    acquisition_cost: Annotated[float | None, typer.Option(help="What winning a new client costs (default: the "
                                                           "firm's setting).")] = None,
    engine: EngineOption = "duckdb", source: SourceOption = "db", db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Retention against acquisition over the last year: what a retained client brings against what winning a new one costs."""  # noqa: E501 - one paragraph: the CLI shows line breaks as they are
    data = _run(db, engine, source, "economics", {"as_of": as_of, "acquisition_cost": acquisition_cost})
    if as_json:
        print_json(data)
        return
    c = data["currency"]
    out.print(f"Of {data['previous_clients']} clients of the year before, {data['retained_clients']} were kept "
              f"({_pct(data['retention_rate'])}) and {data['lost_clients']} lost "
              f"({_money(data['lost_revenue'], c)} of revenue). New clients: {data['new_clients']}.")
    out.print(f"A retained client brought {_money(data['revenue_per_retained_client'], c)} in the last year; "
              f"a new one {_money(data['revenue_per_new_client'], c)}.")
    if data["acquisition_cost"]:
        out.print(f"Winning a client costs {_money(data['acquisition_cost'], c)}: a retained client's year is worth "
                  f"{data['retained_value_in_acquisitions']} acquisitions.")
    else:
        out.print("Set the cost of winning a client (`analytics settings --acquisition-cost`) to compare.")


@analytics_app.command("export-parquet")
def export_command(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write revenue.parquet, "
                                              "clients.parquet and manifest.json into.")],
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Write the analytics' inputs as Parquet — what a Spark cluster reads (`--source DIR`)."""
    from servicescape.db.types import utcnow

    with opened(db) as runtime, user_errors():
        with runtime.transaction() as session:
            rates = offerings.rates(session, runtime.settings.reporting_currency)
            version = service.data_version(session)
        manifest = engines.export_parquet(runtime.settings.effective_database_url, rates,
                                          runtime.settings.reporting_currency, directory, data_version=version,
                                          exported_at=utcnow().isoformat())
    if as_json:
        print_json({"directory": str(directory), **manifest})
        return
    out.print(f"Wrote {manifest['rows']['revenue']} invoices and {manifest['rows']['clients']} clients to {directory}.")
    if manifest["unconverted"]:
        out.print(f"Left out (no exchange rate): {manifest['unconverted']}")


@analytics_app.command("settings")
def settings_command(
    acquisition_cost: Annotated[float | None, typer.Option(help="What winning a new client costs, in the "
                                                           "reporting currency.")] = None,
    discount_rate: Annotated[float | None, typer.Option(help="Annual discount rate of lifetime value "
                                                        "(0.1 = 10%).")] = None,
    horizon_months: Annotated[int | None, typer.Option(help="Months of future value counted.")] = None,
    at_risk_below: Annotated[float | None, typer.Option(help="A client whose probability of being alive is "
                                                        "below this is at risk.")] = None,
    rhythm_multiple: Annotated[float | None, typer.Option(help="...or silent for this many of its usual gaps "
                                                          "between purchases.")] = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Show or change the firm's analytics settings."""
    given = {"acquisition_cost": acquisition_cost, "annual_discount_rate": discount_rate,
             "horizon_months": horizon_months, "at_risk_below": at_risk_below, "rhythm_multiple": rhythm_multiple}
    changes = {key: value for key, value in given.items() if value is not None}
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        current = service.update_settings(session, changes, by=SYSTEM) if changes else \
            service.settings(session, by=SYSTEM)
        data = {"currency": runtime.settings.reporting_currency, **service.settings_values(current)}
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        out.print(f"{key}: {value if value is not None else '—'}")


@analytics_app.command("refresh")
def refresh_command(
    force: Annotated[bool, typer.Option("--force", help="Count again even if nothing changed.")] = False,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Count the pages' reports now (the web server does it every 5 minutes when the data changed)."""
    with opened(db) as runtime, user_errors(), runtime.transaction() as session:
        result = service.refresh(session, by=SYSTEM, force=force)
    if as_json:
        print_json(result)
        return
    out.print(f"{result['counted']} report(s) counted on data version {result['data_version']}.")
