"""The scorecard of a period: every measure's figure (figures.py) scored by its thresholds or the
plan's target, the seven elements and the four goals as weighted means of the scores they have
(coverage shown), each with its trend against the period before; the owners' weights."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.config import Settings
from servicescape.db.memo import Unkeyed, unchanged_since
from servicescape.errors import NotFound, ValidationFailed
from servicescape.i18n import _
from servicescape.scorecard import catalogue, figures, periods
from servicescape.scorecard.capability import MANAGE, READ
from servicescape.scorecard.models import MeasureWeight, Snapshot
from servicescape.scorecard.scoring import Combined, Figure, combine, scored_against, trend

MAX_WEIGHT = 10.0
AT_MOST = "<="


@dataclass(frozen=True)
class MeasureResult:
    measure: catalogue.Measure
    figure: Figure
    previous: Figure
    target: tuple[str, float] | None       # the plan's (comparison, value)
    met: bool | None
    score: float | None
    previous_score: float | None
    weight: float
    trend: str | None

    def as_dict(self) -> dict[str, Any]:
        m = self.measure
        return {"key": m.key, "label": _(m.label), "source": m.source, "unit": m.unit,
                "value": _round(self.figure.value), "n": self.figure.n, "status": self.figure.status,
                "previous_value": _round(self.previous.value), "previous_n": self.previous.n,
                "target": ({"comparison": self.target[0], "value": self.target[1], "met": self.met}
                           if self.target else None),
                "score": _round(self.score), "previous_score": _round(self.previous_score), "trend": self.trend,
                "weight": self.weight, "elements": list(m.elements), "goals": list(m.goals)}


@dataclass(frozen=True)
class GroupResult:
    key: str
    label: str                # marked with N_
    now: Combined
    before: Combined
    trend: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": _(self.label), "score": _round(self.now.score),
                "coverage": round(self.now.coverage, 4), "measures_scored": self.now.scored,
                "measures": self.now.total, "previous_score": _round(self.before.score), "trend": self.trend}


@dataclass(frozen=True)
class Scorecard:
    period: periods.Period
    previous: periods.Period
    measures: list[MeasureResult]
    elements: list[GroupResult]
    goals: list[GroupResult]
    overall: GroupResult
    data_as_of: datetime

    def weakest(self, count: int = 3) -> list[MeasureResult]:
        """The measures with the lowest scores (those with a score), weakest first."""
        scored = [m for m in self.measures if m.score is not None and m.weight > 0]
        return sorted(scored, key=lambda m: (m.score, -m.weight, m.measure.key))[:count]

    def as_dict(self) -> dict[str, Any]:
        return {"period": _period_dict(self.period), "previous_period": _period_dict(self.previous),
                "data_as_of": self.data_as_of.isoformat(), "overall": self.overall.as_dict(),
                "elements": [e.as_dict() for e in self.elements], "goals": [g.as_dict() for g in self.goals],
                "measures": [m.as_dict() for m in self.measures]}


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 2)


def _period_dict(period: periods.Period) -> dict[str, Any]:
    return {"key": period.key, "first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat()}


# --- weights -------------------------------------------------------------------------------------------

def weights(session: Session, *, by: Principal) -> dict[str, float]:
    """Every measure's weight (1 unless an owner changed it)."""
    require(by, READ)
    return _weights(session)


def _weights(session: Session) -> dict[str, float]:
    kept = {row.measure: row.weight for row in session.scalars(select(MeasureWeight))}
    return {m.key: float(kept.get(m.key, 1.0)) for m in catalogue.MEASURES}


def set_weight(session: Session, key: str, weight: float, *, by: Principal) -> dict[str, float]:
    """Change a measure's weight (0 to 10; 0 leaves it out of every mean). Audited."""
    require(by, MANAGE)
    if key not in catalogue.BY_KEY:
        raise NotFound(_("No measure %(key)s.", key=key), field="measure")
    if not (isinstance(weight, int | float) and math.isfinite(weight) and 0 <= weight <= MAX_WEIGHT):
        raise ValidationFailed(_("A weight must be between 0 and %(max)s.", max=int(MAX_WEIGHT)), field="weight")
    row = session.get(MeasureWeight, key)
    if row is None:
        session.add(MeasureWeight(measure=key, weight=float(weight), updated_by_id=getattr(by, "id", None)))
    else:
        row.weight, row.updated_by_id = float(weight), getattr(by, "id", None)
    session.flush()
    return _weights(session)


# --- the scorecard -------------------------------------------------------------------------------------

def scorecard(session: Session, settings: Settings, *, period: str | None, now: datetime,
              by: Principal) -> Scorecard:
    """The scorecard of ``period`` (see periods.parse; default: the 90 days to ``now``): computed (10 s at
    100,000 clients) once an hour at most until the data changes, as the job's snapshot is, for every
    viewer of a period (its ``data_as_of`` says when)."""
    require(by, READ)
    periods.parse(period, settings.zone, now=now)   # a period that is none: refused before remembering
    return _scorecard(session, period, settings.zone, settings.reporting_currency,
                      now.replace(minute=0, second=0, microsecond=0), Unkeyed(now))


@unchanged_since()
def _scorecard(session: Session, period: str | None, zone: ZoneInfo, reporting_currency: str, _hour: datetime,
               at: Unkeyed[datetime]) -> Scorecard:
    now = at.value
    current = periods.parse(period, zone, now=now)
    previous = current.before(zone)
    weights_now = _weights(session)
    window = figures.Window(current.since, current.until, zone, reporting_currency)
    window_before = figures.Window(previous.since, previous.until, zone, reporting_currency)
    found, found_before = _figures(session, window), _figures(session, window_before)
    targets = figures.targets(session, window)

    results: list[MeasureResult] = []
    for measure in catalogue.MEASURES:
        figure, before = found[measure.key], found_before[measure.key]
        target = targets.get(measure.key)
        at_most = target is not None and target[0] == AT_MOST
        score_now = _score(measure, figure, target, at_most)
        score_before = _score(measure, before, target, at_most)
        met = _met(figure, target)
        results.append(MeasureResult(measure, figure, before, target, met, score_now, score_before,
                                     weights_now[measure.key], trend(score_now, score_before)))
    results = [_with_targets_met(r, results) if r.measure.key == "targets_met" else r for r in results]

    scores = {r.measure.key: r.score for r in results}
    scores_before = {r.measure.key: r.previous_score for r in results}

    def group(key: str, label: str, members: list[str]) -> GroupResult:
        now_c, before_c = combine(scores, weights_now, members), combine(scores_before, weights_now, members)
        return GroupResult(key, label, now_c, before_c, trend(now_c.score, before_c.score))

    elements = [group(key, label, [m.key for m in catalogue.of_element(key)])
                for key, label in catalogue.ELEMENTS.items()]
    goals = [group(key, label, [m.key for m in catalogue.of_goal(key)]) for key, label in catalogue.GOALS.items()]
    overall = group("overall", "Overall", [m.key for m in catalogue.MEASURES])
    return Scorecard(current, previous, results, elements, goals, overall, now)


def _score(measure: catalogue.Measure, figure: Figure, target: tuple[str, float] | None,
           at_most: bool) -> float | None:
    if not figure.known or figure.value is None:
        return None
    return scored_against(figure.value, measure.poor, measure.good, target[1] if target else None, at_most)


def _figures(session: Session, window: figures.Window) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for measure in catalogue.MEASURES:
        compute = getattr(figures, measure.figure, None)
        out[measure.key] = compute(session, window) if compute is not None else Figure(None, 0, "no_data")
    return out


def _met(figure: Figure, target: tuple[str, float] | None) -> bool | None:
    if target is None or not figure.known or figure.value is None:
        return None
    return figure.value <= target[1] if target[0] == AT_MOST else figure.value >= target[1]


def _targets_met(results: list[MeasureResult], before: bool) -> Figure:
    """Targets met over the targets with a figure (``before``: the figures of the period before)."""
    judged = [_met(r.previous if before else r.figure, r.target) for r in results if r.target is not None]
    if not judged:
        return Figure(None, 0, "no_data")
    return Figure.share(sum(1 for met in judged if met), sum(1 for met in judged if met is not None))


def _with_targets_met(result: MeasureResult, results: list[MeasureResult]) -> MeasureResult:
    figure, previous = _targets_met(results, before=False), _targets_met(results, before=True)
    score, score_before = _score(result.measure, figure, None, False), _score(result.measure, previous, None, False)
    return MeasureResult(result.measure, figure, previous, result.target, result.met, score, score_before,
                         result.weight, trend(score, score_before))


# --- snapshots (the home page) and history -------------------------------------------------------------

#: the periods the refresh job keeps: the rolling 90 days (the home page) and the running quarter
ROLLING = f"{periods.ROLLING_DAYS}d"
MAX_QUARTERS = 12


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def refresh(session: Session, settings: Settings, *, now: datetime, by: Principal) -> dict[str, Any]:
    """Compute the scorecard of the 90 days to ``now`` and of the running quarter, and keep each as
    its period's snapshot (replacing the one before)."""
    require(by, READ)
    kept: dict[str, Any] = {}
    for key in (ROLLING, quarter_of(now.astimezone(settings.zone).date())):
        found = scorecard(session, settings, period=key, now=now, by=by)
        row = session.get(Snapshot, key)
        if row is None:
            session.add(Snapshot(period=key, computed_at=now, payload=found.as_dict()))
        else:
            row.computed_at, row.payload = now, found.as_dict()
        kept[key] = _round(found.overall.now.score)
    session.flush()
    return {"snapshots": len(kept), "overall": kept}


#: the scorecard page shows the last 90 days from the job's snapshot while it is younger than this
FRESH = timedelta(hours=1, minutes=5)


def latest(session: Session, settings: Settings, *, now: datetime, by: Principal) -> Scorecard:
    """The scorecard of the last 90 days: the job's snapshot while it is fresh (younger than an hour,
    newer than the last change of a weight, with every measure of the catalogue), else computed now."""
    require(by, READ)
    kept = session.get(Snapshot, ROLLING)
    changed = session.scalar(select(func.max(MeasureWeight.updated_at)))
    if kept is not None and now - kept.computed_at < FRESH and (changed is None or changed <= kept.computed_at):
        found = _from_payload(kept.payload, kept.computed_at, settings)
        if found is not None:
            return found
    return scorecard(session, settings, period=None, now=now, by=by)


def _from_payload(payload: dict[str, Any], computed_at: datetime, settings: Settings) -> Scorecard | None:
    """A kept scorecard (``Scorecard.as_dict()``) back as one (None when the catalogue has changed since)."""
    measures = {m["key"]: m for m in payload.get("measures", [])}
    if set(measures) != set(catalogue.BY_KEY):
        return None
    current = periods.parse(payload["period"]["key"], settings.zone, now=computed_at)
    results = []
    for measure in catalogue.MEASURES:
        m = measures[measure.key]
        target = (m["target"]["comparison"], float(m["target"]["value"])) if m["target"] else None
        previous = Figure(m["previous_value"], m["previous_n"], "ok" if m["previous_value"] is not None else "no_data")
        results.append(MeasureResult(measure, Figure(m["value"], m["n"], m["status"]), previous, target,
                                     m["target"]["met"] if m["target"] else None, m["score"], m["previous_score"],
                                     float(m["weight"]), m["trend"]))

    def group(kept: dict[str, Any], label: str) -> GroupResult:
        return GroupResult(kept["key"], label, Combined(kept["score"], kept["coverage"], kept["measures_scored"],
                                                        kept["measures"]),
                           Combined(kept["previous_score"], 0.0, 0, kept["measures"]), kept["trend"])

    elements = [group(e, catalogue.ELEMENTS[e["key"]]) for e in payload["elements"]]
    goals = [group(g, catalogue.GOALS[g["key"]]) for g in payload["goals"]]
    return Scorecard(current, current.before(settings.zone), results, elements, goals,
                     group(payload["overall"], "Overall"), computed_at)


def snapshot(session: Session, period: str = ROLLING, *, by: Principal) -> Snapshot | None:
    """The last scorecard the job kept for ``period`` (None before its first run)."""
    require(by, READ)
    return session.get(Snapshot, period)


def history(session: Session, settings: Settings, *, quarters: int, now: datetime,
            by: Principal) -> list[dict[str, Any]]:
    """The overall, element and goal scores of the last ``quarters`` quarters (the running one
    last), each computed from the records as they are now."""
    require(by, READ)
    if not 1 <= quarters <= MAX_QUARTERS:
        raise ValidationFailed(_("Give between 1 and %(max)s quarters.", max=MAX_QUARTERS), field="quarters")
    period = periods.parse(quarter_of(now.astimezone(settings.zone).date()), settings.zone, now=now)
    chosen = [period]
    for _step in range(quarters - 1):
        chosen.append(chosen[-1].before(settings.zone))
    out = []
    for each in reversed(chosen):
        found = scorecard(session, settings, period=each.key, now=now, by=by)
        out.append({"period": _period_dict(each), "overall": _round(found.overall.now.score),
                    "coverage": round(found.overall.now.coverage, 4),
                    "elements": {e.key: _round(e.now.score) for e in found.elements},
                    "goals": {g.key: _round(g.now.score) for g in found.goals}})
    return out
