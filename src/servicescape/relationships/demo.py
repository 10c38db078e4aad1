"""The demo firm's relationships: exchange rates, contact cadence, recent contact with most clients
(not all: some are overdue, and one office has let its contact slip) and the key accounts' reviews.

* Rates turn the demo's three currencies into the reporting currency (``catalogue.EUR_RATES``,
  fixed demo rates); a rate the firm set already is kept, and so is its cadence per tier (the
  migration seeds the defaults; only missing tiers are added).
* The client book's interaction log thins out towards today; a client is due for contact every
  ``cadence`` days of its tier. The key accounts past it and most other clients heard from their
  account manager lately (a call, a meeting, an e-mail or a meal, in the client's language); some
  did not and are overdue.
  The clients of the office in ``firm.SLIPPING`` did not: nobody there has been in touch for
  ``firm.SLIPPED_DAYS`` days (the generator ends their notes before that), so its key accounts
  are overdue — the scorecard's relationships are weak, and it recommends contacting them.
* Reviews: last quarter's mostly done, this quarter's open for some key accounts and done for
  others — with the dedupe key of the daily watch (``accounts.open_watch_tasks``), which opens
  the rest. Titles and outcomes are in the language of the staff member who owns the review.

Deterministic for the demo's seed, today and the firm's settings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from servicescape.clients.models import Tier
from servicescape.demo import catalogue, firm, phrases
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.demo.weighted import Weighted
from servicescape.promises.demo import demo_now
from servicescape.relationships import service
from servicescape.relationships.capability import REVIEW

Row = dict[str, Any]

#: clients past their tier's cadence that got in touch again lately (not those of firm.SLIPPING):
#: every key account of the other offices, most of their other clients
CONTACTED = {Tier.key: 1.0, Tier.growth: 0.7, Tier.standard: 0.7}
CHANNELS = Weighted([("call", 40), ("meeting", 30), ("e-mail", 20), ("meal", 10)])
SENTIMENTS = Weighted([("positive", 45), ("neutral", 55)])
#: key accounts with last quarter's review done; with this quarter's open; with it done already
REVIEWED_LAST = 0.7
REVIEW_OPEN = 0.4
REVIEW_DONE = 0.25
CHUNK = 5_000


@dataclass(frozen=True)
class ReviewTexts:
    title: str                      # {client}
    outcomes: tuple[str, str]


REVIEW_TEXTS: dict[str, ReviewTexts] = {
    "en": ReviewTexts("Account review with {client}", (
        "Reviewed the year with the client's management; goals for next quarter agreed.",
        "Walked through the promise record and the open points; the client asked for a proposal.")),
    "ms": ReviewTexts("Semakan akaun bersama {client}", (
        "Menyemak tahun ini bersama pengurusan pelanggan; matlamat suku tahun hadapan dipersetujui.",
        "Meneliti rekod janji dan perkara tertunggak; pelanggan meminta cadangan.")),
    "bg": ReviewTexts("Преглед на сътрудничеството с {client}", (
        "Прегледахме годината с ръководството на клиента; целите за следващото тримесечие са договорени.",
        "Минахме през изпълнените обещания и отворените въпроси; клиентът поиска предложение.")),
    "hu": ReviewTexts("Partneri áttekintés: {client}", (
        "Átnéztük az évet az ügyfél vezetőségével; megállapodtunk a következő negyedév céljairól.",
        "Végigmentünk az ígéretek teljesítésén és a nyitott pontokon; az ügyfél ajánlatot kért.")),
    "zh-Hans": ReviewTexts("与{client}的客户回顾", (
        "与客户管理层回顾了本年度，商定了下季度目标。",
        "逐项检查了承诺履行记录和未结事项，客户要求提交方案。")),
    "zh-Hant": ReviewTexts("與{client}的客戶檢討", (
        "與客戶管理層檢討了本年度，議定了下季目標。",
        "逐項檢視了承諾履行紀錄與未結事項，客戶要求提出方案。")),
}


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    owner_id: int | None
    language: str | None
    last_contact: datetime | None
    since: datetime
    tier: Tier


def rate_rows(reporting_currency: str, known: set[str], now: datetime) -> list[Row]:
    """The demo currencies' worth in the reporting currency (none when it is not one the demo knows)."""
    reporting = catalogue.EUR_RATES.get(reporting_currency)
    if reporting is None:
        return []
    return [{"currency": code, "rate": float(rate / reporting), "created_at": now, "updated_at": now}
            for code, rate in sorted(catalogue.EUR_RATES.items())
            if code != reporting_currency and code not in known and rate > Decimal(0)]


def _accounts(connection: Connection) -> list[Account]:
    """The active clients with their last contact, key accounts first."""
    clients, interactions = table("client"), table("interaction")
    last = (select(interactions.c.client_id, func.max(interactions.c.occurred_at).label("last"))
            .group_by(interactions.c.client_id).subquery())
    rows = connection.execute(
        select(clients.c.id, clients.c.name, clients.c.owner_id, clients.c.language, last.c.last,
               clients.c.created_at, clients.c.tier)
        .outerjoin(last, last.c.client_id == clients.c.id)
        .where(clients.c.status == "active").order_by(clients.c.id))
    found = [Account(*row[:-1], tier=Tier(row[-1])) for row in rows]
    return [a for a in found if a.tier == Tier.key] + [a for a in found if a.tier != Tier.key]


def _quarter(moment: datetime, back: int = 0) -> tuple[int, int, datetime]:
    """(year, quarter, first moment) of ``moment``'s quarter, or ``back`` quarters before it."""
    index = moment.year * 4 + (moment.month - 1) // 3 - back
    year, quarter = divmod(index, 4)
    return year, quarter + 1, datetime(year, quarter * 3 + 1, 1, tzinfo=UTC)


def review_key(client_id: int, year: int, quarter: int) -> str:
    """The daily watch's key: one review per key account and quarter."""
    return f"relationships.review:{client_id}:{year}Q{quarter}"


class Relationships:
    """Builds the step's rows: the contact that keeps most clients in touch, and the key accounts' reviews."""

    def __init__(self, run: DemoRun, session: Session) -> None:
        settings = run.runtime.settings
        self.rng = random.Random(run.spec.seed * 7_927 + 75)
        #: the other tiers' contact draws on its own (the key accounts' and the reviews' stay as they were)
        self.others = random.Random(run.spec.seed * 7_927 + 76)
        self.now = demo_now(run.spec, settings)
        self.zone = settings.zone
        self.opens, self.closes = settings.working_hours
        self.cadence = service.cadence(session)
        self.language = {run.ids["staff"][m.key]: m.language for m in firm.ROSTER}
        self.slipping = {run.ids["staff"][key] for key in firm.SLIPPING if key in run.ids["staff"]}
        self.ids = next_ids(session.connection(), ("interaction", "task"))

    def _take(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def _working_moment(self, days_ago: int, rng: random.Random) -> datetime:
        """A moment in the firm's working hours ``days_ago`` days before today."""
        day = self.now.astimezone(self.zone).date() - timedelta(days=days_ago)
        opens = datetime.combine(day, self.opens, tzinfo=self.zone)
        span = (datetime.combine(day, self.closes) - datetime.combine(day, self.opens)).seconds // 60
        return (opens + timedelta(minutes=rng.randint(0, max(0, span - 1)))).astimezone(UTC)

    def contacts(self, accounts: list[Account]) -> list[Row]:
        """A recent interaction for most clients past their tier's cadence; some stay overdue, and
        so do all of those the slipping office owns."""
        rows = []
        for tier in (Tier.key, Tier.growth, Tier.standard):
            rows += self._contacts(tier, [a for a in accounts if a.tier == tier])
        return rows

    def _contacts(self, tier: Tier, accounts: list[Account]) -> list[Row]:
        cadence, rng = self.cadence[tier], self.rng if tier == Tier.key else self.others
        cutoff = self.now - timedelta(days=cadence)
        overdue = [a for a in accounts if (a.last_contact or a.since) < cutoff]
        chosen = [rng.random() < CONTACTED[tier] for _ in overdue]
        if len(accounts) > 1 and overdue:
            if all(chosen) and not any(a.owner_id in self.slipping for a in overdue):
                chosen[-1] = False      # some are overdue ...
            if len(overdue) == len(accounts) and not any(chosen):
                chosen[0] = True        # ... never all of them
        rows = []
        for account, contacted in zip(overdue, chosen, strict=True):
            if not contacted or account.owner_id is None or account.owner_id in self.slipping:
                continue
            channel, sentiment = CHANNELS.draw(rng), SENTIMENTS.draw(rng)
            texts = phrases.SUMMARIES.get((account.language or "en", channel, sentiment),
                                          phrases.SUMMARIES[("en", channel, sentiment)])
            at = self._working_moment(rng.randint(1, max(1, cadence - 2)), rng)
            rows.append({
                "id": self._take("interaction"), "external_id": None, "client_id": account.id,
                "staff_id": account.owner_id, "channel": channel, "occurred_at": at,
                "summary": texts[int(rng.random() * len(texts))], "created_at": at, "updated_at": at,
            })
        return rows

    def reviews(self, accounts: list[Account], taken: set[str]) -> list[Row]:
        """Last quarter's reviews (mostly done) and this quarter's (some open, some done)."""
        rng, now = self.rng, self.now
        this_year, this_quarter, this_start = _quarter(now)
        last_year, last_quarter, last_start = _quarter(now, back=1)
        rows: list[Row] = []
        for account in accounts:
            texts = REVIEW_TEXTS.get(self.language.get(account.owner_id or 0, "en"), REVIEW_TEXTS["en"])
            plans: list[tuple[str, datetime, datetime, datetime | None]] = []
            if account.since < last_start and rng.random() < REVIEWED_LAST:
                due = last_start + (this_start - last_start) * rng.uniform(0.2, 0.9)
                plans.append((review_key(account.id, last_year, last_quarter), due, due - timedelta(days=14),
                              due - timedelta(days=rng.randint(0, 5))))
            roll = rng.random()
            if roll < REVIEW_OPEN:
                due = now + timedelta(days=rng.randint(3, 25))
                plans.append((review_key(account.id, this_year, this_quarter), due, now - timedelta(days=14), None))
            elif roll < REVIEW_OPEN + REVIEW_DONE and now - this_start > timedelta(days=7):
                held = this_start + (now - this_start) * rng.uniform(0.3, 0.95)
                plans.append((review_key(account.id, this_year, this_quarter), held + timedelta(days=3),
                              max(this_start, held - timedelta(days=14)), held))
            for key, due, created, done in plans:
                if key in taken:
                    continue
                closed = done.replace(second=0, microsecond=0) if done else None
                rows.append({
                    "id": self._take("task"), "kind": REVIEW, "title": texts.title.format(client=account.name)[:300],
                    "notes": None, "client_id": account.id, "related_type": None, "related_id": None,
                    "owner_id": account.owner_id, "due_at": due.replace(second=0, microsecond=0),
                    "priority": "normal", "status": "done" if closed else "open",
                    "outcome": texts.outcomes[int(rng.random() * 2)] if closed else None, "closed_at": closed,
                    "closed_by_id": account.owner_id if closed else None, "created_by_id": None,
                    "rule": "relationships.review", "dedupe_key": key,
                    "created_at": created.replace(second=0, microsecond=0),
                    "updated_at": (closed or created).replace(second=0, microsecond=0),
                })
        return rows


def load_relationships(run: DemoRun) -> None:
    """Rates and cadence where missing, then recent contact with the clients, reviews for the key accounts."""
    settings = run.runtime.settings
    with run.runtime.transaction() as session:
        connection = session.connection()
        built = Relationships(run, session)
        rates, cadence = table("exchange_rate"), table("cadence_policy")
        known = set(connection.scalars(select(rates.c.currency)))
        run.insert(connection, "exchange_rate", rate_rows(settings.reporting_currency, known, built.now))
        tiers = set(connection.scalars(select(cadence.c.tier)))
        run.insert(connection, "cadence_policy", [{"tier": tier.value, "every_days": days}
                                                  for tier, days in service.DEFAULT_CADENCE.items()
                                                  if tier.value not in tiers])
        accounts = _accounts(connection)
        contacts = built.contacts(accounts)
        for start in range(0, len(contacts), CHUNK):
            run.insert(connection, "interaction", contacts[start:start + CHUNK])
        tasks = table("task")
        taken = set(connection.scalars(select(tasks.c.dedupe_key).where(
            tasks.c.dedupe_key.like("relationships.review:%"))))
        reviews = built.reviews([a for a in accounts if a.tier == Tier.key], taken)
        for start in range(0, len(reviews), CHUNK):
            run.insert(connection, "task", reviews[start:start + CHUNK])
