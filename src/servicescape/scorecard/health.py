"""Client health: the scorecard's machinery per client. Seven parts read from the client's own records
(promises kept, complaints, survey answers, the sentiment of what they said, contact recency, the
rhythm of their purchases, the trend of their spend) are each scored 0–100 by thresholds and combined
by weight into a health score; a part without data is left out and the rest renormalised, as in the
firm's scorecard. The trend compares the score with the one the same records gave 90 days before;
the risk level follows from both, and each risk level has a playbook that opens tasks for the
client's owner.

All active clients are computed together, set-based (a handful of grouped queries, then numpy), and
kept in ``scorecard_client_health`` by :func:`refresh` (the ``scorecard.health`` job), which the list
reads; one client is computed on demand for its page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, delete, func, insert, select, text
from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, ClientStatus, Interaction, Invoice, Tier
from servicescape.config import Settings
from servicescape.db.arrays import numbers
from servicescape.db.expressions import epoch_days, epoch_seconds, unindexed
from servicescape.db.memo import unchanged_since
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.scorecard.capability import HEALTH_READ, MANAGE_ACTIONS
from servicescape.scorecard.models import ClientHealth

Floats = npt.NDArray[np.float64]

#: the trend compares with the health the records gave this long before
TREND_DAYS = 90
#: how many points a health score must move before its trend is up or down
DEAD_BAND = 5.0
#: risk levels by score: under HIGH is high risk, under MEDIUM medium; a fall of FALL points or
#: more since 90 days before raises the level by one
HIGH, MEDIUM, FALL = 40.0, 65.0, 15.0
RISKS = {"high": N_("High risk"), "medium": N_("Medium risk"), "low": N_("Low risk"), "unknown": N_("No data")}
RISK_ORDER = {"high": 0, "medium": 1, "low": 2, "unknown": 3}
TASK_KIND = "health"
SORTS = ("health", "change")
#: the kept ``change_order`` of a client without a change (no score, or none 90 days before): after
#: every change, which lies between -100 and 100
CHANGE_UNKNOWN = 1000.0


@dataclass(frozen=True)
class Part:
    key: str
    label: str           # marked with N_
    formula: str         # marked with N_
    source: str          # the capability whose records it reads
    weight: float
    poor: float          # the value that scores 0
    good: float          # the value that scores 100 (below poor when lower is better)
    unit: str


PARTS: tuple[Part, ...] = (
    Part("promises", N_("Promises kept on time"),
         N_("The client's promises whose window ended in the last 180 days that were kept on time, over all of them "
            "(cancelled ones left out)"), "promises", 2.0, 50, 100, "percent"),
    Part("complaints", N_("Complaints"),
         N_("Complaints received in the last 180 days, each late unresolved one counted twice: none scores 100, "
            "four or more score 0 (only where the firm records complaints)"), "promises", 2.0, 4, 0, "count"),
    Part("survey", N_("Survey answers"),
         N_("The mean of the client's answers to 'how likely to recommend us' (0–10) in the last 365 days"),
         "quality", 1.5, 0, 10, "points"),
    Part("sentiment", N_("Sentiment of what they said"),
         N_("The mean sentiment (−1 to 1) of the client's comments in the last 180 days"), "voice", 1.0, -1, 1,
         "score"),
    Part("contact", N_("Contact recency"),
         N_("Days since the last contact as a multiple of the client's cadence (tier or package level): within "
            "the cadence scores 100, three cadences or more 0"), "relationships", 1.5, 3, 1, "cadences"),
    Part("rhythm", N_("Purchase rhythm"),
         N_("Days since the last invoice as a multiple of the client's usual gap between invoices (three invoices "
            "or more): up to one and a half gaps scores 100, three gaps or more 0"), "clients", 1.0, 3, 1.5,
         "gaps"),
    Part("spend", N_("Spend trend (lifetime value)"),
         N_("Invoiced in the last 365 days over the 365 days before, in the reporting currency: the same or more "
            "scores 100, half or less 0; a client new in the year scores 100"), "clients", 1.5, 50, 100, "percent"),
)
BY_KEY = {part.key: part for part in PARTS}


@dataclass(frozen=True)
class Playbook:
    risk: str
    title: str           # marked with N_: the task, with %(client)s
    action: str          # marked with N_: what the owner does
    due_days: int
    tiers: tuple[Tier, ...]


PLAYBOOKS: tuple[Playbook, ...] = (
    Playbook("high", N_("Call %(client)s: their health is at risk"),
             N_("Call the client within two days: ask what went wrong, agree what happens next and record it."),
             2, (Tier.key, Tier.growth, Tier.standard)),
    Playbook("medium", N_("Check in with %(client)s"),
             N_("Check in within two weeks (a visit for a key account): close what is open, ask how things are."),
             14, (Tier.key, Tier.growth)),
)
PLAYBOOK_OF = {playbook.risk: playbook for playbook in PLAYBOOKS}


# --- reading the records --------------------------------------------------------------------------------

@dataclass
class _Book:
    """The active clients (ids sorted) and the parts' values and scores as of ``now`` and ``before``."""

    ids: npt.NDArray[np.int64]
    tiers: list[Tier]
    created: Floats                                # seconds since the epoch
    values: dict[str, tuple[Floats, Floats]]      # part → (value now, value before); NaN: no data
    scores: dict[str, tuple[Floats, Floats]]

    def at(self, client_ids: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        wanted = np.asarray(client_ids, dtype=np.int64)
        where = np.minimum(np.searchsorted(self.ids, wanted), max(0, len(self.ids) - 1))
        return where, (self.ids[where] == wanted) if len(self.ids) else np.zeros(len(wanted), dtype=bool)


def _only(query: Any, column: Any, only: int | None) -> Any:
    return query if only is None else query.where(column == only)


def _grouped(session: Session, book: _Book, query: Select[Any], columns: int) -> list[Floats]:
    """``query``'s rows (client id, then ``columns`` numbers) spread over the book's clients (NaN
    where a client has no row or a NULL)."""
    out = [np.full(len(book.ids), np.nan) for _column in range(columns)]
    table = numbers(session, query, columns + 1)
    if not len(table):
        return out
    where, found = book.at(table[:, 0].astype(np.int64))
    for column in range(columns):
        out[column][where[found]] = table[found, column + 1]
    return out


def _in(column: Any, first: datetime, last: datetime) -> Any:
    return (column >= first) & (column < last)


def _promises(session: Session, book: _Book, now: datetime, before: datetime, only: int | None) -> None:
    from servicescape.promises.models import Promise, PromiseStatus

    counted = []
    for t in (now, before):
        ended = _in(Promise.window_end, t - timedelta(days=180), t) & (Promise.status != PromiseStatus.cancelled)
        counted += [func.count().filter(ended), func.count().filter(ended & (Promise.status == PromiseStatus.kept))]
    query = _only(select(Promise.client_id, *counted).where(Promise.window_end >= before - timedelta(days=180),
                                                             Promise.window_end < now).group_by(Promise.client_id),
                  Promise.client_id, only)
    due, kept, due_before, kept_before = _grouped(session, book, query, 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = (np.where(due > 0, 100 * kept / due, np.nan), np.where(due_before > 0, 100 * kept_before / due_before,
                                                                       np.nan))
    book.values["promises"] = shares


def _complaints(session: Session, book: _Book, now: datetime, before: datetime, only: int | None) -> None:
    from servicescape.promises.models import Complaint

    if session.scalar(select(Complaint.id).limit(1)) is None:
        return    # the firm records no complaints: the part is left out
    counted = []
    for t in (now, before):
        received = _in(Complaint.received_at, t - timedelta(days=180), t)
        late = received & (Complaint.resolution_due_at < t) & (Complaint.resolved_at.is_(None)
                                                               | (Complaint.resolved_at > t))
        counted += [func.count().filter(received), func.count().filter(late)]
    query = _only(select(Complaint.client_id, *counted)
                  .where(Complaint.received_at >= before - timedelta(days=180), Complaint.received_at < now)
                  .group_by(Complaint.client_id), Complaint.client_id, only)
    received_now, late_now, received_before, late_before = _grouped(session, book, query, 4)
    known_before = book.created < before.timestamp()
    book.values["complaints"] = (np.nan_to_num(received_now) + np.nan_to_num(late_now),
                                 np.where(known_before, np.nan_to_num(received_before) + np.nan_to_num(late_before),
                                          np.nan))


def _survey(session: Session, book: _Book, now: datetime, before: datetime, only: int | None) -> None:
    from servicescape.quality.models import SurveyResponse as Response

    means = [func.avg(Response.nps).filter(_in(Response.submitted_at, t - timedelta(days=365), t))
             for t in (now, before)]
    query = _only(select(Response.client_id, *means)
                  .where(Response.submitted_at >= before - timedelta(days=365), Response.submitted_at < now,
                         Response.nps.is_not(None)).group_by(Response.client_id), Response.client_id, only)
    now_mean, before_mean = _grouped(session, book, query, 2)
    book.values["survey"] = (now_mean, before_mean)


def _sentiment(session: Session, book: _Book, now: datetime, before: datetime, only: int | None) -> None:
    from servicescape.voice.models import Comment

    means = [func.avg(Comment.sentiment_score).filter(_in(Comment.said_at, t - timedelta(days=180), t))
             for t in (now, before)]
    query = _only(select(Comment.client_id, *means)
                  .where(Comment.client_id.is_not(None), Comment.said_at >= before - timedelta(days=180),
                         Comment.said_at < now, Comment.sentiment_score.is_not(None))
                  .group_by(Comment.client_id), Comment.client_id, only)
    now_mean, before_mean = _grouped(session, book, query, 2)
    book.values["sentiment"] = (now_mean, before_mean)


def _days_since(stamps: Floats, t: datetime) -> Floats:
    return (t.timestamp() - stamps) / 86_400.0


def _contact(session: Session, book: _Book, now: datetime, before: datetime, only: int | None) -> None:
    from servicescape.offerings.targets import level_targets_between
    from servicescape.relationships.service import cadence

    # each client's last contact before each moment: an index seek per client, not a scan of the log
    lasts = [epoch_seconds(select(func.max(Interaction.occurred_at))
                           .where(Interaction.client_id == Client.id, Interaction.occurred_at < t)
                           .correlate(Client).scalar_subquery()) for t in (now, before)]
    query = _only(select(Client.id, *lasts).where(Client.status == ClientStatus.active), Client.id, only)
    out = _grouped(session, book, query, 2)
    created = book.created
    every = cadence(session)
    days = np.array([float(every[tier]) for tier in book.tiers])
    if len(book.ids):
        levels = level_targets_between(session.connection(), int(book.ids[0]), int(book.ids[-1]))
        if levels:
            where, found = book.at(list(levels))
            level_days = np.array([np.nan if t.cadence_days is None else float(t.cadence_days)
                                   for t in levels.values()])
            chosen = where[found]
            days[chosen] = np.fmin(days[chosen], level_days[found])
    values = []
    for column, t in enumerate((now, before)):
        since = np.where(np.isnan(out[column]), created, out[column])
        cadences = _days_since(since, t) / days
        values.append(np.where(created < t.timestamp(), cadences, np.nan))
    book.values["contact"] = (values[0], values[1])


def _invoices(session: Session, book: _Book, now: datetime, before: datetime, reporting_currency: str,
              only: int | None) -> None:
    from servicescape.offerings.service import in_reporting_currency, rates

    worth = in_reporting_currency(Invoice.amount, Invoice.currency, rates(session, reporting_currency))
    columns = []
    for t in (now, before):
        day = t.date()
        earlier = Invoice.issued_on < day
        columns += [func.count().filter(earlier), epoch_days(func.min(Invoice.issued_on).filter(earlier)),
                    epoch_days(func.max(Invoice.issued_on).filter(earlier)),
                    func.sum(worth).filter(earlier & (Invoice.issued_on >= day - timedelta(days=365))),
                    func.sum(worth).filter(earlier & (Invoice.issued_on >= day - timedelta(days=730))
                                           & (Invoice.issued_on < day - timedelta(days=365)))]
    query = _only(select(Invoice.client_id, *columns).where(Invoice.issued_on < now.date())
                  .group_by(Invoice.client_id), Invoice.client_id, only)
    table = _grouped(session, book, query, 10)
    rhythm, spend = [], []
    for column, t in enumerate((now, before)):
        count, first, last, recent, prior = table[5 * column:5 * column + 5]
        count, recent, prior = np.nan_to_num(count), np.nan_to_num(recent), np.nan_to_num(prior)
        today = float((t.date() - date(1970, 1, 1)).days)
        with np.errstate(invalid="ignore", divide="ignore"):
            gap = np.maximum(1.0, (last - first) / (count - 1))
            rhythm.append(np.where(count >= 3, (today - last) / gap, np.nan))
            spend.append(np.where(prior > 0, 100.0 * recent / prior,
                                  np.where(recent > 0, math.inf, np.nan)))    # inf: new in the year
    book.values["rhythm"] = (rhythm[0], rhythm[1])
    book.values["spend"] = (spend[0], spend[1])


def _score_part(part: Part, values: Floats) -> Floats:
    out = np.full(len(values), np.nan)
    known = ~np.isnan(values)
    if part.good < part.poor:     # lower is better
        out[known] = np.clip(100.0 * (part.poor - values[known]) / (part.poor - part.good), 0.0, 100.0)
    else:
        out[known] = np.clip(100.0 * (values[known] - part.poor) / (part.good - part.poor), 0.0, 100.0)
    return out


def _book(session: Session, settings: Settings, now: datetime, only: int | None = None) -> _Book:
    before = now - timedelta(days=TREND_DAYS)
    query = _only(select(Client.id, Client.tier, epoch_seconds(Client.created_at))
                  .where(Client.status == ClientStatus.active).order_by(Client.id), Client.id, only)
    rows = session.connection().execute(query).all()
    book = _Book(np.array([row[0] for row in rows], dtype=np.int64), [row[1] for row in rows],
                 np.array([row[2] for row in rows], dtype=np.float64), {}, {})
    readers: tuple[Callable[..., None], ...] = (_promises, _complaints, _survey, _sentiment, _contact)
    for read in readers:
        read(session, book, now, before, only)
    _invoices(session, book, now, before, settings.reporting_currency, only)
    for key, (value_now, value_before) in book.values.items():
        part = BY_KEY[key]
        book.scores[key] = (_score_part(part, value_now), _score_part(part, value_before))
    return book


def _combine(book: _Book, which: int) -> tuple[Floats, Floats]:
    """The weighted mean of the scored parts per client (NaN: none) and the coverage (0..1)."""
    total = sum(part.weight for part in PARTS)
    weighted = np.zeros(len(book.ids))
    weight = np.zeros(len(book.ids))
    for key, scores in book.scores.items():
        known = ~np.isnan(scores[which])
        weighted[known] += scores[which][known] * BY_KEY[key].weight
        weight[known] += BY_KEY[key].weight
    with np.errstate(invalid="ignore", divide="ignore"):
        # to a millionth of a point: the risk levels' edges (a fall of exactly 15) do not hang on the
        # last bits of a time difference
        score: Floats = np.where(weight > 0, weighted / weight, np.nan).round(6)
    return score, weight / total


def risk_of(score: float | None, previous: float | None) -> str:
    if score is None:
        return "unknown"
    level = 0 if score < HIGH else 1 if score < MEDIUM else 2
    if previous is not None and previous - score >= FALL:
        level = max(0, level - 1)
    return ("high", "medium", "low")[level]


def trend_of(score: float | None, previous: float | None) -> str | None:
    if score is None or previous is None:
        return None
    return "up" if score - previous > DEAD_BAND else "down" if previous - score > DEAD_BAND else "flat"


@dataclass(frozen=True)
class PartResult:
    part: Part
    value: float | str | None      # "new": no spend the year before
    score: float | None
    previous_score: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.part.key, "label": _(self.part.label), "source": self.part.source,
                "unit": self.part.unit, "weight": self.part.weight, "value": _shown(self.value),
                "score": _round(self.score), "previous_score": _round(self.previous_score)}


@dataclass(frozen=True)
class Health:
    client_id: int
    score: float | None
    previous_score: float | None
    coverage: float
    risk: str
    parts: list[PartResult]
    computed_at: datetime

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous_score is None else self.score - self.previous_score

    @property
    def trend(self) -> str | None:
        return trend_of(self.score, self.previous_score)

    def as_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "score": _round(self.score), "previous_score": _round(self.previous_score),
                "change": _round(self.change), "trend": self.trend, "coverage": round(self.coverage, 4),
                "risk": self.risk, "parts": [p.as_dict() for p in self.parts],
                "computed_at": self.computed_at.isoformat()}


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 2)


def _shown(value: float | str | None) -> float | str | None:
    return value if isinstance(value, str) else _round(value)


def _value(value: float) -> float | str | None:
    return "new" if math.isinf(value) else None if math.isnan(value) else value


def _nan_none(value: Any) -> float | None:
    return None if value is None or math.isnan(float(value)) else float(value)


def _results(book: _Book, now: datetime) -> list[Health]:
    score_now, coverage = _combine(book, 0)
    score_before, _coverage = _combine(book, 1)
    out = []
    for i, client_id in enumerate(book.ids.tolist()):
        parts = []
        for part in PARTS:
            if part.key not in book.scores:
                parts.append(PartResult(part, None, None, None))
                continue
            parts.append(PartResult(part, _value(float(book.values[part.key][0][i])),
                                    _nan_none(book.scores[part.key][0][i]), _nan_none(book.scores[part.key][1][i])))
        now_value, before_value = _nan_none(score_now[i]), _nan_none(score_before[i])
        out.append(Health(client_id, now_value, before_value, float(coverage[i]), risk_of(now_value, before_value),
                          parts, now))
    return out


def _compute(session: Session, settings: Settings, *, now: datetime, only: int) -> list[Health]:
    """The health of one active client as of ``now``, with every part (``only``: its id)."""
    return _results(_book(session, settings, now, only), now)


# --- kept health, the list and one client ---------------------------------------------------------------

@dataclass(frozen=True)
class Scores:
    """Every active client's health as arrays (the set-based result :func:`refresh` keeps)."""

    book: _Book
    score: Floats               # NaN: no part with data
    previous: Floats
    coverage: Floats
    risk: npt.NDArray[np.int64]  # index into RISK_LEVELS

    def risk_counts(self) -> dict[str, int]:
        counted = np.bincount(self.risk, minlength=len(RISK_LEVELS))
        return {level: int(counted[i]) for i, level in enumerate(RISK_LEVELS)}


#: risk levels in RISK_ORDER's order (high first, unknown last)
RISK_LEVELS = tuple(sorted(RISKS, key=RISK_ORDER.__getitem__))


def _risks(score: Floats, previous: Floats) -> npt.NDArray[np.int64]:
    """:func:`risk_of` for every client at once: the level's index in RISK_LEVELS."""
    level = np.where(score < HIGH, 0, np.where(score < MEDIUM, 1, 2))
    fell = ~np.isnan(previous) & (previous - score >= FALL)
    level = np.where(fell, np.maximum(level - 1, 0), level)
    return np.where(np.isnan(score), RISK_ORDER["unknown"], level).astype(np.int64)


def scores(session: Session, settings: Settings, *, now: datetime, by: Principal) -> Scores:
    """Every active client's health, set-based: the parts' grouped queries, then numpy."""
    require(by, HEALTH_READ)
    book = _book(session, settings, now)
    score_now, coverage = _combine(book, 0)
    score_before, _coverage = _combine(book, 1)
    return Scores(book, score_now, score_before, coverage, _risks(score_now, score_before))


def _listed(values: Floats, places: int = 2) -> list[Any]:
    """An array as a list for JSON and SQL: rounded, None for NaN, "new" for infinity."""
    out = np.round(values, places).astype(object)
    out[np.isnan(values)] = None
    out[np.isinf(values)] = "new"
    return list(out)


def refresh(session: Session, settings: Settings, *, now: datetime, by: Principal,
            act: bool = True) -> dict[str, Any]:
    """Compute every active client's health and keep it (replacing what was kept); ``act``: run the
    playbooks (tasks for the owners of clients at risk, once per client, risk level and quarter)."""
    require(by, MANAGE_ACTIONS)
    found = scores(session, settings, now=now, by=by)
    book = found.book
    keys = list(book.scores)
    columns = [list(zip(_listed(book.values[key][0]), _listed(book.scores[key][0]), strict=True)) for key in keys]
    score, previous = _listed(found.score, 6), _listed(found.previous, 6)
    change = _listed(found.score - found.previous, 6)
    risks = [RISK_LEVELS[i] for i in found.risk.tolist()]
    rows = [{"client_id": client_id, "score": score[i], "previous_score": previous[i], "change": change[i],
             "change_order": CHANGE_UNKNOWN if change[i] is None else change[i], "coverage": coverage,
             "risk": risks[i], "risk_rank": RISK_ORDER[risks[i]],
             "parts": {key: list(column[i]) for key, column in zip(keys, columns, strict=True)}, "computed_at": now}
            for i, (client_id, coverage) in enumerate(zip(book.ids.tolist(), found.coverage.tolist(), strict=True))]
    session.execute(delete(ClientHealth))
    for start in range(0, len(rows), 5_000):
        session.execute(insert(ClientHealth), rows[start:start + 5_000])
    # the planner's statistics of the table just rewritten: the list then reads it in its indexes' order
    session.execute(text(f"ANALYZE {ClientHealth.__tablename__}"))
    opened = run_playbooks(session, settings, now=now, by=by) if act else 0
    session.flush()
    return {"clients": len(rows), "risk": found.risk_counts(), "tasks_opened": opened}


def run_playbooks(session: Session, settings: Settings, *, now: datetime, by: Principal) -> int:
    """Open the playbook's task for each kept client at a risk level with a playbook (the client's
    owner; once per client, risk level and quarter) → how many were opened."""
    from servicescape.scorecard.service import quarter_of
    from servicescape.tasks import service as tasks

    require(by, MANAGE_ACTIONS)
    quarter = quarter_of(now.astimezone(settings.zone).date())
    rows: list[dict[str, Any]] = []
    for playbook in PLAYBOOKS:
        found = session.execute(select(Client.id, Client.name, Client.owner_id)
                                .join(ClientHealth, ClientHealth.client_id == Client.id)
                                .where(ClientHealth.risk == playbook.risk, Client.tier.in_(playbook.tiers))
                                .order_by(Client.id)).all()
        rows += [{"kind": TASK_KIND, "title": _(playbook.title, client=name)[:300], "client_id": client_id,
                  "owner_id": owner_id, "due_at": now + timedelta(days=playbook.due_days),
                  "rule": f"health.{playbook.risk}", "dedupe_key": f"health.{playbook.risk}:{quarter}:{client_id}"}
                 for client_id, name, owner_id in found]
    return tasks.insert_many(session, rows, now=now, by=by) if rows else 0


@dataclass(frozen=True)
class Line:
    client_id: int
    name: str
    tier: Tier
    owner_name: str | None
    score: float | None
    previous_score: float | None
    change: float | None
    risk: str
    coverage: float

    @property
    def trend(self) -> str | None:
        return trend_of(self.score, self.previous_score)

    def as_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "name": self.name, "tier": self.tier.value, "owner": self.owner_name,
                "score": _round(self.score), "previous_score": _round(self.previous_score),
                "change": _round(self.change), "trend": self.trend, "risk": self.risk,
                "coverage": round(self.coverage, 4)}


@dataclass(frozen=True)
class HealthPage:
    items: list[Line]
    total: int
    page: int
    per_page: int
    computed_at: datetime | None
    risk_counts: dict[str, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def listing(session: Session, *, risk: str | None = None, sort: str = "health", owner_id: int | None = None,
            page: int = 1, per_page: int = 50, by: Principal) -> HealthPage:
    """The kept health of active clients: key accounts first, then the worst health (``sort="change"``:
    the steepest fall) first."""
    require(by, HEALTH_READ)
    if risk is not None and risk not in RISKS:
        raise ValidationFailed(_("Risk must be one of: %(values)s.", values=", ".join(RISKS)), field="risk")
    if sort not in SORTS:
        raise ValidationFailed(_("Sort must be one of: %(values)s.", values=", ".join(SORTS)), field="sort")
    if not 1 <= per_page <= 500 or not 1 <= page <= 100_000:
        raise ValidationFailed(_("per_page must be between 1 and %(max)s", max=500), field="per_page")
    return _listing(session, risk, sort, owner_id, page, per_page)


@unchanged_since(ClientHealth.__tablename__, Client.__tablename__, "clients", Staff.__tablename__)
def _listing(session: Session, risk: str | None, sort: str, owner_id: int | None, page: int,
             per_page: int) -> HealthPage:
    """A page of the list, remembered until the kept health, a client or a member of staff changes
    (the key accounts' part sorts every key account: tens of thousands at 100,000 clients)."""
    # The list is two parts, the key accounts' and the others', each read in the kept health's own
    # order so that neither sorts every client: the key accounts (few) come in by the client's tier
    # index; the others by walking the kept health's index in the list's order (the risk level's, or
    # the change's), each row's client looked up by its key. A client's tier, status and owner are
    # read live, never as the refresh kept them.
    active = unindexed(Client.status) == ClientStatus.active
    where: list[Any] = [active]
    if risk is not None:
        where.append(ClientHealth.risk == risk)
    if owner_id is not None:
        where.append(Client.owner_id == owner_id)
    order: list[Any] = ([ClientHealth.change_order, ClientHealth.risk_rank, ClientHealth.client_id] if sort == "change"
                        else [ClientHealth.risk_rank, ClientHealth.score, ClientHealth.client_id])
    columns = (Client.id, Client.name, Client.tier, Staff.name, ClientHealth.score, ClientHealth.previous_score,
               ClientHealth.change, ClientHealth.risk, ClientHealth.coverage)
    key = Client.tier == Tier.key
    key_accounts = session.scalar(select(func.count()).select_from(Client)
                                  .join(ClientHealth, ClientHealth.client_id == Client.id).where(*where, key)) or 0
    start = (page - 1) * per_page
    rows: list[Any] = []
    if start < key_accounts:
        rows += session.execute(
            select(*columns).select_from(Client).join(ClientHealth, ClientHealth.client_id == Client.id)
            .outerjoin(Staff, Staff.id == Client.owner_id).where(*where, key)
            .order_by(*order).limit(per_page).offset(start)).all()
    if len(rows) < per_page:
        rows += session.execute(
            select(*columns).select_from(ClientHealth).join(Client, ClientHealth.client_id == Client.id)
            .outerjoin(Staff, Staff.id == Client.owner_id).where(*where, Client.tier != Tier.key)
            .order_by(*order).limit(per_page - len(rows)).offset(max(0, start - key_accounts))).all()
    counts = dict.fromkeys(RISKS, 0) | _risk_counts(session, owner_id)
    total = counts[risk] if risk is not None else sum(counts.values())
    computed = session.scalar(select(ClientHealth.computed_at).limit(1))     # one refresh wrote every row
    return HealthPage([Line(*row) for row in rows], total, page, per_page, computed, counts)


def _risk_counts(session: Session, owner_id: int | None) -> dict[str, int]:
    """Active clients per kept risk level (of one owner's clients)."""
    counted = select(ClientHealth.risk, func.count()).group_by(ClientHealth.risk)
    if owner_id is not None:
        counted = counted.join(Client, Client.id == ClientHealth.client_id).where(
            Client.owner_id == owner_id, Client.status == ClientStatus.active)
    else:   # the kept health's own index, less the clients no longer active since the refresh (few)
        counted = counted.where(ClientHealth.client_id.not_in(
            select(Client.id).where(Client.status.in_([s for s in ClientStatus if s != ClientStatus.active]))))
    return {kept: number for kept, number in session.execute(counted)}


def kept(session: Session, client_id: int, *, by: Principal) -> ClientHealth | None:
    """A client's health as the last refresh kept it (None before one)."""
    require(by, HEALTH_READ)
    return session.get(ClientHealth, client_id)


def of_client(session: Session, settings: Settings, client_id: int, *, now: datetime, by: Principal) -> Health:
    """One client's health now, computed from their records (with every part's figure and score)."""
    require(by, HEALTH_READ)
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(_("No client %(id)s.", id=client_id), field="client_id")
    if client.status != ClientStatus.active:
        raise ValidationFailed(_("Health is kept for active clients only."), field="client_id")
    found = _compute(session, settings, now=now, only=client_id)
    return found[0]
