"""The analytics end to end at scale: Pareto, RFM, cohorts and the BG/NBD summary, read straight from
the operational SQLite database, against the same pipeline in pandas, measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/analytics_speed.py [--clients N] [--invoices-per-client N] \\
        [--db-path PATH] [--repeat N] [--baseline-repeat N] [--save FILE]

The issue's target: on a 1,000,000-client / 10,000,000-invoice firm, the four analytics end to end from
the operational SQLite database in under 10 s on this 2-core machine, at least 3× faster than the same
pipeline in pandas, with a peak memory under 4 GB.

**The firm** (``--db-path``, default ``/tmp/servicescape-analytics-bench/firm-<clients>.db``; reused when
its side file ``PATH.json`` says it was built by this version of the script for the same sizes): the
schema by the real migrations (``open_runtime``), then ``executemany`` in large transactions (the large
tables' secondary indexes dropped during the load and made again from their own DDL, journal and sync
off only while building; WAL at the end, as the product runs it). The demo generator (``servicescape
demo``) is not used: it takes ~18 s for 10,000 clients and ~2.8 invoices each (a 1,000,000-client firm
would take about half an hour), so the firm is drawn here with numpy: ``--clients`` clients (3% key,
17% growth, 80% standard; 12% lost, whose invoices stop at a random day), first invoiced over five
years (more of them lately), in EUR (the reporting currency), USD, MYR (with exchange rates) and a few
in CHF (no rate: left out by both pipelines); a number of invoices per client heavy-tailed around
``--invoices-per-client`` (1 + Poisson of a gamma-distributed rate × the tier × the months active); a
log-normal spread of value per client (a Pareto-like concentration: the top 20% bring ~80%), 1.5%
credit notes; about 1.2 engagements per client on 12 service packages, 85% of the invoices of a client
with engagements on one of them. Invoice ids follow the issue dates, as in a real ledger.

**Measured**, each run in a fresh subprocess (its own peak memory, ``ru_maxrss``), the two pipelines
alternating (the database file read once first, so both find it in the page cache):

- *ours*: ``engines.duckdb_from_database`` (DuckDB's SQLite scanner copies the invoices, in EUR, and
  the clients into DuckDB), then ``reports.pareto`` (all history), ``reports.rfm_report`` (as of the
  build day, compared to 91 days before, the product's default), ``reports.cohort_report`` (all
  cohorts) and ``summary.purchases`` fetched as Arrow — median of ``--repeat`` runs;
- *pandas*: the same figures in pandas — the tables read with ``pandas.read_sql`` over Python's
  ``sqlite3`` (in chunks of 1,000,000 rows, each converted at once: dates parsed, currencies converted,
  so that the Python objects of one chunk at a time are alive), joined and computed with pandas/numpy
  (the same rules: ties by client id, mid-rank quintiles, same-day purchases merged, credit days out of
  the BG/NBD summary). It is a careful baseline, not a naive one: purchase days are grouped once and
  shared by RFM (both dates), cohorts and the summary, where the product groups them per report; the
  unused M score is not computed — median of ``--baseline-repeat`` runs.

Headline figures of both are compared (total revenue, Gini, key accounts, top shares, revenue and key
accounts per package, the Lorenz midpoint, RFM segment sizes and movement, cohort sizes and cells, the
summary's rows and sums of frequency, recency, age and monetary): OK / MISMATCH. Prints the row counts,
each pipeline's parts (load, pareto, rfm, cohorts, summary), end-to-end seconds, CPU seconds, peak
memory, the ratio pandas / ours (of wall time; of CPU time too), the machine's load average (on a
shared machine wall times grow with other work), and PASS/FAIL against the targets (< 10 s, ≥ 3×,
< 4 GB). Exits 1 when a target is missed or a check fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

TARGET_S, TARGET_RATIO, TARGET_PEAK_GB = 10.0, 3.0, 4.0
SEED = 20261203
#: bump when the built data change: a database built by another version is not reused
BUILD = 2
REPORTING = "EUR"
#: currency → (share of clients, worth of one unit in EUR or None: no rate, countries)
CURRENCIES: dict[str, tuple[float, float | None, tuple[str, ...]]] = {
    "EUR": (0.45, 1.0, ("DE", "HU", "BG", "FR", "NL", "AT")),
    "USD": (0.25, 0.92, ("US",)),
    "MYR": (0.295, 0.2, ("MY",)),
    "CHF": (0.005, None, ("CH",)),
}
TIERS = (("key", 0.03, 4.0, 6.0), ("growth", 0.17, 1.8, 2.0), ("standard", 0.80, 0.7, 1.0))  # share, rate×, value×
SEGMENTS = (("Industrial", 0.34), ("Commercial property", 0.2), ("Critical facilities", 0.16),
            ("Hospitality & education", 0.18), ("Private clients", 0.12))
LOST_SHARE = 0.12
YEARS = 5
PACKAGES = [(f"{service} – {level}", level, price) for service, base in
            (("Planned Maintenance", 4800), ("Response Desk", 2400), ("Energy & Comfort Audit", 6500),
             ("Commissioning & Handover", 9500)) for level, price in (("Essential", base), ("Professional", base * 2),
                                                                     ("Premier", base * 4))]
CREDIT_SHARE = 0.015
MOVEMENT_DAYS = 91          # the product's default RFM comparison (analytics.service.MOVEMENT_DAYS)
CHUNK = 1_000_000           # rows per executemany / per pandas read chunk
LARGE_TABLES = ("client", "invoice", "engagement")
EPOCH = date(1970, 1, 1)
PARTS = ("load", "pareto", "rfm", "cohorts", "summary")


# --- building the firm ----------------------------------------------------------------------------

def settings_for(path: Path) -> Any:
    from servicescape.config import Settings

    return Settings(mode="dev", data_dir=path.parent, database_url=f"sqlite:///{path}", run_jobs=False)


def _insert(connection: sqlite3.Connection, table: str, columns: str, rows: Any) -> None:
    names = [name.strip() for name in columns.split(",")]
    connection.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                           rows)


def _pick(rng: np.random.Generator, shares: list[float], size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(np.cumsum(shares), rng.random(size)), len(shares) - 1)


def _nullable(values: np.ndarray) -> list[int | None]:
    return [None if value < 0 else value for value in values.tolist()]


def build(path: Path, clients: int, per_client: float) -> dict[str, Any]:
    """Build the firm into ``path`` (through a temporary file: a failed build leaves nothing behind)."""
    from servicescape.runtime import open_runtime

    started = time.perf_counter()
    building = path.with_name(path.name + ".building")
    for leftover in path.parent.glob(building.name + "*"):
        leftover.unlink()
    today = datetime.now(UTC).date()
    open_runtime(settings_for(building)).close()   # the schema, by the real migrations
    connection = sqlite3.connect(building, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576", "foreign_keys=OFF",
                   "temp_store=MEMORY"):
        connection.execute(f"PRAGMA {pragma}")
    indexes = connection.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        f"({', '.join('?' * len(LARGE_TABLES))})", LARGE_TABLES).fetchall()
    connection.execute("BEGIN")
    for name, _sql in indexes:
        connection.execute(f'DROP INDEX "{name}"')

    rng = np.random.default_rng(SEED)
    base = today.toordinal() - EPOCH.toordinal() - YEARS * 365 - 2       # day numbers from here
    span = YEARS * 365 + 2                                                # ... up to today
    day_text = np.array([(EPOCH + timedelta(days=base + d)).isoformat() for d in range(span + 1)], dtype=object)
    stamp_text = np.array([f"{d} 09:00:00.000000" for d in day_text], dtype=object)
    codes = list(CURRENCIES)
    stamp = stamp_text[0]
    _insert(connection, "service_package", "id, name, level, list_price, currency, description, active, "
            "created_at, updated_at", [(n, name, level, price * 10_000, REPORTING, None, 1, stamp, stamp)
                                       for n, (name, level, price) in enumerate(PACKAGES, start=1)])
    _insert(connection, "exchange_rate", "currency, rate, created_at, updated_at",
            [(code, rate, stamp, stamp) for code, (_s, rate, _c) in CURRENCIES.items()
             if rate is not None and code != REPORTING])

    # clients
    tier = _pick(rng, [share for _n, share, _r, _v in TIERS], clients)
    currency = _pick(rng, [share for share, _r, _c in CURRENCIES.values()], clients)
    first = (np.sqrt(rng.random(clients)) * (span - 1)).astype(np.int64)         # more clients lately
    lost = rng.random(clients) < LOST_SHARE
    last = np.where(lost, first + (rng.random(clients) * (span - 1 - first)).astype(np.int64), span - 1)
    segment = _pick(rng, [share for _n, share in SEGMENTS], clients)
    countries = [CURRENCIES[code][2] for code in codes]
    country = [countries[c][int(u * len(countries[c]))] for c, u in
               zip(currency.tolist(), rng.random(clients).tolist(), strict=True)]
    tier_names = [name for name, _s, _r, _v in TIERS]
    segment_names = [name for name, _s in SEGMENTS]
    created = stamp_text[first]
    rows = ((n + 1, f"C-{n + 1:07d}", f"Client {n + 1} {segment_names[s].split()[0]} Ltd", "organisation",
             country[n], segment_names[s], tier_names[t], "lost" if gone else "active", "{}", made, made)
            for n, (s, t, gone, made) in enumerate(zip(segment.tolist(), tier.tolist(), lost.tolist(),
                                                       created.tolist(), strict=True)))
    _insert(connection, "client", "id, external_id, name, kind, country, segment, tier, status, custom_fields, "
            "created_at, updated_at", rows)
    print(f"  {clients:,} clients ({time.perf_counter() - started:.0f} s)", flush=True)

    # engagements: 0-3 per client, on the service packages
    engaged = _pick(rng, [0.3, 0.35, 0.25, 0.1], clients)
    engagement_first = np.concatenate(([1], 1 + np.cumsum(engaged)[:-1]))    # the client's first engagement id
    engagements = int(engaged.sum())
    owner = np.repeat(np.arange(clients), engaged)
    package = rng.integers(1, len(PACKAGES) + 1, engagements)
    starts = first[owner] + (rng.random(engagements) * (last[owner] - first[owner])).astype(np.int64)
    ends = np.minimum(starts + 30 + rng.integers(0, 335, engagements), span)
    for low in range(0, engagements, CHUNK):
        high = min(low + CHUNK, engagements)
        begin, end = starts[low:high], ends[low:high]
        rows = zip(range(low + 1, high + 1), (owner[low:high] + 1).tolist(), package[low:high].tolist(),
                   day_text[begin].tolist(), day_text[end].tolist(),
                   np.where(end < span - 1, "completed", "active").tolist(),
                   [codes[c] for c in currency[owner[low:high]].tolist()], stamp_text[begin].tolist(), strict=True)
        _insert(connection, "engagement", "id, client_id, package_id, start_date, end_date, status, currency, "
                "created_at, updated_at", ((*row, row[-1]) for row in rows))
    print(f"  {engagements:,} engagements ({time.perf_counter() - started:.0f} s)", flush=True)

    # invoices: how many per client, when, how much
    tier_rate = np.array([rate for _n, _s, rate, _v in TIERS])[tier]
    months = (last - first + 30) / 30.4
    raw = tier_rate * rng.gamma(1.5, 1.0, clients) * months
    count = 1 + rng.poisson(raw * ((per_client - 1) / raw.mean()))
    invoices = int(count.sum())
    client = np.repeat(np.arange(clients), count)
    day = first[client] + (rng.random(invoices) * (last[client] - first[client] + 1)).astype(np.int64)
    opening = np.concatenate(([0], np.cumsum(count)[:-1]))
    day[opening] = first                       # each client's first invoice on its first day
    value = (np.exp(rng.normal(np.log(900.0), 0.7, clients)) * np.array([v for *_x, v in TIERS])[tier])[client]
    eur = value * np.exp(rng.normal(0.0, 0.35, invoices))
    credit = rng.random(invoices) < CREDIT_SHARE
    eur = np.where(credit, -eur * rng.uniform(0.1, 1.0, invoices), eur)
    rate = np.array([r if r is not None else 1.1 for _s, r, _c in CURRENCIES.values()])[currency[client]]
    amount = np.rint(eur / rate * 100).astype(np.int64) * 100        # whole cents, in 1/10,000 units
    has = engaged[client] > 0
    engagement = np.where(has & (rng.random(invoices) < 0.85),
                          engagement_first[client] + (rng.random(invoices) * engaged[client]).astype(np.int64), -1)
    order = np.argsort(day, kind="stable")                      # invoice ids in the order they were issued
    del value, eur, credit, rate, has
    for low in range(0, invoices, CHUNK):
        pick = order[low:low + CHUNK]
        when = day[pick]
        rows = zip(range(low + 1, low + 1 + len(pick)), (client[pick] + 1).tolist(), _nullable(engagement[pick]),
                   day_text[when].tolist(), amount[pick].tolist(), [codes[c] for c in currency[client[pick]].tolist()],
                   stamp_text[when].tolist(), strict=True)
        _insert(connection, "invoice", "id, client_id, engagement_id, issued_on, amount, currency, created_at, "
                "updated_at", ((*row, row[-1]) for row in rows))
        print(f"  {min(low + CHUNK, invoices):,} / {invoices:,} invoices ({time.perf_counter() - started:.0f} s)",
              flush=True)
    del client, day, amount, engagement, order
    for _name, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode=WAL")   # as the product runs it
    connection.close()
    print(f"  indexes made again ({time.perf_counter() - started:.0f} s)", flush=True)
    meta = {"today": today.isoformat(), "clients": clients, "invoices_per_client": per_client, "seed": SEED,
            "build": BUILD, "built_in_s": round(time.perf_counter() - started, 1),
            "counts": {"client": clients, "engagement": engagements, "invoice": invoices}}
    building.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    path.with_name(path.name + ".json").write_text(json.dumps(meta, indent=2))
    return meta


def prepare(path: Path, clients: int, per_client: float) -> dict[str, Any]:
    side = path.with_name(path.name + ".json")
    if path.exists():
        meta = json.loads(side.read_text()) if side.exists() else {}
        if meta.get("clients") == clients and meta.get("invoices_per_client") == per_client and \
                meta.get("build") == BUILD:
            print(f"reusing {path} (built on {meta['today']} in {meta['built_in_s']:.0f} s)", flush=True)
            return meta
        sys.exit(f"{path} exists but was not built by this version of the script for {clients:,} clients and "
                 f"{per_client:g} invoices per client (see {side}): remove it or give another --db-path")
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path}: {clients:,} clients, ~{per_client:g} invoices each ...", flush=True)
    meta = build(path, clients, per_client)
    print(f"built in {meta['built_in_s']:.0f} s", flush=True)
    return meta


# --- the two pipelines (each runs in a subprocess of its own) ----------------------------------------

def read_rates(path: Path) -> dict[str, float]:
    """As ``offerings.rates``: the stored rates, and the reporting currency at 1."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        found = {currency: float(rate) for currency, rate in connection.execute(
            "SELECT currency, rate FROM exchange_rate")}
    found[REPORTING] = 1.0
    return found


def ours(path: Path, today: date) -> tuple[dict[str, float], dict[str, Any]]:
    from servicescape.analytics import engines, reports, summary

    times: dict[str, float] = {}
    moment = time.perf_counter()
    tables = engines.duckdb_from_database(f"sqlite:///{path}", read_rates(path), REPORTING)
    times["load"] = time.perf_counter() - moment
    moment = time.perf_counter()
    pareto = reports.pareto(tables, since=None, until=today)
    times["pareto"] = time.perf_counter() - moment
    moment = time.perf_counter()
    rfm = reports.rfm_report(tables, as_of=today, compare_to=today - timedelta(days=MOVEMENT_DAYS))
    times["rfm"] = time.perf_counter() - moment
    moment = time.perf_counter()
    cohorts = reports.cohort_report(tables, until=today)
    times["cohorts"] = time.perf_counter() - moment
    moment = time.perf_counter()
    bgnbd = tables.arrow(summary.purchases_of_days(tables.purchase_days(today), until=today))
    times["summary"] = time.perf_counter() - moment

    overall = pareto["overall"]
    lorenz = dict(enumerate(pareto["lorenz"], start=1))
    columns = {name: bgnbd.column(name).to_numpy() for name in ("frequency", "recency", "age", "monetary")}
    figures = {
        "unconverted invoices": sum(tables.unconverted.values()),
        "clients with revenue": overall["clients"], "revenue": overall["revenue"], "gini": overall["gini"],
        "key accounts": overall["key_clients"], "key revenue": overall["key_revenue"],
        **{f"top {p}% share": overall["top_shares"][str(p)] for p in (1, 20)},
        "Lorenz at 50%": lorenz[50][1],
        "revenue by package": {row["group"] or "-": row["revenue"] for row in pareto["by"]["package"]},
        "key accounts by package": {row["group"] or "-": row["key_clients"] for row in pareto["by"]["package"]},
        "revenue by year": {row["group"]: row["revenue"] for row in pareto["by"]["year"]},
        "key accounts by segment": {row["group"]: row["key_clients"] for row in pareto["by"]["segment"]},
        "first key account": [pareto["key_accounts"][0]["client_id"], pareto["key_accounts"][0]["name"]],
        "key accounts listed": len(pareto["key_accounts"]),
        "RFM clients": rfm["clients"],
        "RFM segments": {row["segment"]: row["clients"] for row in rfm["segments"] if row["clients"]},
        "RFM grid cells": len(rfm["grid"]),
        "RFM movement": {f"{row['from']}>{row['to']}": row["clients"] for row in rfm["movement"]},
        "cohorts": len(cohorts["cohorts"]),
        "cohort sizes": [cohort["size"] for cohort in cohorts["cohorts"]],
        "cohort cells": sum(len(cohort["months"]) for cohort in cohorts["cohorts"]),
        "cohort active client-months": sum(m["clients"] for cohort in cohorts["cohorts"] for m in cohort["months"]),
        "BG/NBD clients": bgnbd.num_rows,
        **{f"BG/NBD sum of {name}": float(values.sum()) for name, values in columns.items()},
    }
    return times, figures


def _pd_concentration(per: Any, by: str | None, share: float = 0.8) -> tuple[Any, Any]:
    """Per group (``by`` integer codes, -1 = none) the concentration figures, and ``per`` ranked."""
    import pandas as pd

    keys = [by] if by else []
    per = per.sort_values([*keys, "revenue", "client_id"], ascending=[*([True] * len(keys)), False, True],
                          ignore_index=True)
    revenue = per["revenue"].to_numpy()
    if by:
        grouped = per.groupby(by, sort=False)
        rank = grouped.cumcount().to_numpy() + 1
        cumulative = grouped["revenue"].cumsum().to_numpy()
        total = grouped["revenue"].transform("sum").to_numpy()
        clients = grouped["revenue"].transform("size").to_numpy()
        group = per[by].to_numpy()
    else:
        rank = np.arange(1, len(per) + 1)
        cumulative = np.cumsum(revenue)
        total = np.full(len(per), revenue.sum())
        clients = np.full(len(per), len(per))
        group = np.zeros(len(per), dtype=np.int64)
    key = (cumulative - revenue) < share * total
    frame = pd.DataFrame({"group": group, "revenue": revenue, "weighted": rank * revenue, "key": key,
                          "key_revenue": np.where(key, revenue, 0.0),
                          **{f"top_{p}": np.where(rank <= (clients * p + 99) // 100, revenue, 0.0)
                             for p in (1, 5, 10, 20, 50)}})
    out = frame.groupby("group").agg(
        clients=("revenue", "size"), revenue=("revenue", "sum"), weighted=("weighted", "sum"),
        key_clients=("key", "sum"), key_revenue=("key_revenue", "sum"),
        **{f"top_{p}": (f"top_{p}", "sum") for p in (1, 5, 10, 20, 50)})
    n = out["clients"].astype("float64")
    out["gini"] = (n + 1) / n - 2 * out["weighted"] / (n * out["revenue"])
    for p in (1, 5, 10, 20, 50):
        out[f"top_{p}"] = out[f"top_{p}"] / out["revenue"]
    ranked = per.assign(rank=rank, cumulative=cumulative, total=total, clients=clients, key=key)
    return out, ranked


def _pd_scores(days: Any, as_of: Any) -> Any:
    """RFM scores (recency, frequency) and segment per client, from the purchase days."""
    from servicescape.analytics.rfm import SEGMENTS

    days = days[days["issued_on"] <= as_of]
    bought = days["amount"] >= 0               # a purchase: a day whose invoices are not a net credit
    days = days.assign(bought=bought, bought_on=days["issued_on"].where(bought))
    per = days.groupby("client_id", sort=False).agg(last_on=("bought_on", "max"), frequency=("bought", "sum"),
                                                    monetary=("amount", "sum"))   # credit notes included
    per = per[per["frequency"] > 0]
    per["recency"] = (as_of - per["last_on"]).dt.days
    n = len(per)

    def score(column: Any, smaller_is_better: bool) -> Any:
        worse = (-column if smaller_is_better else column).rank(method="min").to_numpy(np.int64) - 1
        same = column.map(column.value_counts()).to_numpy(np.int64)
        return np.minimum(1 + (5 * (2 * worse + same)) // (2 * n), 5)

    per["r"] = score(per["recency"], smaller_is_better=True)
    per["f"] = score(per["frequency"], smaller_is_better=False)
    names = np.full(36, "other", dtype=object)
    for name, rs, fs in SEGMENTS:
        for r in rs:
            for f in fs:
                names[r * 6 + f] = name
    per["segment"] = names[per["r"].to_numpy() * 6 + per["f"].to_numpy()]
    return per


def pandas_pipeline(path: Path, today: date) -> tuple[dict[str, float], dict[str, Any]]:
    import pandas as pd

    times: dict[str, float] = {}
    moment = time.perf_counter()
    rates = read_rates(path)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    packages = pd.read_sql("SELECT e.id, p.name FROM engagement e JOIN service_package p ON p.id = e.package_id",
                           connection, index_col="id")["name"].astype("category")
    package_code = pd.Series(packages.cat.codes.to_numpy(), index=packages.index)
    chunks, unconverted = [], 0
    for chunk in pd.read_sql("SELECT client_id, engagement_id, issued_on, amount, currency FROM invoice",
                             connection, chunksize=CHUNK):
        rate = chunk["currency"].map(rates)
        unconverted += int(rate.isna().sum())
        keep = rate.notna().to_numpy()
        chunks.append(pd.DataFrame({
            "client_id": chunk["client_id"].to_numpy()[keep],
            "issued_on": pd.to_datetime(chunk["issued_on"][keep], format="%Y-%m-%d").to_numpy(),
            "amount": chunk["amount"].to_numpy()[keep] / 10_000 * rate.to_numpy()[keep],
            "package": chunk["engagement_id"][keep].map(package_code).fillna(-1).to_numpy(np.int64),  # -1: none
        }))
        del chunk, rate
    invoices = pd.concat(chunks, ignore_index=True)
    del chunks
    clients = pd.read_sql("SELECT id AS client_id, name, tier, segment, country AS market, status FROM client",
                          connection)
    connection.close()
    for column in ("tier", "segment", "market", "status"):
        clients[column] = clients[column].astype("category")
    invoices = invoices.merge(pd.DataFrame({"client_id": clients["client_id"],
                                            "segment": clients["segment"].cat.codes,
                                            "market": clients["market"].cat.codes}), on="client_id")
    times["load"] = time.perf_counter() - moment

    # Pareto: overall, the Lorenz curve, per year / segment / market / package, the key accounts
    moment = time.perf_counter()
    until = pd.Timestamp(today)
    revenue = invoices[invoices["issued_on"] <= until]
    per = revenue.groupby("client_id", as_index=False, sort=False)["amount"].sum().rename(columns={"amount": "revenue"})
    per = per[per["revenue"] > 0]
    overall, ranked = _pd_concentration(per, None)
    n = len(ranked)
    up = n + 1 - ranked["rank"].to_numpy()
    below = ranked["total"].to_numpy() - ranked["cumulative"].to_numpy() + ranked["revenue"].to_numpy()
    lorenz = pd.DataFrame({"point": (up * 100 + n - 1) // n, "up": up, "below": below}).groupby("point").agg(
        up=("up", "max"), below=("below", "max"))
    lorenz = pd.DataFrame({"clients_share": lorenz["up"] / n, "revenue_share": lorenz["below"] / below.max()})
    by: dict[str, Any] = {}
    labels = {"year": None, "segment": clients["segment"].cat.categories,
              "market": clients["market"].cat.categories, "package": packages.cat.categories}
    for grouping, names in labels.items():
        key = revenue["issued_on"].dt.year.rename("year") if grouping == "year" else revenue[grouping]
        grouped = revenue.groupby([revenue["client_id"], key], sort=False)["amount"].sum().reset_index()
        grouped = grouped[grouped["amount"] > 0].rename(columns={"amount": "revenue"})
        table, _ranked = _pd_concentration(grouped, grouping)
        table.index = [str(code) if names is None else "-" if code < 0 else names[code] for code in table.index]
        by[grouping] = table.sort_values("revenue", ascending=False)
    keys = ranked[ranked["key"]].head(100).merge(clients[["client_id", "name", "tier"]], on="client_id", how="left")
    times["pareto"] = time.perf_counter() - moment

    # RFM: purchase days (invoices of a day count once), scores, grid, segments, movement
    moment = time.perf_counter()
    days = revenue.groupby(["client_id", "issued_on"], as_index=False)["amount"].sum()   # sorted by both
    scored = _pd_scores(days, until)
    grid = scored.groupby(["r", "f"]).agg(clients=("frequency", "size"), revenue=("monetary", "sum"))
    segments = scored.groupby("segment").agg(clients=("frequency", "size"), revenue=("monetary", "sum"),
                                             recency=("recency", "mean"), frequency=("frequency", "mean"))
    before = _pd_scores(days, until - pd.Timedelta(days=MOVEMENT_DAYS))["segment"]
    moved = pd.DataFrame({"to": scored["segment"], "from": before.reindex(scored.index).fillna("none")})
    movement = moved.groupby(["from", "to"]).size()
    times["rfm"] = time.perf_counter() - moment

    # cohorts: clients by the month of their first purchase, still buying each later month
    moment = time.perf_counter()
    stamp = days["issued_on"]
    active = days.assign(month=stamp.dt.year * 12 + stamp.dt.month - 1).groupby(
        ["client_id", "month"], as_index=False, sort=False)["amount"].sum()
    active = active[active["amount"] >= 0]     # a month of credit notes only is no purchase
    active["cohort"] = active.groupby("client_id")["month"].transform("min")
    active["offset"] = active["month"] - active["cohort"]
    sizes = active[active["offset"] == 0].groupby("cohort").size().rename("size")
    cells = active.groupby(["cohort", "offset"]).agg(clients=("client_id", "size"), revenue=("amount", "sum"))
    cells = cells.join(sizes, on="cohort")
    opening = cells.xs(0, level="offset")["revenue"].replace(0.0, np.nan)
    cells["retention"] = cells["clients"] / cells["size"]
    cells["revenue_retention"] = cells["revenue"] / opening.reindex(cells.index.get_level_values("cohort")).to_numpy()
    times["cohorts"] = time.perf_counter() - moment

    # the BG/NBD summary: purchase days with a positive sum
    moment = time.perf_counter()
    bought = days[days["amount"] >= 0]
    grouped = bought.groupby("client_id", sort=False)
    bgnbd = grouped.agg(first_on=("issued_on", "min"), last_on=("issued_on", "max"), count=("issued_on", "size"),
                        total=("amount", "sum"), opening=("amount", "first"))    # days sorted: first = first day
    bgnbd["frequency"] = bgnbd["count"] - 1
    bgnbd["recency"] = (bgnbd["last_on"] - bgnbd["first_on"]).dt.days
    bgnbd["age"] = (until - bgnbd["first_on"]).dt.days
    bgnbd["monetary"] = np.where(bgnbd["frequency"] > 0, (bgnbd["total"] - bgnbd["opening"])
                                 / np.maximum(bgnbd["frequency"], 1), 0.0)
    times["summary"] = time.perf_counter() - moment

    row = overall.iloc[0]
    lorenz_half = lorenz.loc[50]
    figures = {
        "unconverted invoices": unconverted,
        "clients with revenue": int(row["clients"]), "revenue": round(float(row["revenue"]), 2),
        "gini": round(float(row["gini"]), 6), "key accounts": int(row["key_clients"]),
        "key revenue": round(float(row["key_revenue"]), 2),
        **{f"top {p}% share": round(float(row[f"top_{p}"]), 6) for p in (1, 20)},
        "Lorenz at 50%": round(float(lorenz_half["revenue_share"]), 6),
        "revenue by package": {group: round(float(value), 2) for group, value in by["package"]["revenue"].items()},
        "key accounts by package": {group: int(value) for group, value in by["package"]["key_clients"].items()},
        "revenue by year": {group: round(float(value), 2) for group, value in by["year"]["revenue"].items()},
        "key accounts by segment": {group: int(value) for group, value in by["segment"]["key_clients"].items()},
        "first key account": [int(keys["client_id"].iloc[0]), keys["name"].iloc[0]],
        "key accounts listed": len(keys),
        "RFM clients": int(segments["clients"].sum()),
        "RFM segments": {name: int(value) for name, value in segments["clients"].items()},
        "RFM grid cells": len(grid),
        "RFM movement": {f"{a}>{b}": int(value) for (a, b), value in movement.items()},
        "cohorts": len(sizes),
        "cohort sizes": [int(value) for value in sizes.sort_index()],
        "cohort cells": len(cells),
        "cohort active client-months": int(cells["clients"].sum()),
        "BG/NBD clients": len(bgnbd),
        **{f"BG/NBD sum of {name}": float(bgnbd[name].sum()) for name in ("frequency", "recency", "age", "monetary")},
    }
    return times, figures


def worker(pipeline: str, path: Path, today: date) -> None:
    """One run of one pipeline; prints a JSON line: part times, figures, peak memory and CPU."""
    moment = time.perf_counter()
    if pipeline == "ours":
        import servicescape.analytics.reports  # the import, timed apart
    else:
        import pandas  # noqa: F401

        import servicescape.analytics.rfm  # noqa: F401 - the segment map (imports ibis)
    imported = time.perf_counter() - moment
    gc.collect()
    run = ours if pipeline == "ours" else pandas_pipeline
    times, figures = run(path, today)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"times": times, "import": imported, "figures": figures,
                      "peak_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}))


# --- the comparison -----------------------------------------------------------------------------------

def run_once(pipeline: str, path: Path, today: date) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", pipeline, "--db-path", str(path),
                           "--today", today.isoformat()], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the {pipeline} run failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["total"] = sum(result["times"].values())
    return result


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= max(2e-6, 1e-9 * max(abs(float(a)), abs(float(b))))
    return bool(a == b)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_short(item)}" for key, item in list(value.items())[:4]) + \
            (", …" if len(value) > 4 else "") + f"}} ({len(value)})"
    if isinstance(value, list) and len(value) > 6:
        return f"[{', '.join(map(str, value[:3]))}, …, {', '.join(map(str, value[-2:]))}] ({len(value)})"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 10 else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def warm(path: Path) -> None:
    """Read the database file once, so that both pipelines find it in the page cache."""
    with path.open("rb") as file:
        while file.read(1 << 24):
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--invoices-per-client", type=float, default=10.0)
    parser.add_argument("--db-path", type=Path, help="the SQLite file (built when missing; default "
                        "/tmp/servicescape-analytics-bench/firm-<clients>.db)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of our pipeline (the median is reported)")
    parser.add_argument("--baseline-repeat", type=int, default=None, help="runs of the pandas pipeline "
                        "(default: --repeat)")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--worker", choices=("ours", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.db_path or Path(f"/tmp/servicescape-analytics-bench/firm-{args.clients}.db")
    if args.worker:
        worker(args.worker, path, args.today)
        return 0
    meta = prepare(path, args.clients, args.invoices_per_client)
    today = date.fromisoformat(meta["today"])
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("client", "invoice", "engagement")}
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.suffix != ".json")
    print(f"database {path}: {size / 2**20:,.0f} MiB; {counts['client']:,} clients, {counts['invoice']:,} invoices, "
          f"{counts['engagement']:,} engagements; as of {today} (built in {meta['built_in_s']:.0f} s)", flush=True)
    warm(path)
    loads = os.getloadavg()

    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "pandas": []}
    baseline_repeat = args.repeat if args.baseline_repeat is None else args.baseline_repeat
    for n in range(max(args.repeat, baseline_repeat)):   # alternating: a change in the machine's load hits both
        for pipeline, times in (("ours", args.repeat), ("pandas", baseline_repeat)):
            if n < times:
                result = run_once(pipeline, path, today)
                runs[pipeline].append(result)
                print(f"run {n + 1} {pipeline:<6}: {result['total']:6.2f} s (" +
                      ", ".join(f"{part} {result['times'][part]:.2f}" for part in PARTS) +
                      f"); import {result['import']:.2f} s; CPU {result['cpu_s']:.1f} s; "
                      f"peak {result['peak_mb']:,.0f} MB", flush=True)

    summary: dict[str, Any] = {}
    for pipeline, results in runs.items():
        summary[pipeline] = {"total_s": median(r["total"] for r in results),
                             "parts_s": {part: median(r["times"][part] for r in results) for part in PARTS},
                             "import_s": median(r["import"] for r in results),
                             "cpu_s": median(r["cpu_s"] for r in results),
                             "peak_mb": max(r["peak_mb"] for r in results), "runs": len(results)}
    ours_, theirs = summary["ours"], summary["pandas"]
    ratio = theirs["total_s"] / ours_["total_s"]
    compute = (theirs["total_s"] - theirs["parts_s"]["load"]) / (ours_["total_s"] - ours_["parts_s"]["load"])

    print("\nheadline figures (ours | pandas):")
    mine, other = runs["ours"][0]["figures"], runs["pandas"][0]["figures"]
    agree = True
    for name in mine:
        same = _close(mine[name], other.get(name))
        agree &= same
        print(f"  {'OK      ' if same else 'MISMATCH'} {name:<28} {_short(mine[name])}" +
              ("" if same else f"  |  {_short(other.get(name))}"))

    print(f"\n{counts['client']:,} clients, {counts['invoice']:,} invoices ({counts['engagement']:,} engagements)")
    print(f"{'':<10}{'total s':>9}" + "".join(f"{part:>9}" for part in PARTS) +
          f"{'CPU s':>8}{'peak MB':>9}{'import s':>10}  runs")
    for pipeline, row in summary.items():
        print(f"{pipeline:<10}{row['total_s']:>9.2f}" + "".join(f"{row['parts_s'][part]:>9.2f}" for part in PARTS) +
              f"{row['cpu_s']:>8.1f}{row['peak_mb']:>9,.0f}{row['import_s']:>10.2f}  {row['runs']}")
    print(f"ratio pandas / ours: {ratio:.1f}x end to end; {theirs['parts_s']['load'] / ours_['parts_s']['load']:.1f}x "
          f"the load; {compute:.1f}x the four analytics after it; {theirs['cpu_s'] / ours_['cpu_s']:.1f}x in CPU "
          f"seconds (the whole subprocess)")
    print(f"load average (1 min) of the machine: {loads[0]:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"(above ~0.5, other work shared the 2 cores: wall times are longer than on an idle machine)")
    peak_gb = ours_["peak_mb"] / 1024
    verdicts = {f"end to end < {TARGET_S:g} s": ours_["total_s"] < TARGET_S,
                f"pandas / ours >= {TARGET_RATIO:g}x": ratio >= TARGET_RATIO,
                f"peak memory < {TARGET_PEAK_GB:g} GB ({peak_gb:.2f} GB)": peak_gb < TARGET_PEAK_GB,
                "same figures as pandas": agree}
    for name, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if args.save:
        args.save.write_text(json.dumps({"clients": counts["client"], "invoices": counts["invoice"],
                                         "today": today.isoformat(), "built_in_s": meta["built_in_s"],
                                         "summary": summary, "ratio": ratio, "figures_agree": agree,
                                         "verdicts": verdicts, "runs": runs}, indent=2, default=str))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
