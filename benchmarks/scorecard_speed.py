"""The scorecard and the client health at 100,000 clients: every measure's figure for the 90 days to
now and the 90 days before, scored, against a per-client Python baseline of three of its figures; every
client's health, against computing it client by client; measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/scorecard_speed.py [--clients N] [--repeat N]

**The firm** is the client portal benchmark's (``benchmarks/portal_speed.py``: the promise ledger's
firm of ``--clients`` clients, 20 promises each over three years, invoices, interactions, complaints,
survey campaigns and the portal's data), built or reused at
``/tmp/servicescape-portal-bench/firm-<clients>.db`` and read in place (nothing is written).

**Measured** in this process, median of ``--repeat`` runs:

- *the scorecard*: ``scorecard.service.scorecard`` for the 90 days to the firm's "now" (both periods,
  every measure, the scores, the elements and goals);
- *each measure* once, for the 90 days to now: where the time goes;
- *baseline*: promises kept on time, complaints answered on time and contact cadence kept, computed
  the obvious way — the period's rows loaded and counted per client in Python — checked against the
  scorecard's figures.

- *the health of every client*: ``scorecard.health.scores`` (seven parts now and 90 days before for
  every active client, set-based), and ``health.refresh`` (the same, kept in ``scorecard_client_health``;
  rolled back, the benchmark writes nothing);
- *health baseline*: ``health.of_client`` for a sample of ``--sample`` clients one by one (the same
  parts' queries for one client), extrapolated to all of them; the sample's scores must equal the
  set-based ones.

Prints the times, the ratios against the baselines, and whether the scorecard and the health are under
the issue's 5 s each (exits 1 when not, or when a figure differs from its baseline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_speed as portal  # the firm's builder, next to this script

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.models import Client, ClientStatus, Interaction
from servicescape.config import Settings
from servicescape.promises.models import Complaint, Promise, PromiseStatus
from servicescape.relationships import service as relationships
from servicescape.runtime import open_runtime
from servicescape.scorecard import catalogue, figures, health, service

TARGET_S = 5.0


#: the health list's pages measured: the first, a risk level, the steepest fall, pages deep in the list
#: (and one owner's clients, added at run time)
LISTS: dict[str, dict[str, Any]] = {"first page": {}, "high risk": {"risk": "high"},
                                    "steepest fall": {"sort": "change"}, "page 1,000": {"page": 1000},
                                    "steepest fall, page 1,000": {"sort": "change", "page": 1000}}


def naive_list(session: Any) -> list[Any]:
    """The list's first page the obvious way: every kept row loaded, sorted in Python."""
    from servicescape.clients.models import Tier
    from servicescape.scorecard.models import ClientHealth

    rows = session.execute(select(ClientHealth.client_id, ClientHealth.score, ClientHealth.risk_rank, Client.tier,
                                  Client.name).join(Client, Client.id == ClientHealth.client_id)).all()
    rows.sort(key=lambda r: (r.tier != Tier.key, r.risk_rank, r.score is None, r.score or 0, r.client_id))
    return rows[:50]


class Undo(Exception):
    """Raised to roll back what a measurement wrote."""


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def baseline(session: Any, since: datetime, until: datetime) -> dict[str, float]:
    """The three figures the obvious way: rows loaded, counted per client in Python."""
    per_client: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for client_id, status in session.execute(
            select(Promise.client_id, Promise.status)
            .where(Promise.window_end >= since, Promise.window_end < until)):
        if status == PromiseStatus.cancelled:
            continue
        per_client[client_id][1] += 1
        per_client[client_id][0] += status == PromiseStatus.kept
    kept = 100.0 * sum(k for k, _n in per_client.values()) / max(1, sum(n for _k, n in per_client.values()))
    answered = total = 0
    for due, first in session.execute(
            select(Complaint.response_due_at, Complaint.first_response_at)
            .where(Complaint.received_at >= since, Complaint.received_at < until)):
        if due <= until:
            total += 1
            answered += first is not None and first <= due
    every = relationships.cadence(session)
    last: dict[int, datetime] = {}
    for client_id, occurred in session.execute(select(Interaction.client_id, Interaction.occurred_at)
                                               .where(Interaction.occurred_at < until)):
        if client_id not in last or occurred > last[client_id]:
            last[client_id] = occurred
    active = contacted = 0
    for client_id, tier, created in session.execute(select(Client.id, Client.tier, Client.created_at)
                                                    .where(Client.status == ClientStatus.active)):
        active += 1
        seen = last.get(client_id, created)
        contacted += seen >= until - timedelta(days=every[tier])
    return {"promises_kept_on_time": kept, "complaint_response_on_time": 100.0 * answered / max(1, total),
            "cadence_adherence": 100.0 * contacted / max(1, active)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=300, help="clients of the health baseline")
    args = parser.parse_args()
    path = Path(f"/tmp/servicescape-portal-bench/firm-{args.clients}.db")
    meta = portal.prepare(path, args.clients, 20 * args.clients)
    now = datetime.fromisoformat(meta["now"])
    os.environ.update(portal.settings_env(path))
    runtime = open_runtime(Settings(mode="dev"))
    settings = runtime.settings
    since = now - timedelta(days=90)
    window = figures.Window(since, now, settings.zone, settings.reporting_currency)
    try:
        with runtime.transaction() as session:
            found = service.scorecard(session, settings, period=None, now=now, by=SYSTEM)    # warm
            runs = [timed(lambda: service.scorecard(session, settings, period=None, now=now, by=SYSTEM))
                    for _ in range(args.repeat)]
            each = {m.key: timed(lambda m=m: getattr(figures, m.figure)(session, window))
                    for m in catalogue.MEASURES if hasattr(figures, m.figure)}
            naive_runs, naive = [], {}
            for _ in range(args.repeat):
                started = time.perf_counter()
                naive = baseline(session, since, now)
                naive_runs.append(time.perf_counter() - started)
            health_runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                everyone = health.scores(session, settings, now=now, by=SYSTEM)
                health_runs.append(time.perf_counter() - started)
            step = max(1, len(everyone.book.ids) // args.sample)
            sample = [(int(everyone.book.ids[i]), float(everyone.score[i]))
                      for i in range(0, len(everyone.book.ids), step)][:args.sample]
            started = time.perf_counter()
            one_by_one = [health.of_client(session, settings, client_id, now=now, by=SYSTEM)
                          for client_id, _s in sample]
            per_client_s = (time.perf_counter() - started) / max(1, len(sample)) * len(everyone.book.ids)
        kept_s = 0.0
        listed: dict[str, float] = {}
        naive_list_s, list_same = 0.0, False
        try:
            with runtime.transaction() as session:     # kept, then rolled back: the benchmark writes nothing
                kept_s = timed(lambda: health.refresh(session, settings, now=now, by=SYSTEM, act=False))
                busiest = session.execute(select(Client.owner_id).group_by(Client.owner_id)
                                          .order_by(func.count().desc()).limit(1)).scalar_one()
                for name, options in (LISTS | {"my clients (the busiest owner's)": {"owner_id": busiest}}).items():
                    health.listing(session, by=SYSTEM, **options)       # warm
                    listed[name] = statistics.median(
                        timed(lambda o=options: health.listing(session, by=SYSTEM, **o)) for _ in range(3))
                naive_list_s = timed(lambda: naive_list(session))
                list_same = ([row.client_id for row in naive_list(session)]
                             == [line.client_id for line in health.listing(session, by=SYSTEM).items])
                raise Undo
        except Undo:
            pass
    finally:
        runtime.close()
    ours = {r.measure.key: r.figure.value for r in found.measures}
    print(f"\n{meta['counts']['client']:,} clients, {meta['counts']['promise']:,} promises; the 90 days to "
          f"{now:%Y-%m-%d} and the 90 before; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("each measure once (ms): " + ", ".join(f"{key} {seconds * 1000:.0f}" for key, seconds in
                                                 sorted(each.items(), key=lambda item: -item[1])))
    three = sum(each[key] for key in naive)
    mismatches = [key for key, value in naive.items()
                  if (ours_value := ours[key]) is None or abs(ours_value - value) > 1e-6]
    median, naive_median = statistics.median(runs), statistics.median(naive_runs)
    print(f"the scorecard (both periods, {len(catalogue.MEASURES)} measures): {median:.2f} s median of "
          f"{args.repeat} (best {min(runs):.2f} s); target < {TARGET_S:.0f} s: "
          f"{'met' if median < TARGET_S else 'NOT met'}")
    print(f"baseline, 3 figures per client in Python: {naive_median:.2f} s; the scorecard's same 3 figures "
          f"{three:.2f} s: {naive_median / three:.1f}x; figures "
          + ("the same" if not mismatches else f"DIFFER: {mismatches} {naive} {ours}"))
    health_median = statistics.median(health_runs)
    differ = [(client_id, ours_s, b.score) for (client_id, ours_s), b in zip(sample, one_by_one, strict=True)
              if (b.score is None) != (ours_s != ours_s) or (b.score is not None and abs(ours_s - b.score) > 1e-9)]
    risks = everyone.risk_counts()
    print(f"the health of {len(everyone.book.ids):,} clients (7 parts, now and 90 days before): "
          f"{health_median:.2f} s median of {args.repeat}; kept (computed and written): {kept_s:.2f} s; "
          f"target < {TARGET_S:.0f} s: "
          f"{'met' if health_median < TARGET_S else 'NOT met'}; risk {risks}")
    slowest_list = max(listed.values()) if listed else 0.0
    print("the health list (50 a page): " + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in
                                                      listed.items())
          + f"; baseline, every kept row sorted in Python: {naive_list_s * 1000:.0f} ms "
          f"({naive_list_s / max(slowest_list, 1e-9):.1f}x the slowest page); first page "
          + ("the same" if list_same else "DIFFERS"))
    print(f"baseline, client by client ({len(sample)} clients, extrapolated): {per_client_s:.1f} s: "
          f"{per_client_s / health_median:.0f}x; scores " + ("the same" if not differ else f"DIFFER: {differ[:5]}"))
    return int(median >= TARGET_S or bool(mismatches) or health_median >= TARGET_S or bool(differ) or not list_same)


if __name__ == "__main__":
    sys.exit(main())
