"""Every analytic on both engines: DuckDB reading the operational database (SQLite and PostgreSQL)
and a Parquet export, and Spark (local mode) reading the same export — the same figures."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicescape.analytics import engines, service
from servicescape.analytics.service import Counter, Query
from servicescape.auth.permissions import SYSTEM
from servicescape.config import Settings
from servicescape.offerings import service as offerings
from servicescape.runtime import Runtime, open_runtime
from tests.integration.analytics.conftest import TODAY, build_firm

pytestmark = [
    pytest.mark.slow,
    # py4j leaves its gateway sockets to the garbage collector when Spark stops
    pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module", autouse=True)
def spark_stops() -> Iterator[None]:
    """Spark's session (and py4j's sockets) end with this module, not at the interpreter's exit."""
    yield
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def _queries(runtime: Runtime) -> list[Query]:
    with runtime.transaction() as session:
        firm = service.settings(session, by=SYSTEM)
        queries = [service.default_query(report, TODAY, firm) for report in service.REPORTS]
        queries.append(service.default_query("pareto", TODAY, firm, period="all"))
        queries.append(service.default_query("clv", TODAY, firm, until="2025-12-31", holdout_until="2026-06-30",
                                             time_unit="day"))
    return queries


def _rates(runtime: Runtime) -> dict[str, float]:
    with runtime.transaction() as session:
        return offerings.rates(session, runtime.settings.reporting_currency)


def same(left: Any, right: Any, where: str = "") -> None:
    """Equal; floats to a millionth (engines may sum in another order) or a cent (rounded money)."""
    if isinstance(left, dict) and isinstance(right, dict):
        assert set(left) == set(right), f"{where}: keys {set(left) ^ set(right)}"
        for key in left:
            if key != "engine":
                same(left[key], right[key], f"{where}.{key}")
    elif isinstance(left, list) and isinstance(right, list):
        assert len(left) == len(right), f"{where}: {len(left)} != {len(right)} items"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            same(a, b, f"{where}[{index}]")
    elif isinstance(left, float) or isinstance(right, float):
        assert left is not None and right is not None and math.isclose(left, right, rel_tol=1e-6, abs_tol=0.011), \
            f"{where}: {left} != {right}"
    else:
        assert left == right, f"{where}: {left!r} != {right!r}"


def test_duckdb_reads_the_database_on_both_backends(runtime: Runtime) -> None:
    made = build_firm(runtime, clients_count=15)
    tables = engines.duckdb_from_database(runtime.settings.effective_database_url, _rates(runtime), "EUR")
    assert tables.backend.execute(tables.revenue.count()) == made["invoices"]
    assert tables.unconverted == {"USD": made["usd"]}
    assert tables.backend.execute(tables.clients.count()) == 15
    huf = tables.rows(tables.revenue.filter(tables.revenue.client_id == 1).limit(1))[0]  # client 0 pays in HUF
    assert huf["unconverted"] is None and 10_000 < huf["amount"] < 30_000   # 400 × its size in HUF at 0.0025
    packages = {row["package_id"]: row["package"] for row in tables.rows(tables.packages)}
    assert packages[huf["package_id"]] == "Retainer"
    client = tables.rows(tables.clients.filter(tables.clients.client_id == 1))[0]
    assert (client["market"], client["segment"], client["tier"]) == ("HU", "Law", "key")
    counted = Counter(tables).count(_queries(runtime)[0])
    assert counted["overall"]["clients"] > 0 and counted["unconverted_invoices"] == {"USD": made["usd"]}


@pytest.fixture
def sqlite_runtime(tmp_path: Path) -> Iterator[Runtime]:
    """Spark's tests read one SQLite database (the engines' agreement does not depend on it)."""
    runtime = open_runtime(Settings(mode="dev", data_dir=tmp_path / "db", timezone="Europe/Budapest"))
    yield runtime
    runtime.close()


@pytest.mark.spark
def test_every_analytic_is_the_same_on_duckdb_and_spark(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    runtime = sqlite_runtime
    build_firm(runtime)
    url, rates = runtime.settings.effective_database_url, _rates(runtime)
    folder = tmp_path / "export"
    manifest = engines.export_parquet(url, rates, "EUR", folder, data_version=3)
    assert manifest["rows"]["clients"] == 40 and manifest["data_version"] == 3
    from_db = Counter(engines.duckdb_from_database(url, rates, "EUR"))
    from_parquet = Counter(engines.duckdb_from_parquet(folder))
    on_spark = Counter(engines.spark_from_parquet(folder, "local[2]"))
    for query in _queries(runtime):
        expected = from_db.count(query)
        same(expected, from_parquet.count(query), f"{query.report} parquet")
        found = on_spark.count(query)
        assert found["engine"] == "spark"
        same(expected, found, f"{query.report} spark")
    # the figures are not empty: every report found something to compare
    pareto = from_db.count(_queries(runtime)[0])
    assert pareto["overall"]["clients"] > 10 and pareto["lorenz"] and pareto["key_accounts"]
    assert {row["group"] for row in pareto["by"]["package"]} == {"Retainer", "Project"}
    assert {row["group"] for row in pareto["by"]["market"]} == {"HU", "BG", "MY"}
    assert from_db.count(_queries(runtime)[-1])["holdout"]["clients"] > 0


@pytest.mark.spark
def test_spark_straight_from_the_database(sqlite_runtime: Runtime) -> None:
    runtime = sqlite_runtime
    build_firm(runtime, clients_count=12)
    url, rates = runtime.settings.effective_database_url, _rates(runtime)
    query = _queries(runtime)[2]    # cohorts
    with engines.spark_from_database(url, rates, "EUR", "local[2]") as tables:
        on_spark = Counter(tables).count(query)
    same(Counter(engines.duckdb_from_database(url, rates, "EUR")).count(query), on_spark, "cohorts")


def test_a_folder_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"manifest\.json is missing"):
        engines.duckdb_from_parquet(tmp_path)
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "revenue.parquet").write_bytes(b"")
    (tmp_path / "clients.parquet").write_bytes(b"")
    (tmp_path / "packages.parquet").write_bytes(b"")
    with pytest.raises(ValueError, match="names no reporting_currency"):
        engines.duckdb_from_parquet(tmp_path)


def test_an_in_memory_database_cannot_be_read() -> None:
    with pytest.raises(ValueError, match="not an in-memory database"):
        engines.duckdb_from_database("sqlite://", {}, "EUR")
    with pytest.raises(ValueError, match="cannot read a mysql database"):
        engines.duckdb_from_database("mysql://x@localhost/db", {}, "EUR")
