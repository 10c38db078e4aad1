"""Where the analytics run: DuckDB in this process (the default), or Spark.

* DuckDB reads the operational database directly through its SQLite / PostgreSQL scanners (the
  extensions ship in PyPI packages and are loaded from there: nothing is downloaded), copying the
  invoices and clients once into columnar tables in memory — 10,000,000 invoices in about 2 s
  here, against about 15 s through Python's database drivers (``benchmarks/analytics_speed.py``
  measures both) — or reads a Parquet export.
* Spark (local mode, or any master URL from ``SERVICESCAPE_SPARK_MASTER``) reads a Parquet export;
  from the database, the export is written first to a temporary folder.

Both give the same two tables (``servicescape.analytics.tables``) as Ibis tables, so every analytic
is written once. Amounts arrive in the reporting currency; invoices in a currency without a rate
are left out and counted (``Tables.unconverted``).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
from sqlalchemy.engine import make_url

from servicescape.db.types import MONEY_PLACES

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
REVENUE_FILE = "revenue.parquet"
CLIENTS_FILE = "clients.parquet"
PACKAGES_FILE = "packages.parquet"
MANIFEST_FILE = "manifest.json"


@dataclass
class Tables:
    """The analytics' inputs on one engine."""

    engine: Engine
    backend: Any                       # the Ibis backend that executes expressions
    revenue: ir.Table
    clients: ir.Table
    packages: ir.Table | None
    reporting_currency: str
    unconverted: dict[str, int] = field(default_factory=dict)   # currency → invoices left out

    _cached: list[ir.Table] = field(default_factory=list)
    _days: dict[Any, ir.Table] = field(default_factory=dict)

    def cache(self, expr: ir.Table) -> ir.Table:
        """``expr`` computed once and kept on the engine (a temporary table, a cached Spark frame)
        until :meth:`release`: for what several figures read."""
        kept = expr.cache()
        self._cached.append(kept)
        return kept

    def purchase_days(self, until: Any) -> ir.Table:
        """Every client's purchase days up to ``until`` (see :func:`rfm.purchase_days`), counted
        once for the reports that read them (RFM, lifetime value, cohorts)."""
        from servicescape.analytics.rfm import purchase_days

        if until not in self._days:
            self._days[until] = self.cache(purchase_days(self.revenue, until=until))
        return self._days[until]

    def forget(self, *kept: ir.Table) -> None:
        """Drop tables :meth:`cache` kept for one report."""
        for table in kept:
            table.release()
            self._cached.remove(table)

    def release(self) -> None:
        """Drop what :meth:`cache` kept."""
        for kept in self._cached:
            kept.release()
        self._cached.clear()
        self._days.clear()

    def rows(self, expr: ir.Table) -> list[dict[str, Any]]:
        """Run ``expr`` and return its rows as dictionaries."""
        return self.backend.to_pyarrow(expr).to_pylist()  # type: ignore[no-any-return]

    def arrow(self, expr: ir.Table) -> Any:
        """Run ``expr`` and return a pyarrow table (for numpy columns)."""
        return self.backend.to_pyarrow(expr)


# --- DuckDB ------------------------------------------------------------------------------------------

def _extension(name: str) -> str:
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the Python package duckdb-extension-{name.replace('_', '-')} is not installed")
    found = sorted(Path(spec.submodule_search_locations[0]).rglob(f"{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"duckdb-extension-{name.replace('_', '-')} holds no {name}.duckdb_extension")
    return str(found[-1])


def duckdb_connection() -> Any:
    """A DuckDB connection that never downloads an extension."""
    import duckdb

    # insertion order is never relied on (every result is ordered explicitly); without it DuckDB
    # loads and materialises in parallel (the invoices' copy takes half the time)
    return duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                  "preserve_insertion_order": False})


def _attach(connection: Any, database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("analytics read a SQLite database file, not an in-memory database")
        connection.execute(f"LOAD '{_extension('sqlite_scanner')}'")
        connection.execute(f"ATTACH {_sql_text(url.database)} AS op (TYPE sqlite, READ_ONLY)")
    elif url.get_backend_name() == "postgresql":
        connection.execute(f"LOAD '{_extension('postgres_scanner')}'")
        parts = {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
                 "dbname": url.database}
        dsn = " ".join(f"{key}={_libpq_value(value)}" for key, value in parts.items() if value is not None)
        connection.execute(f"ATTACH {_sql_text(dsn)} AS op (TYPE postgres, READ_ONLY)")
    else:
        raise ValueError(f"analytics cannot read a {url.get_backend_name()} database")


def _libpq_value(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def load_database(connection: Any, database_url: str, rates: dict[str, float]) -> dict[str, int]:
    """Copy the operational database's invoices (in the reporting currency) and clients into the
    DuckDB tables ``revenue`` and ``clients``; return the invoices left out per currency."""
    _attach(connection, database_url)
    connection.execute("CREATE OR REPLACE TEMP TABLE rate (currency VARCHAR PRIMARY KEY, rate DOUBLE)")
    if rates:
        connection.executemany("INSERT INTO rate VALUES (?, ?)", sorted(rates.items()))
    scale = float(10 ** MONEY_PLACES)
    # narrow: the clients' segment and market, the packages' names stay in their own (small) tables,
    # joined where a figure is broken down by them — copying strings into 10M rows doubles the load
    connection.execute(f"""
        CREATE OR REPLACE TABLE revenue AS
        SELECT i.client_id::BIGINT AS client_id, i.issued_on::DATE AS issued_on,
               i.amount::DOUBLE / {scale} * r.rate AS amount, e.package_id::BIGINT AS package_id,
               CASE WHEN r.rate IS NULL THEN i.currency::VARCHAR END AS unconverted
        FROM op.invoice i
        LEFT JOIN rate r ON r.currency = i.currency
        LEFT JOIN op.engagement e ON e.id = i.engagement_id""")  # noqa: S608 - a float literal
    connection.execute("""
        CREATE OR REPLACE TABLE clients AS
        SELECT id::BIGINT AS client_id, name::VARCHAR AS name, tier::VARCHAR AS tier,
               segment::VARCHAR AS segment, country::VARCHAR AS market, status::VARCHAR AS status
        FROM op.client""")
    connection.execute("""
        CREATE OR REPLACE TABLE packages AS
        SELECT id::BIGINT AS package_id, name::VARCHAR AS package FROM op.service_package""")
    # invoices in a currency without a rate: counted, then left out (one read of the database)
    left_out = connection.execute(
        "SELECT unconverted, count(*) FROM revenue WHERE amount IS NULL GROUP BY unconverted ORDER BY 1").fetchall()
    if left_out:
        connection.execute("DELETE FROM revenue WHERE amount IS NULL")
    connection.execute("DETACH op")
    return {currency: int(count) for currency, count in left_out}


def duckdb_from_database(database_url: str, rates: dict[str, float], reporting_currency: str) -> Tables:
    connection = duckdb_connection()
    unconverted = load_database(connection, database_url, rates)
    backend = ibis.duckdb.from_connection(connection)
    return Tables("duckdb", backend, backend.table("revenue"), backend.table("clients"), backend.table("packages"),
                  reporting_currency, unconverted)


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST_FILE
    for needed in (path, directory / REVENUE_FILE, directory / CLIENTS_FILE, directory / PACKAGES_FILE):
        if not needed.exists():
            raise ValueError(f"{directory} is not an analytics export: {needed.name} is missing "
                             f"(write one with `servicescape analytics export-parquet {directory}`)")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} cannot be read: {exc}") from None
    if not isinstance(manifest.get("reporting_currency"), str):
        raise ValueError(f"{path} names no reporting_currency")
    return manifest


def duckdb_from_parquet(directory: Path) -> Tables:
    manifest = read_manifest(directory)
    backend = ibis.duckdb.from_connection(duckdb_connection())
    revenue = backend.read_parquet(str(directory / REVENUE_FILE), table_name="revenue")
    clients = backend.read_parquet(str(directory / CLIENTS_FILE), table_name="clients")
    packages = backend.read_parquet(str(directory / PACKAGES_FILE), table_name="packages")
    return Tables("duckdb", backend, revenue, clients, packages, manifest["reporting_currency"],
                  dict(manifest.get("unconverted") or {}))


def export_parquet(database_url: str, rates: dict[str, float], reporting_currency: str, directory: Path,
                   *, data_version: int | None = None, exported_at: str | None = None) -> dict[str, Any]:
    """Write the analytics' inputs as Parquet files (revenue, clients, packages) and a
    ``manifest.json`` into ``directory`` — what a Spark cluster reads. Returns the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    connection = duckdb_connection()
    try:
        unconverted = load_database(connection, database_url, rates)
        counts = {}
        for table, name in (("revenue", REVENUE_FILE), ("clients", CLIENTS_FILE), ("packages", PACKAGES_FILE)):
            target = directory / name
            partial = target.with_suffix(".parquet.part")
            connection.execute(f"COPY {table} TO {_sql_text(partial)} (FORMAT parquet, COMPRESSION zstd)")
            partial.replace(target)
            counts[table] = int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        connection.close()
    manifest = {"reporting_currency": reporting_currency, "unconverted": unconverted, "rows": counts,
                "data_version": data_version, "exported_at": exported_at}
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _sql_text(text: str | Path) -> str:
    """A SQL string literal (DuckDB's ATTACH and COPY take no parameters)."""
    return "'" + str(text).replace("'", "''") + "'"


# --- Spark -------------------------------------------------------------------------------------------

_spark_lock = threading.Lock()


def spark_session(master: str) -> Any:
    """The process's Spark session on ``master`` ("local[2]", "spark://host:7077", ...)."""
    with _spark_lock:
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            if active.sparkContext.master != master:
                raise ValueError(f"a Spark session on {active.sparkContext.master} is already running in this "
                                 f"process; restart to use {master}")
            return active
        builder = SparkSession.builder.master(master).appName("servicescape-analytics")
        if master.startswith("local"):   # this machine only: never listen beyond loopback
            builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        return (builder
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate())


def spark_from_parquet(directory: Path, master: str) -> Tables:
    manifest = read_manifest(directory)
    backend = ibis.pyspark.connect(spark_session(master))
    revenue = backend.read_parquet(str(directory / REVENUE_FILE), table_name="revenue")
    clients = backend.read_parquet(str(directory / CLIENTS_FILE), table_name="clients")
    packages = backend.read_parquet(str(directory / PACKAGES_FILE), table_name="packages")
    return Tables("spark", backend, revenue, clients, packages, manifest["reporting_currency"],
                  dict(manifest.get("unconverted") or {}))


@contextmanager
def spark_from_database(database_url: str, rates: dict[str, float], reporting_currency: str,
                        master: str) -> Iterator[Tables]:
    """Spark over a Parquet export of the database written to a temporary folder (removed after)."""
    folder = Path(tempfile.mkdtemp(prefix="servicescape-spark-"))
    try:
        export_parquet(database_url, rates, reporting_currency, folder)
        yield spark_from_parquet(folder, master)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
