"""The promise ledger at scale: the sweep, the reliability figures and the overdue-contact list on a
firm of 100,000 clients and 2,000,000 promises (SQLite), each against a naive per-row Python
implementation of the same computation, measured in the same run.

    PYTHONPATH=src .venv/bin/python benchmarks/promises_scale.py [--db PATH] [--clients N] [--promises N] \\
        [--repeat N] [--naive-repeat N] [--save FILE]

The database (default /work/bench/promises100k.db) is reused when it exists and holds the asked-for
clients and promises (its side file ``PATH.json`` keeps the moment the data were made for); else it
is built: the schema by the real migrations (``open_runtime``), then, with plain ``executemany`` in
large transactions (the secondary indexes of the large tables dropped during the load and made
again from their own DDL, journal and sync off only while building): 60 staff (clients owned by 50),
``--clients`` clients (about 5% key, 20% growth, 75% standard; 8% lost), engagements on service
packages for about half of them, invoices in EUR, MYR and USD over three years for most (exchange
rates for MYR and USD), interactions over two years with a share of clients overdue for contact by
the cadence (key 14, growth 30, standard 90 days; some never contacted), ``--promises`` promises
from three years back to two months ahead (kept, late with its lateness, missed, cancelled; open in
the future), about one complaint per hundred promises, and some staff leave. The sweep is then run
once as of three days before "now" (its recovery tasks, breaches and at-risk marks: the steady
state of a firm whose sweep runs), leaving the promises that ended in those three days unrecorded
for about half of them: open promises the measured sweep must mark missed.

Measured, ``--repeat`` times each (the median and the best), as of "now":

- the sweep, first run: real work (the unswept promises, their recovery tasks, complaint breaches,
  the at-risk marks that moved), in a transaction rolled back after each run; and the second run
  in the same transaction (nothing left to do);
- the reliability figures of the last 365 days (every breakdown, the worst clients, the flagged);
- the overdue-contact list, first page of 50, revenue in EUR.

The baseline of each is the obvious implementation in Python, measured ``--naive-repeat`` times
(default once) in the same run: ORM objects or rows loaded and looped over, one query or one ORM
update per row where the real code has a set-based statement (see ``naive_*``; each ORM flush also
writes its audit event, as the product's ORM writes do); its result is checked against the real one
(OK / MISMATCH). Every baseline runs in full: at 2,000,000 promises a naive sweep takes about a
minute, the whole script (the database reused) about four minutes on 2 cores, building it two more.
Prints the row counts, the database's size and a table: median and best ms, the median CPU ms of
this process (less disturbed than wall time by other work on a shared machine), naive ms, naive /
fast (medians of wall time), and whether the median is under the 1 s target. Exits 1 when a check
failed.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import sqlite3
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import name_keys
from servicescape.clients.models import Client, ClientStatus, Engagement, Interaction, Invoice, Tier
from servicescape.config import Settings
from servicescape.offerings import service as offerings
from servicescape.offerings.models import ServicePackage
from servicescape.promises import policies, recovery, reliability, sweep
from servicescape.promises.capability import AT_RISK, RECOVERY
from servicescape.promises.models import (
    Complaint,
    ComplaintStatus,
    Promise,
    PromiseMonth,
    PromiseMonthFigure,
    PromiseStatus,
    StaffLeave,
)
from servicescape.relationships import service as relationships
from servicescape.runtime import Runtime, open_runtime
from servicescape.tasks.models import Task, TaskPriority, TaskStatus

DEFAULT_DB = Path("/work/bench/promises100k.db")
TARGET_S = 1.0
ZONE = "Europe/Budapest"
SEED = 20261202
#: bump when the built data change: a database built by another version is not reused
BUILD = 3
STAFF, OWNERS = 60, 50
TIERS = (("key", 0.05), ("growth", 0.20), ("standard", 0.75))
CADENCE = {"key": 14, "growth": 30, "standard": 90}
OVERDUE_SHARE = {"key": 0.12, "growth": 0.20, "standard": 0.30}
NEVER_CONTACTED = 0.02
LOST_SHARE = 0.08
#: currency → (share of clients, places)
CURRENCIES = {"EUR": (0.50, (("DE", "Berlin", "de"), ("AT", "Wien", "de"), ("IE", "Dublin", "en"),
                             ("FR", "Lyon", "fr"))),
              "MYR": (0.30, (("MY", "Kuala Lumpur", "ms"), ("MY", "Pulau Pinang", "ms"), ("MY", "Ipoh", "ms"))),
              "USD": (0.20, (("US", "Chicago", "en"), ("US", "Boston", "en"), ("US", "Austin", "en")))}
RATES = {"MYR": 0.195, "USD": 0.92}                       # worth of one unit in EUR
#: promises per client of a tier, relatively
PROMISE_WEIGHT = {"key": 8, "growth": 3, "standard": 1}
DAYS_BACK, DAYS_AHEAD = 3 * 365, 61
#: the sweep last ran this long before "now"; of the promises ended since, this share has no outcome recorded
UNSWEPT = timedelta(days=3)
UNRECORDED = 0.5
BATCH = 50_000
PACKAGES = [(f"{service} {level}", level, price) for service, base in
            (("Maintenance", 1200), ("Response", 900), ("Energy audit", 2500), ("Commissioning", 4000))
            for level, price in (("Basic", base), ("Plus", base * 2), ("Premium", base * 4))]
KINDS = (("appointment", 40), ("site_visit", 15), ("call_back", 20), ("deliverable", 15), ("document", 7),
         ("other", 3))
TITLES = {"appointment": ("Quarterly service visit", "Boiler check", "Meeting with the facilities manager"),
          "site_visit": ("Site survey", "Inspection of the plant room", "Commissioning walk-through"),
          "call_back": ("Call back about the quote", "Call back about the invoice", "Call back after the repair"),
          "deliverable": ("Energy report", "Maintenance plan", "Revised quote"),
          "document": ("Service certificate", "Signed contract copy", "Safety documentation"),
          "other": ("Spare parts delivery", "Training session", "Follow-up")}
WORDS = ("Harbour", "Northgate", "Greenfield", "Lakeside", "Summit", "Riverside", "Oakwood", "Meridian", "Atlas",
         "Beacon", "Crescent", "Evergreen", "Falcon", "Granite", "Horizon", "Ironbridge", "Juniper", "Keystone")
SUFFIXES = ("Ltd", "GmbH", "Sdn Bhd", "Inc.", "LLC", "SARL", "Holdings", "& Partners")
CHANNELS = ("call", "e-mail", "letter", "meeting", "meal", "other")
SUMMARIES = ("Discussed the next maintenance window.", "Sent the quarterly report.", "Asked about the invoice.",
             "Agreed on the renewal.", None, None)
SHORT_DAY = 24 * 60


# --- building ---------------------------------------------------------------------------------------

class Clock:
    """Minutes since an origin ↔ SQLAlchemy's SQLite text for UTC timestamps and dates, fast."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.origin = datetime.combine(now.date() - timedelta(days=DAYS_BACK + 3000), datetime.min.time(), UTC)
        days = DAYS_BACK + 3000 + DAYS_AHEAD + 400
        self.days = [(self.origin + timedelta(days=n)).strftime("%Y-%m-%d") for n in range(days)]
        self.times = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(SHORT_DAY)]
        self.now_m = self.minutes(now)

    def minutes(self, moment: datetime) -> int:
        return int((moment - self.origin).total_seconds() // 60)

    def stamp(self, minute: int) -> str:
        return self.days[minute // SHORT_DAY] + self.times[minute % SHORT_DAY]

    def day(self, minute: int) -> str:
        return self.days[minute // SHORT_DAY]


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> Callable[[], str]:
    pool = [value for value, weight in choices for _ in range(weight)]
    return lambda: pool[int(rng.random() * len(pool))]


def insert(connection: sqlite3.Connection, table: str, columns: str, rows: list[tuple[Any, ...]],
           verb: str = "INSERT") -> None:
    names = [name.strip() for name in columns.split(",")]
    statement = f"{verb} INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    for start in range(0, len(rows), BATCH):
        connection.executemany(statement, rows[start:start + BATCH])


class Builder:
    """The firm's rows, written straight into the migrated SQLite file."""

    def __init__(self, connection: sqlite3.Connection, clock: Clock, clients: int, promises: int) -> None:
        self.db, self.clock, self.clients, self.promises = connection, clock, clients, promises
        self.rng = random.Random(SEED)
        self.tier: list[str] = [""]
        self.owner: list[int] = [0]
        self.currency: list[str] = [""]
        self.lost_m: list[int | None] = [None]
        self.engagements: list[list[int]] = [[]]

    def staff(self) -> None:
        stamp = self.clock.stamp(self.clock.now_m - 5 * 365 * SHORT_DAY)
        rows = [(n, f"Staff Member {n:02d}", f"staff{n:02d}@firm.example",
                 "owner" if n == 1 else "manager" if n <= 6 else "staff", None, 1, "en", stamp, stamp)
                for n in range(1, STAFF + 1)]
        insert(self.db, "staff", "id, name, email, role, password_hash, active, language, created_at, updated_at",
               rows)
        insert(self.db, "service_package", "id, name, level, list_price, currency, description, active, "
               "created_at, updated_at",
               [(n, name, level, price * 10_000, "EUR", None, 1, stamp, stamp)
                for n, (name, level, price) in enumerate(PACKAGES, start=1)])
        insert(self.db, "exchange_rate", "currency, rate, created_at, updated_at",
               [(code, rate, stamp, stamp) for code, rate in RATES.items()])
        insert(self.db, "cadence_policy", "tier, every_days", list(CADENCE.items()), "INSERT OR REPLACE")
        rng, now_m = self.rng, self.clock.now_m
        leave = []
        for n in range(1, 41):  # some leave in the past, some in the next weeks
            staff_id = 1 + int(rng.random() * STAFF)
            first = now_m // SHORT_DAY + (int(rng.random() * 30) - 10 if n <= 12 else -int(rng.random() * 700))
            leave.append((n, staff_id, self.clock.days[first], self.clock.days[first + 1 + int(rng.random() * 9)],
                          "Annual leave", stamp, stamp))
        insert(self.db, "staff_leave", "id, staff_id, starts_on, ends_on, note, created_at, updated_at", leave)

    def client_book(self) -> dict[str, int]:
        rng, clock, now_m = self.rng, self.clock, self.clock.now_m
        tier_cut = [(sum(share for _, share in TIERS[:n + 1]), name) for n, (name, _) in enumerate(TIERS)]
        currency_cut = [(sum(CURRENCIES[c][0] for c in list(CURRENCIES)[:n + 1]), c)
                        for n, c in enumerate(CURRENCIES)]
        clients, engagements, invoices, interactions = [], [], [], []
        engagement_id = invoice_id = interaction_id = 0
        two_years = now_m - 730 * SHORT_DAY
        for client_id in range(1, self.clients + 1):
            roll = rng.random()
            tier = next(name for cut, name in tier_cut if roll < cut or cut >= 0.999)
            roll = rng.random()
            currency = next(code for cut, code in currency_cut if roll < cut or cut >= 0.999)
            country, city, language = CURRENCIES[currency][1][int(rng.random() * len(CURRENCIES[currency][1]))]
            owner = 1 + int(rng.random() * (10 if tier == "key" and rng.random() < 0.5 else OWNERS))
            created_m = now_m - (30 + int(rng.random() * 2890)) * SHORT_DAY + int(rng.random() * 600) + 420
            lost_m = now_m - (60 + int(rng.random() * 640)) * SHORT_DAY if rng.random() < LOST_SHARE else None
            if lost_m is not None and lost_m <= created_m:
                lost_m = None
            person = tier == "standard" and rng.random() < 0.15
            word = WORDS[int(rng.random() * len(WORDS))]
            name = f"{word} Person {client_id}" if person else \
                f"{word} {WORDS[client_id % len(WORDS)]} {client_id} {SUFFIXES[int(rng.random() * len(SUFFIXES))]}"
            values = {"name": name, "email": f"office{client_id}@client{client_id % 977}.example",
                      "external_id": f"C-{client_id:07d}", "city": city}
            keys = name_keys.keys_for(values, name_keys.DEFAULT_COLLATION)
            created = clock.stamp(created_m)
            clients.append((client_id, values["external_id"], name, "person" if person else "organisation",
                            values["email"], f"+1 555 {client_id:07d}", None, country, city, language, None,
                            "Facilities", "SME" if tier == "standard" else "Enterprise", tier, owner,
                            "active" if lost_m is None else "lost", "{}", keys["sort_key"], keys["search_text"],
                            created, created))
            self.tier.append(tier)
            self.owner.append(owner)
            self.currency.append(currency)
            self.lost_m.append(lost_m)
            end_m = lost_m if lost_m is not None else now_m
            mine: list[int] = []
            if rng.random() < 0.55:  # engagements on service packages
                for _ in range({"key": 3, "growth": 2, "standard": 1}[tier] + int(rng.random() * 2)):
                    engagement_id += 1
                    start_m = max(created_m, now_m - 1095 * SHORT_DAY) + int(
                        rng.random() * max(1, end_m - max(created_m, now_m - 1095 * SHORT_DAY)))
                    finish_m = start_m + (30 + int(rng.random() * 335)) * SHORT_DAY
                    value = (5_000 + int(rng.random() * 50_000)) * 100
                    stamp = clock.stamp(start_m)
                    engagements.append((engagement_id, None, client_id, 1 + int(rng.random() * len(PACKAGES)),
                                        "Service contract", owner, owner if rng.random() < 0.7 else
                                        1 + int(rng.random() * STAFF), clock.day(start_m), clock.day(finish_m),
                                        "completed" if finish_m < now_m else "active", value * 10_000, currency,
                                        stamp, stamp))
                    mine.append(engagement_id)
            self.engagements.append(mine)
            if rng.random() < 0.75:  # invoices over three years
                low, high = {"key": (18, 36), "growth": (6, 14), "standard": (1, 6)}[tier]
                first_m = max(created_m, now_m - 1095 * SHORT_DAY)
                for _ in range(low + int(rng.random() * (high - low + 1))):
                    issued_m = first_m + int(rng.random() * max(1, end_m - SHORT_DAY - first_m))
                    if issued_m >= now_m - SHORT_DAY:
                        continue
                    invoice_id += 1
                    cents = int({"key": 800_000, "growth": 250_000, "standard": 60_000}[tier]
                                * (0.3 + rng.random() * 1.4) / ({"EUR": 1, "MYR": 0.195, "USD": 0.92}[currency]))
                    stamp = clock.stamp(issued_m)
                    invoices.append((invoice_id, f"INV-{invoice_id:08d}", client_id,
                                     mine[int(rng.random() * len(mine))] if mine and rng.random() < 0.8 else None,
                                     clock.day(issued_m), cents * 100, currency, stamp, stamp))
            # interactions: the last one decides whether the client is overdue for contact
            cadence = CADENCE[tier] * SHORT_DAY
            roll = rng.random()
            if roll < NEVER_CONTACTED:
                continue
            if lost_m is not None:
                last_m = lost_m
            elif roll < NEVER_CONTACTED + OVERDUE_SHARE[tier]:
                last_m = now_m - cadence - int(rng.random() * 2 * cadence) - SHORT_DAY
            else:
                last_m = now_m - int(rng.random() * cadence * 0.95)
            moment = last_m
            while moment > max(created_m, two_years):
                interaction_id += 1
                stamp = clock.stamp(moment)
                interactions.append((interaction_id, None, client_id,
                                     owner if rng.random() < 0.8 else 1 + int(rng.random() * STAFF),
                                     CHANNELS[int(rng.random() * len(CHANNELS))], stamp,
                                     SUMMARIES[int(rng.random() * len(SUMMARIES))], stamp, stamp))
                moment -= int(cadence * (0.5 + rng.random() * 0.8))
        insert(self.db, "client", "id, external_id, name, kind, email, phone, website, country, city, language, "
               "region, industry, segment, tier, owner_id, status, custom_fields, sort_key, search_text, "
               "created_at, updated_at", clients)
        insert(self.db, "engagement", "id, external_id, client_id, package_id, description, sold_by_id, "
               "delivered_by_id, start_date, end_date, status, value, currency, created_at, updated_at", engagements)
        insert(self.db, "invoice", "id, external_id, client_id, engagement_id, issued_on, amount, currency, "
               "created_at, updated_at", invoices)
        interactions.sort(key=lambda row: row[5])  # in time order, as they happened
        interactions = [(n, *row[1:]) for n, row in enumerate(interactions, start=1)]
        insert(self.db, "interaction", "id, external_id, client_id, staff_id, channel, occurred_at, summary, "
               "created_at, updated_at", interactions)
        return {"client": len(clients), "engagement": len(engagements), "invoice": len(invoices),
                "interaction": len(interactions)}

    def ledger(self) -> dict[str, int]:
        """``self.promises`` promises in window order (ids follow the windows), and the complaints."""
        rng, clock, now_m = self.rng, self.clock, self.clock.now_m
        swept_m = clock.minutes(clock.now - UNSWEPT)
        first_day, days = now_m // SHORT_DAY - DAYS_BACK, DAYS_BACK + DAYS_AHEAD
        weights = [(1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.05)[date.fromisoformat(clock.days[first_day + d]).weekday()]
                   * (0.75 + 0.25 * d / days) for d in range(days)]
        total = sum(weights)
        per_day, done = [], 0.0
        for weight in weights:
            before = round(done)
            done += weight * self.promises / total
            per_day.append(round(done) - before)
        active_pool = [c for c in range(1, self.clients + 1) if self.lost_m[c] is None
                       for _ in range(PROMISE_WEIGHT[self.tier[c]])]
        all_pool = [c for c in range(1, self.clients + 1) for _ in range(PROMISE_WEIGHT[self.tier[c]])]
        quality = [1.0] + [0.4 + rng.random() * 1.4 for _ in range(STAFF)]   # some staff break more promises
        kind_of = weighted(rng, KINDS)
        words = ("Nobody came.", "We waited all morning.", "The report arrived a week late.", "Late again.")
        pending: deque[tuple[int, int, int]] = deque()   # missed promises a later one may re-promise
        promises, complaints = [], []
        promise_id = complaint_id = 0
        for d in range(days):
            day_m = (first_day + d) * SHORT_DAY
            starts = sorted(day_m + 420 + 15 * int(rng.random() * 40) for _ in range(per_day[d]))
            for start in starts:
                promise_id += 1
                repromised = None
                if pending and rng.random() < 0.03:
                    repromised, client, owner = pending.popleft()
                else:
                    pool = active_pool if start >= now_m - 30 * SHORT_DAY else all_pool
                    client = pool[int(rng.random() * len(pool))]
                    owner = self.owner[client] if rng.random() < 0.75 else 1 + int(rng.random() * STAFF)
                kind = kind_of()
                if kind in ("deliverable", "document"):
                    end = start + (1 + int(rng.random() * 5)) * SHORT_DAY
                elif kind == "call_back":
                    end = start + 30 + 30 * int(rng.random() * 4)
                else:
                    end = start + 60 + 30 * int(rng.random() * 6)
                mine = self.engagements[client]
                engagement = mine[int(rng.random() * len(mine))] if mine and rng.random() < 0.7 else None
                created = start - (1 + int(rng.random() * 30)) * SHORT_DAY + int(rng.random() * 600)
                if created >= now_m:
                    created = now_m - 1 - int(rng.random() * 14 * SHORT_DAY)
                confirmed = (created + int(rng.random() * 2 * SHORT_DAY) if rng.random() < 0.75 else None)
                if confirmed is not None and confirmed >= min(now_m, end):
                    confirmed = None
                status, kept = "open", None
                delivered = lateness = missed = cancelled = words_ = announced = None
                roll = rng.random()
                if end >= now_m:
                    if roll < 0.04:
                        status, cancelled = "cancelled", max(created + 1, min(now_m - 1, start - SHORT_DAY))
                elif end >= swept_m and roll >= 0.02 and rng.random() < UNRECORDED:
                    pass  # ended since the last sweep and nobody recorded the outcome: still open
                elif roll < 0.03:
                    status, cancelled = "cancelled", max(created + 1, start - int(rng.random() * 3 * SHORT_DAY))
                else:
                    q, roll = quality[owner], rng.random()
                    if roll < 0.045 * q:
                        status, missed = "missed", end + 1 + int(rng.random() * 10)
                        if rng.random() < 0.35:
                            pending.append((promise_id, client, owner))
                    elif roll < 0.135 * q:
                        lateness = 1 + min(600, int(rng.expovariate(1 / 40)))
                        status, kept = "late", end + lateness
                    else:
                        status, kept = "kept", start + int(rng.random() * (end - start))
                    if status != "missed":
                        delivered = owner if rng.random() < 0.88 else 1 + int(rng.random() * STAFF)
                    if (status != "kept" and rng.random() < 0.3) or (status == "kept" and rng.random() < 0.02):
                        announced = max(created + 1, end - 30 - int(rng.random() * 1400))
                    if status != "kept" and rng.random() < 0.05:
                        words_ = words[int(rng.random() * len(words))]
                changed = max(m for m in (created, confirmed, kept, missed, cancelled, announced) if m is not None)
                promises.append((
                    promise_id, None, client, engagement, kind, TITLES[kind][int(rng.random() * 3)],
                    owner if rng.random() < 0.6 else 1 + int(rng.random() * STAFF), owner,
                    clock.stamp(start), clock.stamp(end), "On site" if kind == "site_visit" else None, status,
                    confirmed and clock.stamp(confirmed), kept and clock.stamp(kept), delivered, lateness,
                    missed and clock.stamp(missed), cancelled and clock.stamp(cancelled), words_, None, repromised,
                    None, announced and clock.stamp(announced), clock.stamp(created), clock.stamp(changed)))
                if (status in ("late", "missed") and rng.random() < 0.08) or rng.random() < 0.0025:
                    received = end + int(rng.random() * 3 * SHORT_DAY)
                    if received < now_m:
                        complaint_id += 1
                        complaints.append(self._complaint(complaint_id, client, promise_id if status in
                                                          ("late", "missed") else None, received))
            if len(promises) >= BATCH * 4:
                insert(self.db, "promise", PROMISE_COLUMNS, promises)
                promises = []
        insert(self.db, "promise", PROMISE_COLUMNS, promises)
        complaints.sort(key=lambda row: row[4])
        insert(self.db, "complaint", COMPLAINT_COLUMNS, [(n, *row[1:]) for n, row in enumerate(complaints, 1)])
        return {"promise": promise_id, "complaint": complaint_id}

    def _complaint(self, complaint_id: int, client: int, promise_id: int | None, received: int) -> tuple[Any, ...]:
        rng, clock, now_m = self.rng, self.clock, self.clock.now_m
        tier = self.tier[client]
        respond = {"key": 4, "growth": 8, "standard": 16}[tier] * 60 * 2
        resolve = {"key": 3, "growth": 5, "standard": 10}[tier] * SHORT_DAY * 7 // 5
        response_due, resolution_due = received + respond, received + resolve
        roll = rng.random()
        first = resolved = None
        if received < now_m - 20 * SHORT_DAY or roll >= 0.65:
            status = "resolved"
            first = received + int(respond * (0.2 + rng.random() * 1.3))
            resolved = max(first, received + int(resolve * (0.3 + rng.random() * 1.1)))
        elif roll >= 0.35:
            status = "responded"
            first = received + int(respond * (0.2 + rng.random() * 1.3))
        else:
            status = "open"
        first = first if first is None or first < now_m else None
        resolved = resolved if resolved is None or resolved < now_m else None
        if status == "resolved" and resolved is None:
            status = "responded" if first is not None else "open"
        elif status == "responded" and first is None:
            status = "open"
        response_breach = clock.stamp(response_due) if first is not None and first > response_due else None
        resolution_breach = clock.stamp(resolution_due) if resolved is not None and resolved > resolution_due else None
        stamp = clock.stamp(received)
        return (complaint_id, None, client, promise_id, stamp, CHANNELS[int(rng.random() * len(CHANNELS))],
                "The promised visit did not happen." if promise_id else "Unhappy with the service.",
                ("low", "medium", "medium", "high", "critical")[int(rng.random() * 5)], self.owner[client], status,
                clock.stamp(response_due), clock.stamp(resolution_due), first and clock.stamp(first),
                resolved and clock.stamp(resolved), "Apologised and re-scheduled." if resolved else None,
                response_breach, resolution_breach, stamp, clock.stamp(max(m for m in (received, first, resolved)
                                                                           if m is not None)))


PROMISE_COLUMNS = ("id, external_id, client_id, engagement_id, kind, title, made_by_id, owner_id, window_start, "
                   "window_end, place, status, confirmed_at, kept_at, delivered_by_id, lateness_minutes, missed_at, "
                   "cancelled_at, client_words, notes, repromised_from_id, at_risk, announced_at, created_at, "
                   "updated_at")
COMPLAINT_COLUMNS = ("id, external_id, client_id, promise_id, received_at, channel, text, severity, owner_id, status, "
                     "response_due_at, resolution_due_at, first_response_at, resolved_at, outcome, "
                     "response_breached_at, resolution_breached_at, created_at, updated_at")
LARGE_TABLES = ("promise", "interaction", "invoice", "engagement", "complaint")


def settings_for(path: Path) -> Settings:
    return Settings(mode="dev", data_dir=path.parent, database_url=f"sqlite:///{path}", timezone=ZONE,
                    run_jobs=False)


def build(path: Path, clients: int, promises: int) -> dict[str, Any]:
    """Build the firm into ``path`` (through a temporary file: a failed build leaves nothing behind)."""
    started = time.perf_counter()
    building = path.with_name(path.name + ".building")
    for leftover in path.parent.glob(building.name + "*"):
        leftover.unlink()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
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
    builder = Builder(connection, Clock(now), clients, promises)
    builder.staff()
    counts = builder.client_book()
    print(f"  client book: {counts} in {time.perf_counter() - started:.0f} s", flush=True)
    counts.update(builder.ledger())
    print(f"  ledger: {counts['promise']:,} promises, {counts['complaint']:,} complaints "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    for _name, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode=WAL")   # as the product runs it
    connection.close()
    print(f"  indexes made again ({time.perf_counter() - started:.0f} s)", flush=True)
    settings = settings_for(building)
    runtime = open_runtime(settings)
    try:   # the sweep as it last ran: recovery tasks, breaches, at-risk marks up to then
        moment = time.perf_counter()
        with runtime.transaction() as session:
            report = sweep.sweep(session, settings, now=now - UNSWEPT, by=SYSTEM)
        print(f"  the sweep as of {UNSWEPT.days} days ago: {report.as_dict()} "
              f"({time.perf_counter() - moment:.1f} s)", flush=True)
        with runtime.engine.connect() as connection_:
            connection_.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        runtime.close()
    meta = {"now": now.isoformat(), "clients": clients, "promises": promises, "seed": SEED, "build": BUILD,
            "built_in_s": round(time.perf_counter() - started, 1), "counts": counts}
    building.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    path.with_name(path.name + ".json").write_text(json.dumps(meta, indent=2))
    return meta


def prepare(path: Path, clients: int, promises: int) -> dict[str, Any]:
    side = path.with_name(path.name + ".json")
    if path.exists():
        meta = json.loads(side.read_text()) if side.exists() else {}
        if meta.get("clients") == clients and meta.get("promises") == promises and meta.get("build") == BUILD:
            print(f"reusing {path} (built for {meta['now']})", flush=True)
            return meta
        sys.exit(f"{path} exists but was not built by this version of the script for {clients:,} clients and "
                 f"{promises:,} promises (see {side}): remove it or give another --db")
    print(f"building {path}: {clients:,} clients, {promises:,} promises ...", flush=True)
    meta = build(path, clients, promises)
    print(f"built in {meta['built_in_s']:.0f} s", flush=True)
    return meta


# --- the naive baselines ----------------------------------------------------------------------------

def naive_sweep(session: Session, settings: Settings, now: datetime) -> sweep.SweepReport:
    """Every promise's row looked at in Python (the table scanned in id order); one ORM update (a
    ``get`` and a flush) per changed row; one query per row for the rest (its recovery task, its
    owner's leave); double bookings by comparing each visit with its owner's other open visits."""
    soon = now + timedelta(hours=settings.promise_at_risk_hours)
    horizon = now + sweep.RISK_HORIZON
    since = now - recovery.HORIZON
    zone = settings.zone
    to_miss, recent, risky = [], [], []
    scan = select(Promise.id, Promise.client_id, Promise.owner_id, Promise.kind, Promise.status, Promise.window_start,
                  Promise.window_end, Promise.lateness_minutes, Promise.confirmed_at, Promise.at_risk)
    for row in session.execute(scan.execution_options(yield_per=10_000)):
        if row.status == PromiseStatus.open and row.window_end < now:
            to_miss.append(row)
        if since <= row.window_end < now:
            recent.append(row)
        elif row.status == PromiseStatus.open and row.window_start < horizon and row.window_end >= now:
            risky.append(row)

    def change(promise_id: int, **values: Any) -> None:
        promise = session.get(Promise, promise_id)
        assert promise is not None
        for name, value in values.items():
            setattr(promise, name, value)
        session.flush()

    for row in to_miss:
        change(row.id, status=PromiseStatus.missed, missed_at=now, at_risk=None, updated_at=now)
    missed = {row.id for row in to_miss}
    responses = resolutions = 0
    complaints = session.scalars(select(Complaint)).all()
    for complaint in complaints:
        changed = False
        if (complaint.status == ComplaintStatus.open and complaint.response_due_at < now
                and complaint.response_breached_at is None):
            complaint.response_breached_at, changed = complaint.response_due_at, True
            responses += 1
        if (complaint.status != ComplaintStatus.resolved and complaint.resolution_due_at < now
                and complaint.resolution_breached_at is None):
            complaint.resolution_breached_at, changed = complaint.resolution_due_at, True
            resolutions += 1
        if changed:
            complaint.updated_at = now
            session.flush()
    tolerance = {str(tier): policies.policy_for(session, tier).late_tolerance_minutes for tier in Tier}
    tasks_opened = 0

    def open_task(key: str, **data: Any) -> int:
        if session.scalar(select(Task.id).where(Task.dedupe_key == key)) is not None:
            return 0
        session.add(Task(dedupe_key=key, status=TaskStatus.open, **data))
        session.flush()
        return 1

    for row in recent:
        client = session.get(Client, row.client_id)
        assert client is not None
        status = PromiseStatus.missed if row.id in missed else row.status
        if status == PromiseStatus.missed or (status == PromiseStatus.late and row.lateness_minutes is not None
                                              and row.lateness_minutes > tolerance[str(client.tier)]):
            tasks_opened += open_task(recovery.promise_key(row.id), kind=RECOVERY, title=f"Recover: {client.name}",
                                      client_id=client.id, related_type="promise", related_id=row.id,
                                      owner_id=row.owner_id or client.owner_id, due_at=now + recovery.DUE_AFTER,
                                      priority=TaskPriority.high, rule=f"promises.{status.value}")
    for complaint in complaints:
        if complaint.received_at >= since - recovery.HORIZON and (
                (complaint.response_breached_at is not None and complaint.response_breached_at >= since)
                or (complaint.resolution_breached_at is not None and complaint.resolution_breached_at >= since)):
            client = session.get(Client, complaint.client_id)
            assert client is not None
            tasks_opened += open_task(recovery.complaint_key(complaint.id), kind=RECOVERY,
                                      title=f"Recover: {client.name}", client_id=client.id, related_type="complaint",
                                      related_id=complaint.id, owner_id=complaint.owner_id or client.owner_id,
                                      due_at=now + recovery.DUE_AFTER, priority=TaskPriority.urgent,
                                      rule="complaints.breach")
    today, last_day = now.astimezone(zone).date(), horizon.astimezone(zone).date()
    marked = cleared = risk_tasks = 0
    visits: dict[int, list[Any]] = defaultdict(list)   # only visits clash (sweep.PRESENCE)
    for row in risky:
        if row.kind in sweep.PRESENCE:
            visits[row.owner_id].append(row)
    for row in risky:
        reasons = []
        if row.confirmed_at is None and row.window_start < soon:
            reasons.append("unconfirmed")
        if row.owner_id is not None and row.kind in sweep.PRESENCE and any(
                other.id != row.id and other.window_start < row.window_end and row.window_start < other.window_end
                for other in visits[row.owner_id]):
            reasons.append("double_booked")
        first, last = row.window_start.astimezone(zone).date(), row.window_end.astimezone(zone).date()
        if row.owner_id is not None and session.scalar(select(StaffLeave.id).where(
                StaffLeave.staff_id == row.owner_id, StaffLeave.starts_on <= last_day, StaffLeave.ends_on >= today,
                StaffLeave.starts_on <= last, StaffLeave.ends_on >= first).limit(1)):
            reasons.append("on_leave")
        value = ",".join(reasons) or None
        if value == row.at_risk:
            continue
        change(row.id, at_risk=value, updated_at=now)
        if value is None:
            cleared += 1
            continue
        marked += 1
        if row.at_risk is None:
            client = session.get(Client, row.client_id)
            assert client is not None
            risk_tasks += open_task(sweep.risk_key(row.id), kind=AT_RISK, title=f"Call {client.name}",
                                    client_id=client.id, related_type="promise", related_id=row.id,
                                    owner_id=row.owner_id or client.owner_id,
                                    due_at=max(now, min(row.window_start, now + timedelta(hours=2))),
                                    priority=TaskPriority.high, rule="promises.at_risk")
    return sweep.SweepReport(len(to_miss), marked, cleared, responses, resolutions, tasks_opened, risk_tasks)


def naive_reliability(session: Session, since: datetime, until: datetime, now: datetime,
                      settings: Settings) -> reliability.Reliability:
    """The period's promises as rows, their client's tier, engagement's package and owner's e-mail
    from dicts, every figure added up in Python."""
    zone = settings.zone
    end = min(until, now)
    months = reliability.month_starts(since, end, zone)
    since = months[0]  # the period starts with the month of ``since``
    found = reliability.Reliability(since, end)
    for start in months:
        found.by_month[start.strftime("%Y-%m")] = reliability.Figures()
    rows = session.execute(select(Promise.client_id, Promise.owner_id, Promise.engagement_id, Promise.status,
                                  Promise.window_end, Promise.lateness_minutes, Promise.announced_at)
                           .where(Promise.window_end >= since, Promise.window_end < end)).all()
    clients = {cid: (tier, name) for cid, tier, name in session.execute(select(Client.id, Client.tier, Client.name))}
    package_of = dict(session.execute(select(Engagement.id, Engagement.package_id)).all())
    packages = dict(session.execute(select(ServicePackage.id, ServicePackage.name)).all())
    emails = dict(session.execute(select(Staff.id, Staff.email)).all())
    found.staff_names = {email: name for email, name in session.execute(select(Staff.email, Staff.name))}
    per_client: dict[int, reliability.Figures] = defaultdict(reliability.Figures)
    flagged: dict[int, list[Any]] = {}
    flag_since = now - timedelta(days=reliability.FLAG_DAYS)
    for client_id, owner_id, engagement_id, status, window_end, lateness, announced_at in rows:
        if status in (PromiseStatus.late, PromiseStatus.missed, PromiseStatus.open) and window_end >= flag_since:
            entry = flagged.setdefault(client_id, [0, window_end])
            entry[0] += 1
            entry[1] = max(entry[1], window_end)
        if status == PromiseStatus.cancelled:
            continue
        figures = reliability.Figures()
        if status == PromiseStatus.kept:
            figures.kept_on_time = 1
        elif status == PromiseStatus.late:
            figures.late, figures.lateness_total = 1, lateness or 0
        else:
            figures.missed = 1
        if status != PromiseStatus.kept and announced_at is not None and announced_at <= window_end:
            figures.announced = 1
        found.overall.add(figures)
        found.by_staff[emails.get(owner_id, "") if owner_id else ""].add(figures)
        found.by_tier[str(clients[client_id][0])].add(figures)
        package_id = package_of.get(engagement_id) if engagement_id else None
        found.by_package[packages.get(package_id, "") if package_id else ""].add(figures)
        found.by_month[window_end.astimezone(zone).strftime("%Y-%m")].add(figures)
        per_client[client_id].add(figures)
    worst = sorted((f for f in per_client.items() if f[1].broken), key=lambda item: (-item[1].broken, item[0]))
    found.by_client = [(cid, clients[cid][1], figures) for cid, figures in worst[:20]]
    ranked = sorted(((cid, count, last) for cid, (count, last) in flagged.items()
                     if count >= reliability.FLAG_BROKEN),
                    key=lambda item: (-item[1], -item[2].timestamp(), item[0]))
    found.flagged_clients = [{"client_id": cid, "name": clients[cid][1], "tier": str(clients[cid][0]),
                              "broken": count, "last": last.isoformat()} for cid, count, last in ranked]
    return found


def naive_overdue(session: Session, now: datetime, currency: str, per_page: int) -> relationships.OverduePage:
    """Every active client as an ORM object; one query for its last interaction, one for the revenue
    of each overdue one; sorted in Python."""
    every = relationships.cadence(session)
    known = offerings.rates(session, currency)
    since = (now - timedelta(days=relationships.REVENUE_DAYS)).date()
    overdue = []
    for client in session.scalars(select(Client).where(Client.status == ClientStatus.active)):
        last = session.scalar(select(func.max(Interaction.occurred_at)).where(Interaction.client_id == client.id))
        due = (last or client.created_at) + timedelta(days=every[client.tier])
        if due >= now:
            continue
        revenue = 0.0
        for invoice in session.scalars(select(Invoice).where(Invoice.client_id == client.id,
                                                             Invoice.issued_on >= since)):
            if invoice.currency in known:
                revenue += float(invoice.amount) * known[invoice.currency]
        overdue.append((relationships.TIER_ORDER[client.tier], -revenue, last or client.created_at, client.id,
                        client, last, due, revenue))
    overdue.sort(key=lambda item: item[:4])
    owners = dict(session.execute(select(Staff.id, Staff.name)).all())
    items = [relationships.OverdueContact(client.id, client.name, client.tier, client.owner_id,
                                          owners.get(client.owner_id) if client.owner_id else None, last, due,
                                          max(0, (now - due).days), revenue)
             for *_, client, last, due, revenue in overdue[:per_page]]
    return relationships.OverduePage(items, len(overdue), 1, per_page, currency)


def same_overdue(fast: relationships.OverduePage, naive: relationships.OverduePage) -> bool:
    if fast.total != naive.total or len(fast.items) != len(naive.items):
        return False
    return all(a.client_id == b.client_id and a.last_contact_at == b.last_contact_at and a.due_at == b.due_at
               and a.days_overdue == b.days_overdue and math.isclose(a.revenue, b.revenue, rel_tol=1e-9, abs_tol=1e-6)
               for a, b in zip(fast.items, naive.items, strict=True))


# --- measuring --------------------------------------------------------------------------------------

CPU: dict[str, list[float]] = defaultdict(list)   # step → CPU seconds of this process per run


def timed(work: Callable[[], Any], step: str | None = None) -> tuple[float, Any]:
    """Wall time of ``work`` (and, under ``step``, this process's CPU time: less hit by other work on the machine)."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    took = time.perf_counter() - started
    if step is not None:
        CPU[step].append(time.process_time() - cpu)
    return took, result


def in_rolled_back(runtime: Runtime, work: Callable[[Session], Any]) -> Any:
    session = runtime.sessions()
    try:
        return work(session)
    finally:
        session.rollback()
        session.close()


def counts(runtime: Runtime) -> dict[str, Any]:
    tables = ("staff", "client", "engagement", "invoice", "interaction", "promise", "complaint", "task",
              "exchange_rate", "staff_leave", "audit_event")
    with runtime.engine.connect() as connection:
        found: dict[str, Any] = {name: connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
                                 for name in tables}
        found["promise by status"] = dict(connection.exec_driver_sql(
            "SELECT status, count(*) FROM promise GROUP BY status ORDER BY 2 DESC").all())
        found["client by tier"] = dict(connection.exec_driver_sql(
            "SELECT tier, count(*) FROM client GROUP BY tier ORDER BY 2 DESC").all())
        found["invoice by currency"] = dict(connection.exec_driver_sql(
            "SELECT currency, count(*) FROM invoice GROUP BY currency ORDER BY 2 DESC").all())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="the SQLite file (built when missing)")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--promises", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each real step")
    parser.add_argument("--naive-repeat", type=int, default=1, help="runs of each naive baseline")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    meta = prepare(args.db, args.clients, args.promises)
    now = datetime.fromisoformat(meta["now"])
    settings = settings_for(args.db)
    runtime = open_runtime(settings)
    try:
        rows = counts(runtime)
        size = sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*") if p.suffix != ".json")
        print(f"database {args.db}: {size / 2**20:,.0f} MiB; \"now\" = {now.isoformat()}")
        for name, value in rows.items():
            print(f"  {name:<20} {value if isinstance(value, dict) else f'{value:,}'}")
        since = now - timedelta(days=365)

        def first_sweep(session: Session) -> tuple[float, float, sweep.SweepReport, sweep.SweepReport]:
            first, report = timed(lambda: sweep.sweep(session, settings, now=now, by=SYSTEM), "sweep (first run)")
            again, second = timed(lambda: sweep.sweep(session, settings, now=now, by=SYSTEM), "sweep (second run)")
            return first, again, report, second

        def read_figures(session: Session) -> reliability.Reliability:
            return reliability.reliability(session, since=since, until=now, zone=settings.zone, now=now, by=SYSTEM)

        def figures(session: Session) -> tuple[float, reliability.Reliability]:
            """As people read them: whole months kept (counted once, at the first reading below)."""
            return timed(lambda: read_figures(session), "reliability")

        def first_figures(session: Session) -> tuple[float, reliability.Reliability]:
            """As at the very first reading: nothing kept, every month counted (then rolled back)."""
            session.execute(delete(PromiseMonthFigure))
            session.execute(delete(PromiseMonth))
            return timed(lambda: read_figures(session), "reliability (first reading)")

        with runtime.transaction() as session:   # the months are counted once and kept
            read_figures(session)

        def overdue(session: Session) -> tuple[float, relationships.OverduePage]:
            return timed(lambda: relationships.overdue_contacts(session, now=now, reporting_currency="EUR", page=1,
                                                                per_page=50, by=SYSTEM), "overdue")

        runs: dict[str, list[float]] = defaultdict(list)
        results: dict[str, Any] = {}
        for run in range(1, args.repeat + 1):   # the steps alternate: a change in the machine's load hits all alike
            first, again, report, second = in_rolled_back(runtime, first_sweep)
            runs["sweep (first run)"].append(first)
            runs["sweep (second run)"].append(again)
            results["sweep (first run)"], results["sweep (second run)"] = report, second
            took, results["reliability"] = in_rolled_back(runtime, figures)
            runs["reliability"].append(took)
            took, results["reliability (first reading)"] = in_rolled_back(runtime, first_figures)
            runs["reliability (first reading)"].append(took)
            took, results["overdue"] = in_rolled_back(runtime, overdue)
            runs["overdue"].append(took)
            print(f"run {run}: " + ", ".join(f"{name} {times[-1] * 1000:,.0f} ms" for name, times in runs.items()),
                  flush=True)
        print(f"sweep: {results['sweep (first run)'].as_dict()}; again: {results['sweep (second run)'].as_dict()}")
        rel = results["reliability"]
        print(f"reliability: {rel.overall.as_dict()['promises']:,} promises ended in the period, "
              f"{len(rel.by_staff)} staff, {len(rel.flagged_clients):,} clients flagged")
        page = results["overdue"]
        print(f"overdue: {page.total:,} clients overdue for contact; first: "
              f"{[(i.client_id, i.tier.value, round(i.revenue)) for i in page.items[:3]]}")

        naive: dict[str, list[float]] = defaultdict(list)
        checks: dict[str, str] = {}
        for _ in range(args.naive_repeat):
            def both_naive(session: Session) -> tuple[float, float, sweep.SweepReport, sweep.SweepReport]:
                first, report = timed(lambda: naive_sweep(session, settings, now))
                again, second = timed(lambda: naive_sweep(session, settings, now))
                return first, again, report, second

            first, again, report, second = in_rolled_back(runtime, both_naive)
            naive["sweep (first run)"].append(first)
            naive["sweep (second run)"].append(again)
            checks["sweep (first run)"] = "OK" if report == results["sweep (first run)"] else \
                f"MISMATCH {report.as_dict()}"
            checks["sweep (second run)"] = "OK" if second == results["sweep (second run)"] else \
                f"MISMATCH {second.as_dict()}"
            print(f"naive sweep: {first:,.1f} s, again {again:,.1f} s", flush=True)
            took, found = in_rolled_back(runtime, lambda s: timed(lambda: naive_reliability(s, since, now, now,
                                                                                          settings)))
            naive["reliability"].append(took)
            naive["reliability (first reading)"].append(took)
            checks["reliability"] = "OK" if found.as_dict() == rel.as_dict() else "MISMATCH"
            checks["reliability (first reading)"] = "OK" if found.as_dict() == \
                results["reliability (first reading)"].as_dict() else "MISMATCH"
            print(f"naive reliability: {took:,.1f} s", flush=True)
            took, found = in_rolled_back(runtime, lambda s: timed(lambda: naive_overdue(s, now, "EUR", 50)))
            naive["overdue"].append(took)
            checks["overdue"] = "OK" if same_overdue(page, found) else f"MISMATCH (total {found.total:,})"
            print(f"naive overdue list: {took:,.1f} s", flush=True)
    finally:
        runtime.close()

    print(f"\n{args.clients:,} clients, {args.promises:,} promises; {args.repeat} runs of each step, "
          f"{args.naive_repeat} of each naive baseline")
    print(f"{'step':<22} {'median ms':>10} {'best ms':>9} {'CPU ms':>8} {'naive ms':>10} {'naive/fast':>11}  "
          f"{'< 1 s':<6} check")
    table: dict[str, Any] = {}
    for name, times in runs.items():
        middle, best, slow, cpu = median(times), min(times), median(naive[name]), median(CPU[name])
        ratio = slow / middle
        table[name] = {"median_ms": round(middle * 1000, 1), "best_ms": round(best * 1000, 1),
                       "runs_ms": [round(t * 1000, 1) for t in times], "cpu_median_ms": round(cpu * 1000, 1),
                       "naive_ms": round(slow * 1000, 1),
                       "ratio": round(ratio, 1), "under_1s": middle < TARGET_S, "check": checks[name]}
        print(f"{name:<22} {middle * 1000:10,.0f} {best * 1000:9,.0f} {cpu * 1000:8,.0f} {slow * 1000:10,.0f} "
              f"{ratio:10,.0f}x  "
              f"{'yes' if middle < TARGET_S else 'NO':<6} {checks[name]}")
    if args.save:
        args.save.write_text(json.dumps({"clients": args.clients, "promises": args.promises, "now": meta["now"],
                                         "db_bytes": size, "counts": rows, "steps": table}, indent=2, default=str))
    return 0 if all(c == "OK" for c in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
