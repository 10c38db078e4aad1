"""The demo firm's promise ledger: a year of promises and the next three weeks, complaints against
the tiers' targets, and the recovery tasks the failures opened.

* Promises go mostly to key and growth clients, owned by whoever delivers the client's engagement,
  in windows inside the firm's working hours (its timezone). Most are kept on time; some late,
  some missed (a few announced beforehand), a few cancelled; now and then somebody other than the
  owner came (the installer instead of the repairer). Broken promises are often re-promised: a new
  promise points back at the broken one, which stays as it was.
* Source 002's story is there for one key client: an air-conditioner repair promised for 2–5 pm,
  missed, re-promised, missed again, the wrong person sent, then silence — and a complaint.
* What lies ahead is open; a few promises today are unconfirmed and one person is booked twice, so
  the sweep finds promises at risk. The ledger is what the sweep leaves: every past window settled
  (``rules.outcome_of`` at the demo's now), every failure with its recovery task.
* Complaints' due times come from the tiers' targets on the firm's business clock
  (``complaints.due_times``' computation); a target passed unmet is a breach.

Texts the client said or reads are in the client's language; task titles and notes in the language
of the staff member who owns them. Deterministic for the demo's seed, today and the firm's settings.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from servicescape.auth.models import Role
from servicescape.clients.models import Tier
from servicescape.config import Settings
from servicescape.demo import firm, phrases
from servicescape.demo.generator import DemoSpec
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.demo.weighted import Weighted
from servicescape.offerings.targets import LevelTargets, level_targets_between
from servicescape.promises import policies, recovery, rules
from servicescape.promises.capability import RECOVERY
from servicescape.promises.demo_texts import client_texts, staff_texts
from servicescape.promises.rules import BusinessClock

Row = dict[str, Any]

CLIENTS_PER_QUERY = 2_000
PAST_DAYS = 365
AHEAD_DAYS = 21
#: share of each tier's active clients that have promises, and how many a year / ahead
SHARE = {"key": 1.0, "growth": 0.6, "standard": 0.06}
PER_YEAR = {"key": (8, 14), "growth": (3, 6), "standard": (1, 2)}
UPCOMING = {"key": (1, 3), "growth": (0, 2), "standard": (0, 1)}
KINDS = Weighted([("appointment", 35), ("site_visit", 12), ("call_back", 28), ("deliverable", 15), ("document", 10)])
MINUTES = {"appointment": 180, "site_visit": 120, "call_back": 60, "deliverable": 60, "document": 60}
VISITS = ("appointment", "site_visit")
#: how long before the window the promise was made (minutes)
LEAD = {"appointment": (1_440, 14_400), "site_visit": (2_880, 20_160), "call_back": (60, 600),
        "deliverable": (4_320, 28_800), "document": (1_440, 14_400)}
FIRST = Weighted([("kept", 80), ("late", 10), ("missed", 7), ("cancelled", 3)])
AGAIN = Weighted([("kept", 78), ("late", 11), ("missed", 11)])
REPROMISE = {"missed": 0.75, "late": 0.15}
ANNOUNCED = {"missed": 0.25, "late": 0.15}
OTHER_PERSON = 0.07
CONFIRMED_AHEAD = 0.8
#: chance that a broken promise (or a stranger at the door) brings a complaint
COMPLAINS = {"missed": 0.3, "late": 0.25, "other": 0.2}
#: complaints about other things, a year: (chance of one, chance of a second)
UNLINKED = {"key": (0.6, 0.15), "growth": (0.2, 0.02), "standard": (0.02, 0.0)}
SEVERITY = {"missed": Weighted([("high", 5), ("medium", 3), ("critical", 2)]),
            "late": Weighted([("medium", 6), ("high", 3), ("low", 1)]),
            "other": Weighted([("medium", 5), ("high", 4), ("low", 1)]),
            "general": Weighted([("medium", 5), ("low", 3), ("high", 2)])}
CHANNELS = Weighted([("call", 40), ("e-mail", 35), ("letter", 5), ("meeting", 10), ("other", 10)])
RESPONSE_LATE = 0.12
RESOLUTION_LATE = 0.15
NEVER_RESOLVED = 0.04

# --- the demo's clock ------------------------------------------------------------------------------


def demo_now(spec: DemoSpec, settings: Settings) -> datetime:
    """The demo's "now": the firm opens on the demo's today (what ends before it has happened)."""
    opens, _closes = settings.working_hours
    return datetime.combine(spec.today, opens, tzinfo=settings.zone).astimezone(UTC)


@dataclass(frozen=True)
class Calendar:
    """The firm's working days around the demo's today, and windows inside its working hours."""

    clock: BusinessClock
    today: date
    now: datetime
    past: list[date]            # working days of the last year, oldest first (today left out)
    ahead: list[date]           # working days of the next three weeks (today left out)

    @classmethod
    def of(cls, clock: BusinessClock, today: date, now: datetime) -> Calendar:
        past = [today - timedelta(days=n) for n in range(PAST_DAYS, 0, -1)]
        ahead = [today + timedelta(days=n) for n in range(1, AHEAD_DAYS + 1)]
        return cls(clock, today, now, [d for d in past if clock.is_working_day(d)],
                   [d for d in ahead if clock.is_working_day(d)])

    @property
    def span(self) -> int:
        """Minutes in a working day."""
        return (datetime.combine(self.today, self.clock.closes) - datetime.combine(self.today, self.clock.opens)
                ).seconds // 60

    def at(self, day: date, minutes: int) -> datetime:
        """``minutes`` after the firm opens on ``day``, in UTC."""
        opens = datetime.combine(day, self.clock.opens, tzinfo=self.clock.zone)
        return (opens + timedelta(minutes=minutes)).astimezone(UTC)

    def shift(self, day: date, working_days: int) -> date:
        """The ``working_days``-th working day after (or, negative, before) ``day``."""
        step = 1 if working_days >= 0 else -1
        left = abs(working_days)
        while left:
            day += timedelta(days=step)
            if self.clock.is_working_day(day):
                left -= 1
        return day

    def duration(self, kind: str) -> int:
        return min(MINUTES[kind], self.span)

    def starts(self, kind: str, earliest: int = 0) -> list[int]:
        """Window starts (minutes after opening) of a kind on the hour, inside the working day."""
        last = self.span - self.duration(kind)
        found = list(range(earliest, last + 1, 60))
        return found or [max(0, last)]

    def afternoon(self, day: date, kind: str = "appointment") -> tuple[datetime, datetime]:
        """2–5 pm where the working day allows it, else its last hours."""
        length = self.duration(kind)
        two = (datetime.combine(day, time(14)) - datetime.combine(day, self.clock.opens)).seconds // 60
        start = two if self.clock.opens <= time(14) and two + length <= self.span else self.span - length
        return self.at(day, start), self.at(day, start + length)

    def morning(self, day: date, kind: str = "appointment") -> tuple[datetime, datetime]:
        return self.at(day, 0), self.at(day, self.duration(kind))


# --- the ledger ------------------------------------------------------------------------------------


@dataclass
class DemoClient:
    id: int
    name: str
    tier: str
    person: bool
    owner_id: int | None
    language: str | None
    country: str | None
    since: datetime
    #: (engagement id, delivered by, first day, last day) of engagements that ran
    engagements: list[tuple[int, int | None, date, date]] = field(default_factory=list)
    #: what the package levels of its active engagements promise beyond its tier
    targets: LevelTargets = field(default_factory=LevelTargets)


@dataclass
class Failure:
    """A broken promise or a complaint past a target: it opened a recovery task at ``at``."""

    at: datetime
    rule: str
    related_type: str
    related_id: int
    client: DemoClient
    owner_id: int | None
    kind: str = "appointment"
    #: the story decides: "open" or "done" (else drawn from the failure's age)
    status: str | None = None
    outcome: str | None = None


class Ledger:
    """Builds the rows for one chunk of clients at a time; ids run on across chunks."""

    def __init__(self, run: DemoRun, session: Session) -> None:
        settings = run.runtime.settings
        self.rng = random.Random(run.spec.seed * 104_729 + 70)
        self.now = demo_now(run.spec, settings)
        self.cal = Calendar.of(policies.clock(session, settings), run.spec.today, self.now)
        self.policies = {tier.value: policies.policy_for(session, tier) for tier in Tier}
        staff = run.ids["staff"]
        self.language = {staff[m.key]: m.language for m in firm.ROSTER}
        self.delivery = {staff[m.key] for m in firm.ROSTER if m.active and m.role != Role.viewer}
        self.teams = {cc: [staff[key] for key, _weight in members if staff[key] in self.delivery]
                      for cc, members in firm.TEAMS.items()}
        self.ids = next_ids(session.connection(), ("promise", "complaint", "task"))
        #: (owner, day) -> windows booked ahead: nobody is booked twice by chance
        self.busy: defaultdict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        self.promises: list[Row] = []
        self.complaints: list[Row] = []
        self.failures: list[Failure] = []
        self.tasks: list[Row] = []

    def _take(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def _minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    # -- who ----------------------------------------------------------------------------------

    def owner(self, client: DemoClient, day: date) -> tuple[int, int | None]:
        """Whoever delivers the client's engagement running on ``day`` (else the client's owner)."""
        running = [e for e in client.engagements if e[2] <= day <= e[3]]
        if running:
            engagement_id, delivered_by, _first, _last = running[int(self.rng.random() * len(running))]
            if delivered_by in self.delivery:
                return delivered_by, engagement_id
            return self._fallback(client), engagement_id
        return self._fallback(client), None

    def _fallback(self, client: DemoClient) -> int:
        if client.owner_id in self.delivery:
            return client.owner_id
        team = self.teams.get(client.country or "") or sorted(self.delivery)
        return team[0]

    def other(self, client: DemoClient, owner: int) -> int:
        """Somebody else from the client's team: the installer sent instead of the repairer."""
        team = [s for s in self.teams.get(client.country or "", []) if s != owner]
        team = team or sorted(self.delivery - {owner})
        return team[int(self.rng.random() * len(team))]

    # -- rows ---------------------------------------------------------------------------------

    def _promise(self, client: DemoClient, kind: str, window: tuple[datetime, datetime], owner: int,
                 engagement_id: int | None, created: datetime, *, title: str | None = None,
                 made_by: int | None = None, repromised_from: Row | None = None) -> Row:
        texts = client_texts(client.language)
        sites = phrases.TEXTS.get(client.language or "en", phrases.TEXTS["en"])
        place = None
        if kind in VISITS:
            place = sites.residence if client.person else sites.sites[int(self.rng.random() * len(sites.sites))]
        row: Row = {
            "id": self._take("promise"), "external_id": None, "client_id": client.id, "engagement_id": engagement_id,
            "kind": kind, "title": title or texts.titles[kind][int(self.rng.random() * 2)],
            "made_by_id": made_by if made_by is not None else (client.owner_id or owner), "owner_id": owner,
            "window_start": window[0], "window_end": window[1], "place": place, "status": "open",
            "confirmed_at": None, "kept_at": None, "delivered_by_id": None, "lateness_minutes": None,
            "missed_at": None, "cancelled_at": None, "client_words": None, "notes": None,
            "repromised_from_id": repromised_from["id"] if repromised_from else None, "at_risk": None,
            "announced_at": None, "created_at": created, "updated_at": created,
        }
        self.promises.append(row)
        return row

    @staticmethod
    def _touch(row: Row, moment: datetime | None) -> None:
        if moment is not None and moment > row["updated_at"]:
            row["updated_at"] = moment

    def _keep(self, row: Row, kept_at: datetime, delivered_by: int, words: str | None = None) -> None:
        row["kept_at"] = kept_at
        row["delivered_by_id"] = delivered_by
        row["lateness_minutes"] = rules.lateness_minutes(row["window_end"], kept_at)
        row["status"] = rules.outcome_of(row["window_end"], kept_at, False, self.now).value
        row["client_words"] = words
        self._touch(row, kept_at)

    def _miss(self, row: Row, missed_at: datetime, words: str | None = None) -> None:
        row["status"] = "missed"
        row["missed_at"] = missed_at
        row["client_words"] = words
        self._touch(row, missed_at)

    def _confirm(self, row: Row, at: datetime | None) -> None:
        if at is not None:
            row["confirmed_at"] = max(at, row["created_at"])
            self._touch(row, row["confirmed_at"])

    def _free(self, owner: int, window: tuple[datetime, datetime]) -> bool:
        day = window[0].astimezone(self.cal.clock.zone).date()
        return not any(rules.overlaps(start, end, *window) for start, end in self.busy.get((owner, day), ()))

    def _book(self, owner: int, window: tuple[datetime, datetime]) -> bool:
        """Reserve a window ahead for ``owner``; False when it overlaps another of theirs."""
        if not self._free(owner, window):
            return False
        self.busy[(owner, window[0].astimezone(self.cal.clock.zone).date())].append(window)
        return True

    # -- one client's year --------------------------------------------------------------------

    def client(self, client: DemoClient) -> None:
        rng, cal = self.rng, self.cal
        if rng.random() >= SHARE[client.tier]:
            return
        first = bisect.bisect_right(cal.past, client.since.date())
        days = cal.past[first:]
        if days:
            low, high = PER_YEAR[client.tier]
            count = round(rng.randint(low, high) * len(days) / len(cal.past) + rng.random() - 0.5)
            for day in sorted(days[int(rng.random() * len(days))] for _ in range(count)):
                self._past(client, day)
        low, high = UPCOMING[client.tier]
        for _ in range(rng.randint(low, high)):
            self._ahead(client)
        self._unlinked_complaints(client)

    def _window(self, day: date, kind: str) -> tuple[datetime, datetime]:
        starts = self.cal.starts(kind)
        start = starts[int(self.rng.random() * len(starts))]
        if kind == "appointment" and self.rng.random() < 0.3:
            return self.cal.afternoon(day)
        return self.cal.at(day, start), self.cal.at(day, start + self.cal.duration(kind))

    def _past(self, client: DemoClient, day: date) -> None:
        rng = self.rng
        kind = KINDS.draw(rng)
        window = self._window(day, kind)
        owner, engagement_id = self.owner(client, day)
        low, high = LEAD[kind]
        created = max(window[0] - self._minutes(low, high), client.since + timedelta(minutes=1))
        row = self._promise(client, kind, window, owner, engagement_id, created)
        if rng.random() < 0.9:
            self._confirm(row, max(created, window[0] - self._minutes(120, 2_880)))
        self._settle(client, row, FIRST.draw(rng), depth=0)

    def _settle(self, client: DemoClient, row: Row, outcome: str, depth: int) -> None:
        """What became of a past promise; a broken one may be re-promised (up to three times)."""
        rng, texts = self.rng, client_texts(client.language)
        start, end, owner, kind = row["window_start"], row["window_end"], row["owner_id"], row["kind"]
        length = int((end - start).total_seconds() // 60)
        if outcome == "cancelled":
            row["status"] = "cancelled"
            row["cancelled_at"] = max(row["created_at"] + timedelta(minutes=1), start - self._minutes(120, 4_320))
            row["notes"] = staff_texts(self.language.get(owner)).cancelled
            self._touch(row, row["cancelled_at"])
            return
        if outcome == "late":
            if kind in VISITS or kind == "call_back":
                kept_at = end + timedelta(minutes=rng.choice((20, 25, 35, 45, 60, 75, 90, 150, 240)))
            else:
                kept_at = end + timedelta(days=rng.randint(1, 3), minutes=rng.randint(0, 120))
            if kept_at >= self.now:
                outcome = "missed"  # not there yet: the window passed, nobody came so far
        if outcome == "kept":
            if kind in VISITS or kind == "call_back":
                kept_at = start + timedelta(minutes=rng.randint(0, length))
            else:  # delivered by the deadline, often a little before the window
                kept_at = max(end - timedelta(minutes=rng.randint(0, length + 240)),
                              row["updated_at"] + timedelta(minutes=10))
            stranger = kind in VISITS and rng.random() < OTHER_PERSON
            delivered_by = self.other(client, owner) if stranger else owner
            praised = kind in VISITS and rng.random() < 0.05
            words = texts.words["other"] if stranger else texts.words["kept"] if praised else None
            self._keep(row, _minute(kept_at), delivered_by, words)
            if stranger and rng.random() < COMPLAINS["other"]:
                self._linked_complaint(client, row, "other", kept_at + self._minutes(30, 1_440))
            return
        announced = rng.random() < ANNOUNCED[outcome]
        if outcome == "late":
            stranger = kind in VISITS and rng.random() < OTHER_PERSON
            delivered_by = self.other(client, owner) if stranger else owner
            hour_late = kind in VISITS and kept_at - end > timedelta(hours=1)
            self._keep(row, kept_at, delivered_by, texts.words["late"] if hour_late and rng.random() < 0.5 else None)
            if announced:
                row["announced_at"] = max(row["created_at"], end - self._minutes(15, 90))
            failed_at = kept_at
            if row["lateness_minutes"] > self.policies[client.tier].late_tolerance_minutes:
                self.failures.append(Failure(kept_at, "promises.late", "promise", row["id"], client, owner, kind))
            hours_late = kind not in VISITS or row["lateness_minutes"] >= 120
            if hours_late and rng.random() < COMPLAINS["late"]:
                self._linked_complaint(client, row, "late", kept_at + self._minutes(10, 600))
        else:
            if announced and start - timedelta(minutes=60) > row["created_at"]:
                row["announced_at"] = start - self._minutes(60, min(600, int((start - row["created_at"])
                                                                              .total_seconds() // 60)))
                missed_at = row["announced_at"] + self._minutes(5, 30)
            else:
                announced = False
                missed_at = end + self._minutes(5, 60)
            self._miss(row, missed_at, texts.words["missed"] if kind in VISITS and rng.random() < 0.35 else None)
            self._touch(row, row["announced_at"])
            failed_at = missed_at
            self.failures.append(Failure(missed_at, "promises.missed", "promise", row["id"], client, owner, kind))
            if rng.random() < COMPLAINS["missed"]:
                self._linked_complaint(client, row, "missed", end + self._minutes(20, 1_440))
        if depth >= 2 or not ((announced and outcome == "missed") or rng.random() < REPROMISE[outcome]):
            return
        made = failed_at + self._minutes(5, 90)
        if made >= self.now:
            return
        day = self.cal.shift(made.astimezone(self.cal.clock.zone).date(), rng.randint(1, 3))
        if day == self.cal.today:
            day = self.cal.shift(day, 1)
        window = self._window(day, kind)
        if day > self.cal.today and not self._book(owner, window):
            return
        follower = self._promise(client, kind, window, owner, row["engagement_id"], made, title=row["title"],
                                 made_by=row["made_by_id"], repromised_from=row)
        self._confirm(follower, made)
        if day < self.cal.today:
            self._settle(client, follower, AGAIN.draw(rng), depth + 1)

    def _ahead(self, client: DemoClient) -> None:
        rng, cal = self.rng, self.cal
        if not cal.ahead:
            return
        kind = KINDS.draw(rng)
        for _attempt in range(4):
            day = cal.ahead[int(rng.random() * len(cal.ahead))]
            owner, engagement_id = self.owner(client, day)
            window = self._window(day, kind)
            if self._book(owner, window):
                break
        else:
            return
        low, high = LEAD[kind]
        created = max(min(window[0] - self._minutes(low, high), self.now - self._minutes(30, 600)),
                      client.since + timedelta(minutes=1))
        row = self._promise(client, kind, window, owner, engagement_id, created)
        if rng.random() < 0.03:
            row["status"] = "cancelled"
            row["cancelled_at"] = _minute(created + (self.now - created) * rng.random())
            row["notes"] = staff_texts(self.language.get(owner)).cancelled
            self._touch(row, row["cancelled_at"])
        elif rng.random() < CONFIRMED_AHEAD:
            self._confirm(row, _minute(created + (self.now - created) * rng.random()))

    # -- complaints ---------------------------------------------------------------------------

    def _linked_complaint(self, client: DemoClient, promise: Row, reason: str, received: datetime) -> None:
        """A complaint about a broken promise: a visit's own words; no call-back; a report or paper late."""
        texts = client_texts(client.language)
        if promise["kind"] in VISITS:
            text, severity = texts.complaints[reason], SEVERITY[reason].draw(self.rng)
        else:
            text = texts.general[0] if promise["kind"] == "call_back" else texts.general[1]
            severity = SEVERITY["general"].draw(self.rng)
        self.complaint(client, received, text, severity, promise_id=promise["id"])

    def _unlinked_complaints(self, client: DemoClient) -> None:
        rng, cal = self.rng, self.cal
        one, two = UNLINKED[client.tier]
        count = (rng.random() < one) + (rng.random() < two)
        first = bisect.bisect_right(cal.past, client.since.date())
        days = cal.past[first:]
        texts = client_texts(client.language)
        for _ in range(count if days else 0):
            day = days[int(rng.random() * len(days))]
            minutes = rng.randint(0, cal.span) if rng.random() < 0.8 else cal.span + rng.randint(60, 240)
            text = texts.general[int(rng.random() * len(texts.general))]
            self.complaint(client, cal.at(day, minutes), text, SEVERITY["general"].draw(rng))

    def complaint(self, client: DemoClient, received: datetime, text: str, severity: str, *,
                  promise_id: int | None = None, channel: str | None = None, response_at: datetime | None = None,
                  unresolved: bool = False, unanswered: bool = False) -> Row | None:
        """A complaint received at ``received``: due by the tier's or level's targets (as ``complaints.due_times``
        counts them), answered and resolved on time or late, breached where a target passed unmet."""
        rng, now, clock = self.rng, self.now, self.cal.clock
        if received >= now:
            return None
        policy, level = self.policies[client.tier], client.targets
        response_hours = level.stricter("first_response_hours", policy.first_response_hours)
        response_due = clock.add_hours(received, response_hours).astimezone(UTC)
        resolution_days = level.stricter("resolution_days", policy.resolution_days)
        resolution_due = clock.add_days(received, resolution_days).astimezone(UTC)
        day_hours = self.cal.span / 60
        if response_at is not None:
            responded: datetime | None = response_at
        elif rng.random() < RESPONSE_LATE:
            responded = clock.add_hours(response_due, rng.uniform(0.5, 2 * day_hours))
        else:
            responded = clock.add_hours(received, rng.uniform(0.1, 0.9) * response_hours)
        assert responded is not None
        responded = _minute(responded)
        if unresolved or rng.random() < NEVER_RESOLVED:
            resolved: datetime | None = None
        elif rng.random() < RESOLUTION_LATE or resolution_due <= responded:
            resolved = clock.add_hours(max(resolution_due, responded), rng.uniform(1, 3 * day_hours))
        else:
            resolved = clock.add_hours(responded, rng.uniform(1, max(1.5, resolution_days * day_hours * 0.8)))
            if resolved > resolution_due:
                resolved = responded + (resolution_due - responded) * rng.uniform(0.3, 0.9)
        resolved = _minute(resolved) if resolved is not None else None
        if unanswered or responded >= now:
            responded = resolved = None
        if resolved is not None and resolved >= now:
            resolved = None
        texts = client_texts(client.language)
        row: Row = {
            "id": self._take("complaint"), "external_id": None, "client_id": client.id, "promise_id": promise_id,
            "received_at": received, "channel": channel or CHANNELS.draw(rng), "text": text, "severity": severity,
            "owner_id": client.owner_id,
            "status": "resolved" if resolved else "responded" if responded else "open",
            "response_due_at": response_due, "resolution_due_at": resolution_due,
            "first_response_at": responded, "resolved_at": resolved,
            "outcome": texts.outcomes[int(rng.random() * len(texts.outcomes))] if resolved else None,
            "response_breached_at": _breach(response_due, responded, now),
            "resolution_breached_at": _breach(resolution_due, resolved, now),
            "created_at": received,
            "updated_at": max(m for m in (received, responded, resolved) if m is not None),
        }
        self.complaints.append(row)
        breaches = [m for m in (row["response_breached_at"], row["resolution_breached_at"]) if m is not None]
        if breaches:
            self.failures.append(Failure(min(breaches), "complaints.breach", "complaint", row["id"], client,
                                         client.owner_id))
        return row

    # -- the story and what the sweep will find ----------------------------------------------

    def story(self, client: DemoClient) -> None:
        """Source 002: a repair promised for 2–5 pm, missed, re-promised for the next morning, missed
        again, then the installer sent (late) instead of the repairer, then silence — a complaint
        answered late, and the repairer promised once more."""
        cal, texts = self.cal, client_texts(client.language)
        day_a = cal.shift(cal.today, -9)
        repairer, engagement_id = self.owner(client, day_a)
        installer = self.other(client, repairer)
        title = texts.titles["appointment"][0]
        first_window = cal.afternoon(day_a)
        a = self._promise(client, "appointment", first_window, repairer, engagement_id,
                          first_window[0] - timedelta(days=2, hours=3), title=title)
        self._confirm(a, a["created_at"] + timedelta(hours=1))
        self._miss(a, first_window[1] + timedelta(minutes=15), texts.story[0])
        b = self._promise(client, "appointment", cal.morning(cal.shift(day_a, 1)), repairer, engagement_id,
                          a["missed_at"] + timedelta(minutes=25), title=title, repromised_from=a)
        self._confirm(b, b["created_at"])
        self._miss(b, b["window_end"] + timedelta(minutes=20), texts.story[1])
        c = self._promise(client, "appointment", cal.afternoon(cal.shift(day_a, 3)), repairer, engagement_id,
                          b["missed_at"] + timedelta(minutes=40), title=title, repromised_from=b)
        self._confirm(c, c["created_at"])
        self._keep(c, c["window_end"] + timedelta(minutes=50), installer, texts.story[2])
        language = self.language.get(repairer)
        self.failures += [
            Failure(a["missed_at"], "promises.missed", "promise", a["id"], client, repairer, status="done",
                    outcome=staff_texts(language).story),
            Failure(b["missed_at"], "promises.missed", "promise", b["id"], client, repairer, status="open"),
        ]
        if c["lateness_minutes"] > self.policies[client.tier].late_tolerance_minutes:
            self.failures.append(Failure(c["kept_at"], "promises.late", "promise", c["id"], client, repairer,
                                         status="open"))
        complained = cal.shift(cal.shift(day_a, 3), 1)
        answered = cal.at(cal.shift(complained, 2), min(120, cal.span))
        complaint = self.complaint(client, cal.at(complained, min(60, cal.span)), texts.story[3], "critical",
                                   promise_id=c["id"], channel="call", response_at=answered, unresolved=True)
        if complaint is not None and self.failures[-1].related_type == "complaint":
            self.failures[-1].status = "open"
        window = cal.afternoon(cal.shift(cal.today, 2))
        self._book(repairer, window)
        d = self._promise(client, "appointment", window, repairer, engagement_id, answered + timedelta(minutes=30),
                          title=title, repromised_from=c)
        self._confirm(d, d["created_at"])

    def at_risk(self, clients: list[DemoClient]) -> None:
        """Today, a few promises nobody confirmed yet; in a few days, one person booked twice. And a
        complaint from last evening that nobody has answered yet."""
        rng, cal = self.rng, self.cal
        if clients:
            evening = cal.at(cal.shift(cal.today, -1), cal.span + 90)
            late = clients[min(5, len(clients) - 1)]
            self.complaint(late, evening, client_texts(late.language).general[0], "medium", channel="e-mail",
                           unanswered=True)
        for client in clients[:3]:
            kind = ("call_back", "appointment", "site_visit")[int(rng.random() * 3)]
            owner, engagement_id = self.owner(client, cal.today)
            starts = cal.starts(kind, earliest=min(60, cal.span))
            rng.shuffle(starts)
            for start in starts:
                window = cal.at(cal.today, start), cal.at(cal.today, start + cal.duration(kind))
                if window[0] > self.now and self._book(owner, window):
                    break
            else:
                window = self.now + timedelta(minutes=30), self.now + timedelta(minutes=90)
            self._promise(client, kind, window, owner, engagement_id, self.now - self._minutes(120, 1_200))
        if len(clients) < 5 or len(cal.ahead) < 3:
            return
        first, second = clients[3], clients[4]
        owner, engagement_id = self.owner(first, cal.ahead[2])
        hour = timedelta(minutes=min(60, cal.duration("appointment") - 1))
        for day in cal.ahead[2:10]:
            one = self._window(day, "appointment")
            two = (one[0] + hour, one[1] + hour) if one[1] + hour <= cal.at(day, cal.span) else (one[0] - hour,
                                                                                                 one[1] - hour)
            if not self._free(owner, two) or not self._book(owner, one):
                continue
            created = self.now - self._minutes(1_440, 7_200)
            self._confirm(self._promise(first, "appointment", one, owner, engagement_id, created), created)
            self.busy[(owner, day)].append(two)
            created = self.now - self._minutes(60, 1_440)
            self._confirm(self._promise(second, "site_visit", two, owner, None, created), created)
            return

    # -- recovery tasks -------------------------------------------------------------------------

    def recoveries(self) -> None:
        """The task each failure opened (as ``promises.recovery`` makes them): the old ones mostly
        done with what was done for the client, the recent ones open."""
        rng, now = self.rng, self.now
        for failure in self.failures:
            client, owner = failure.client, failure.owner_id or failure.client.owner_id
            texts = staff_texts(self.language.get(owner) if owner else None)
            name = {"client": client.name, "kind": texts.kinds.get(failure.kind, failure.kind)}
            if failure.related_type == "complaint":
                title, priority = texts.complaint.format(**name), "urgent"
                key = recovery.complaint_key(failure.related_id)
            else:
                pattern = texts.late if failure.rule == "promises.late" else texts.missed
                title, key, priority = pattern.format(**name), recovery.promise_key(failure.related_id), "high"
            age = now - failure.at
            status = failure.status
            if status is None:
                done = 0.15 if age < timedelta(days=4) else 0.65 if age < recovery.HORIZON else 0.94
                status = "done" if rng.random() < done else "open"
            closed = None
            if status == "done":
                closed = failure.at + min(self._minutes(180, 8_640), age * rng.uniform(0.2, 0.9))
                closed = _minute(closed)
                if closed >= now:
                    status, closed = "open", None
            outcome = (failure.outcome or texts.recovered[int(rng.random() * len(texts.recovered))]) if closed else None
            self.tasks.append({
                "id": self._take("task"), "kind": RECOVERY, "title": title[:300], "notes": None,
                "client_id": client.id, "related_type": failure.related_type, "related_id": failure.related_id,
                "owner_id": owner, "due_at": failure.at + recovery.DUE_AFTER, "priority": priority,
                "status": status, "outcome": outcome, "closed_at": closed,
                "closed_by_id": owner if closed else None, "created_by_id": None, "rule": failure.rule,
                "dedupe_key": key, "created_at": failure.at, "updated_at": closed or failure.at,
            })
        self.failures = []

    def flush(self, run: DemoRun, connection: Connection) -> None:
        self.recoveries()
        run.insert(connection, "promise", self.promises)
        run.insert(connection, "complaint", self.complaints)
        run.insert(connection, "task", self.tasks)
        self.promises, self.complaints, self.tasks = [], [], []


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _breach(due: datetime, done: datetime | None, now: datetime) -> datetime | None:
    """A target passed unmet: answered (or resolved) after it, or never and it is gone."""
    return due if (done is None and due < now) or (done is not None and done > due) else None


def _clients(connection: Connection, after: int) -> list[DemoClient]:
    """The next chunk of active clients, with the engagements that ran for them."""
    c, e = table("client"), table("engagement")
    rows = connection.execute(
        select(c.c.id, c.c.name, c.c.tier, c.c.kind, c.c.owner_id, c.c.language, c.c.country, c.c.created_at)
        .where(c.c.status == "active", c.c.id > after).order_by(c.c.id).limit(CLIENTS_PER_QUERY)
    ).all()
    found = {row.id: DemoClient(row.id, row.name, str(row.tier), str(row.kind) == "person", row.owner_id,
                                row.language, row.country, row.created_at) for row in rows}
    if found:
        for engagement in connection.execute(
                select(e.c.id, e.c.client_id, e.c.delivered_by_id, e.c.start_date, e.c.end_date)
                .where(e.c.client_id >= rows[0].id, e.c.client_id <= rows[-1].id,
                       e.c.status.in_(("active", "completed")))
                .order_by(e.c.id)):
            client = found.get(engagement.client_id)
            if client is not None:
                client.engagements.append((engagement.id, engagement.delivered_by_id, engagement.start_date,
                                           engagement.end_date))
        for client_id, level in level_targets_between(connection, rows[0].id, rows[-1].id).items():
            if client_id in found:
                found[client_id].targets = level
    return list(found.values())


def _featured(clients: list[DemoClient]) -> list[DemoClient]:
    """The clients the story and the risks happen to: key accounts first, then growth, then the rest."""
    rank = {"key": 0, "growth": 1, "standard": 2}
    return sorted(clients, key=lambda c: (rank.get(c.tier, 3), c.person, c.id))


def load_promises(run: DemoRun) -> None:
    """Promises, complaints and recovery tasks for the active clients, one transaction per chunk."""
    with run.runtime.transaction() as session:
        ledger = Ledger(run, session)
    after, first = 0, True
    while True:
        with run.runtime.transaction() as session:
            connection = session.connection()
            chunk = _clients(connection, after)
            if not chunk:
                break
            if first:
                featured = _featured(chunk)
                ledger.story(featured[0])
                ledger.at_risk(featured[1:])
                first = False
            for client in chunk:
                ledger.client(client)
            ledger.flush(run, connection)
            after = chunk[-1].id
