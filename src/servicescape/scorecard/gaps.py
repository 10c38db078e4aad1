"""Two readings of a scorecard: the five gaps of the SERVQUAL gap model and the ten elements of
marketing professional services (source 000) as an evidence checklist — both from the measures'
figures, never from a self-assessment.

* Gap 1, knowledge (what management believes clients expect against what they do): the managers'
  estimate of what clients value (points per SERVQUAL dimension, expectations.py) against the importance
  clients give the dimensions in their answers, and how much the firm asks and records — survey coverage
  and response, key-account reviews, needs recorded.
* Gap 2, standards (what management knows against the service standards set): the package levels that
  set response, resolution or contact targets, and the plan's targets.
* Gap 3, delivery (the standards against what is delivered): complaint targets met, the spread of
  reliability across staff and offices.
* Gap 4, communication (what was promised against what was delivered): straight from the promise
  ledger — promises kept on time, clients told before one broke.
* Gap 5, the client's (expected against perceived service): the SERVQUAL gap of the survey answers,
  with each dimension's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM, Principal, require
from servicescape.i18n import N_, _
from servicescape.scorecard import expectations
from servicescape.scorecard.capability import READ
from servicescape.scorecard.expectations import Comparison
from servicescape.scorecard.scoring import Figure, score
from servicescape.scorecard.service import MeasureResult, Scorecard

#: a checklist element is ticked when every measure behind it that has a score reaches this
TICK = 60.0


@dataclass(frozen=True)
class Gap:
    number: int
    key: str
    label: str            # marked with N_
    question: str         # marked with N_: what it compares
    source: str           # marked with N_: where the figures come from
    measures: tuple[str, ...]


GAPS: tuple[Gap, ...] = (
    Gap(1, "knowledge", N_("Knowledge gap"), N_("What management believes clients expect, against what they expect"),
        N_("The managers' estimate of what clients value against the clients' own importance points; how much "
           "the firm asks and records"),
        ("expectations_match", "survey_coverage", "survey_response_rate", "key_accounts_reviewed", "needs_recorded")),
    Gap(2, "standards", N_("Standards gap"), N_("What management knows clients expect, against the standards set"),
        N_("Package levels that set response, resolution or contact targets; the plan's targets"),
        ("levels_with_standards", "targets_set")),
    Gap(3, "delivery", N_("Delivery gap"), N_("The standards set, against the service delivered"),
        N_("Complaint targets met; reliability alike across staff and offices"),
        ("complaint_response_on_time", "complaint_resolution_on_time", "reliability_spread", "office_spread")),
    Gap(4, "communication", N_("Communication gap"), N_("What was promised to clients, against what was delivered"),
        N_("The promise ledger: every promise, kept, late or missed, and whether the client was told in time"),
        ("promises_kept_on_time", "told_before_broken")),
    Gap(5, "client", N_("Client gap"), N_("The service clients expected, against the service they perceived"),
        N_("The SERVQUAL answers of the surveys, by dimension"), ("servqual_gap",)),
)

#: the gap figures that are not measures of the catalogue: key → label, thresholds (0 at, 100 at)
OWN_FIGURES: dict[str, tuple[str, float, float]] = {
    "levels_with_standards": (N_("Package levels that set standards"), 20.0, 90.0),
    "expectations_match": (N_("Managers' estimate of what clients value, matched"), 60.0, 95.0),
}


@dataclass(frozen=True)
class Element:
    number: int
    label: str            # marked with N_
    evidence: str         # marked with N_: what ticks it
    measures: tuple[str, ...]


ELEMENTS: tuple[Element, ...] = (
    Element(1, N_("Services are intangible: sell the confidence of a promise kept"),
            N_("Promises kept on time"), ("promises_kept_on_time",)),
    Element(2, N_("Clients carry more risk: show what has been done so far"),
            N_("Value cases backed by delivered outcomes"), ("value_cases_backed",)),
    Element(3, N_("Understand the client's problem"), N_("Key accounts' needs recorded and reviewed"),
            ("needs_recorded", "key_accounts_reviewed")),
    Element(4, N_("Reduce the buyer's uncertainty"), N_("Clients told before a promise broke; the SERVQUAL gap"),
            ("told_before_broken", "servqual_gap")),
    Element(5, N_("Specialise and differentiate"), N_("Competitors' prices researched lately"),
            ("price_research_recency",)),
    Element(6, N_("Industrialise the service; the same person sells and delivers"),
            N_("Reliability alike across staff; the same person sells and delivers"),
            ("reliability_spread", "continuity")),
    Element(7, N_("Every element matters: one failure spoils the rest"), N_("No element of the scorecard under 60"),
            ()),
    Element(8, N_("Continuous personal contact on a controlled schedule"), N_("Contact cadence kept"),
            ("cadence_adherence",)),
    Element(9, N_("Testimonials, one repeated message, prestige"), N_("Testimonials in use; message adoption"),
            ("testimonials_in_use", "message_adoption")),
    Element(10, N_("A high price where the service has no substitute"), N_("Realisation: the price asked is billed"),
            ("realisation",)),
)


@dataclass(frozen=True)
class Evidence:
    key: str
    label: str            # marked with N_
    figure: Figure
    unit: str
    score: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": _(self.label), "value": _round(self.figure.value), "n": self.figure.n,
                "status": self.figure.status, "unit": self.unit, "score": _round(self.score)}


@dataclass(frozen=True)
class GapResult:
    gap: Gap
    evidence: list[Evidence]
    score: float | None               # the mean of the evidence's scores (100: no gap)
    dimensions: dict[str, float]      # gap 5: each SERVQUAL dimension's gap
    comparison: Comparison | None = None   # gap 1: the managers' points against the clients'

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.gap.number, "key": self.gap.key, "label": _(self.gap.label),
                "question": _(self.gap.question), "source": _(self.gap.source), "score": _round(self.score),
                "evidence": [e.as_dict() for e in self.evidence],
                "dimensions": {k: round(v, 2) for k, v in self.dimensions.items()},
                "expectations": self.comparison.as_dict() if self.comparison else None}


@dataclass(frozen=True)
class Tick:
    element: Element
    evidence: list[Evidence]
    ticked: bool | None               # None: no data for it

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.element.number, "label": _(self.element.label),
                "evidence_label": _(self.element.evidence), "ticked": self.ticked,
                "evidence": [e.as_dict() for e in self.evidence]}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _evidence(result: MeasureResult) -> Evidence:
    return Evidence(result.measure.key, result.measure.label, result.figure, result.measure.unit, result.score)


def _mean(scores: list[float | None]) -> float | None:
    known = [s for s in scores if s is not None]
    return sum(known) / len(known) if known else None


def levels_with_standards(session: Session) -> Figure:
    """Package levels that set a first-response, resolution or contact target, over all levels."""
    from servicescape.offerings.models import PackageLevel

    total, with_standards = session.execute(select(func.count(PackageLevel.id), func.count(PackageLevel.id).filter(
        or_(PackageLevel.first_response_hours.is_not(None), PackageLevel.resolution_days.is_not(None),
            PackageLevel.cadence_days.is_not(None))))).one()
    if not total:
        return Figure.unused()
    return Figure.share(with_standards or 0, total)


def _servqual(session: Session, card: Scorecard) -> Any:
    from servicescape.quality import results

    return results.servqual(session, results.ResultFilter(since=card.period.since, until=card.period.until),
                            by=SYSTEM)


def _expectations(session: Session, found: Any) -> tuple[Figure, Comparison | None]:
    """Gap 1's own figure: how much the managers' split of 100 points shares with the clients'."""
    managers = expectations.estimate(session, by=SYSTEM)
    if managers is None:
        return Figure.unused(), None
    if found is None or found.equal_weights:
        return Figure(None, 0, "no_data"), None
    comparison = expectations.compare(managers, found.importance)
    if comparison is None:
        return Figure(None, 0, "no_data"), None
    return Figure(comparison.overlap, found.respondents), comparison


def _own(key: str, figure: Figure) -> Evidence:
    label, poor, good = OWN_FIGURES[key]
    return Evidence(key, label, figure, "percent",
                    score(figure.value, poor, good) if figure.known and figure.value is not None else None)


def gaps(session: Session, card: Scorecard, *, by: Principal) -> list[GapResult]:
    """The five gaps of ``card``'s period."""
    require(by, READ)
    results = {r.measure.key: r for r in card.measures}
    surveyed = results["servqual_gap"].figure.status != "not_in_use"
    found = _servqual(session, card) if surveyed else None
    out = []
    for gap in GAPS:
        evidence, comparison = [], None
        for key in gap.measures:
            if key == "levels_with_standards":
                evidence.append(_own(key, levels_with_standards(session)))
            elif key == "expectations_match":
                figure, comparison = _expectations(session, found)
                evidence.append(_own(key, figure))
            else:
                evidence.append(_evidence(results[key]))
        dimensions = ({d: float(e.mean) for d, e in found.dimensions.items() if e.mean is not None}
                      if gap.key == "client" and found is not None and results["servqual_gap"].figure.known else {})
        out.append(GapResult(gap, evidence, _mean([e.score for e in evidence]), dimensions, comparison))
    return out


def checklist(card: Scorecard, *, by: Principal) -> list[Tick]:
    """The ten elements of source 000, each ticked when the measures behind it score at least 60."""
    require(by, READ)
    results = {r.measure.key: r for r in card.measures}
    out = []
    for element in ELEMENTS:
        if not element.measures:          # #7: every element of the scorecard at 60 or more
            scored = [e.now.score for e in card.elements if e.now.score is not None]
            ticked = None if not scored else min(scored) >= TICK
            out.append(Tick(element, [], ticked))
            continue
        evidence = [_evidence(results[key]) for key in element.measures]
        scored = [e.score for e in evidence if e.score is not None]
        out.append(Tick(element, evidence, None if not scored else min(scored) >= TICK))
    return out
