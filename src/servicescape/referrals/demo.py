"""The demo firm's word of mouth: two years of referrals and the testimonials of its clients.

* Referrals: a few dozen a year (fewer for a very small book), most from a handful of loyal key and
  growth clients, so that the top referrers stand out. Some referred someone who became a client
  (won, with the value of that client's first engagement); most referred a prospect. Old ones are
  decided (won with a value, or lost), recent ones still new, contacted or at the proposal stage.
* Testimonials: in the client's language (English where the screens do not speak it), by one of the
  client's contacts, with consent for one to three uses; most approved by the owner, some waiting
  for approval, two drafts whose consent is not in yet, and one rejected.

Deterministic for the demo's seed, today and the firm's settings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from servicescape.demo import countries
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.promises.demo import demo_now
from servicescape.referrals.demo_texts import PROSPECTS, REJECTED_REASON, TESTIMONIALS
from servicescape.referrals.models import ConsentUse

Row = dict[str, Any]
#: how far back the referrals go
DAYS = 730
#: the clients read for the step (the demo's largest books need no more than this)
CANDIDATES = 3_000
#: a referral of a client of the book (else of a prospect), where a client fits
OF_A_CLIENT = 0.3
VALUES = {"MYR": (8_000, 90_000, 100), "EUR": (2_000, 25_000, 50), "USD": (2_000, 30_000, 50)}


@dataclass(frozen=True)
class Candidate:
    id: int
    language: str
    currency: str
    created: date
    owner_id: int | None
    contact: str | None
    job_title: str | None


def _candidates(connection: Connection) -> list[Candidate]:
    clients, contacts = table("client"), table("contact")
    first = (select(contacts.c.client_id, func.min(contacts.c.id).label("contact_id"))
             .group_by(contacts.c.client_id).subquery())
    rows = connection.execute(
        select(clients.c.id, clients.c.language, clients.c.country, clients.c.created_at, clients.c.owner_id,
               contacts.c.name, contacts.c.job_title)
        .outerjoin(first, first.c.client_id == clients.c.id).outerjoin(contacts, contacts.c.id == first.c.contact_id)
        .where(clients.c.status == "active").order_by(clients.c.id).limit(CANDIDATES))
    found = []
    for client_id, language, country, created, owner_id, contact, job_title in rows:
        known = countries.BY_CODE.get(country or "")
        found.append(Candidate(client_id, language if language in TESTIMONIALS else "en",
                               known.currency if known else "EUR", created.date(), owner_id, contact, job_title))
    return found


def _first_values(connection: Connection, ids: list[int]) -> dict[int, tuple[Decimal, str]]:
    engagements = table("engagement")
    first = (select(engagements.c.client_id, func.min(engagements.c.id).label("id"))
             .where(engagements.c.client_id.in_(ids), engagements.c.value.is_not(None),
                    engagements.c.currency.is_not(None))
             .group_by(engagements.c.client_id).subquery())
    rows = connection.execute(select(engagements.c.client_id, engagements.c.value, engagements.c.currency)
                              .join(first, first.c.id == engagements.c.id))
    return {client_id: (value, currency) for client_id, value, currency in rows}


class WordOfMouth:
    def __init__(self, run: DemoRun, connection: Connection) -> None:
        self.rng = random.Random(run.spec.seed * 7_919 + 80)
        self.now = demo_now(run.spec, run.runtime.settings)
        self.today = run.spec.today
        self.zone = run.runtime.settings.zone
        self.approver = run.ids.get("staff", {}).get("aisyah")
        self.ids = next_ids(connection, ("testimonial", "referral"))
        self.clients = _candidates(connection)
        self.values = _first_values(connection, [c.id for c in self.clients])

    def _take(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def _moment(self, day: date) -> datetime:
        minutes = self.rng.randint(9 * 60, 17 * 60)
        local = datetime.combine(day, time(), tzinfo=self.zone) + timedelta(minutes=minutes)
        return local.astimezone(UTC)

    def _value(self, currency: str) -> Decimal:
        low, high, step = VALUES.get(currency, VALUES["EUR"])
        return Decimal(self.rng.randrange(low, high, step))

    def referrals(self) -> list[Row]:
        rng, clients = self.rng, self.clients
        if len(clients) < 2:
            return []
        per_year = min(40, max(6, len(clients) // 8))
        loyal = [c for c in clients if c.contact][: max(3, per_year // 2)] or clients[:3]
        rng.shuffle(loyal)
        weights = [1 / (rank + 1) for rank in range(len(loyal))]
        referred: set[int] = set()
        rows = []
        for _ in range(per_year * 2):
            referrer = rng.choices(loyal, weights)[0]
            day = self.today - timedelta(days=rng.randint(3, DAYS))
            age = (self.today - day).days
            row: Row = {"id": self._take("referral"), "referrer_client_id": referrer.id, "referred_client_id": None,
                        "prospect_name": None, "prospect_email": None, "prospect_company": None,
                        "referred_on": day, "status": "new", "value_won": None, "currency": None, "won_on": None,
                        "note": None, "owner_id": referrer.owner_id}
            became = [c for c in clients if c.id != referrer.id and c.id not in referred
                      and day < c.created <= min(day + timedelta(days=90), self.today)]
            if became and rng.random() < OF_A_CLIENT:
                client = rng.choice(became)
                referred.add(client.id)
                value, currency = self.values.get(client.id, (self._value(client.currency), client.currency))
                row.update(referred_client_id=client.id, status="won", value_won=value, currency=currency,
                           won_on=client.created)
            else:
                name, company = rng.choice(PROSPECTS[referrer.language])
                row.update(prospect_name=name, prospect_company=company, status=self._status(age))
                if row["status"] == "won":
                    won_on = day + timedelta(days=rng.randint(14, max(14, min(120, age - 1))))
                    row.update(value_won=self._value(referrer.currency), currency=referrer.currency,
                               won_on=min(won_on, self.today))
            at = self._moment(day)
            row.update(created_at=at, updated_at=self._moment(row["won_on"]) if row["won_on"] else at)
            rows.append(row)
        rows.sort(key=lambda r: (r["referred_on"], r["id"]))
        for row, number in zip(rows, sorted(r["id"] for r in rows), strict=True):
            row["id"] = number          # ids in the order the referrals were made
        return rows

    def _status(self, age: int) -> str:
        roll = self.rng.random()
        if age > 180:
            return "won" if roll < 0.35 else "lost" if roll < 0.85 else "proposal" if roll < 0.95 else "contacted"
        if age > 60:
            return "won" if roll < 0.25 else "lost" if roll < 0.55 else "proposal" if roll < 0.8 else "contacted"
        return "new" if roll < 0.4 else "contacted" if roll < 0.75 else "proposal"

    def testimonials(self) -> list[Row]:
        rng = self.rng
        speaking = [c for c in self.clients if c.contact]
        count = min(36, max(8, len(self.clients) // 9), len(speaking))
        chosen = rng.sample(speaking, count)
        rows = []
        for index, client in enumerate(chosen):
            texts = TESTIMONIALS[client.language]
            created = self.now - timedelta(days=rng.randint(5, DAYS - 30), minutes=rng.randint(0, 600))
            consent = created - timedelta(days=rng.randint(0, 10))
            uses = [use for use in ConsentUse if rng.random() < 0.6] or [ConsentUse.website]
            status = "rejected" if index == 0 else "draft" if index in (1, 2) else \
                "approved" if rng.random() < 0.65 else "pending"
            approved_at = min(self.now, created + timedelta(days=rng.randint(1, 7))) if status == "approved" else None
            draft = status == "draft"
            rows.append({
                "id": self._take("testimonial"), "client_id": client.id, "author_name": client.contact,
                "author_role": client.job_title, "text": texts[index % len(texts)], "language": client.language,
                "consent_by": None if draft else client.contact, "consent_at": None if draft else consent,
                **{f"use_{use.value}": not draft and use in uses for use in ConsentUse},
                "status": status, "approved_by_id": self.approver if approved_at else None, "approved_at": approved_at,
                "rejected_reason": REJECTED_REASON if status == "rejected" else None, "survey_response_id": None,
                "created_at": created, "updated_at": approved_at or created,
            })
        return rows


def load_word_of_mouth(run: DemoRun) -> None:
    """Testimonials and two years of referrals for the demo's clients."""
    with run.runtime.transaction() as session:
        connection = session.connection()
        built = WordOfMouth(run, connection)
        run.insert(connection, "testimonial", built.testimonials())
        run.insert(connection, "referral", built.referrals())
