"""The key-account review at 100,000 clients: the key accounts with the reviews their profiles record
(the plan capability's account profiles, read through the registry's hook "account_reviews"),
against the same read with the hook answering nothing, measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/key_accounts_speed.py [--clients N] [--repeat N]

**The firm** is the client portal benchmark's (``benchmarks/portal_speed.py``: the promise ledger's
firm of ``--clients`` clients with three years of invoices, and the portal's data), built or reused at
``/tmp/servicescape-portal-bench/firm-<clients>.db`` and copied to a work file, where every key
account (the clients bringing 80% of the last twelve months' revenue) gets an account profile with a
last review and, for two in three, a planned next review; a profile is written for as many other
clients too (what the hook must not read).

**Measured** in this process, median of ``--repeat`` runs each, alternating:

- *baseline*: ``relationships.accounts.key_accounts`` for all the key accounts (what the daily watch
  reads) with the hook answering nothing — the revenue ranking and the details without reviews;
- *with reviews*: the same read with the hook (one primary-key lookup per 5,000 accounts);
- *the page*: the key-accounts page's read, the first 50 accounts, with the hook;
- *the watch*: ``open_watch_tasks`` (the reviews due on the planned day, the new faces), in a
  transaction rolled back after each run.

Prints each time and its ratio to the baseline, and the query plan of the hook's statement: a full
scan of ``account_profile`` is flagged. The target: the hook adds at most 10% to the read (exits 1
otherwise, or on a full scan).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_speed as portal  # the firm's builder, next to this script

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client
from servicescape.config import Settings
from servicescape.plan import knowledge
from servicescape.plan.models import AccountProfile
from servicescape.relationships import accounts
from servicescape.runtime import open_runtime

MAX_RATIO = 1.10
SEED = 20261203


def add_profiles(runtime: Any, now: datetime, currency: str) -> int:
    """A profile with review dates for every key account, and as many profiles of other clients."""
    rng = random.Random(SEED)
    with runtime.transaction() as session:
        session.execute(text("DELETE FROM account_profile"))
        keys = [a.client_id for a in accounts.key_accounts(session, now=now, reporting_currency=currency,
                                                            by=SYSTEM).accounts]
        others = rng.sample(sorted(set(session.scalars(select(Client.id))) - set(keys)), len(keys))
        today = now.date()
        rows = [{"client_id": client_id, "last_review_on": today - timedelta(days=rng.randint(20, 300)),
                 "next_review_on": today + timedelta(days=rng.randint(1, 90)) if rng.random() < 2 / 3 else None,
                 "created_at": now, "updated_at": now}
                for client_id in keys + others]
        session.execute(insert(AccountProfile), rows)
    return len(keys)


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = Path(f"/tmp/servicescape-portal-bench/firm-{args.clients}.db")
    meta = portal.prepare(source, args.clients, 20 * args.clients)
    work = source.with_name(f"key-accounts-{args.clients}.db")
    shutil.copyfile(source, work)
    try:
        return measure(work, datetime.fromisoformat(meta["now"]), args.repeat)
    finally:
        work.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            work.with_name(work.name + suffix).unlink(missing_ok=True)


def measure(path: Path, now: datetime, repeat: int) -> int:
    os.environ.update(portal.settings_env(path))
    runtime = open_runtime(Settings(mode="dev"))
    try:
        currency, zone = runtime.settings.reporting_currency, runtime.settings.zone
        keys = add_profiles(runtime, now, currency)
        hooked = accounts.review_dates

        def read_all(reviews: bool) -> None:
            accounts.review_dates = hooked if reviews else (lambda _session, _ids: {})
            try:
                with runtime.transaction() as session:
                    found = accounts.key_accounts(session, now=now, reporting_currency=currency, by=SYSTEM)
                    assert len(found.accounts) == keys
                    with_dates = sum(a.last_review_on is not None for a in found.accounts)
                    assert with_dates == (keys if reviews else 0), with_dates
            finally:
                accounts.review_dates = hooked

        def read_page() -> None:
            with runtime.transaction() as session:
                found = accounts.key_accounts(session, now=now, reporting_currency=currency, page=1, per_page=50,
                                              by=SYSTEM)
                assert len(found.accounts) == min(50, keys)

        def watch() -> None:
            with runtime.sessions() as session:
                session.info["settings"] = runtime.settings
                accounts.open_watch_tasks(session, now=now, reporting_currency=currency, zone=zone, by=SYSTEM)
                session.rollback()

        runs: dict[str, list[float]] = {"baseline: all key accounts, no reviews": [],
                                        "all key accounts with reviews": [], "the page (50 with reviews)": [],
                                        "the daily watch (rolled back)": []}
        actions = [lambda: read_all(False), lambda: read_all(True), read_page, watch]
        for action in actions:
            action()                                        # warm: the page cache, compiled statements
        for _ in range(repeat):
            for times, action in zip(runs.values(), actions, strict=True):
                times.append(timed(action))
        with runtime.transaction() as session:
            ids = sorted(session.scalars(select(AccountProfile.client_id)))[:knowledge.CHUNK]
            plan = [row[-1] for row in session.execute(text(
                "EXPLAIN QUERY PLAN SELECT client_id, last_review_on, next_review_on FROM account_profile "
                f"WHERE client_id IN ({','.join(map(str, ids))}) AND "
                "(last_review_on IS NOT NULL OR next_review_on IS NOT NULL)"))]
    finally:
        runtime.close()
    base = statistics.median(runs["baseline: all key accounts, no reviews"])
    print(f"\n{keys:,} key accounts with a profile (and {keys:,} other profiles); median of {repeat} runs, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, on {date.today()}")
    print(f"{'':<40} {'ms':>9} {'x base':>7}")
    for label, times in runs.items():
        print(f"{label:<40} {statistics.median(times) * 1000:9.1f} {statistics.median(times) / base:7.3f}")
    print("the hook's statement: " + "; ".join(plan))
    ratio = statistics.median(runs["all key accounts with reviews"]) / base
    scan = any(line.startswith("SCAN account_profile") for line in plan)
    print(f"the reviews add {100 * (ratio - 1):.1f}% to the read (target ≤ {100 * (MAX_RATIO - 1):.0f}%): "
          f"{'met' if ratio <= MAX_RATIO and not scan else 'NOT met'}" + (" — FULL SCAN" if scan else ""))
    return int(ratio > MAX_RATIO or scan)


if __name__ == "__main__":
    sys.exit(main())
