"""Price research on a firm's own clients: van Westendorp's price-sensitivity meter (PSM, with the
Newton–Miller–Smith extension in :mod:`servicescape.offerings.pricing_nms`), Gabor-Granger demand, and both
by client segment behind a minimum sample. Pure functions: no database, no I/O.

Van Westendorp follows the R package pricesensitivitymeter (Max Alletsee), read in its source:

- Valid answers (R/psm_data_processing.R, ``validate_price_preferences``): too cheap < cheap < expensive <
  too expensive, strictly; an answer with a missing price is invalid. Invalid answers are counted
  (``invalid_cases`` of ``total_sample``) and left out of everything else. Here a price must also be finite
  and above 0.
- Price grid (``calculate_ecdf_data``): ``sort(unique(c(toocheap, cheap, expensive, tooexpensive)))`` of the
  valid answers. A grid may be given instead (R has none; its ``interpolate = TRUE`` draws straight lines
  between the curves' values; here the curves are evaluated at the given prices as they are).
- Curves (``calculate_unweighted_ecdfs``; ``psm_analysis`` in R/psm_functions.R before 1.3.1) use R's
  ``stats::ecdf``, F(p) = share of answers at or below p, with ≤. For n valid answers:

      too cheap(p)     = 1 − F_too_cheap(p)  = #(too cheap > p) / n     (p strictly below their "too cheap")
      cheap(p)         = 1 − F_cheap(p)      = #(cheap > p) / n
      expensive(p)     = F_expensive(p)      = #(expensive ≤ p) / n
      too expensive(p) = F_too_expensive(p)  = #(too expensive ≤ p) / n
      not cheap(p)     = 1 − cheap(p)        not expensive(p) = 1 − expensive(p)

  Release 1.3.1 (2025-08-22) added to ``calculate_unweighted_ecdfs`` ``ecdf_values[price >= max(x)] <- 1``
  (no change: F(max) is 1 anyway) and ``ecdf_values[price <= min(x)] <- 0``, which sets F to 0 at the
  smallest answer itself (stats::ecdf gives its share there). ``boundary="ecdf"`` (default) is stats::ecdf;
  ``boundary="clamped"`` reproduces 1.3.1.
- Points (R/psm-utils.R, ``identify_intersection(data, var1, var2)``): the first grid price where
  ``var1 >= var2`` (with the default ``intersection_method = "min"``), NA (here None) if there is none.
  From ``identify_price_points`` (R/psm_data_processing.R):

      OPP (optimal price point)       too expensive >= too cheap
      IDP (indifference price point)  expensive >= cheap
      "original" (default; van Westendorp):  PMC  not cheap >= too cheap,   PME  too expensive >= not expensive
      "narrower" (acceptable_range):         PMC  expensive >= too cheap,   PME  too expensive >= cheap

  Shares are compared as whole counts over the same n, so ties are exact (R compares the floating shares).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from servicescape.offerings.pricing_nms import NmsResult, NmsSettings, analyse_nms, with_likelihood

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]
RangeConvention = Literal["original", "narrower"]
Boundary = Literal["ecdf", "clamped"]
R = TypeVar("R")


class PriceGridError(ValueError):
    """A price grid that is empty, out of order, repeats a price or holds a price that is not above 0."""

    def __init__(self, message: str, field: str = "grid") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def check_price_grid(grid: Sequence[float]) -> tuple[float, ...]:
    """The grid as floats if it is a non-empty, strictly ascending run of finite prices above 0."""
    prices = tuple(float(price) for price in grid)
    if not prices:
        raise PriceGridError("no prices")
    for position, price in enumerate(prices):
        if not (math.isfinite(price) and price > 0):
            raise PriceGridError(f"price {price!r} at position {position} is not a positive number")
        if position and price == prices[position - 1]:
            raise PriceGridError(f"price {price!r} appears twice")
        if position and price < prices[position - 1]:
            raise PriceGridError(f"prices out of order: {price!r} after {prices[position - 1]!r}")
    return prices


# --- Van Westendorp price-sensitivity meter ---------------------------------------------------------


@dataclass(frozen=True)
class PriceAnswer:
    """One respondent's four van Westendorp prices; likely_* are 1–5 purchase likelihoods (5 = very likely)
    at their own "cheap" and "expensive" price, for the Newton–Miller–Smith extension."""

    too_cheap: float
    cheap: float
    expensive: float
    too_expensive: float
    respondent: str | None = None
    segment: str | None = None
    likely_cheap: float | None = None
    likely_expensive: float | None = None


def is_valid(answer: PriceAnswer) -> bool:
    """0 < too cheap < cheap < expensive < too expensive, all finite."""
    prices = (answer.too_cheap, answer.cheap, answer.expensive, answer.too_expensive)
    if not all(math.isfinite(price) for price in prices):
        return False
    return 0 < answer.too_cheap < answer.cheap < answer.expensive < answer.too_expensive


@dataclass(frozen=True)
class PsmResult:
    """The six curves (shares of the valid answers) at each grid price, the four price points, the counts."""

    prices: tuple[float, ...]
    too_cheap: tuple[float, ...]
    cheap: tuple[float, ...]
    expensive: tuple[float, ...]
    too_expensive: tuple[float, ...]
    not_cheap: tuple[float, ...]
    not_expensive: tuple[float, ...]
    opp: float | None
    idp: float | None
    pmc: float | None
    pme: float | None
    convention: RangeConvention
    boundary: Boundary
    valid: int
    invalid: int
    total: int
    nms: NmsResult | None = None


def _at_or_below(values: Floats, prices: Floats, boundary: Boundary) -> Counts:
    """#(value ≤ p) for each grid price p; "clamped": 0 where p ≤ the smallest value (pricesensitivitymeter 1.3.1)."""
    counts: Counts = np.searchsorted(np.sort(values), prices, side="right").astype(np.int64)
    if boundary == "clamped":
        counts[prices <= values.min()] = 0
    return counts


def _first_reaching(rising: Counts, falling: Counts, prices: Floats) -> float | None:
    """The first grid price where ``rising >= falling`` (identify_intersection, method "min")."""
    where = np.flatnonzero(rising >= falling)
    return float(prices[where[0]]) if where.size else None


def _shares(counts: Counts, n: int) -> tuple[float, ...]:
    return tuple(int(count) / n for count in counts)


def analyse_psm(
    answers: Sequence[PriceAnswer],
    *,
    grid: Sequence[float] | None = None,
    convention: RangeConvention = "original",
    boundary: Boundary = "ecdf",
    nms: NmsSettings | None = None,
) -> PsmResult:
    """Van Westendorp curves and points on the valid answers (formulas in the module docstring).

    With no valid answer there is nothing to draw: empty curves, every point None. The valid answers that
    give both purchase likelihoods add the Newton–Miller–Smith trial and revenue (its ``respondents``
    say how many), with ``nms`` settings (default: pricesensitivitymeter's).
    """
    if convention not in ("original", "narrower"):
        raise ValueError(f"convention: {convention!r} is neither 'original' nor 'narrower'")
    if boundary not in ("ecdf", "clamped"):
        raise ValueError(f"boundary: {boundary!r} is neither 'ecdf' nor 'clamped'")
    given = check_price_grid(grid) if grid is not None else None
    valid = [answer for answer in answers if is_valid(answer)]
    n, total = len(valid), len(answers)
    if n == 0:
        empty: tuple[float, ...] = ()
        return PsmResult(empty, empty, empty, empty, empty, empty, empty, None, None, None, None,
                         convention, boundary, 0, total, total)
    columns = {
        name: np.array([getattr(answer, name) for answer in valid], dtype=np.float64)
        for name in ("too_cheap", "cheap", "expensive", "too_expensive")
    }
    prices: Floats = np.asarray(given if given is not None else np.unique(np.concatenate(list(columns.values()))))
    too_cheap = n - _at_or_below(columns["too_cheap"], prices, boundary)
    cheap = n - _at_or_below(columns["cheap"], prices, boundary)
    expensive = _at_or_below(columns["expensive"], prices, boundary)
    too_expensive = _at_or_below(columns["too_expensive"], prices, boundary)
    not_cheap, not_expensive = n - cheap, n - expensive
    if convention == "original":
        pmc = _first_reaching(not_cheap, too_cheap, prices)
        pme = _first_reaching(too_expensive, not_expensive, prices)
    else:
        pmc = _first_reaching(expensive, too_cheap, prices)
        pme = _first_reaching(too_expensive, cheap, prices)
    grid_prices = tuple(float(price) for price in prices)
    return PsmResult(
        prices=grid_prices,
        too_cheap=_shares(too_cheap, n),
        cheap=_shares(cheap, n),
        expensive=_shares(expensive, n),
        too_expensive=_shares(too_expensive, n),
        not_cheap=_shares(not_cheap, n),
        not_expensive=_shares(not_expensive, n),
        opp=_first_reaching(too_expensive, too_cheap, prices),
        idp=_first_reaching(expensive, cheap, prices),
        pmc=pmc,
        pme=pme,
        convention=convention,
        boundary=boundary,
        valid=n,
        invalid=total - n,
        total=total,
        nms=analyse_nms(sample, grid_prices, nms or NmsSettings()) if (sample := with_likelihood(valid)) else None,
    )


# --- Gabor-Granger ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaborGrangerAnswer:
    """Would this respondent buy at this price?"""

    respondent: str
    price: float
    buys: bool
    segment: str | None = None


@dataclass(frozen=True)
class DemandPoint:
    """One grid price: demand = buyers / asked, revenue = price × demand (per respondent asked); None if
    nobody was asked this price."""

    price: float
    asked: int
    buyers: int
    demand: float | None
    revenue: float | None


@dataclass(frozen=True)
class GaborGrangerResult:
    """Demand and revenue at each grid price; best_price maximises revenue (ties: the lower price)."""

    points: tuple[DemandPoint, ...]
    best_price: float | None
    respondents: int


def analyse_gabor_granger(answers: Sequence[GaborGrangerAnswer], grid: Sequence[float]) -> GaborGrangerResult:
    """Demand curve on an ascending grid. An answer at a price off the grid, or a respondent answering
    the same price twice, is a ValueError; a bad grid is a :class:`PriceGridError`."""
    prices = check_price_grid(grid)
    asked = dict.fromkeys(prices, 0)
    buyers = dict.fromkeys(prices, 0)
    seen: set[tuple[str, float]] = set()
    for answer in answers:
        price = float(answer.price)
        if price not in asked:
            raise ValueError(f"answer of respondent {answer.respondent!r} at price {answer.price!r}: not on the grid")
        if (answer.respondent, price) in seen:
            raise ValueError(f"respondent {answer.respondent!r} answers price {answer.price!r} twice")
        seen.add((answer.respondent, price))
        asked[price] += 1
        buyers[price] += bool(answer.buys)
    points = []
    for price in prices:
        demand = buyers[price] / asked[price] if asked[price] else None
        points.append(DemandPoint(price, asked[price], buyers[price], demand,
                                  price * demand if demand is not None else None))
    priced = [point for point in points if point.revenue is not None]
    best = max(priced, key=lambda point: point.revenue or 0.0, default=None)  # max keeps the first of a tie
    return GaborGrangerResult(tuple(points), best.price if best else None,
                              len({answer.respondent for answer in answers}))


# --- By segment ------------------------------------------------------------------------------------

A = TypeVar("A", PriceAnswer, GaborGrangerAnswer)


@dataclass(frozen=True)
class TooFewAnswers:
    """A segment below the minimum sample: not analysed."""

    segment: str | None
    valid: int
    minimum: int


@dataclass(frozen=True)
class SegmentedAnalysis(Generic[R]):
    """The whole sample's analysis, and each segment's (None: answers without a segment) or TooFewAnswers."""

    whole: R
    segments: Mapping[str | None, R | TooFewAnswers] = field(default_factory=dict)


def sample_size(answers: Sequence[PriceAnswer] | Sequence[GaborGrangerAnswer]) -> int:
    """Valid answers (PSM) or distinct respondents (Gabor-Granger)."""
    psm = sum(1 for answer in answers if isinstance(answer, PriceAnswer) and is_valid(answer))
    return psm + len({answer.respondent for answer in answers if isinstance(answer, GaborGrangerAnswer)})


def by_segment(answers: Sequence[A], analyse: Callable[[Sequence[A]], R], minimum: int = 30) -> SegmentedAnalysis[R]:
    """``analyse`` on the whole sample and on each segment with at least ``minimum`` (and at least one) valid
    answers or respondents (:func:`sample_size`); smaller segments get :class:`TooFewAnswers`. Segments come
    in name order, None last; ``analyse`` is e.g. ``analyse_psm`` or ``lambda a: analyse_gabor_granger(a, grid)``."""
    if minimum < 0:
        raise ValueError(f"minimum: {minimum} is below 0")
    groups: dict[str | None, list[A]] = {}
    for answer in answers:
        groups.setdefault(answer.segment, []).append(answer)
    segments: dict[str | None, R | TooFewAnswers] = {}
    for segment in sorted(groups, key=lambda name: (name is None, name or "")):
        size = sample_size(groups[segment])
        enough = size >= max(minimum, 1)
        segments[segment] = analyse(groups[segment]) if enough else TooFewAnswers(segment, size, minimum)
    return SegmentedAnalysis(whole=analyse(answers), segments=segments)


__all__ = [
    "Boundary",
    "DemandPoint",
    "GaborGrangerAnswer",
    "GaborGrangerResult",
    "NmsResult",
    "NmsSettings",
    "PriceAnswer",
    "PriceGridError",
    "PsmResult",
    "RangeConvention",
    "SegmentedAnalysis",
    "TooFewAnswers",
    "analyse_gabor_granger",
    "analyse_psm",
    "by_segment",
    "check_price_grid",
    "is_valid",
    "sample_size",
]
