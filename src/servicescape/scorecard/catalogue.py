"""The measure catalogue: every figure the scorecard scores, with its formula, the capability whose
records it reads, its thresholds (the value that scores 0 and the value that scores 100), and the
elements (source 002) and goals (source 001) it counts towards. Shown in the product
(``servicescape scorecard measures``, ``/scorecard/measures``, ``GET /api/v1/scorecard/measures``).

The keys of the measures a plan may set a target for are plan.measures' keys: the scorecard scores
those by the plan's target when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from servicescape.i18n import N_

#: the seven elements of service marketing (source 002), by their English keys
ELEMENTS: dict[str, str] = {
    "quality": N_("Quality"), "organisation": N_("Organisation"), "knowledge": N_("Knowledge"),
    "planning": N_("Planning"), "pricing": N_("Pricing"), "communication": N_("Communication"),
    "relationships": N_("Interpersonal relationships"),
}
#: the four goals (source 001)
GOALS: dict[str, str] = {
    "trust": N_("Build trust"), "staff": N_("Empower the staff"), "processes": N_("Uniform processes"),
    "satisfaction": N_("Client satisfaction"),
}
PERCENT, POINTS, SCORE, DAYS, COUNT = "percent", "points", "score", "days", "count"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str               # marked with N_
    formula: str             # marked with N_: how the figure is computed
    source: str              # the capability whose records it reads
    unit: str                # percent, points, score, days or count
    poor: float              # scores 0 (or anything worse)
    good: float              # scores 100 (or anything better); below ``poor`` when lower is better
    elements: tuple[str, ...]
    goals: tuple[str, ...]
    figure: str              # the function of figures.py that computes it (service.py: targets_met)

    @property
    def lower_is_better(self) -> bool:
        return self.good < self.poor


def _m(key: str, label: str, formula: str, source: str, unit: str, poor: float, good: float,
       elements: tuple[str, ...], goals: tuple[str, ...]) -> Measure:
    return Measure(key, label, formula, source, unit, poor, good, elements, goals, key)


MEASURES: tuple[Measure, ...] = (
    _m("promises_kept_on_time", N_("Promises kept on time"),
       N_("Promises whose window ended in the period and that were kept by its end, over all promises whose "
          "window ended in the period (cancelled ones left out)"),
       "promises", PERCENT, 70, 98, ("quality",), ("trust", "processes")),
    _m("told_before_broken", N_("Clients told before a promise broke"),
       N_("Promises missed or kept late in the period whose client was sent the at-risk notice before their "
          "window ended, over all promises missed or kept late in the period"),
       "promises", PERCENT, 20, 90, ("communication",), ("trust",)),
    _m("complaint_response_on_time", N_("Complaints answered on time"),
       N_("Complaints received in the period first answered by their response due time, over all complaints "
          "received in the period whose response was due by now"),
       "promises", PERCENT, 50, 95, ("communication", "quality"), ("satisfaction",)),
    _m("complaint_resolution_on_time", N_("Complaints resolved on time"),
       N_("Complaints received in the period resolved by their resolution due time, over all complaints received "
          "in the period whose resolution was due by now"),
       "promises", PERCENT, 50, 95, ("quality",), ("satisfaction", "processes")),
    _m("servqual_gap", N_("SERVQUAL gap"),
       N_("Perceived minus expected service over the five dimensions, weighted by the importance the clients "
          "gave them, from the survey answers submitted in the period (0: expectations met)"),
       "quality", SCORE, -2, 0.5, ("quality",), ("satisfaction",)),
    _m("nps", N_("Net Promoter Score"),
       N_("Share of promoters (9–10) minus share of detractors (0–6) among the recommendation answers submitted "
          "in the period"),
       "quality", POINTS, -20, 50, ("relationships",), ("satisfaction",)),
    _m("survey_response_rate", N_("Survey response rate"),
       N_("Invitations sent in the period that were answered, over all invitations sent in the period"),
       "quality", PERCENT, 10, 50, ("knowledge",), ("satisfaction",)),
    _m("survey_coverage", N_("Clients asked"),
       N_("Active clients invited to a survey in the twelve months to the period's end, over all active clients"),
       "quality", PERCENT, 20, 80, ("knowledge",), ("satisfaction",)),
    _m("cadence_adherence", N_("Contact cadence kept"),
       N_("Active clients contacted within the cadence of their tier at the period's end, over all active "
          "clients"),
       "relationships", PERCENT, 50, 95, ("relationships", "communication"), ("trust",)),
    _m("continuity", N_("Same person sells and delivers"),
       N_("Engagements started in the period sold and delivered by the same person, over the engagements started "
          "in the period with both recorded"),
       "relationships", PERCENT, 40, 90, ("relationships",), ("trust",)),
    _m("referral_rate", N_("Clients who referred someone"),
       N_("Active clients who referred someone in the twelve months to the period's end, over all active clients"),
       "referrals", PERCENT, 0, 10, ("relationships",), ("satisfaction",)),
    _m("key_accounts_reviewed", N_("Key accounts reviewed"),
       N_("Key accounts whose last review is within the past 120 days at the period's end, over all key accounts"),
       "plan", PERCENT, 30, 95, ("knowledge",), ("trust",)),
    _m("needs_recorded", N_("Key accounts' needs recorded"),
       N_("Key accounts whose needs or decision criteria are recorded, over all key accounts"),
       "plan", PERCENT, 20, 90, ("knowledge",), ("trust",)),
    _m("message_adoption", N_("Message adoption"),
       N_("Client interactions in the period that carried an approved message, over all client interactions in "
          "the period"),
       "plan", PERCENT, 20, 80, ("communication",), ("processes",)),
    _m("frontline_recoveries", N_("Recoveries closed by front-line staff"),
       N_("Complaints resolved in the period that front-line staff owned, over all complaints resolved in the "
          "period"),
       "plan", PERCENT, 10, 60, ("organisation",), ("staff",)),
    _m("reliability_spread", N_("Spread of reliability across staff"),
       N_("Percentage points between the best and the worst share of promises kept on time among staff who "
          "owned at least five promises due in the period"),
       "promises", POINTS, 40, 5, ("organisation",), ("processes",)),
    _m("realisation", N_("Realisation"),
       N_("Hours billed as a share of the billable hours recorded in the period (the sample: billable hours)"),
       "capacity", PERCENT, 70, 95, ("pricing",), ("processes",)),
    _m("office_spread", N_("Spread of reliability across offices"),
       N_("Percentage points between the best and the worst office's share of promises kept on time, each promise "
          "counted in its owner's office, among offices with at least five promises due in the period"),
       "promises", POINTS, 30, 5, ("organisation",), ("processes",)),
    _m("value_cases_backed", N_("Value cases backed by outcomes"),
       N_("Value cases written by the period's end with at least three outcomes recorded on completed engagements, "
          "over all value cases written by then"),
       "offerings", PERCENT, 10, 60, ("pricing",), ("trust",)),
    _m("price_research_recency", N_("Price research recency"),
       N_("Days from the most recent competitor price noted to the period's end (the sample: competitor prices "
          "noted by then)"),
       "offerings", DAYS, 365, 90, ("pricing",), ("processes",)),
    _m("capacity_outlook_covered", N_("Capacity outlook covered"),
       N_("Staff-weeks of the twelve weeks from the period's end whose scheduled hours stay within the hours "
          "available, over all those staff-weeks"),
       "capacity", PERCENT, 70, 98, ("planning",), ("staff",)),
    _m("testimonials_in_use", N_("Testimonials in use"),
       N_("Approved testimonials whose client consented to a use, approved by the period's end"),
       "referrals", COUNT, 0, 10, ("communication",), ("trust",)),
    _m("targets_set", N_("Targets set"),
       N_("Measures with a target in the plan of the period's end, over all the measures a plan may set"),
       "plan", PERCENT, 0, 80, ("planning",), ("processes",)),
    _m("targets_met", N_("Targets met"),
       N_("Targets of the plan whose measure met them in the period, over the targets with a figure"),
       "plan", PERCENT, 30, 90, ("planning",), ("processes",)),
)

BY_KEY: dict[str, Measure] = {measure.key: measure for measure in MEASURES}


def of_element(element: str) -> list[Measure]:
    return [m for m in MEASURES if element in m.elements]


def of_goal(goal: str) -> list[Measure]:
    return [m for m in MEASURES if goal in m.goals]
