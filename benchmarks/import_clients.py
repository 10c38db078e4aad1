"""Import speed: the batched importer against a naive one-ORM-object-per-row import, same run.

    .venv/bin/python benchmarks/import_clients.py [ROWS] [--baseline-rows N] [--keep DIR]

Writes a CSV of ROWS clients (default 1,000,000; ten columns of realistic multilingual data:
external id, name, e-mail, phone, country name, city, industry, segment, tier, created date),
then, each into a fresh SQLite file (WAL, synchronous=NORMAL, as the product runs):

1. ``import_file`` (streamed, batches of 5,000 rows, executemany), timed;
2. the same import again (every row matched and updated), timed;
3. the naive baseline on the first ``--baseline-rows`` rows (default 20,000): per row, look the
   client up by external id and add a ``Client`` ORM object; commit every 1,000 rows. Its
   rows/s are extrapolated to the whole file.

Prints rows/s for each and the ratio (batched / naive). The 60-second goal is for the first
import of 1,000,000 rows on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.importing import import_file
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
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

        runtime = fresh_runtime(directory, "batched.db")
        started = time.perf_counter()
        report = import_file(runtime, "clients", csv_path, by=SYSTEM)
        first = time.perf_counter() - started
        assert report.imported == args.rows and count(runtime) == args.rows, report.to_dict()
        started = time.perf_counter()
        again = import_file(runtime, "clients", csv_path, by=SYSTEM)
        second = time.perf_counter() - started
        assert again.updated == args.rows and count(runtime) == args.rows, again.to_dict()
        runtime.close()

        baseline = fresh_runtime(directory, "naive.db")
        rows = min(args.baseline_rows, args.rows)
        started = time.perf_counter()
        naive_import(baseline, csv_path, rows)
        naive = time.perf_counter() - started
        assert count(baseline) == rows
        baseline.close()

        fast_rate, again_rate, naive_rate = args.rows / first, args.rows / second, rows / naive
        print(f"batched import : {args.rows:>9,} rows in {first:6.1f} s = {fast_rate:>9,.0f} rows/s")
        print(f"re-import      : {args.rows:>9,} rows in {second:6.1f} s = {again_rate:>9,.0f} rows/s (all updates)")
        print(f"naive ORM      : {rows:>9,} rows in {naive:6.1f} s = {naive_rate:>9,.0f} rows/s "
              f"(extrapolated to {args.rows:,} rows: {args.rows / naive_rate:,.0f} s)")
        print(f"ratio          : batched / naive = {fast_rate / naive_rate:.1f}x")
        if args.rows >= 1_000_000:
            print(f"goal           : 1,000,000 rows under 60 s: {'met' if first < 60 else 'NOT met'}")
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
