"""Service quality at scale: the SERVQUAL gap analysis, the NPS trend, the response rates, a campaign
to every client, the reminder job and the answer page's link lookup on a firm of 100,000 clients
with 8 survey waves (about 2.3 million answers), each against a naive per-row Python implementation
of the same computation, measured in the same run; and SQLite's query plans of the main statements.

    PYTHONPATH=src .venv/bin/python benchmarks/quality_scale.py [--db PATH] [--clients N] [--repeat N] \\
        [--lookups N] [--save FILE]

The database (default /work/bench/quality100k.db; with another ``--clients``, ``quality<N>.db``
beside it) is reused when it exists and holds the asked-for clients (its side file ``PATH.json``
keeps the moment the data were made for and the ids the measurements need); else it is built: the
schema by the real migrations (``open_runtime``), the two surveys through the product
(``surveys.create`` and ``activate``: a SERVQUAL survey with the importance split, and an NPS
survey), then, with plain ``executemany`` in large transactions (the secondary indexes of the large
tables dropped during the load and made again from their own DDL, journal and sync off only while
building): 60 staff, ``--clients`` clients (5% key, 20% growth, 75% standard; 5% lost; 3% reachable
only through a contact's address, 1% not at all), about 0.3% of the addresses unsubscribed, and 8
quarterly campaigns of the SERVQUAL survey, each inviting a quarter of the clients (real nonces and
token hashes: ``answers.new_nonce``, ``answers.hash_token(answers.token_of(...))``). About 40% of
an old wave answer (30% of the latest so far): each submitted response has 29 answers (22 E/P pairs,
the 5 importance points adding up to 100, NPS, a comment); a few started responses are left
unsubmitted. Half as many NPS-only responses as clients (imported, over the last 26 months) go to
the NPS survey. "Now" is 7 days and 2 hours after the latest wave was mailed: the hour its first
reminders all fall due (the reminder job's peak).

Measured, ``--repeat`` times each (the median and the best), as the product calls them with
``SYSTEM`` (which holds quality.read/write):

- ``results.servqual`` of all waves and of the latest wave only;
- ``results.servqual_by`` tier and period (quarters in the firm's time zone);
- ``results.nps_trend`` over 24 months; ``results.response_rates``;
- ``campaigns.create`` of a campaign to every client (an empty audience), rolled back after each run;
- ``campaigns.remind`` (the reminder job), rolled back after each run;
- the answer page's lookup ``answers.form_for`` of a random invitation of the latest wave: the
  median (p50) over ``--lookups`` lookups (each in its own session, rolled back).

The baseline of each is the obvious implementation in Python, measured once in the same run: rows
or ORM objects loaded and looped over, one ORM object and one flush per row where the real code has
a set-based statement (see ``naive_*``); its result is checked against the real one (OK /
MISMATCH; figures to 1e-9). A naive campaign to everyone that would take over 2 minutes runs on
its first 10,000 recipients and is scaled to all of them (the table says so). Prints the row
counts, the database's size, a table (median and best ms, the median CPU ms of this process, naive
ms, naive / fast, whether the median is under the 1 s target, the check) and ``EXPLAIN QUERY PLAN``
of the statements of the servqual figures (latest wave), the link lookup and the reminder job's
selection, with a warning for each full scan of a large table. Exits 1 when a check failed.
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
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import name_keys
from servicescape.clients.models import Client, ClientStatus, Contact
from servicescape.config import LANGUAGES, Settings
from servicescape.errors import ValidationFailed
from servicescape.platform.mail import service as mail
from servicescape.quality import answers, campaigns, results, stats, surveys
from servicescape.quality.instrument import BY_CODE, DIMENSIONS, STATEMENTS
from servicescape.quality.models import (
    Campaign,
    CampaignStatus,
    Invitation,
    ItemKind,
    Survey,
    SurveyAnswer,
    SurveyItem,
    SurveyKind,
    SurveyOptOut,
    SurveyResponse,
)
from servicescape.quality.stats import Estimate
from servicescape.runtime import Runtime, open_runtime

DEFAULT_DB = Path("/work/bench/quality100k.db")
TARGET_S = 1.0
ZONE = "Europe/Budapest"
SEED = 20261203
#: bump when the built data change: a database built by another version is not reused
BUILD = 1
STAFF, OWNERS = 60, 50
TIERS = (("key", 0.05), ("growth", 0.20), ("standard", 0.75))
LOST_SHARE = 0.05
CONTACT_ONLY, UNREACHABLE, OPTED_OUT = 0.03, 0.01, 0.003
WAVES, WAVE_DAYS, INVITED_SHARE = 8, 91, 0.25
ANSWERED, ANSWERED_LATEST, PARTIAL = 0.40, 0.30, 0.03
EXPIRES_DAYS, REMIND_DAYS, MAX_REMINDERS = 30, 7, 2
#: "now" is this long after the latest wave was mailed
SINCE_LATEST = timedelta(days=7, hours=2)
NPS_ONLY_SHARE, NPS_ONLY_DAYS = 0.5, 790
SIX = tuple(LANGUAGES)
LANGUAGE_POOL = ("en",) * 12 + ("ms",) * 3 + ("hu",) * 2 + ("bg", "zh_Hans", "zh_Hant", "de")
#: the mean gap (P − E) of each dimension, before the client's mood, tier and wave
DIMENSION_GAP = {"tangibles": -0.2, "reliability": -1.0, "responsiveness": -0.7, "assurance": -0.3, "empathy": -0.5}
IMPORTANCE = {"tangibles": 11, "reliability": 31, "responsiveness": 22, "assurance": 19, "empathy": 17}
TIER_LIFT = {"key": 0.3, "growth": 0.1, "standard": -0.1}
COMMENTS = ("Good service overall.", "The technician was late twice.", "Very helpful team.",
            "Invoices are hard to read.", "Quick response to our call.", "Please call before visiting.")
WORDS = ("Harbour", "Northgate", "Greenfield", "Lakeside", "Summit", "Riverside", "Oakwood", "Meridian", "Atlas",
         "Beacon", "Crescent", "Evergreen", "Falcon", "Granite", "Horizon", "Ironbridge", "Juniper", "Keystone")
SUFFIXES = ("Ltd", "GmbH", "Sdn Bhd", "Inc.", "LLC", "SARL", "Holdings", "& Partners")
BATCH = 50_000
DAY = 24 * 60
LARGE_TABLES = ("client", "contact", "survey_invitation", "survey_response", "survey_answer")
NAIVE_CREATE_SAMPLE, NAIVE_CREATE_MOST_S = 10_000, 120.0


# --- building ---------------------------------------------------------------------------------------

class Clock:
    """Minutes since an origin ↔ SQLAlchemy's SQLite text for UTC timestamps, fast."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.origin = datetime.combine(now.date() - timedelta(days=3000), datetime.min.time(), UTC)
        self.days = [(self.origin + timedelta(days=n)).strftime("%Y-%m-%d") for n in range(3400)]
        self.times = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(DAY)]
        self.now_m = int((now - self.origin).total_seconds() // 60)

    def stamp(self, minute: int) -> str:
        return self.days[minute // DAY] + self.times[minute % DAY]


def insert(connection: sqlite3.Connection, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    names = [name.strip() for name in columns.split(",")]
    statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    for start in range(0, len(rows), BATCH):
        connection.executemany(statement, rows[start:start + BATCH])


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


@dataclass
class Firm:
    """What the builder keeps of each client (index: the client's id)."""

    tier: list[str]
    active: list[bool]
    reach: list[tuple[str, str, str] | None]   # the address, greeting name and language a campaign uses


class Builder:
    """The firm's rows, written straight into the migrated SQLite file."""

    def __init__(self, connection: sqlite3.Connection, settings: Settings, clock: Clock, clients: int,
                 items: dict[str, dict[str, int]], survey_ids: dict[str, int]) -> None:
        self.db, self.settings, self.clock, self.clients = connection, settings, clock, clients
        self.items, self.survey_ids = items, survey_ids
        self.rng = random.Random(SEED)
        self.firm = Firm([""], [False], [None])
        self.counts: dict[str, int] = defaultdict(int)

    def staff(self) -> None:
        stamp = self.clock.stamp(self.clock.now_m - 5 * 365 * DAY)
        rows = [(n, f"Staff Member {n:02d}", f"staff{n:02d}@firm.example",
                 "owner" if n == 1 else "manager" if n <= 6 else "staff", None, 1, "en", stamp, stamp)
                for n in range(1, STAFF + 1)]
        insert(self.db, "staff", "id, name, email, role, password_hash, active, language, created_at, updated_at",
               rows)

    def client_book(self) -> None:
        rng, clock, now_m = self.rng, self.clock, self.clock.now_m
        tier_cut = [(sum(share for _, share in TIERS[:n + 1]), name) for n, (name, _) in enumerate(TIERS)]
        clients, contacts, opt_outs = [], [], []
        contact_id = 0
        for client_id in range(1, self.clients + 1):
            roll = rng.random()
            tier = next(name for cut, name in tier_cut if roll < cut or cut >= 0.999)
            owner = 1 + int(rng.random() * OWNERS)
            lost = rng.random() < LOST_SHARE
            language = LANGUAGE_POOL[int(rng.random() * len(LANGUAGE_POOL))]
            word = WORDS[int(rng.random() * len(WORDS))]
            name = f"{word} {WORDS[client_id % len(WORDS)]} {client_id} {SUFFIXES[int(rng.random() * len(SUFFIXES))]}"
            roll = rng.random()
            email = None if roll < CONTACT_ONLY + UNREACHABLE else f"office{client_id}@client{client_id % 977}.example"
            values = {"name": name, "email": email or "", "external_id": f"C-{client_id:07d}", "city": "Wien"}
            keys = name_keys.keys_for(values, name_keys.DEFAULT_COLLATION)
            created = clock.stamp(now_m - (800 + int(rng.random() * 2000)) * DAY)
            clients.append((client_id, values["external_id"], name, "organisation", email, None, "AT", "Wien",
                            language, "Facilities", "SME" if tier == "standard" else "Enterprise", tier, owner,
                            "lost" if lost else "active", "{}", keys["sort_key"], keys["search_text"], created,
                            created))
            reach: tuple[str, str, str] | None = None
            if email is not None:
                reach = (email, name, language if language in SIX else self.settings.default_language)
            elif roll < CONTACT_ONLY:
                contact_id += 1
                person = f"Contact Person {contact_id}"
                contact_language = SIX[int(rng.random() * len(SIX))]
                address = f"person{contact_id}@client{client_id % 977}.example"
                contacts.append((contact_id, client_id, person, address, "Facilities manager", contact_language,
                                 created, created))
                reach = (address, person, contact_language)
            if reach is not None and rng.random() < OPTED_OUT:
                opt_outs.append((reach[0], created))
            self.firm.tier.append(tier)
            self.firm.active.append(not lost)
            self.firm.reach.append(reach)
        insert(self.db, "client", "id, external_id, name, kind, email, phone, country, city, language, industry, "
               "segment, tier, owner_id, status, custom_fields, sort_key, search_text, created_at, updated_at",
               clients)
        insert(self.db, "contact", "id, client_id, name, email, job_title, language, created_at, updated_at", contacts)
        insert(self.db, "survey_opt_out", "email, at", opt_outs)
        self.counts.update(client=len(clients), contact=len(contacts), survey_opt_out=len(opt_outs))

    def waves(self) -> list[int]:
        """The 8 quarterly campaigns, their invitations, responses and answers; the campaigns' ids."""
        rng, clock = self.rng, self.clock
        latest_open = clock.now_m - int(SINCE_LATEST.total_seconds() // 60)
        reachable = [c for c in range(1, self.clients + 1) if self.firm.reach[c] is not None]
        invited_count = int(self.clients * INVITED_SHARE)
        survey_id = self.survey_ids["servqual"]
        items = self.items["servqual"]
        campaign_ids = []
        invitation_id = response_id = 0
        for wave in range(WAVES):
            latest = wave == WAVES - 1
            open_m = latest_open - (WAVES - 1 - wave) * WAVE_DAYS * DAY
            expires_m = open_m + EXPIRES_DAYS * DAY
            campaign_id = wave + 1
            campaign_ids.append(campaign_id)
            stamp = clock.stamp(open_m - 2 * DAY)
            insert(self.db, "survey_campaign", "id, survey_id, name, status, audience, expires_at, remind_after_days, "
                   "max_reminders, opened_at, closed_at, created_by_id, created_at, updated_at",
                   [(campaign_id, survey_id, f"Service quality, wave {wave + 1}", "open" if latest else "closed",
                     json.dumps(campaigns.Audience().as_dict()), clock.stamp(expires_m), REMIND_DAYS, MAX_REMINDERS,
                     clock.stamp(open_m), None if latest else clock.stamp(expires_m), 1, stamp, stamp)])
            pool = [c for c in reachable if self.firm.active[c]] if latest else reachable
            invited = sorted(rng.sample(pool, min(invited_count, len(pool))))
            invitations: list[tuple[Any, ...]] = []
            responses: list[tuple[Any, ...]] = []
            rows: list[tuple[Any, ...]] = []
            answered_share = ANSWERED_LATEST if latest else ANSWERED
            horizon = (clock.now_m - open_m - 60) if latest else EXPIRES_DAYS * DAY - 60
            for client_id in invited:
                invitation_id += 1
                reach = self.firm.reach[client_id]
                assert reach is not None
                email, greeting, language = reach
                nonce = answers.new_nonce()
                token_hash = answers.hash_token(answers.token_of(self.settings, invitation_id, nonce))
                first_m: int | None = open_m + int(rng.random() * 60)
                if latest and rng.random() < 0.01:
                    first_m = None    # the address had another survey e-mail that day: still to send
                submitted_m = opened_m = None
                if first_m is not None and rng.random() < answered_share / 0.97:
                    delay = int(rng.expovariate(1 / (3 * DAY)))
                    if delay < horizon:
                        submitted_m = first_m + 5 + delay
                        opened_m = submitted_m - 5 - int(rng.random() * 25)
                if submitted_m is None and first_m is not None and rng.random() < 0.2:
                    opened_m = first_m + int(rng.random() * min(horizon, 5 * DAY))
                reminders, last_m = 0, first_m
                if first_m is not None and not latest:
                    for step in (1, 2):
                        due = first_m + step * REMIND_DAYS * DAY
                        if submitted_m is None or submitted_m > due:
                            reminders, last_m = step, due
                invitations.append((invitation_id, campaign_id, client_id, email, greeting, language, nonce,
                                    token_hash, clock.stamp(expires_m), clock.stamp(open_m - DAY),
                                    first_m and clock.stamp(first_m), last_m and clock.stamp(last_m), reminders,
                                    opened_m and clock.stamp(opened_m), submitted_m and clock.stamp(submitted_m)))
                if submitted_m is not None:
                    response_id += 1
                    responses.append(self._response(response_id, campaign_id, invitation_id, client_id, language,
                                                     submitted_m, wave, rows, items))
                elif opened_m is not None and rng.random() < PARTIAL / 0.2:
                    response_id += 1   # started, some answers saved, never submitted
                    rows.extend((response_id, items[s.code], clamp(rng.gauss(6, 0.8), 1, 7),
                                 clamp(rng.gauss(5, 1), 1, 7), None, None) for s in STATEMENTS[:8])
                    responses.append((response_id, survey_id, campaign_id, invitation_id, client_id, None, "link",
                                      language, clock.stamp(opened_m), clock.stamp(opened_m + 9), None, None, None))
            insert(self.db, "survey_invitation", "id, campaign_id, client_id, email, greeting_name, language, nonce, "
                   "token_hash, expires_at, created_at, first_mailed_at, last_mailed_at, reminders, opened_at, "
                   "answered_at", invitations)
            self._responses(responses, rows)
            self.counts["survey_invitation"] += len(invitations)
            print(f"  wave {wave + 1}: {len(invitations):,} invitations, {len(responses):,} responses, "
                  f"{len(rows):,} answers", flush=True)
        self.counts["survey_campaign"] = WAVES
        self.next_response = response_id
        return campaign_ids

    def _response(self, response_id: int, campaign_id: int, invitation_id: int | None, client_id: int,
                  language: str, submitted_m: int, wave: int, rows: list[tuple[Any, ...]],
                  items: dict[str, int]) -> tuple[Any, ...]:
        """One submitted response of 29 answers (its answer rows go to ``rows``)."""
        rng, clock = self.rng, self.clock
        lift = rng.gauss(0, 0.6) + TIER_LIFT[self.firm.tier[client_id]] + 0.06 * wave
        gaps = []
        for statement in STATEMENTS:
            expected = clamp(rng.gauss(6.0, 0.8), 1, 7)
            perceived = clamp(expected + DIMENSION_GAP[statement.dimension] + lift + rng.gauss(0, 0.9), 1, 7)
            gaps.append(perceived - expected)
            rows.append((response_id, items[statement.code], expected, perceived, None, None))
        points = {d: max(0.0, IMPORTANCE[d] + rng.gauss(0, 5)) for d in DIMENSIONS}
        total = sum(points.values()) or 1.0
        given = {d: int(points[d] * 100 / total) for d in DIMENSIONS}
        given["reliability"] += 100 - sum(given.values())
        rows.extend((response_id, items[f"importance_{d}"], None, None, given[d], None) for d in DIMENSIONS)
        nps = clamp(8.3 + 1.6 * sum(gaps) / len(gaps) + rng.gauss(0, 1.6), 0, 10)
        rows.append((response_id, items["nps"], None, None, nps, None))
        comment = COMMENTS[int(rng.random() * len(COMMENTS))]
        rows.append((response_id, items["comment"], None, None, None, comment))
        started = clock.stamp(submitted_m - 4 - int(rng.random() * 20))
        return (response_id, self.survey_ids["servqual"], campaign_id, invitation_id, client_id, None, "link",
                language, started, clock.stamp(submitted_m), clock.stamp(submitted_m), nps, comment)

    def _responses(self, responses: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]) -> None:
        insert(self.db, "survey_response", RESPONSE_COLUMNS, responses)
        insert(self.db, "survey_answer", "response_id, item_id, expected, perceived, number, text", rows)
        self.counts["survey_response"] += len(responses)
        self.counts["survey_answer"] += len(rows)

    def nps_only(self) -> None:
        """Imported NPS answers of the NPS survey over the last 26 months, in time order."""
        rng, clock, now_m = self.rng, self.clock, self.clock.now_m
        survey_id, item_id = self.survey_ids["nps"], self.items["nps"]["nps"]
        moments = sorted(now_m - 60 - int(rng.random() * NPS_ONLY_DAYS * DAY)
                         for _ in range(int(self.clients * NPS_ONLY_SHARE)))
        responses, rows = [], []
        response_id = self.next_response
        for n, moment in enumerate(moments, start=1):
            response_id += 1
            client_id = 1 + int(rng.random() * self.clients)
            nps = clamp(rng.gauss(7.6, 2.2), 0, 10)
            stamp = clock.stamp(moment)
            responses.append((response_id, survey_id, None, None, client_id, f"NPS-{n:08d}", "imported", "en", stamp,
                              stamp, stamp, nps, None))
            rows.append((response_id, item_id, None, None, nps, None))
            if len(rows) >= BATCH * 4:
                self._responses(responses, rows)
                responses, rows = [], []
        self._responses(responses, rows)


RESPONSE_COLUMNS = ("id, survey_id, campaign_id, invitation_id, client_id, external_id, source, language, started_at, "
                    "saved_at, submitted_at, nps, comment")


def settings_for(path: Path) -> Settings:
    return Settings(mode="dev", data_dir=path.parent, database_url=f"sqlite:///{path}", timezone=ZONE,
                    run_jobs=False)


def make_surveys(runtime: Runtime) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The SERVQUAL survey (with the importance split) and the NPS survey, through the product."""
    ids: dict[str, int] = {}
    items: dict[str, dict[str, int]] = {}
    with runtime.transaction() as session:
        for key, name, kind in (("servqual", "Service quality (SERVQUAL)", SurveyKind.servqual),
                                ("nps", "Net Promoter Score", SurveyKind.nps)):
            survey = surveys.create(session, name=name, kind=kind, by=SYSTEM)
            surveys.activate(session, survey, by=SYSTEM)
            ids[key] = survey.id
            items[key] = {item.code: item.id for item in survey.items}
    return ids, items


def build(path: Path, clients: int) -> dict[str, Any]:
    """Build the firm into ``path`` (through a temporary file: a failed build leaves nothing behind)."""
    started = time.perf_counter()
    building = path.with_name(path.name + ".building")
    for leftover in path.parent.glob(building.name + "*"):
        leftover.unlink()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    settings = settings_for(building)
    open_runtime(settings).close()   # the schema, by the real migrations
    connection = sqlite3.connect(building, isolation_level=None)
    connection.execute("BEGIN")
    Builder(connection, settings, Clock(now), clients, {}, {}).staff()   # the surveys' author exists
    connection.execute("COMMIT")
    connection.close()
    runtime = open_runtime(settings)
    try:
        survey_ids, items = make_surveys(runtime)
    finally:
        runtime.close()
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
    builder = Builder(connection, settings, Clock(now), clients, items, survey_ids)
    builder.client_book()
    print(f"  client book: {dict(builder.counts)} ({time.perf_counter() - started:.0f} s)", flush=True)
    campaign_ids = builder.waves()
    builder.nps_only()
    print(f"  responses: {dict(builder.counts)} ({time.perf_counter() - started:.0f} s)", flush=True)
    for _name, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode=WAL")   # as the product runs it
    connection.close()
    print(f"  indexes made again ({time.perf_counter() - started:.0f} s)", flush=True)
    meta = {"now": (now).isoformat(), "clients": clients, "seed": SEED, "build": BUILD,
            "built_in_s": round(time.perf_counter() - started, 1), "counts": dict(builder.counts),
            "surveys": survey_ids, "campaigns": campaign_ids}
    building.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    path.with_name(path.name + ".json").write_text(json.dumps(meta, indent=2))
    return meta


def prepare(path: Path, clients: int) -> dict[str, Any]:
    side = path.with_name(path.name + ".json")
    if path.exists():
        meta = json.loads(side.read_text()) if side.exists() else {}
        if meta.get("clients") == clients and meta.get("build") == BUILD:
            print(f"reusing {path} (built for {meta['now']})", flush=True)
            return meta
        sys.exit(f"{path} exists but was not built by this version of the script for {clients:,} clients "
                 f"(see {side}): remove it or give another --db")
    print(f"building {path}: {clients:,} clients ...", flush=True)
    meta = build(path, clients)
    print(f"built in {meta['built_in_s']:.0f} s", flush=True)
    return meta


# --- the naive baselines ----------------------------------------------------------------------------

def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def same_estimate(a: Estimate, b: Estimate) -> bool:
    return a.n == b.n and close(a.mean, b.mean) and close(a.ci_low, b.ci_low) and close(a.ci_high, b.ci_high)


def naive_mean_ci(values: list[float]) -> Estimate:
    """Mean and 95% interval the textbook way: two passes over the values."""
    n = len(values)
    if n == 0:
        return stats.NO_ESTIMATE
    mean = sum(values) / n
    if n == 1:
        return Estimate(1, mean, None, None)
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = stats.t_975(n - 1) * math.sqrt(variance / n)
    return Estimate(n, mean, mean - half, mean + half)


def naive_rows(session: Session, campaign_id: int | None) -> Iterator[Any]:
    """Every answer of the submitted responses in scope, as rows, with its response's client and moment."""
    query = (select(SurveyAnswer.response_id, SurveyAnswer.item_id, SurveyAnswer.expected, SurveyAnswer.perceived,
                    SurveyAnswer.number, SurveyResponse.client_id, SurveyResponse.submitted_at)
             .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
             .where(SurveyResponse.submitted_at.is_not(None)))
    if campaign_id is not None:
        query = query.where(SurveyResponse.campaign_id == campaign_id)
    return iter(session.execute(query.execution_options(yield_per=20_000)))


def naive_items(session: Session) -> dict[int, SurveyItem]:
    return {item.id: item for item in session.scalars(select(SurveyItem))}


def is_gap_item(item: SurveyItem) -> bool:
    return item.kind == ItemKind.servqual and item.code in BY_CODE and item.dimension in DIMENSIONS


@dataclass
class NaiveServqual:
    respondents: int
    items: dict[str, tuple[float, float, Estimate]]
    dimensions: dict[str, Estimate]
    importance: dict[str, float | None]
    weighted_score: float | None
    fix_first: list[str]


def naive_servqual(session: Session, campaign_id: int | None) -> NaiveServqual:
    """The answers as rows, added up in Python: per statement, per respondent and dimension, importance."""
    items = naive_items(session)
    per_item: dict[str, list[tuple[int, int]]] = defaultdict(list)
    per_respondent: dict[tuple[int, str], list[int]] = defaultdict(list)
    points: dict[str, list[int]] = defaultdict(list)
    for response_id, item_id, expected, perceived, number, _client, _at in naive_rows(session, campaign_id):
        item = items[item_id]
        if is_gap_item(item) and expected is not None and perceived is not None:
            per_item[item.code].append((expected, perceived))
            per_respondent[(response_id, str(item.dimension))].append(perceived - expected)
        elif item.kind == ItemKind.importance and item.dimension in DIMENSIONS and number is not None:
            points[str(item.dimension)].append(number)
    found_items = {}
    for code, pairs in per_item.items():
        n = len(pairs)
        found_items[code] = (sum(e for e, _ in pairs) / n, sum(p for _, p in pairs) / n,
                             naive_mean_ci([float(p - e) for e, p in pairs]))
    by_dimension: dict[str, list[float]] = defaultdict(list)
    for (_response, dimension), gaps in per_respondent.items():
        by_dimension[dimension].append(sum(gaps) / len(gaps))
    dimensions = {d: naive_mean_ci(by_dimension[d]) for d in DIMENSIONS}
    importance: dict[str, float | None] = {d: sum(points[d]) / len(points[d]) if points[d] else None
                                           for d in DIMENSIONS}
    weighted = stats.weighted_gaps({d: dimensions[d].mean for d in DIMENSIONS}, importance)
    return NaiveServqual(len({response for response, _ in per_respondent}), found_items, dimensions, importance,
                         stats.weighted_score(weighted), stats.fix_first(weighted))


def same_servqual(fast: results.ServqualResult, naive: NaiveServqual) -> bool:
    if fast.respondents != naive.respondents or len(fast.items) != len(naive.items):
        return False
    for item in fast.items:
        expected, perceived, gap = naive.items.get(item.code, (None, None, stats.NO_ESTIMATE))
        if not (close(item.expected, expected) and close(item.perceived, perceived) and same_estimate(item.gap, gap)):
            return False
    return (all(same_estimate(fast.dimensions[d], naive.dimensions[d]) for d in DIMENSIONS)
            and all(close(fast.importance[d], naive.importance[d]) for d in DIMENSIONS)
            and close(fast.weighted_score, naive.weighted_score) and list(fast.fix_first) == naive.fix_first)


def quarter_label(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def naive_servqual_by(session: Session, group: str, zone: tzinfo) -> dict[str, tuple[int, dict[str, Estimate]]]:
    """Per group's label: the respondents and the dimension gaps, from the answers as rows."""
    items = naive_items(session)
    tiers = {cid: str(tier) for cid, tier in session.execute(select(Client.id, Client.tier))}
    per_respondent: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for response_id, item_id, expected, perceived, _number, client_id, at in naive_rows(session, None):
        item = items[item_id]
        if is_gap_item(item) and expected is not None and perceived is not None:
            key = tiers[client_id] if group == "tier" else quarter_label(at, zone)
            per_respondent[(key, response_id, str(item.dimension))].append(perceived - expected)
    gaps: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    respondents: dict[str, set[int]] = defaultdict(set)
    for (key, response_id, dimension), values in per_respondent.items():
        gaps[key][dimension].append(sum(values) / len(values))
        respondents[key].add(response_id)
    return {key: (len(respondents[key]), {d: naive_mean_ci(values) for d, values in per.items()})
            for key, per in gaps.items()}


def same_groups(fast: list[results.GroupGaps], naive: dict[str, tuple[int, dict[str, Estimate]]]) -> bool:
    if len(fast) != len(naive):
        return False
    for group in fast:
        if group.label not in naive:
            return False
        n, dimensions = naive[group.label]
        if group.n != n or set(group.dimensions) != set(dimensions) or not all(
                same_estimate(group.dimensions[d], dimensions[d]) for d in dimensions):
            return False
    return True


def naive_nps_trend(session: Session, months: int, now: datetime, zone: tzinfo) -> list[tuple[date, Any]]:
    """Every submitted response's (moment, score) loaded and counted into its month in Python."""
    local = (now - timedelta(microseconds=1)).astimezone(zone)
    last = local.year * 12 + local.month - 1
    first = last - months + 1
    counts = [[0, 0, 0] for _ in range(months)]
    for at, score in session.execute(select(SurveyResponse.submitted_at, SurveyResponse.nps)
                                     .where(SurveyResponse.submitted_at.is_not(None))):
        if at is None or score is None or not 0 <= score <= 10 or at >= now:
            continue
        moment = at.astimezone(zone)
        index = moment.year * 12 + moment.month - 1 - first
        if 0 <= index < months:
            counts[index][0 if score >= 9 else 1 if score >= 7 else 2] += 1
    return [(date((first + k) // 12, (first + k) % 12 + 1, 1), stats.nps(*counts[k])) for k in range(months)]


def same_trend(fast: list[tuple[date, stats.NpsEstimate]], naive: list[tuple[date, stats.NpsEstimate]]) -> bool:
    return len(fast) == len(naive) and all(
        d1 == d2 and (a.n, a.promoters, a.passives, a.detractors) == (b.n, b.promoters, b.passives, b.detractors)
        and close(a.score, b.score) and close(a.ci_low, b.ci_low) and close(a.ci_high, b.ci_high)
        for (d1, a), (d2, b) in zip(fast, naive, strict=True))


def naive_response_rates(session: Session) -> list[dict[str, Any]]:
    """Each campaign's invitations as ORM objects, counted in Python."""
    found = []
    for campaign in session.scalars(select(Campaign).order_by(Campaign.id)):
        invited = mailed = opened = answered = 0
        for invitation in session.scalars(select(Invitation).where(Invitation.campaign_id == campaign.id)):
            invited += 1
            mailed += invitation.first_mailed_at is not None
            opened += invitation.opened_at is not None
            answered += invitation.answered_at is not None
        found.append(results.ResponseRate(campaign.id, campaign.name, campaign.survey_id, invited, mailed, opened,
                                          answered).as_dict())
        session.expunge_all()
    return found


def naive_create(session: Session, settings: Settings, survey: Survey, now: datetime,
                 sample: int | None) -> tuple[set[tuple[Any, ...]], int, float]:
    """Every active client as an ORM object, its first contact by a query where it has no address of
    its own; one ORM Invitation and one flush per recipient (then its token's hash). With ``sample``,
    stops after that many recipients. The recipients made (client, address, greeting, language), how
    many clients were looked at and the seconds spent before the first invitation (loading)."""
    started = time.perf_counter()
    campaign = Campaign(survey_id=survey.id, name="Naive wave", status=CampaignStatus.draft,
                        audience=campaigns.Audience().as_dict(), expires_at=now + timedelta(days=30),
                        remind_after_days=7, max_reminders=2)
    session.add(campaign)
    session.flush()
    opted_out = set(session.scalars(select(SurveyOptOut.email)))
    clients = session.scalars(select(Client).where(Client.status == ClientStatus.active).order_by(Client.id)).all()
    made: set[tuple[Any, ...]] = set()
    loaded = time.perf_counter() - started
    for client in clients:
        if sample is not None and len(made) >= sample:
            break
        email, greeting = (client.email or "").strip().lower(), client.name
        language = client.language if client.language in LANGUAGES else settings.default_language
        if not email:
            contact = session.scalars(select(Contact).where(Contact.client_id == client.id,
                                                            Contact.email.is_not(None), func.trim(Contact.email) != "")
                                      .order_by(Contact.id)).first()
            if contact is None:
                continue
            email, greeting = (contact.email or "").strip().lower(), contact.name
            if contact.language in LANGUAGES:
                language = str(contact.language)
        if email in opted_out:
            continue
        invitation = Invitation(campaign_id=campaign.id, client_id=client.id, email=email,
                                greeting_name=greeting[:200], language=language, nonce=answers.new_nonce(),
                                token_hash=f"pending:{client.id}", expires_at=campaign.expires_at, created_at=now,
                                reminders=0)
        session.add(invitation)
        session.flush()
        invitation.token_hash = answers.hash_token(answers.token_of(settings, invitation.id, invitation.nonce))
        made.add((client.id, email, greeting[:200], language))
    session.flush()
    return made, len(clients), loaded


def naive_remind(session: Session, settings: Settings, now: datetime) -> campaigns.Mailing:
    """The open campaigns' invitations as ORM objects, the rules checked in Python, a query per due
    invitation for the one-a-day rule, an e-mail and a flush per invitation."""
    report = campaigns.Mailing()
    for campaign in session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open)).all():
        if campaign.expires_at <= now:
            campaign.status, campaign.closed_at = CampaignStatus.closed, now
            session.flush()
            report.closed += 1
    opted_out = set(session.scalars(select(SurveyOptOut.email)))
    for campaign in session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open)
                                    .order_by(Campaign.id)).all():
        report.campaigns.append(campaign.id)
        invitations = session.scalars(select(Invitation).where(Invitation.campaign_id == campaign.id)
                                      .order_by(Invitation.id)).all()
        for reminder in (False, True):
            addresses: set[str] = set()
            for invitation in invitations:
                if (invitation.answered_at is not None or invitation.email is None or invitation.expires_at <= now
                        or invitation.email in opted_out):
                    continue
                if reminder:
                    due = (invitation.first_mailed_at is not None and invitation.reminders < campaign.max_reminders
                           and invitation.last_mailed_at is not None
                           and invitation.last_mailed_at <= now - timedelta(days=campaign.remind_after_days))
                else:
                    due = invitation.first_mailed_at is None
                if not due:
                    continue
                mailed_today = session.scalar(select(Invitation.id).where(
                    Invitation.email == invitation.email, Invitation.last_mailed_at > now - campaigns.ONE_A_DAY)
                    .limit(1))
                if mailed_today is not None or invitation.email in addresses:
                    report.waiting += 1
                    continue
                link = answers.link_of(settings, invitation)
                try:
                    mail.enqueue(session, settings, to=invitation.email, language=invitation.language,
                                 kind=campaigns.REMINDER_KIND if reminder else campaigns.INVITATION_KIND,
                                 template="emails/survey_reminder" if reminder else "emails/survey_invitation",
                                 values={"greeting_name": invitation.greeting_name, "link": link,
                                         "unsubscribe_link": f"{link}/unsubscribe",
                                         "expires_at": invitation.expires_at}, now=now)
                except ValidationFailed:
                    report.bad_address += 1
                    continue
                addresses.add(invitation.email)
                invitation.last_mailed_at = now
                if reminder:
                    invitation.reminders += 1
                    report.reminded += 1
                else:
                    invitation.first_mailed_at = now
                    report.invited += 1
                session.flush()
    return report


def naive_form(session: Session, campaign_id: int, token: str) -> tuple[int, int, int | None]:
    """The link's invitation found by hashing the token and comparing it with every invitation's
    hash of the campaign in Python; then its campaign, survey (with items) and saved response."""
    wanted = answers.hash_token(token)
    found = next(invitation_id for invitation_id, token_hash in session.execute(
        select(Invitation.id, Invitation.token_hash).where(Invitation.campaign_id == campaign_id))
        if token_hash == wanted)
    invitation = session.get(Invitation, found)
    assert invitation is not None
    campaign = session.get(Campaign, invitation.campaign_id)
    assert campaign is not None
    survey = session.scalar(select(Survey).options(selectinload(Survey.items)).where(Survey.id == campaign.survey_id))
    assert survey is not None
    response = session.scalar(select(SurveyResponse).options(selectinload(SurveyResponse.answers))
                              .where(SurveyResponse.invitation_id == invitation.id))
    return invitation.id, survey.id, response.id if response is not None else None


# --- measuring --------------------------------------------------------------------------------------

CPU: dict[str, list[float]] = defaultdict(list)   # step → CPU seconds of this process per run


def timed(work: Callable[[], Any], step: str | None = None, collect: bool = True) -> tuple[float, Any]:
    """Wall time of ``work`` (and, under ``step``, this process's CPU time: less hit by other work on the machine)."""
    if collect:
        gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    took = time.perf_counter() - started
    if step is not None:
        CPU[step].append(time.process_time() - cpu)
    return took, result


def measure(runtime: Runtime, work: Callable[[Session], Any], step: str | None = None,
            collect: bool = True) -> tuple[float, Any]:
    """``work`` timed in a session rolled back afterwards."""
    return in_rolled_back(runtime, lambda session: timed(lambda: work(session), step, collect))


def lookup(session: Session, token: str, now: datetime) -> tuple[float, tuple[int, int, int | None]]:
    """The answer page's lookup of a link, timed; what it found (invitation, survey, response)."""
    took, form = timed(lambda: answers.form_for(session, token, now=now), "link lookup (p50)", collect=False)
    return took, (form.invitation.id, form.survey.id, form.response.id if form.response is not None else None)


def in_rolled_back(runtime: Runtime, work: Callable[[Session], Any]) -> Any:
    session = runtime.sessions()
    try:
        return work(session)
    finally:
        session.rollback()
        session.close()


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (and their parameters) run on ``engine`` meanwhile."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if not executemany:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def plans(runtime: Runtime, title: str, work: Callable[[Session], Any], wanted: Callable[[str], bool],
          big: dict[str, int]) -> list[dict[str, Any]]:
    """``EXPLAIN QUERY PLAN`` of the statements ``work`` runs that ``wanted`` picks (each once),
    printed; a full scan of a large table is marked."""
    with statements(runtime.engine) as seen:
        in_rolled_back(runtime, work)
    found: list[dict[str, Any]] = []
    done: set[str] = set()
    raw = runtime.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in seen:
            if statement in done or not wanted(statement):
                continue
            done.add(statement)
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            steps = [(row[0], row[1], row[3]) for row in cursor.fetchall()]
            depth: dict[int, int] = {0: -1}
            lines, scans = [], []
            for node, parent, detail in steps:
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
                words = detail.split()
                if words[:1] == ["SCAN"] and len(words) > 1 and words[1] in big:
                    scans.append(f"{detail} ({big[words[1]]:,} rows)")
            found.append({"title": title, "sql": " ".join(statement.split()), "plan": lines, "full_scans": scans})
        cursor.close()
    finally:
        raw.close()
    print(f"\n--- query plans: {title} ---")
    for entry in found:
        sql = entry["sql"]
        print(f"SQL: {sql[:600]}{' ...' if len(sql) > 600 else ''}")
        for line in entry["plan"]:
            print(f"    {line}")
        for scan in entry["full_scans"]:
            print(f"    !! full scan of a large table: {scan}")
    return found


def counts(runtime: Runtime) -> dict[str, Any]:
    tables = ("staff", "client", "contact", "survey", "survey_item", "survey_campaign", "survey_invitation",
              "survey_response", "survey_answer", "survey_opt_out", "mail_outbox")
    with runtime.engine.connect() as connection:
        found: dict[str, Any] = {name: connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
                                 for name in tables}
        found["submitted responses"] = connection.exec_driver_sql(
            "SELECT count(*) FROM survey_response WHERE submitted_at IS NOT NULL").scalar()
        found["invitations by wave"] = dict(connection.exec_driver_sql(
            "SELECT campaign_id, count(*) FROM survey_invitation GROUP BY campaign_id").all())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="the SQLite file (built when missing); default "
                        "/work/bench/quality100k.db, or quality<N>.db beside it for other --clients")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each real step")
    parser.add_argument("--lookups", type=int, default=200, help="answer-page lookups (their median)")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    path = args.db or (DEFAULT_DB if args.clients == 100_000 else
                       DEFAULT_DB.with_name(f"quality{args.clients // 1000}k.db"))
    meta = prepare(path, args.clients)
    now = datetime.fromisoformat(meta["now"])
    settings = settings_for(path)
    zone = settings.zone
    survey_id, latest = meta["surveys"]["servqual"], meta["campaigns"][-1]
    runtime = open_runtime(settings)
    rng = random.Random(SEED + 1)
    try:
        rows = counts(runtime)
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.suffix != ".json")
        print(f"database {path}: {size / 2**20:,.0f} MiB; \"now\" = {now.isoformat()}")
        for name, value in rows.items():
            print(f"  {name:<22} {value if isinstance(value, dict) else f'{value:,}'}")
        everyone, latest_wave = results.ResultFilter(), results.ResultFilter(campaign_id=latest)

        steps: dict[str, Callable[[Session], Any]] = {
            "servqual (all waves)": lambda s: results.servqual(s, everyone, by=SYSTEM),
            "servqual (latest wave)": lambda s: results.servqual(s, latest_wave, by=SYSTEM),
            "servqual by tier": lambda s: results.servqual_by(s, everyone, "tier", zone=zone, by=SYSTEM),
            "servqual by period": lambda s: results.servqual_by(s, everyone, "period", zone=zone, by=SYSTEM),
            "nps trend (24 months)": lambda s: results.nps_trend(s, everyone, months=24, now=now, zone=zone,
                                                                 by=SYSTEM),
            "response rates": lambda s: results.response_rates(s, by=SYSTEM),
        }

        def new_campaign(session: Session) -> tuple[float, Any]:
            survey = session.get(Survey, survey_id)
            assert survey is not None
            took, campaign = timed(lambda: campaigns.create(session, settings, survey, "Everyone", campaigns.Audience(),
                                                            now=now, by=SYSTEM), "campaign to everyone")
            made = {tuple(row) for row in session.execute(
                select(Invitation.client_id, Invitation.email, Invitation.greeting_name, Invitation.language)
                .where(Invitation.campaign_id == campaign.id))}
            sample = session.execute(select(Invitation.id, Invitation.nonce, Invitation.token_hash)
                                     .where(Invitation.campaign_id == campaign.id).limit(100)).all()
            hashed = all(answers.hash_token(answers.token_of(settings, i, nonce)) == h for i, nonce, h in sample)
            return took, (made, hashed)

        def reminders(session: Session) -> tuple[float, campaigns.Mailing]:
            return timed(lambda: campaigns.remind(session, settings, now=now, by=SYSTEM), "reminder job")

        runs: dict[str, list[float]] = defaultdict(list)
        found: dict[str, Any] = {}
        for run in range(1, args.repeat + 1):   # the steps alternate: a change in the machine's load hits all alike
            for name, work in steps.items():
                took, found[name] = measure(runtime, work, name)
                runs[name].append(took)
            took, found["campaign to everyone"] = in_rolled_back(runtime, new_campaign)
            runs["campaign to everyone"].append(took)
            took, found["reminder job"] = in_rolled_back(runtime, reminders)
            runs["reminder job"].append(took)
            print(f"run {run}: " + ", ".join(f"{name} {times[-1] * 1000:,.0f} ms" for name, times in runs.items()),
                  flush=True)

        invitations = list(in_rolled_back(runtime, lambda s: s.execute(
            select(Invitation.id, Invitation.nonce).where(Invitation.campaign_id == latest)).all()))
        chosen = rng.sample(invitations, min(args.lookups, len(invitations)))
        tokens = [answers.token_of(settings, invitation_id, nonce) for invitation_id, nonce in chosen]
        lookups: list[tuple[int, int, int | None]] = []
        for token in tokens:
            took, ids = in_rolled_back(runtime, partial(lookup, token=token, now=now))
            runs["link lookup (p50)"].append(took)
            lookups.append(ids)

        full = found["servqual (all waves)"]
        print(f"servqual, all waves: {full.respondents:,} respondents; gaps "
              f"{ {d: round(e.mean, 3) for d, e in full.dimensions.items() if e.mean is not None} }; "
              f"weighted score {full.weighted_score:.3f}; fix first {list(full.fix_first)}")
        print(f"servqual, latest wave: {found['servqual (latest wave)'].respondents:,} respondents")
        print(f"by tier: {[(g.label, g.n) for g in found['servqual by tier']]}")
        print(f"by period: {[(g.label, g.n) for g in found['servqual by period']]}")
        trend = found["nps trend (24 months)"]
        print(f"nps trend: {sum(e.n for _, e in trend):,} answers; last months "
              f"{[(d.isoformat(), round(e.score or 0, 1), e.n) for d, e in trend[-3:]]}")
        made, hashed = found["campaign to everyone"]
        print(f"campaign to everyone: {len(made):,} invitations; tokens' hashes right: {hashed}")
        print(f"reminder job: {found['reminder job'].as_dict()}")

        naive: dict[str, float] = {}
        checks: dict[str, str] = {}
        notes: dict[str, str] = {}

        def check(name: str, ok: bool, detail: str = "") -> None:
            checks[name] = "OK" if ok else f"MISMATCH {detail}".strip()

        for name, campaign_id in (("servqual (all waves)", None), ("servqual (latest wave)", latest)):
            took, result = measure(runtime, partial(naive_servqual, campaign_id=campaign_id))
            naive[name] = took
            check(name, same_servqual(found[name], result), f"(respondents {result.respondents:,})")
            print(f"naive {name}: {took:,.1f} s", flush=True)
        for group in ("tier", "period"):
            name = f"servqual by {group}"
            took, grouped = measure(runtime, partial(naive_servqual_by, group=group, zone=zone))
            naive[name] = took
            check(name, same_groups(found[name], grouped), str({k: v[0] for k, v in grouped.items()}))
            print(f"naive {name}: {took:,.1f} s", flush=True)
        name = "nps trend (24 months)"
        took, naive_trend = measure(runtime, partial(naive_nps_trend, months=24, now=now, zone=zone))
        naive[name] = took
        check(name, same_trend(trend, naive_trend))
        print(f"naive {name}: {took:,.1f} s", flush=True)
        name = "response rates"
        took, rates = measure(runtime, naive_response_rates)
        naive[name] = took
        check(name, rates == [rate.as_dict() for rate in found[name]])
        print(f"naive {name}: {took:,.1f} s", flush=True)

        name = "campaign to everyone"

        def naive_campaign_sampled(session: Session) -> tuple[float, Any, bool]:
            survey = session.get(Survey, survey_id)
            assert survey is not None
            probe, outcome = timed(partial(naive_create, session, settings, survey, now, NAIVE_CREATE_SAMPLE))
            done, loaded = len(outcome[0]), outcome[2]
            projected = loaded + (probe - loaded) * len(made) / max(done, 1)
            if projected <= NAIVE_CREATE_MOST_S:
                session.rollback()
                again = session.get(Survey, survey_id)
                assert again is not None
                took, outcome = timed(partial(naive_create, session, settings, again, now, None))
                return took, outcome, False
            return projected, outcome, True

        took, (naive_made, _looked_at, loaded), scaled = in_rolled_back(runtime, naive_campaign_sampled)
        done = len(naive_made)
        naive[name] = took
        if scaled:
            last_client = max(client_id for client_id, *_ in naive_made)
            expected = {row for row in made if row[0] <= last_client}
            notes[name] = (f"naive run on the first {done:,} recipients, its loop scaled ×{len(made) / done:,.1f} "
                           f"to {len(made):,} (loading the clients: {loaded:,.1f} s, once)")
            print(f"naive {name}: {notes[name]}: {took:,.1f} s (projected)", flush=True)
        else:
            expected = made
            print(f"naive {name}: {took:,.1f} s", flush=True)
        check(name, hashed and naive_made == expected, f"({len(naive_made):,} against {len(expected):,})")

        name = "reminder job"
        took, mailing = measure(runtime, partial(naive_remind, settings=settings, now=now))
        naive[name] = took
        check(name, mailing.as_dict() == found[name].as_dict(), str(mailing.as_dict()))
        print(f"naive {name}: {took:,.1f} s", flush=True)

        name = "link lookup (p50)"
        naive_lookups: list[float] = []
        agree = True
        for token, fast in list(zip(tokens, lookups, strict=True))[:20]:
            took, slow = measure(runtime, partial(naive_form, campaign_id=latest, token=token), collect=False)
            naive_lookups.append(took)
            agree = agree and slow == fast
        naive[name] = median(naive_lookups)
        notes[name] = (f"p50 of {len(runs[name])} lookups (p95 "
                       f"{sorted(runs[name])[int(len(runs[name]) * 0.95) - 1] * 1000:,.1f} ms); "
                       f"naive: p50 of {len(naive_lookups)}")
        check(name, agree)

        def servqual_work(session: Session) -> Any:
            return results.servqual(session, latest_wave, by=SYSTEM)

        def lookup_work(session: Session) -> Any:
            return answers.form_for(session, tokens[0], now=now)

        big = {table: rows[table] for table in LARGE_TABLES if rows.get(table, 0) >= 10_000}
        explained = plans(runtime, "servqual (latest wave)", servqual_work,
                          lambda sql: sql.lstrip().upper().startswith("SELECT"), big)
        explained += plans(runtime, "servqual (all waves)", lambda s: results.servqual(s, everyone, by=SYSTEM),
                           lambda sql: sql.lstrip().upper().startswith("SELECT") and "survey_answer" in sql, big)
        explained += plans(runtime, "link lookup (form_for)", lookup_work,
                           lambda sql: sql.lstrip().upper().startswith("SELECT"), big)
        explained += plans(runtime, "reminder job (its selections)",
                           lambda s: campaigns.remind(s, settings, now=now, by=SYSTEM),
                           lambda sql: sql.lstrip().upper().startswith("SELECT") and "survey_invitation" in sql, big)
    finally:
        runtime.close()

    print(f"\n{args.clients:,} clients, {rows['survey_answer']:,} answers; {args.repeat} runs of each step "
          f"({args.lookups} link lookups), 1 of each naive baseline")
    print(f"{'step':<24} {'median ms':>10} {'best ms':>9} {'CPU ms':>8} {'naive ms':>10} {'naive/fast':>11}  "
          f"{'< 1 s':<6} check")
    table: dict[str, Any] = {}
    for name, times in runs.items():
        middle, best, slow, cpu = median(times), min(times), naive[name], median(CPU[name])
        ratio = slow / middle
        table[name] = {"median_ms": round(middle * 1000, 2), "best_ms": round(best * 1000, 2),
                       "runs_ms": [round(t * 1000, 2) for t in times][:20], "cpu_median_ms": round(cpu * 1000, 2),
                       "naive_ms": round(slow * 1000, 1), "ratio": round(ratio, 1), "under_1s": middle < TARGET_S,
                       "check": checks[name], "note": notes.get(name)}
        precise = middle < 0.1
        print(f"{name:<24} {middle * 1000:10,.{1 if precise else 0}f} {best * 1000:9,.{1 if precise else 0}f} "
              f"{cpu * 1000:8,.{1 if precise else 0}f} {slow * 1000:10,.0f} {ratio:10,.1f}x  "
              f"{'yes' if middle < TARGET_S else 'NO':<6} {checks[name]}")
    for name, note in notes.items():
        print(f"  {name}: {note}")
    scans = [f"{entry['title']}: {scan}" for entry in explained for scan in entry["full_scans"]]
    print("full scans of large tables in the plans above:" if scans else "no full scan of a large table in the plans")
    for scan in scans:
        print(f"  {scan}")
    if args.save:
        args.save.write_text(json.dumps({"clients": args.clients, "now": meta["now"], "db_bytes": size,
                                         "counts": rows, "steps": table, "plans": explained}, indent=2, default=str))
    return 0 if all(c == "OK" for c in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
