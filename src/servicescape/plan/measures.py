"""The measures a plan can set a target for: the scorecard's figures, each with its label, its unit,
the usual direction of a target (at least, or at most) and the values it can take.

A share is written in percent (``95`` for 95%), as people set targets; the scorecard compares its
actual figure in the same unit (:func:`met`).
"""

from __future__ import annotations

from dataclasses import dataclass

from servicescape.i18n import N_

AT_LEAST, AT_MOST = ">=", "<="
COMPARISONS = (AT_LEAST, AT_MOST)
PERCENT, POINTS, SCORE = "percent", "points", "score"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str              # marked with N_
    unit: str               # percent, points (NPS) or score (SERVQUAL gap)
    comparison: str         # the usual direction: ">=" (at least) or "<=" (at most)
    low: float
    high: float
    help: str               # marked with N_: what the figure is

    def within(self, value: float) -> bool:
        return self.low <= value <= self.high


def _share(key: str, label: str, help: str, high: float = 100.0) -> Measure:
    return Measure(key, label, PERCENT, AT_LEAST, 0.0, high, help)


MEASURES: tuple[Measure, ...] = (
    _share("promises_kept_on_time", N_("Promises kept on time"),
           N_("Of the promises due in the period, the share kept by the time promised")),
    Measure("nps", N_("Net Promoter Score"), POINTS, AT_LEAST, -100.0, 100.0,
            N_("Promoters' share minus detractors' share, from −100 to 100")),
    _share("cadence_adherence", N_("Contact cadence kept"),
           N_("The share of clients contacted as often as their tier asks")),
    _share("complaint_response_on_time", N_("Complaints answered on time"),
           N_("The share of complaints first answered within the promised time")),
    _share("survey_response_rate", N_("Survey response rate"),
           N_("The share of survey invitations answered")),
    _share("key_accounts_reviewed", N_("Key accounts reviewed"),
           N_("The share of key accounts whose review is done on schedule")),
    _share("needs_recorded", N_("Key accounts' needs recorded"),
           N_("The share of key accounts whose needs and decision criteria are recorded")),
    _share("message_adoption", N_("Message adoption"),
           N_("The share of proposals and client meetings that use an approved message")),
    _share("realisation", N_("Realisation"),
           N_("Hours billed as a share of the billable hours recorded"), high=200.0),
    _share("frontline_recoveries", N_("Recoveries closed by front-line staff"),
           N_("Of the complaints resolved, the share resolved by front-line staff without asking")),
    Measure("servqual_gap", N_("SERVQUAL gap"), SCORE, AT_LEAST, -6.0, 6.0,
            N_("Perceived minus expected service, importance-weighted (0: expectations met)")),
)

BY_KEY: dict[str, Measure] = {measure.key: measure for measure in MEASURES}


def measure(key: str) -> Measure | None:
    return BY_KEY.get(key)


def met(comparison: str, target: float, actual: float | None) -> bool | None:
    """Whether ``actual`` meets a target (None: no actual figure to compare)."""
    if actual is None:
        return None
    if comparison == AT_MOST:
        return actual <= target
    return actual >= target
