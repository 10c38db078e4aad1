"""Import speed: the real import against the raw limit of the same rows, measured in the same run.

    .venv/bin/python benchmarks/import_clients.py [ROWS] [--repeat N] [--naive-rows N] [--keep DIR]

Writes a CSV of ROWS clients (default 1,000,000; ten columns of realistic multilingual data:
external id, name, e-mail, phone, country name, city, industry, segment, tier, created date),
then, ``--repeat`` times (default 3), each into a fresh SQLite file (WAL, synchronous=NORMAL, as
the product runs), alternating so that a change in the machine's load hits all of them alike:

1. raw, first load: the stdlib ``csv`` reader and a batched ``executemany`` INSERT of the same
   rows (a transaction per batch as large as the importer's) into a table made from the same
   model (``Client.__table__``: its columns and all its indexes), with the settings the importer
   uses for bulk writes, and no rules at all (cells stored as they come; the tier through a
   dict, for the table's CHECK);
2. raw, again: the same rows as ``INSERT … ON CONFLICT (external_id) DO UPDATE`` (all updates);
3. ``import_file`` (streamed, in batches, every rule), timed;
4. the same import again (every row matched and updated), timed.

Prints each run, the medians and the ratios import / raw (first load and re-import; the median
of the per-run ratios). ``--naive-rows N`` (default 0: skipped) also times the obvious
one-ORM-object-per-row import on the first N rows, extrapolated to the whole file. The goal is
a first import of 1,000,000 rows in at most 15 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.import_statements import SQLITE_BULK
from servicescape.clients.importing import BATCH_SIZE, import_file
from servicescape.clients.models import Client, ClientKind, ClientStatus, Tier
from servicescape.config import Settings
from servicescape.runtime import Runtime, open_runtime
from servicescape.tabular import normalise_country, parse_date

PLACES = [
    ("Malaysia", ["Kuala Lumpur", "Johor Bahru", "Pulau Pinang", "Ipoh", "Kuching"],
     ["Syarikat", "Perunding", "Akauntan", "Guaman", "Pemasaran"], ["Sdn Bhd", "Berhad", "Enterprise"]),
    ("България", ["София", "Пловдив", "Варна", "Бургас", "Русе"],
     ["Адвокатско дружество", "Счетоводна кантора", "Консултантска къща", "Архитектурно студио"],
     ["ООД", "ЕООД", "АД"]),
    ("中国", ["北京", "上海", "广州", "深圳", "杭州"], ["帷幄", "品牌", "专业服务", "质量管理"],
     ["咨询有限公司", "顾问", "工作室"]),
    ("臺灣", ["臺北", "高雄", "臺中", "新竹"], ["品牌營銷", "客戶服務", "優質服務"], ["顧問有限公司", "企業"]),
    ("Magyarország", ["Budapest", "Győr", "Pécs", "Debrecen", "Szeged"],
     ["Kővári és Társa", "Szűcs", "Erdős Tanácsadó", "Hőgyes Pénzügyi"], ["Kft.", "Bt.", "Zrt."]),
    ("United Kingdom", ["London", "Leeds", "Bristol"], ["Harbour", "Greenfield", "Northgate"],
     ["Ltd", "LLP", "& Partners"]),
]
INDUSTRIES = ["Law", "Accounting", "Consulting", "Architecture", "Marketing", "Engineering", "Finance"]
SEGMENTS = ["SME", "Enterprise", "Public sector", "Non-profit", "Start-up"]
TIERS = ["Key account", "Growth", "Standard", "A", "B", "C"]
HEADERS = ["External ID", "Company name", "Email", "Phone", "Country", "City", "Industry", "Segment",
           "Tier", "Created"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(1, rows + 1):
            country, cities, words, suffixes = PLACES[rng.randrange(len(PLACES))]
            name = f"{rng.choice(words)} {n} {rng.choice(suffixes)}"
            created = start + timedelta(days=rng.randrange(3650))
            writer.writerow([
                f"B-{n:07d}", name, f"office{n}@client{n % 977}.example", f"+60 3-{rng.randrange(10**7):07d}",
                country, rng.choice(cities), rng.choice(INDUSTRIES), rng.choice(SEGMENTS), rng.choice(TIERS),
                created.strftime("%d.%m.%Y"),
            ])


def fresh_runtime(directory: Path, name: str) -> Runtime:
    settings = Settings(mode="dev", data_dir=directory, database_url=f"sqlite:///{directory / name}")
    return open_runtime(settings)


def count(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(Client)) or 0


TIER_OF = {"keyaccount": Tier.key, "a": Tier.key, "growth": Tier.growth, "b": Tier.growth}


def naive_import(runtime: Runtime, path: Path, limit: int) -> int:
    """The obvious implementation: one query and one ORM object per row, commit every 1,000."""
    done = 0
    session = runtime.sessions()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if done >= limit:
                    break
                existing = session.scalar(select(Client).where(Client.external_id == row["External ID"]))
                client = existing or Client(external_id=row["External ID"])
                client.name = row["Company name"]
                client.email = row["Email"]
                client.phone = row["Phone"]
                client.country = normalise_country(row["Country"])
                client.city = row["City"]
                client.industry = row["Industry"]
                client.segment = row["Segment"]
                client.tier = TIER_OF.get(row["Tier"].lower().replace(" ", ""), Tier.standard)
                client.kind, client.status, client.custom_fields = ClientKind.organisation, ClientStatus.active, {}
                client.created_at = __import__("datetime").datetime.combine(
                    parse_date(row["Created"]), __import__("datetime").time(), __import__("datetime").UTC)
                session.add(client)
                done += 1
                if done % 1000 == 0:
                    session.commit()
        session.commit()
    finally:
        session.close()
    return done


RAW_COLUMNS = ["external_id", "name", "email", "phone", "country", "city", "industry", "segment", "tier",
               "created_at"]
RAW_CONSTANTS = {"kind": "organisation", "status": "active", "custom_fields": "{}"}
RAW_BATCH = BATCH_SIZE
#: the table's CHECK constraint wants a stored tier; the raw path looks the file's spellings up
STORED_TIER = {"Key account": "key", "A": "key", "Growth": "growth", "B": "growth", "Standard": "standard",
               "C": "standard"}


def raw_import(directory: Path, csv_path: Path) -> tuple[float, float]:
    """The raw limit: csv + executemany into a table like the client table, first load then upsert."""
    path = directory / "raw.db"
    for leftover in directory.glob("raw.db*"):
        leftover.unlink()
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", *(f"{k}={v}" for k, v in SQLITE_BULK.items())):
        connection.execute(f"PRAGMA {pragma}")
    dialect = sqlite_dialect.dialect()
    table = Client.__table__
    connection.execute(str(CreateTable(table).compile(dialect=dialect)))
    for index in table.indexes:
        connection.execute(str(CreateIndex(index).compile(dialect=dialect)))
    now = datetime.now(UTC).isoformat(" ")
    columns = [*RAW_COLUMNS, *RAW_CONSTANTS, "updated_at"]
    constants = (*RAW_CONSTANTS.values(), now)
    insert = f"INSERT INTO client ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    upsert = insert + " ON CONFLICT (external_id) DO UPDATE SET " + ", ".join(
        f"{name} = excluded.{name}" for name in columns if name != "external_id")
    times, tier = [], STORED_TIER
    for statement in (insert, upsert):
        started = time.perf_counter()
        with csv_path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            while batch := [(*row[:8], tier[row[8]], row[9], *constants)
                            for row in itertools.islice(rows, RAW_BATCH)]:
                connection.execute("BEGIN")
                connection.executemany(statement, batch)
                connection.execute("COMMIT")
        times.append(time.perf_counter() - started)
    (stored,) = connection.execute("SELECT count(*) FROM client").fetchone()
    connection.close()
    for leftover in directory.glob("raw.db*"):
        leftover.unlink()
    assert stored == sum(1 for _line in csv_path.open(encoding="utf-8")) - 1
    return times[0], times[1]


def real_import(directory: Path, csv_path: Path, rows: int) -> tuple[float, float]:
    """``import_file`` twice into a fresh database: the first load, then all updates."""
    for leftover in directory.glob("import.db*"):
        leftover.unlink()
    runtime = fresh_runtime(directory, "import.db")
    try:
        started = time.perf_counter()
        report = import_file(runtime, "clients", csv_path, by=SYSTEM)
        first = time.perf_counter() - started
        assert report.imported == rows and count(runtime) == rows, report.to_dict()
        started = time.perf_counter()
        again = import_file(runtime, "clients", csv_path, by=SYSTEM)
        second = time.perf_counter() - started
        assert again.updated == rows and count(runtime) == rows, again.to_dict()
    finally:
        runtime.close()
    return first, second


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-rows", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep the CSV and databases in this directory")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="ss-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = directory / "clients.csv"
        started = time.perf_counter()
        write_csv(csv_path, args.rows)
        print(f"wrote {args.rows:,} rows ({csv_path.stat().st_size / 2**20:,.0f} MiB) "
              f"in {time.perf_counter() - started:.1f} s")
        runs: list[tuple[float, float, float, float]] = []
        for run in range(1, args.repeat + 1):
            raw_first, raw_again = raw_import(directory, csv_path)
            first, again = real_import(directory, csv_path, args.rows)
            runs.append((raw_first, raw_again, first, again))
            print(f"run {run}: raw {raw_first:5.1f} s, raw upsert {raw_again:5.1f} s, import {first:5.1f} s "
                  f"({first / raw_first:.2f}x raw), re-import {again:5.1f} s ({again / raw_again:.2f}x raw)")
        raw_first, raw_again, first, again = (median(times) for times in zip(*runs, strict=True))
        ratio_first = median(run[2] / run[0] for run in runs)
        ratio_again = median(run[3] / run[1] for run in runs)
        n = args.rows
        print(f"medians of {len(runs)} runs, {n:,} rows:")
        print(f"raw csv+executemany : {raw_first:6.1f} s = {n / raw_first:>9,.0f} rows/s")
        print(f"import              : {first:6.1f} s = {n / first:>9,.0f} rows/s   import/raw = {ratio_first:.2f}")
        print(f"raw upsert          : {raw_again:6.1f} s = {n / raw_again:>9,.0f} rows/s")
        print(f"re-import (updates) : {again:6.1f} s = {n / again:>9,.0f} rows/s   re-import/raw upsert = "
              f"{ratio_again:.2f}")
        if args.naive_rows:
            baseline = fresh_runtime(directory, "naive.db")
            rows = min(args.naive_rows, n)
            started = time.perf_counter()
            naive_import(baseline, csv_path, rows)
            naive = time.perf_counter() - started
            assert count(baseline) == rows
            baseline.close()
            print(f"naive ORM           : {rows:,} rows in {naive:.1f} s = {rows / naive:,.0f} rows/s "
                  f"(extrapolated to {n:,} rows: {n * naive / rows:,.0f} s; import is {n * naive / rows / first:.0f}x "
                  "faster)")
        if n >= 1_000_000:
            print(f"goal                : 1,000,000 rows in at most 15 s: {'met' if first <= 15 else 'NOT met'}")
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
