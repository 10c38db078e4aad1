"""The demo firm's service-quality surveys: two years of quarterly SERVQUAL waves with a visible weak
dimension, NPS after engagements, CSAT after recoveries, and a survey of the firm's own in draft.

* SERVQUAL ("Client service survey", named in the firm's language): eight quarterly waves, the
  latest still open. Key and growth accounts are asked every wave, the other clients one wave in
  four (about once a year). 35–55% answer, through their link, in their language; some open the
  link and leave, a few save half a form and never submit it.
* Expectations are high everywhere. Perceptions fall short most on reliability — the firm does not
  keep its promised windows (source 002's story) — then on responsiveness; tangibles meet them,
  assurance and empathy fall a little short. Reliability improves over the last two waves: the
  firm is working on it. Each respondent splits 100 importance points, reliability the largest share (~30); the
  NPS follows the perceived reliability; a share write why, in their language.
* NPS after engagements completed in the two years, CSAT after the recoveries closed (one
  invitation per client and quarter, as the campaigns send them).
* The follow-up tasks (``followups.follow_ups``, as ``after_answer`` opens them) for the answers of
  the last 30 days only: a few detractors to recover and promoters to ask for a testimonial.

Rows go in with SQLAlchemy Core, a chunk of clients per transaction (the load is one audit event).
Deterministic for the demo's seed, today and the firm's settings — except the invitations' nonces
(and so their token hashes), random as every private link's must be.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, select

from servicescape.clients.models import Client
from servicescape.config import LANGUAGES, Settings
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.demo.weighted import Weighted
from servicescape.promises.demo import demo_now
from servicescape.quality import answers, followups, instrument, surveys
from servicescape.quality.campaigns import Audience
from servicescape.quality.demo_texts import (
    CAMPAIGN_NAMES,
    COMMENTS,
    OUTCOMES,
    OWN_QUESTIONS,
    SURVEY_NAMES,
    Comments,
    in_language,
)
from servicescape.quality.models import SurveyKind, SurveyResponse

Row = dict[str, Any]

CLIENTS_PER_QUERY = 2_000
QUARTERS = 8
#: the latest SERVQUAL wave opened this long before the demo's now; a wave stays open four weeks
LATEST_WAVE_AGE = timedelta(days=12)
WAVE_LENGTH = timedelta(days=28)
REMIND_AFTER = timedelta(days=7)
MAX_REMINDERS = 2
#: NPS and CSAT campaigns: a quarter's invitations answer until this long after the quarter
AFTER_QUARTER = timedelta(days=35)
NPS_LINK_DAYS = 30
CSAT_LINK_DAYS = 21
#: standard clients are asked one wave in STANDARD_EVERY
STANDARD_EVERY = 4
ANSWERS = {"key": 0.58, "growth": 0.5, "standard": 0.42}
NPS_ANSWERS = 0.72
CSAT_ANSWERS = 0.45
#: of those who do not answer: who opened the link; of those, who saved half a form
OPENED_ONLY = 0.3
PARTIAL = 0.2
COMMENTED = 0.35
COMMENTED_AFTER = 0.4   # after an engagement or a recovery: more say why
#: when an answer comes: right after the e-mail, after the first reminder, after the second
ANSWERED_AFTER = Weighted([(0, 55), (1, 30), (2, 15)])

#: what clients expect (1–7) and how far short we fall, per dimension (reliability: the weak one)
EXPECTED = {"tangibles": 5.9, "reliability": 6.75, "responsiveness": 6.45, "assurance": 6.4, "empathy": 6.2}
SHORTFALL = {"tangibles": 0.1, "reliability": -1.55, "responsiveness": -0.7, "assurance": -0.3, "empathy": -0.35}
#: per statement, around its dimension: promises by a time (5) and on the day promised (8) fare worst
STATEMENT_SHIFT = {1: 0.1, 2: -0.2, 3: 0.15, 4: -0.05, 5: -0.3, 6: 0.25, 7: 0.05, 8: -0.25, 9: 0.25,
                   10: -0.25, 11: 0.05, 12: 0.2, 13: 0.0, 14: 0.0, 15: 0.1, 16: 0.05, 17: -0.15,
                   18: 0.0, 19: -0.2, 20: 0.1, 21: 0.1, 22: 0.0}
#: the firm working on reliability: how much better it is perceived in each wave, oldest first
RELIABILITY_BETTER = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.4)
#: the importance points' typical split
IMPORTANCE = {"tangibles": 11, "reliability": 30, "responsiveness": 22, "assurance": 19, "empathy": 18}
#: the NPS of a SERVQUAL respondent who perceives reliability at 5.2 and the rest at 6.0, and how
#: much a point more of perceived reliability (of the rest) adds: reliability drives it
NPS_SERVQUAL = 7.9
NPS_PER_RELIABILITY = 1.5
NPS_PER_REST = 0.8
#: the NPS after an engagement: its mean, and how much lower a client we lost since gives
NPS_AFTER_ENGAGEMENT = 7.6
LOST = 2.5
CSAT_SCORES = Weighted([(5, 35), (4, 35), (3, 15), (2, 10), (1, 5)])
FOLLOW_UP_DAYS = 30


def quarters(today: date, count: int = QUARTERS) -> list[tuple[date, date]]:
    """The ``count`` calendar quarters up to today's, oldest first: (first day, last day)."""
    index = today.year * 4 + (today.month - 1) // 3
    found = []
    for n in range(index - count + 1, index + 1):
        year, quarter = divmod(n, 4)
        after_year, after_quarter = divmod(n + 1, 4)
        found.append((date(year, quarter * 3 + 1, 1), date(after_year, after_quarter * 3 + 1, 1) - timedelta(days=1)))
    return found


@dataclass(frozen=True)
class Wave:
    """One campaign: its row's id, when it opened and until when its links answer."""

    id: int
    survey_id: int
    opened: datetime
    expires: datetime
    index: int


@dataclass
class DemoClient:
    id: int
    name: str
    tier: str
    active: bool
    owner_id: int | None
    language: str
    email: str | None
    greeting: str
    since: datetime
    completed: list[tuple[int, date]] = field(default_factory=list)  # engagements: (id, last day)
    recovered: list[datetime] = field(default_factory=list)     # recovery tasks: when closed


@dataclass(frozen=True)
class Instruments:
    """The item ids of each survey by code."""

    servqual: dict[str, int]
    nps: dict[str, int]
    csat: dict[str, int]


class Fieldwork:
    """Builds the invitations, responses and answers for one chunk of clients at a time."""

    def __init__(self, run: DemoRun, connection: Connection) -> None:
        settings: Settings = run.runtime.settings
        self.settings = settings
        self.rng = random.Random(run.spec.seed * 15_485_863 + 78)
        self.now = demo_now(run.spec, settings)
        self.zone = settings.zone
        self.language = settings.default_language if settings.default_language in LANGUAGES else "en"
        staff = table("staff")
        self.staff = {row.id: (row.language, row.active) for row in connection.execute(
            select(staff.c.id, staff.c.language, staff.c.active))}
        owner = connection.scalar(select(staff.c.id).where(staff.c.role == "owner").order_by(staff.c.id))
        self.ids = next_ids(connection, ("survey", "survey_item", "survey_campaign", "survey_invitation",
                                         "survey_response", "task"))
        self.quarters = quarters(run.spec.today)
        #: the SERVQUAL waves: (the quarter's first day, the day the wave opened), oldest first
        latest = (self.now - LATEST_WAVE_AGE).astimezone(self.zone).date()
        into = timedelta(days=min((latest - quarters(latest)[-1][0]).days, 89))
        self.wave_days = [(first, first + into) for first, _last in quarters(latest)]
        self.owner = owner
        self.invitations: list[Row] = []
        self.responses: list[Row] = []
        self.answers: list[Row] = []
        self.tasks: list[Row] = []
        #: the submitted responses of the last FOLLOW_UP_DAYS: (response row, client)
        self.recent: list[tuple[Row, DemoClient]] = []
        self.instruments, self.waves, self.after_engagement, self.after_recovery = self._surveys(run, connection)

    def _take(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def _minutes(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randint(low, high))

    # -- the surveys and their campaigns ----------------------------------------------------------

    def _surveys(self, run: DemoRun, connection: Connection) -> tuple[Instruments, list[Wave], list[Wave], list[Wave]]:
        names = SURVEY_NAMES[in_language(SURVEY_NAMES, self.language)]
        created = self.at(min(self.quarters[0][0], self.wave_days[0][0]) - timedelta(days=20), 10)
        rows: list[Row] = []
        items: list[Row] = []
        codes: dict[str, dict[str, int]] = {}
        for kind in (SurveyKind.servqual, SurveyKind.nps, SurveyKind.csat):
            survey_id = self._take("survey")
            rows.append({"id": survey_id, "name": names[kind.value], "kind": kind.value, "status": "active",
                         "intro": {}, "created_by_id": self.owner, "created_at": created, "updated_at": created})
            codes[kind.value] = {}
            for item in surveys.built_in_items(kind):
                item_id = self._take("survey_item")
                codes[kind.value][item.code] = item_id
                items.append({"id": item_id, "survey_id": survey_id, "position": item.position, "code": item.code,
                              "kind": item.kind.value, "dimension": item.dimension,
                              "required": item.required is not False, "scale_min": None, "scale_max": None})
        drafted = self.now - timedelta(days=6, hours=3)
        custom_id = self._take("survey")
        rows.append({"id": custom_id, "name": names["custom"], "kind": SurveyKind.custom.value, "status": "draft",
                     "intro": {}, "created_by_id": self.owner, "created_at": drafted, "updated_at": drafted})
        own = [{"id": self._take("survey_item"), "survey_id": custom_id, "position": position, "code": f"q{position}",
                "kind": question.kind, "dimension": None, "required": question.required,
                "texts": dict(question.texts), "choices": [dict(c) for c in question.choices] or None,
                "scale_min": question.scale[0] if question.scale else None,
                "scale_max": question.scale[1] if question.scale else None}
               for position, question in enumerate(OWN_QUESTIONS, start=1)]
        run.insert(connection, "survey", rows)
        run.insert(connection, "survey_item", items)
        run.insert(connection, "survey_item", own)

        servqual_id, nps_id, csat_id = (row["id"] for row in rows[:3])
        campaigns: list[Row] = []
        waves: list[Wave] = []
        for index, (first, opened) in enumerate(self.wave_days):
            at = self.at(opened, 9)
            waves.append(self._campaign(campaigns, servqual_id, names["servqual"], first, index, at,
                                        at + WAVE_LENGTH, Audience(tiers=("key", "growth", "standard")),
                                        closed=index < len(self.wave_days) - 1))
        after: dict[str, list[Wave]] = {"nps": [], "csat": []}
        for after_what, survey_id in (("nps", nps_id), ("csat", csat_id)):
            for index, (first, last) in enumerate(self.quarters):
                expires = self.at(last + AFTER_QUARTER, 17)
                # after engagements: those completed in the quarter; after recoveries: those closed in it
                audience = (Audience(completed_from=first, completed_to=last) if after_what == "nps"
                            else Audience(recovered_from=first, recovered_to=last))
                after[after_what].append(self._campaign(campaigns, survey_id, names[after_what], first, index,
                                                        self.at(first, 9), expires, audience,
                                                        closed=expires <= self.now))
        run.insert(connection, "survey_campaign", campaigns)
        instruments = Instruments(codes["servqual"], codes["nps"], codes["csat"])
        return instruments, waves, after["nps"], after["csat"]

    def _campaign(self, rows: list[Row], survey_id: int, survey_name: str, first: date, index: int,
                  opened: datetime, expires: datetime, audience: Audience, *, closed: bool) -> Wave:
        pattern = CAMPAIGN_NAMES[in_language(CAMPAIGN_NAMES, self.language)]
        name = pattern.format(survey=survey_name, year=first.year, quarter=(first.month - 1) // 3 + 1)
        made = opened - timedelta(days=2, hours=5)
        wave = Wave(self._take("survey_campaign"), survey_id, opened, expires, index)
        rows.append({"id": wave.id, "survey_id": survey_id, "name": name[:200],
                     "status": "closed" if closed else "open",
                     "audience": audience.as_dict(), "expires_at": expires, "remind_after_days": REMIND_AFTER.days,
                     "max_reminders": MAX_REMINDERS, "opened_at": opened, "closed_at": expires if closed else None,
                     "created_by_id": self.owner, "created_at": made, "updated_at": expires if closed else opened})
        return wave

    # -- one invitation -------------------------------------------------------------------------

    def _invite(self, wave: Wave, client: DemoClient, sent: datetime, expires: datetime,
                engagement_id: int | None = None) -> Row:
        invitation_id = self._take("survey_invitation")
        nonce = answers.new_nonce()
        row: Row = {
            "id": invitation_id, "campaign_id": wave.id, "client_id": client.id, "engagement_id": engagement_id,
            "email": client.email, "greeting_name": client.greeting[:200], "language": client.language,
            "nonce": nonce, "token_hash": answers.hash_token(answers.token_of(self.settings, invitation_id, nonce)),
            "expires_at": expires, "created_at": sent - self._minutes(1, 60), "first_mailed_at": sent,
            "last_mailed_at": sent, "reminders": 0, "opened_at": None, "answered_at": None,
        }
        self.invitations.append(row)
        return row

    def _remind(self, invitation: Row, until: datetime) -> None:
        """The reminders that went out before ``until`` (the answer, the link's end or now)."""
        for n in range(1, MAX_REMINDERS + 1):
            moment = invitation["first_mailed_at"] + REMIND_AFTER * n
            if moment >= min(until, invitation["expires_at"], self.now):
                break
            invitation["reminders"], invitation["last_mailed_at"] = n, moment

    def _answer_time(self, sent: datetime) -> datetime:
        """When the answer comes: soon after the e-mail or after one of the reminders."""
        after = ANSWERED_AFTER.draw(self.rng)
        days = min(self.rng.expovariate(1 / 1.3), 6.5)
        return sent + REMIND_AFTER * after + timedelta(days=days, minutes=self.rng.randint(30, 90))

    def _response(self, wave: Wave, invitation: Row, client: DemoClient, started: datetime,
                  submitted: datetime | None) -> Row:
        row: Row = {
            "id": self._take("survey_response"), "survey_id": wave.survey_id, "campaign_id": wave.id,
            "invitation_id": invitation["id"], "client_id": client.id, "engagement_id": invitation["engagement_id"],
            "external_id": None, "source": "link", "language": client.language, "started_at": started,
            "saved_at": submitted or min(started + self._minutes(2, 12), self.now), "submitted_at": submitted,
            "nps": None, "csat": None, "comment": None,
        }
        self.responses.append(row)
        invitation["opened_at"] = started - self._minutes(0, 3)
        if submitted is not None:
            invitation["answered_at"] = submitted
            if submitted >= self.now - timedelta(days=FOLLOW_UP_DAYS):
                self.recent.append((row, client))
        return row

    def _answer(self, response_id: int, item_id: int, *, expected: int | None = None, perceived: int | None = None,
                number: int | None = None, text: str | None = None) -> None:
        self.answers.append({"response_id": response_id, "item_id": item_id, "expected": expected,
                             "perceived": perceived, "number": number, "text": text})

    def _comment(self, response: Row, items: dict[str, int], text: str) -> None:
        code = "nps_why" if "nps_why" in items and self.rng.random() < 0.8 else "comment"
        self._answer(response["id"], items[code], text=text)
        response["comment"] = text

    def _link(self, wave: Wave, invitation: Row, client: DemoClient, answered: bool) -> Row | None:
        """What the recipient did with the link: a submitted response (returned), or opened it and
        left, perhaps with half a form saved (SERVQUAL only), or nothing."""
        sent, ends = invitation["first_mailed_at"], min(invitation["expires_at"], self.now)
        began: datetime | None = None
        if answered:
            submitted = self._answer_time(sent)
            started = submitted - self._minutes(4, 25)
            if submitted < ends:
                self._remind(invitation, submitted)
                return self._response(wave, invitation, client, started, submitted)
            began = started     # still filling it in, or gave up half-way
        elif self.rng.random() < OPENED_ONLY:
            began = self._answer_time(sent)
        self._remind(invitation, invitation["expires_at"])
        if began is None or began >= ends:
            return None
        if wave.survey_id == self.waves[0].survey_id and self.rng.random() < PARTIAL:
            partial = self._response(wave, invitation, client, began, None)
            for statement in instrument.STATEMENTS[:self.rng.randint(3, 14)]:
                expected, perceived = self._statement(statement, 0.0, 0.0, 0.0)
                self._answer(partial["id"], self.instruments.servqual[statement.code], expected=expected,
                             perceived=perceived)
        else:
            invitation["opened_at"] = began
        return None

    # -- SERVQUAL ---------------------------------------------------------------------------------

    def _statement(self, statement: instrument.Statement, leniency: float, mood: float,
                   reliability: float) -> tuple[int, int]:
        rng, dimension = self.rng, statement.dimension
        expected = EXPECTED[dimension] + leniency + rng.gauss(0, 0.45)
        perceived = (EXPECTED[dimension] + SHORTFALL[dimension] + STATEMENT_SHIFT[statement.number] + mood
                     + (reliability if dimension == "reliability" else 0.0) + rng.gauss(0, 0.6))
        return _scale(expected), _scale(perceived)

    def _importance(self) -> list[int]:
        """100 points across the five dimensions, in fives (as people split them)."""
        weights = [IMPORTANCE[d] * self.rng.gammavariate(8, 1) for d in instrument.DIMENSIONS]
        return _split(weights, 100, 5)

    def servqual_wave(self, wave: Wave, client: DemoClient) -> None:
        rng = self.rng
        sent = wave.opened + self._minutes(0, 90)
        invitation = self._invite(wave, client, sent, wave.expires)
        response = self._link(wave, invitation, client, rng.random() < ANSWERS.get(client.tier, 0.4))
        if response is None:
            return
        reliability = RELIABILITY_BETTER[wave.index]
        leniency, mood = rng.gauss(0, 0.3), rng.gauss(0, 0.45)
        items, perceived_by = self.instruments.servqual, {d: 0.0 for d in instrument.DIMENSIONS}
        for statement in instrument.STATEMENTS:
            expected, perceived = self._statement(statement, leniency, mood, reliability)
            perceived_by[statement.dimension] += perceived
            self._answer(response["id"], items[statement.code], expected=expected, perceived=perceived)
        for dimension, points in zip(instrument.DIMENSIONS, self._importance(), strict=True):
            self._answer(response["id"], items[f"importance_{dimension}"], number=points)
        reliable = perceived_by["reliability"] / 5
        others = (sum(perceived_by.values()) - perceived_by["reliability"]) / 17
        nps = _bounded(NPS_SERVQUAL + NPS_PER_RELIABILITY * (reliable - 5.2) + NPS_PER_REST * (others - 6.0)
                       + rng.gauss(0, 1.1), 0, 10)
        self._answer(response["id"], items["nps"], number=nps)
        response["nps"] = nps
        if rng.random() < COMMENTED:
            self._comment(response, items, self._words(client, nps, better=wave.index >= len(self.waves) - 2))

    def _words(self, client: DemoClient, nps: int, *, better: bool) -> str:
        texts: Comments = COMMENTS[in_language(COMMENTS, client.language)]
        if nps <= followups.DETRACTOR_MAX:
            pool: Sequence[str] = texts.broken
        elif better and self.rng.random() < 0.4:
            pool = texts.better
        else:
            pool = texts.praise if nps >= followups.PROMOTER_MIN else texts.mixed
        return pool[int(self.rng.random() * len(pool))]

    # -- NPS after engagements, CSAT after recoveries -----------------------------------------------

    def _quarter_of(self, day: date) -> int | None:
        return next((n for n, (first, last) in enumerate(self.quarters) if first <= day <= last), None)

    def after_engagements(self, client: DemoClient) -> None:
        asked: set[int] = set()
        for engagement_id, last_day in client.completed:
            quarter = self._quarter_of(last_day)
            if quarter is None or quarter in asked or not client.email:
                continue
            asked.add(quarter)
            wave = self.after_engagement[quarter]
            sent = self.at(last_day + timedelta(days=self.rng.randint(1, 3)), 10) + self._minutes(0, 240)
            if sent >= self.now:
                continue
            invitation = self._invite(wave, client, sent, min(sent + timedelta(days=NPS_LINK_DAYS), wave.expires),
                                      engagement_id)
            response = self._link(wave, invitation, client, self.rng.random() < NPS_ANSWERS)
            if response is None:
                continue
            nps = _bounded(NPS_AFTER_ENGAGEMENT - (0.0 if client.active else LOST) + self.rng.gauss(0, 1.6), 0, 10)
            self._answer(response["id"], self.instruments.nps["nps"], number=nps)
            response["nps"] = nps
            if self.rng.random() < COMMENTED_AFTER:
                self._comment(response, self.instruments.nps, self._words(client, nps, better=False))

    def after_recoveries(self, client: DemoClient) -> None:
        asked: set[int] = set()
        for closed in client.recovered:
            quarter = self._quarter_of(closed.astimezone(self.zone).date())
            if quarter is None or quarter in asked or not client.email:
                continue
            asked.add(quarter)
            wave = self.after_recovery[quarter]
            sent = closed + self._minutes(18 * 60, 30 * 60)
            if sent >= self.now:
                continue
            invitation = self._invite(wave, client, sent, min(sent + timedelta(days=CSAT_LINK_DAYS), wave.expires))
            response = self._link(wave, invitation, client, self.rng.random() < CSAT_ANSWERS)
            if response is None:
                continue
            csat = CSAT_SCORES.draw(self.rng)
            self._answer(response["id"], self.instruments.csat["csat"], number=csat)
            response["csat"] = csat
            if self.rng.random() < COMMENTED_AFTER:
                texts = COMMENTS[in_language(COMMENTS, client.language)]
                pool = texts.recovered if csat >= 4 else texts.not_recovered
                self._comment(response, self.instruments.csat, pool[int(self.rng.random() * len(pool))])

    # -- the follow-up tasks of the last days ---------------------------------------------------

    def follow_ups(self) -> None:
        """The tasks ``after_answer`` opened for the recent answers; those a few days old mostly done."""
        for row, client in self.recent:
            response = SurveyResponse(id=row["id"], client_id=client.id, nps=row["nps"], csat=row["csat"],
                                      comment=row["comment"])
            person = Client(id=client.id, name=client.name, owner_id=client.owner_id)
            opened = row["submitted_at"]
            for follow_up in followups.follow_ups(response, person, self.language, opened):
                data = follow_up.data
                age = self.now - opened
                recovery = follow_up.rule == "quality.detractor"
                language, active = self.staff.get(data["owner_id"], (None, False))
                done = (active and age > timedelta(days=3 if recovery else 6)
                        and self.rng.random() < (0.7 if recovery else 0.5))
                closed = _minute(opened + age * self.rng.uniform(0.2, 0.8)) if done else None
                outcomes = OUTCOMES[in_language(OUTCOMES, language)]["recovery" if recovery else "word_of_mouth"]
                self.tasks.append({
                    "id": self._take("task"), "kind": data["kind"], "title": data["title"], "notes": data["notes"],
                    "client_id": data["client_id"], "related_type": data["related_type"],
                    "related_id": data["related_id"], "owner_id": data["owner_id"], "due_at": data["due_at"],
                    "priority": data["priority"].value, "status": "done" if closed else "open",
                    "outcome": outcomes[int(self.rng.random() * 2)] if closed else None, "closed_at": closed,
                    "closed_by_id": data["owner_id"] if closed else None, "created_by_id": None,
                    "rule": follow_up.rule, "dedupe_key": follow_up.dedupe_key, "created_at": opened,
                    "updated_at": closed or opened,
                })
        self.recent = []

    def client(self, client: DemoClient) -> None:
        if client.active and client.email:
            for wave in self.waves:
                if client.since >= wave.opened:
                    continue
                if client.tier == "standard" and (client.id + wave.index) % STANDARD_EVERY:
                    continue
                self.servqual_wave(wave, client)
        self.after_engagements(client)
        self.after_recoveries(client)

    def flush(self, run: DemoRun, connection: Connection) -> None:
        self.follow_ups()
        run.insert(connection, "survey_invitation", self.invitations)
        run.insert(connection, "survey_response", self.responses)
        for start in range(0, len(self.answers), 20_000):
            run.insert(connection, "survey_answer", self.answers[start:start + 20_000])
        run.insert(connection, "task", self.tasks)
        self.invitations, self.responses, self.answers, self.tasks = [], [], [], []


def _scale(value: float) -> int:
    return _bounded(value, 1, 7)


def _bounded(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _split(weights: Sequence[float], total: int, step: int) -> list[int]:
    """``total`` in multiples of ``step`` in proportion to ``weights`` (largest remainders first)."""
    units = total // step
    whole = sum(weights)
    shares = [w * units / whole for w in weights]
    counts = [int(s) for s in shares]
    for index in sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])[:units - sum(counts)]:
        counts[index] += 1
    return [c * step for c in counts]


def _clients(connection: Connection, after: int, language: str, since: date) -> list[DemoClient]:
    """The next chunk of clients, with their completed engagements and closed recoveries."""
    c, e, t, k = table("client"), table("engagement"), table("task"), table("contact")
    rows = connection.execute(
        select(c.c.id, c.c.name, c.c.tier, c.c.status, c.c.kind, c.c.owner_id, c.c.language, c.c.email,
               c.c.created_at).where(c.c.id > after).order_by(c.c.id).limit(CLIENTS_PER_QUERY)).all()
    if not rows:
        return []
    found = {row.id: DemoClient(row.id, row.name, str(row.tier), str(row.status) == "active", row.owner_id,
                                row.language if row.language in LANGUAGES else language, row.email, row.name,
                                row.created_at) for row in rows}
    low, high = rows[0].id, rows[-1].id
    people = {row.id for row in rows if str(row.kind) == "person"}
    for client_id, name in connection.execute(select(k.c.client_id, k.c.name).where(
            k.c.client_id >= low, k.c.client_id <= high).order_by(k.c.id.desc())):
        if client_id not in people and name:
            found[client_id].greeting = name  # an organisation's first contact (the last one set wins)
    for engagement_id, client_id, end_date in connection.execute(
            select(e.c.id, e.c.client_id, e.c.end_date).where(
                e.c.client_id >= low, e.c.client_id <= high, e.c.status == "completed", e.c.end_date >= since)
            .order_by(e.c.end_date, e.c.id)):
        found[client_id].completed.append((engagement_id, end_date))
    for client_id, closed_at in connection.execute(
            select(t.c.client_id, t.c.closed_at).where(
                t.c.client_id >= low, t.c.client_id <= high, t.c.kind == "recovery", t.c.status == "done",
                t.c.closed_at.is_not(None)).order_by(t.c.closed_at, t.c.id)):
        found[client_id].recovered.append(closed_at)
    return list(found.values())


def load_surveys(run: DemoRun) -> None:
    """The surveys and their campaigns, then the clients' answers one chunk of clients at a time."""
    with run.runtime.transaction() as session:
        builder = Fieldwork(run, session.connection())
    since = builder.quarters[0][0]
    after = 0
    while True:
        with run.runtime.transaction() as session:
            connection = session.connection()
            chunk = _clients(connection, after, builder.language, since)
            if not chunk:
                break
            for client in chunk:
                builder.client(client)
            builder.flush(run, connection)
            after = chunk[-1].id
