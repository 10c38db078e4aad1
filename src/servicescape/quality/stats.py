"""The statistics of the survey results, as pure functions of counts and sums (no database): the
mean of a score with its 95% confidence interval, the Net Promoter Score with its interval, CSAT,
and the importance-weighted SERVQUAL gaps.

Every estimate is made from sufficient statistics — the count, the sum and the sum of squares —
so the database adds them up in one grouped query and nothing here sees a single answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from servicescape.quality.instrument import DIMENSIONS

#: Student's t at 0.975 (two-sided 95%) by degrees of freedom, to six decimals
T_975: dict[int, float] = {
    1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445, 5: 2.570582, 6: 2.446912, 7: 2.364624,
    8: 2.306004, 9: 2.262157, 10: 2.228139, 11: 2.200985, 12: 2.178813, 13: 2.160369, 14: 2.144787,
    15: 2.131450, 16: 2.119905, 17: 2.109816, 18: 2.100922, 19: 2.093024, 20: 2.085963, 21: 2.079614,
    22: 2.073873, 23: 2.068658, 24: 2.063899, 25: 2.059539, 26: 2.055529, 27: 2.051831, 28: 2.048407,
    29: 2.045230, 30: 2.042272, 40: 2.021075, 60: 2.000298, 120: 1.979930,
}
#: the normal distribution's 0.975 quantile: t as the degrees of freedom grow without bound
Z_975 = 1.959964
#: the z of the NPS interval (the normal approximation, as it is usually quoted)
NPS_Z = 1.96

_TABLE = sorted(T_975.items())

NPS_PROMOTER = 9        # 9–10
NPS_PASSIVE = 7         # 7–8; 0–6 are detractors
CSAT_SCALE = (1, 5)
CSAT_SATISFIED = 4      # 4 and 5 are "satisfied"
IMPORTANCE_POINTS = 100


def t_975(df: int) -> float:
    """Student's t quantile at 0.975 for ``df`` degrees of freedom: the table's value where it has
    one (1–30, 40, 60, 120), otherwise linear interpolation in ``1/df`` between the neighbouring
    entries — past 120 between t(120) and the normal 1.959964 (``1/df = 0``). The interpolation is
    within 6·10⁻⁵ of the exact quantile (t(45): 2.014149 against 2.014103; t(1000): 1.962360
    against 1.962339)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, not {df}")
    if df in T_975:
        return T_975[df]
    upper = [(d, t) for d, t in _TABLE if d > df]
    lower_df, lower_t = max((d, t) for d, t in _TABLE if d < df)
    upper_inv, upper_t = (1 / upper[0][0], upper[0][1]) if upper else (0.0, Z_975)
    share = (1 / lower_df - 1 / df) / (1 / lower_df - upper_inv)
    return lower_t + (upper_t - lower_t) * share


def _clean(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


@dataclass(frozen=True)
class Estimate:
    """A mean and its 95% confidence interval (``None`` where there is too little to say)."""

    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self, name: str = "mean") -> dict[str, Any]:
        """``{name: mean, "ci_low", "ci_high", "n"}``, rounded to four places (``name="gap"`` for gaps)."""
        return {name: _clean(self.mean), "ci_low": _clean(self.ci_low), "ci_high": _clean(self.ci_high),
                "n": self.n}


NO_ESTIMATE = Estimate(0, None, None, None)


def mean_ci(n: int, total: float, total_sq: float) -> Estimate:
    """The mean of ``n`` values from their sum and sum of squares, with a 95% confidence interval by
    Student's t with ``n − 1`` degrees of freedom::

        mean = total / n
        s²   = (total_sq − total² / n) / (n − 1)          the sample variance (0 if rounding makes it negative)
        ci   = mean ± t(0.975, n − 1) · s / √n

    No values: mean ``None``. One value: the mean, no interval."""
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if n == 0:
        return NO_ESTIMATE
    mean = total / n
    if n == 1:
        return Estimate(1, mean, None, None)
    variance = max((total_sq - total * total / n) / (n - 1), 0.0)
    half = t_975(n - 1) * math.sqrt(variance / n)
    return Estimate(n, mean, mean - half, mean + half)


@dataclass(frozen=True)
class NpsEstimate:
    """The Net Promoter Score (−100..100) with its 95% interval, and who gave it: the counts of
    promoters (9–10), passives (7–8) and detractors (0–6) and their shares of all answers (0–1)."""

    n: int
    score: float | None
    ci_low: float | None
    ci_high: float | None
    promoters: int
    passives: int
    detractors: int

    def _share(self, count: int) -> float | None:
        return count / self.n if self.n else None

    @property
    def promoters_share(self) -> float | None:
        return self._share(self.promoters)

    @property
    def passives_share(self) -> float | None:
        return self._share(self.passives)

    @property
    def detractors_share(self) -> float | None:
        return self._share(self.detractors)

    def as_dict(self) -> dict[str, Any]:
        return {"score": _clean(self.score, 2), "ci_low": _clean(self.ci_low, 2), "ci_high": _clean(self.ci_high, 2),
                "n": self.n, "promoters": self.promoters, "passives": self.passives, "detractors": self.detractors,
                "promoters_share": _clean(self.promoters_share), "passives_share": _clean(self.passives_share),
                "detractors_share": _clean(self.detractors_share)}


def nps(promoters: int, passives: int, detractors: int) -> NpsEstimate:
    """The Net Promoter Score of the counts, with a 95% interval by the normal approximation.

    Each respondent scores +100 (promoter), 0 (passive) or −100 (detractor); the NPS is the mean of
    those scores. With ``p = promoters / n`` and ``d = detractors / n``::

        score = 100 · (p − d)
        var   = (p + d − (p − d)²) · 100²      the variance of one respondent's score
        se    = √(var / n)
        ci    = score ± 1.96 · se, clipped to [−100, 100]

    No answers: score ``None``."""
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts cannot be negative")
    n = promoters + passives + detractors
    if n == 0:
        return NpsEstimate(0, None, None, None, 0, 0, 0)
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    variance = max(p + d - (p - d) ** 2, 0.0) * 100 ** 2
    half = NPS_Z * math.sqrt(variance / n)
    return NpsEstimate(n, score, max(score - half, -100.0), min(score + half, 100.0), promoters, passives, detractors)


def nps_group(score: int) -> str:
    """``promoter`` (9–10), ``passive`` (7–8) or ``detractor`` (0–6)."""
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is 0–10, not {score}")
    return "promoter" if score >= NPS_PROMOTER else "passive" if score >= NPS_PASSIVE else "detractor"


@dataclass(frozen=True)
class CsatEstimate:
    """Customer satisfaction on 1–5: the mean with its 95% interval (Student's t, as
    :func:`mean_ci`) and the share of answers that are satisfied (4 or 5)."""

    n: int
    mean: float | None
    satisfied_share: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"mean": _clean(self.mean), "ci_low": _clean(self.ci_low), "ci_high": _clean(self.ci_high),
                "satisfied_share": _clean(self.satisfied_share), "n": self.n}


def csat(counts_by_score: Mapping[int, int]) -> CsatEstimate:
    """CSAT from how many answered each score 1–5 (``{5: 12, 4: 7, ...}``)::

        mean            = Σ score·count / n, with mean_ci's interval
        satisfied_share = (count₄ + count₅) / n

    A score outside 1–5 or a negative count is a ``ValueError``."""
    low, high = CSAT_SCALE
    for score, count in counts_by_score.items():
        if not low <= score <= high:
            raise ValueError(f"a CSAT answer is {low}–{high}, not {score}")
        if count < 0:
            raise ValueError(f"the count of score {score} cannot be negative: {count}")
    n = sum(counts_by_score.values())
    total = sum(score * count for score, count in counts_by_score.items())
    total_sq = sum(score * score * count for score, count in counts_by_score.items())
    mean = mean_ci(n, total, total_sq)
    satisfied = sum(count for score, count in counts_by_score.items() if score >= CSAT_SATISFIED)
    return CsatEstimate(n, mean.mean, satisfied / n if n else None, mean.ci_low, mean.ci_high)


def _check_dimensions(values: Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(values) - set(DIMENSIONS))
    if unknown:
        raise ValueError(f"{what}: unknown SERVQUAL dimension {unknown[0]!r} (known: {', '.join(DIMENSIONS)})")


def importance_weights(importance: Mapping[str, float | None] | None) -> dict[str, float] | None:
    """Each dimension's weight (0–1, summing to 1) from the mean importance points the respondents
    gave it out of 100: ``points / Σ points`` — the same as ``points / 100`` when every split adds up
    to 100, and still weights summing to 1 when an imported split does not. ``None`` when importance
    was not asked (no points, or a dimension without any)."""
    if not importance:
        return None
    _check_dimensions(importance, "importance")
    points = [importance.get(dimension) for dimension in DIMENSIONS]
    if any(value is None for value in points):
        return None
    total = sum(value for value in points if value is not None)
    if total <= 0:
        return None
    return {dimension: (importance[dimension] or 0.0) / total for dimension in DIMENSIONS}


def weighted_gaps(dimension_gaps: Mapping[str, float | None],
                  importance: Mapping[str, float | None] | None) -> dict[str, float | None]:
    """Each dimension's importance-weighted gap: ``gap × weight``, the weight being the dimension's
    mean importance points / 100 (see :func:`importance_weights`). When importance was not asked,
    every dimension weighs the same: 1/5 (20 points each). A dimension without a gap has none."""
    _check_dimensions(dimension_gaps, "gaps")
    weights = importance_weights(importance) or {d: 1 / len(DIMENSIONS) for d in DIMENSIONS}
    weighted: dict[str, float | None] = {}
    for dimension in DIMENSIONS:
        gap = dimension_gaps.get(dimension)
        weighted[dimension] = None if gap is None else gap * weights[dimension]
    return weighted


def weighted_score(weighted: Mapping[str, float | None]) -> float | None:
    """The importance-weighted SERVQUAL score: the sum of the weighted gaps (a negative score:
    perceptions fall short of expectations). ``None`` when no dimension has a gap."""
    present = [value for value in weighted.values() if value is not None]
    return sum(present) if present else None


def fix_first(weighted: Mapping[str, float | None]) -> list[str]:
    """The dimensions whose weighted gap is negative, the largest shortfall first (ties in the
    published order of the dimensions)."""
    order = {dimension: index for index, dimension in enumerate(DIMENSIONS)}
    short = [(value, order.get(dimension, len(order)), dimension)
             for dimension, value in weighted.items() if value is not None and value < 0]
    return [dimension for _value, _order, dimension in sorted(short)]
