"""``servicescape analytics ...`` from the terminal: every report as JSON on DuckDB, an export to
Parquet read back, the settings, the refresh — and CDNOW's raw transactions imported as clients and
invoices give the published BG/NBD parameters (Fader, Hardie & Lee 2005) through the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from servicescape.cli.main import app
from servicescape.runtime import Runtime
from tests.integration.analytics.conftest import build_firm

runner = CliRunner()
DATA = Path(__file__).parents[2] / "data"


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False, env=env)


def as_json(*args: str, env: dict[str, str] | None = None) -> Any:
    result = run(*args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_report_as_json(runtime: Runtime, db_url: str) -> None:
    build_firm(runtime, clients_count=20)
    pareto = as_json("analytics", "pareto", "--period", "all", "--db", db_url)
    assert pareto["overall"]["clients"] == 20 and pareto["currency"] == "EUR"
    assert set(pareto["by"]) == {"year", "segment", "market", "package"} and pareto["unconverted_invoices"]["USD"] == 2
    assert as_json("analytics", "rfm", "--as-of", "2026-06-30", "--db", db_url)["clients"] == 20
    assert as_json("analytics", "cohorts", "--until", "2026-06-30", "--months", "36", "--db", db_url)["cohorts"]
    clv = as_json("analytics", "clv", "--until", "2026-06-30", "--time-unit", "day", "--db", db_url)
    assert clv["time_unit"] == "day" and set(clv["parameters"]) == {"r", "alpha", "a", "b", "p", "q", "gamma"}
    assert clv["log_likelihood"] < 0 and len(clv["top_clients"]) == 20
    churn = as_json("analytics", "churn", "--as-of", "2026-06-30", "--db", db_url)
    assert churn["clients"] == 20 and 0 <= churn["at_risk"] <= 20
    economics = as_json("analytics", "economics", "--as-of", "2026-06-30", "--acquisition-cost", "500",
                        "--db", db_url)
    assert economics["acquisition_cost"] == 500 and economics["previous_clients"] >= economics["retained_clients"]
    readable = run("analytics", "pareto", "--db", db_url)
    assert readable.exit_code == 0 and "Key accounts" in readable.stdout


def test_export_to_parquet_and_read_it_back(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    build_firm(runtime, clients_count=12)
    exported = as_json("analytics", "export-parquet", str(tmp_path / "x"), "--db", db_url)
    assert exported["rows"]["clients"] == 12 and exported["reporting_currency"] == "EUR"
    assert {p.name for p in (tmp_path / "x").iterdir()} == {"revenue.parquet", "clients.parquet",
                                                            "packages.parquet", "manifest.json"}
    from_db = as_json("analytics", "cohorts", "--until", "2026-06-30", "--db", db_url)
    from_files = as_json("analytics", "cohorts", "--until", "2026-06-30", "--source", str(tmp_path / "x"),
                         "--db", db_url)
    assert from_db["cohorts"] == from_files["cohorts"]


def test_settings_refresh_and_mistakes(runtime: Runtime, db_url: str, tmp_path: Path) -> None:
    build_firm(runtime, clients_count=20)
    changed = as_json("analytics", "settings", "--acquisition-cost", "1200", "--horizon-months", "24",
                      "--db", db_url)
    assert changed["acquisition_cost"] == 1200 and changed["horizon_months"] == 24
    assert as_json("analytics", "clv", "--until", "2026-06-30", "--db", db_url)["horizon_months"] == 24
    assert as_json("analytics", "refresh", "--db", db_url)["counted"] == 6
    assert as_json("analytics", "refresh", "--db", db_url)["counted"] == 0
    for args, message in [
        (("analytics", "pareto", "--engine", "hive"), "--engine is duckdb or spark"),
        (("analytics", "pareto", "--source", str(tmp_path / "nowhere")), "is neither"),
        (("analytics", "pareto", "--period", "someday"), "The period is 12m, all or a year"),
        (("analytics", "rfm", "--as-of", "2026-13-01"), "as_of is not a date"),
        (("analytics", "settings", "--discount-rate", "3"), "between"),
        (("analytics", "clv", "--until", "2026-06-30", "--holdout-until", "2026-01-01"), "holdout_until"),
    ]:
        result = run(*args, "--db", db_url)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output, (args, result.output)


def test_clv_of_an_empty_firm_says_why(db_url: str, runtime: Runtime) -> None:
    result = run("analytics", "clv", "--db", db_url)
    assert result.exit_code == 1 and "nothing to fit" in result.output
    # the refresh keeps what the data cannot give as the reason, and counts the rest
    assert as_json("analytics", "refresh", "--db", db_url)["counted"] == 6


def test_cdnow_imported_through_the_cli_gives_the_published_parameters(runtime: Runtime, db_url: str,
                                                                       tmp_path: Path) -> None:
    clients_file, invoices_file = tmp_path / "clients.csv", tmp_path / "invoices.csv"
    rows = [line.split() for line in (DATA / "cdnow_sample.txt").read_text().splitlines() if line.strip()]
    with clients_file.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Customer ID", "Name"])
        writer.writerows([(f"C{cid}", f"CDNOW customer {cid}") for cid in sorted({row[0] for row in rows})])
    with invoices_file.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Client external id", "Date", "Amount", "Currency", "Invoice number"])
        writer.writerows([(f"C{cid}", f"{day[:4]}-{day[4:6]}-{day[6:]}", value, "USD", f"T{n}")
                          for n, (cid, _index, day, _cds, value) in enumerate(rows)])
    env = {"SERVICESCAPE_REPORTING_CURRENCY": "USD"}
    for kind, path, mapping in (("clients", clients_file, "Customer ID=external_id"),
                                ("invoices", invoices_file, "Client external id=client_external_id")):
        imported = run("import", kind, str(path), "--db", db_url, "--map", mapping, "--json", env=env)
        assert imported.exit_code == 0, imported.output
    found = as_json("analytics", "clv", "--until", "1997-09-30", "--time-unit", "week", "--db", db_url, env=env)
    assert found["clients"] == 2357 and found["repeat_clients"] == 946
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
    for name, value in published.items():
        assert found["parameters"][name] == pytest.approx(value, rel=0.005), name
    assert found["log_likelihood"] == pytest.approx(-9582.4, rel=0.005) and found["penalizer"] == 0
