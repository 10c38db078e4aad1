"""The demo firm's client book as rows: deterministic for a seed and a "today", streamed in batches.

Nothing here touches a database. :class:`DemoGenerator` yields batches of plain row dicts (keys are
column names, ids assigned in advance) that :mod:`servicescape.demo.load` inserts with SQLAlchemy
Core. The same seed, today and first ids always give the same rows, whatever the batch size.

How the numbers are made believable:
- Client size follows a log-normal distribution sampled at evenly spread quantiles (a Weyl
  sequence), so that every batch, and the whole book, has the same shape: about a fifth of the
  clients bring about 80% of the revenue (compare in EUR with ``catalogue.EUR_RATES``).
- Tier follows size; lost clients stop buying, paying and talking at the day they were lost, and
  their last notes are complaints.
- Engagements are mostly sold and delivered by the same person, not always (continuity).
- The clients of one office (``firm.SLIPPING``) have heard nothing from it for ``firm.SLIPPED_DAYS``
  days: their notes end before that.
- Money is integer cents until it becomes a ``Decimal`` with exactly two places; the invoices of a
  completed engagement add up to its value exactly.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import NormalDist
from typing import Any

from servicescape.demo import catalogue, companies, countries, firm, names, phrases
from servicescape.demo.roster import WINDOW_DAYS, Row, Team, midnight
from servicescape.demo.weighted import Weighted

TABLES = ("client", "contact", "engagement", "invoice", "interaction")
Batch = dict[str, list[Row]]

SIZE_SIGMA = 0.9                      # log-normal spread of client size (sites looked after)
MAX_SITES = 80
GOLDEN = (math.sqrt(5) - 1) / 2
TIER_CUTS = ((0.90, "key"), (0.65, "growth"))
LOST_SHARE = {"key": 0.04, "growth": 0.10, "standard": 0.16}
LEVELS = {kind: Weighted(zip((0, 1, 2), weights, strict=True)) for kind, weights in {
    "key": (10, 35, 55), "growth": (25, 50, 25), "standard": (60, 32, 8), "person": (85, 15, 0),
}.items()}
ENGAGEMENTS = {"key": (3, 6), "growth": (2, 3), "standard": (1, 2), "person": (1, 1)}
CONTACTS = {"key": (2, 4), "growth": (1, 3), "standard": (1, 2)}
TOUCHES_PER_MONTH = {"key": 0.8, "growth": 0.35, "standard": 0.12, "person": 0.08}
CONTINUITY = 0.65                    # share of engagements delivered by the person who sold them
# maintenance, response, energy, commissioning
SERVICES = Weighted(zip(catalogue.SERVICES, (35, 25, 20, 20), strict=True))
PERSON_SERVICES = Weighted(zip(catalogue.SERVICES, (60, 40, 0, 0), strict=True))
# call, e-mail, letter, meeting, meal, other
CHANNELS = {"key": Weighted(zip(phrases.CHANNELS, (28, 30, 3, 24, 10, 5), strict=True)),
            "other": Weighted(zip(phrases.CHANNELS, (38, 38, 4, 12, 3, 5), strict=True))}
REFERRALS = ("Existing client", "Word of mouth", "Trade fair", "Website", "Tender",
             "Partner firm", "Seminar")
INFO_MAILBOX = {"ms": "pertanyaan", "bg": "office", "hu": "info", "zh-Hans": "service",
                "zh-Hant": "service", "de": "kontakt", "ro": "office", "en": "info"}


@dataclass(frozen=True)
class DemoSpec:
    """What to generate: how many clients, from which seed, relative to which day."""

    today: date
    clients: int = firm.DEMO_CLIENTS
    seed: int = firm.DEMO_SEED

    def __post_init__(self) -> None:
        if self.clients < 1:
            raise ValueError("the demo needs at least one client")


class DemoGenerator:
    """Streams the demo's client book; see the module docstring."""

    def __init__(self, spec: DemoSpec, *, staff_ids: Mapping[str, int],
                 package_ids: Mapping[str, int], first_ids: Mapping[str, int] | None = None,
                 level_ids: Mapping[str, int] | None = None) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.today_ord = spec.today.toordinal()
        self.start_ord = self.today_ord - WINDOW_DAYS
        self.midnight = midnight(spec.today)
        self.next_id = {table: (first_ids or {}).get(table, 1) for table in TABLES}
        self.teams = {cc: Team(members, staff_ids, spec.today)
                      for cc, members in firm.TEAMS.items()}
        self.packages = {
            (service.key, level, currency): (package_ids[service.name],
                                             int(catalogue.list_price(service, level, currency)) * 100)
            for service in catalogue.SERVICES for level in range(len(catalogue.LEVELS))
            for currency in catalogue.CURRENCIES
        }
        #: "service key:level" → the level's id, when the catalogue's levels are loaded (offerings)
        self.level_ids = level_ids or {}
        self._offset = self.rng.random()
        self._normal = NormalDist()
        self._name_keys = {cc: self.rng.getrandbits(32) for cc in companies.COMPANIES}
        self._organisations: Counter[str] = Counter()
        #: owners in the office whose contact slipped (firm.SLIPPING): their clients' notes end earlier
        self.slipping = {staff_ids[key] for key in firm.SLIPPING if key in staff_ids}

    # -- helpers ---------------------------------------------------------------------------

    def _take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _when(self, day: int, hour: float) -> datetime:
        """``hour`` hours (UTC, may be negative) into the day ``day``, to the minute."""
        return self.midnight + timedelta(days=day - self.today_ord, minutes=int(hour * 60))

    def _between(self, low: int, high: int) -> int:
        """A day in [low, high] (ordinals)."""
        return low + int(self.rng.random() * (high - low + 1)) if high > low else low

    # -- the stream ------------------------------------------------------------------------

    def batches(self, clients_per_batch: int = 1000) -> Iterator[Batch]:
        done = 0
        while done < self.spec.clients:
            size = min(clients_per_batch, self.spec.clients - done)
            batch: Batch = {table: [] for table in (*TABLES, "engagement_level")}
            for index in range(done, done + size):
                self._client(index, batch)
            done += size
            yield batch

    def _client(self, index: int, batch: Batch) -> None:
        rng = self.rng
        country = countries.WEIGHTED.draw(rng)
        cc = country.code
        team = self.teams[cc]
        city = country.city(rng)
        language = country.language(rng)
        texts = phrases.TEXTS[language]
        person = rng.random() < country.person_share
        quantile = (self._offset + index * GOLDEN) % 1.0
        if person:
            tier, sites = "standard", 1
        else:
            tier = next((name for cut, name in TIER_CUTS if quantile >= cut), "standard")
            z = self._normal.inv_cdf(min(max(quantile, 1e-9), 1 - 1e-9))
            sites = min(MAX_SITES, max(1, round(math.exp(SIZE_SIGMA * z) * (0.8 + 0.4 * rng.random()))))

        # the relationship's span: a client since before the window, or won during it
        if rng.random() < 0.45:
            since = self.start_ord - 30 - int(rng.random() * 2000)
            active_from = self.start_ord
        else:
            since = self._between(self.start_ord, self.today_ord - 30)
            active_from = since
        lost = (self.today_ord - active_from > 240 and rng.random() < LOST_SHARE[tier])
        active_to = self._between(active_from + 180, self.today_ord - 20) if lost else self.today_ord
        owner = team.pick(rng, self.today_ord)
        if tier == "key" and rng.random() < 0.4:
            owner = team.lead

        client_id = self._take("client")
        external_id = f"{cc}-{index + 1:07d}"
        created = self._when(since, 10 - country.utc_offset + rng.random() * 6)
        if person:
            name, local = names.PEOPLE[cc].draw(rng)
            industry, segment, website = None, names.PRIVATE_SEGMENT, None
            email = f"{local}@mail.{country.domain}"
            phone = country.mobile(rng)
            custom: dict[str, Any] = {}
        else:
            namer = companies.COMPANIES[cc]
            brand, industry_no = namer.combination(self._organisations[cc], self._name_keys[cc])
            self._organisations[cc] += 1
            industry = names.INDUSTRIES[industry_no]
            segment = names.SEGMENTS[industry]
            name, slug = namer.name(rng, brand, industry_no, large=tier == "key", city=city.name)
            domain = f"{slug}.{country.domain}"
            website = f"https://www.{domain}"
            email = f"{INFO_MAILBOX[language]}@{domain}"
            phone = city.landline.fill(rng)
            custom = {"VAT number": country.tax_id.fill(rng), "Sites": sites}
        custom["Referral source"] = REFERRALS[int(rng.random() * len(REFERRALS))]
        custom["Client since"] = date.fromordinal(since).year
        batch["client"].append({
            "id": client_id, "external_id": external_id, "name": name,
            "kind": "person" if person else "organisation", "email": email, "phone": phone,
            "website": website, "country": cc, "city": city.name, "language": language,
            "region": city.region, "industry": industry, "segment": segment, "tier": tier,
            "owner_id": owner, "status": "lost" if lost else "active", "custom_fields": custom,
            "created_at": created, "updated_at": created,
        })

        # contacts: a private client is their own contact
        contacts: list[tuple[str, str, str, str | None]]
        if person:
            contacts = [(name, email, phone, None)]
        else:
            low, high = CONTACTS[tier]
            contacts = []
            titles = rng.sample(texts.job_titles, low + int(rng.random() * (high - low + 1)))
            for title in titles:
                contact_name, contact_local = names.PEOPLE[cc].draw(rng)
                contacts.append((contact_name, f"{contact_local}@{domain}", country.mobile(rng),
                                 title))
        for k, (contact_name, contact_email, contact_phone, job_title) in enumerate(contacts, start=1):
            batch["contact"].append({
                "id": self._take("contact"), "external_id": f"{external_id}-{k}",
                "client_id": client_id, "name": contact_name, "email": contact_email,
                "phone": contact_phone, "job_title": job_title, "language": language,
                "created_at": created, "updated_at": created,
            })

        kind = "person" if person else tier
        deliverers = self._engagements(batch, client_id, kind, team, owner, country, texts,
                                       language, sites, person, active_from, active_to, lost)
        self._interactions(batch, client_id, kind, team, owner, country, language, deliverers,
                           active_from, active_to, lost)

    def _engagements(self, batch: Batch, client_id: int, kind: str, team: Team, owner: int,
                     country: countries.Country, texts: phrases.Texts, language: str, sites: int,
                     person: bool, active_from: int, active_to: int, lost: bool) -> list[int]:
        rng = self.rng
        low, high = ENGAGEMENTS[kind]
        share = min(1.0, (active_to - active_from) / 900)
        count = max(1, int((low + rng.random() * (high - low + 1)) * (0.4 + 0.6 * share)))
        plan = [(self._between(active_from, max(active_from, active_to - 30)), False)
                for _ in range(count)]
        if not lost and rng.random() < 0.12:
            plan.append((self.today_ord + 1 + int(rng.random() * 60), True))
        plan.sort()
        services = PERSON_SERVICES if person else SERVICES
        levels = LEVELS[kind]
        deliverers: list[int] = []
        for start, proposed in plan:
            service = services.draw(rng)
            level = levels.draw(rng)
            package_id, price_cents = self.packages[(service.key, level, country.currency)]
            discount = (0, 0, 0, 5, 10, 15)[int(rng.random() * 6)]
            value_cents = price_cents * sites * (100 - discount) // 100
            low_days, high_days = service.days
            end = natural_end = start + low_days + int(rng.random() * (high_days - low_days + 1))
            sold_by = owner if rng.random() < 0.75 else team.pick(rng, start)
            delivered_by = sold_by if rng.random() < CONTINUITY else team.pick(rng, start)
            deliverers.append(delivered_by)
            engagement_id = self._take("engagement")
            cancelled = False
            if proposed:
                status = "proposed"
            elif lost and end > active_to:
                end, status = active_to, "completed"
            elif end < self.today_ord:
                cancelled = rng.random() < 0.03
                status = "cancelled" if cancelled else "completed"
            else:
                status = "active"
            installments = self._installments(service, start, natural_end, end, value_cents)
            if status == "completed":
                value_cents = sum(cents for _, cents in installments)  # billed what was delivered
            if cancelled:
                installments = installments[:1]
            if proposed:
                installments = []
            site = texts.residence if person else texts.sites[int(rng.random() * len(texts.sites))]
            created = self._when(min(start, self.today_ord - 1) - 14, 2 + rng.random() * 8)
            batch["engagement"].append({
                "id": engagement_id, "external_id": None, "client_id": client_id,
                "package_id": package_id,
                "description": f"{catalogue.SERVICE_NAMES[language][service.key]} – {site}",
                "sold_by_id": sold_by, "delivered_by_id": delivered_by,
                "start_date": date.fromordinal(start), "end_date": date.fromordinal(end),
                "status": status, "value": Decimal(value_cents).scaleb(-2),
                "currency": country.currency, "created_at": created, "updated_at": created,
            })
            if (level_id := self.level_ids.get(f"{service.key}:{level}")) is not None:
                batch["engagement_level"].append({"engagement_id": engagement_id, "level_id": level_id})
            for issued, cents in installments:
                if issued >= self.today_ord:
                    break
                invoice_id = self._take("invoice")
                issued_on = date.fromordinal(issued)
                at = self._when(issued, 3)
                batch["invoice"].append({
                    "id": invoice_id, "external_id": f"INV-{issued_on.year}-{invoice_id:07d}",
                    "client_id": client_id, "engagement_id": engagement_id, "issued_on": issued_on,
                    "amount": Decimal(cents).scaleb(-2), "currency": country.currency,
                    "created_at": at, "updated_at": at,
                })
        return deliverers

    @staticmethod
    def _installments(service: catalogue.Service, start: int, natural_end: int, end: int,
                      value_cents: int) -> list[tuple[int, int]]:
        """(day, cents) of the invoices of an engagement, cut at ``end``; parts add up exactly.

        A contract is invoiced half-yearly in advance; a project at completion, with a deposit
        at the start when it is large.
        """
        if service.recurring:
            days = [start, start + (natural_end - start) // 2]
        else:
            days = [start, natural_end] if value_cents >= 1_000_000 else [natural_end]
        part = value_cents // len(days)
        amounts = [part] * (len(days) - 1) + [value_cents - part * (len(days) - 1)]
        kept = [(day, cents) for day, cents in zip(days, amounts, strict=True) if day <= end]
        return kept or [(end, amounts[0])]

    def _interactions(self, batch: Batch, client_id: int, kind: str, team: Team, owner: int,
                      country: countries.Country, language: str, deliverers: list[int],
                      active_from: int, active_to: int, lost: bool) -> None:
        rng = self.rng
        last_day = min(active_to, self.today_ord - 1)
        months = max(1.0, (last_day - active_from) / 30)
        count = max(1, round(TOUCHES_PER_MONTH[kind] * months * (0.6 + 0.8 * rng.random())))
        days = sorted(self._between(active_from, last_day) for _ in range(count))
        if owner in self.slipping and last_day > active_from:
            # the same history, ended before the weeks without contact (no draw more or less)
            end = max(active_from, min(last_day, self.today_ord - firm.SLIPPED_DAYS))
            days = [active_from + (day - active_from) * (end - active_from) // (last_day - active_from)
                    for day in days]
        channels = CHANNELS["key" if kind == "key" else "other"]
        for n, day in enumerate(days):
            channel = channels.draw(rng)
            roll = rng.random()
            if lost and n >= count - 2:
                sentiment = "negative"
            else:
                sentiment = "negative" if roll < 0.12 else "positive" if roll < 0.45 else "neutral"
            texts = phrases.SUMMARIES[(language, channel, sentiment)]
            pick = rng.random()
            if pick < 0.65:
                staff_id = owner
            elif pick < 0.9 and deliverers:
                staff_id = deliverers[int(rng.random() * len(deliverers))]
                if not team.employed(staff_id, day):
                    staff_id = owner
            else:
                staff_id = team.pick(rng, day)
            at = self._when(day, 8 - country.utc_offset + rng.random() * 10)
            batch["interaction"].append({
                "id": self._take("interaction"), "external_id": None, "client_id": client_id,
                "staff_id": staff_id, "channel": channel, "occurred_at": at,
                "summary": texts[int(rng.random() * len(texts))],
                "created_at": at, "updated_at": at,
            })
