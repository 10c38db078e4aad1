"""Newton–Miller–Smith (NMS) extension of the price-sensitivity meter: trial and revenue per price.

Each respondent also says how likely they are to buy at their own "cheap" and "expensive" price, on a
1–5 scale (5 = very likely). The answers are calibrated to purchase probabilities (by default, as
pricesensitivitymeter's ``NMS_DEFAULTS`` in R/psm_constants.R: 5 → 0.7, 4 → 0.5, 3 → 0.3, 2 → 0.1,
1 → 0), and each respondent's purchase probability at a grid price p is the piecewise-linear line through

    (too cheap, q_tc), (cheap, q(likely_cheap)), (expensive, q(likely_expensive)), (too expensive, q_te)

with q_tc = q_te = 0 by default (R's ``pi_calibrated_toocheap`` / ``pi_calibrated_tooexpensive``), and 0
below "too cheap" and above "too expensive". pricesensitivitymeter (R/psm_data_processing.R,
``create_nms_matrix``; R/psm-utils.R, ``interpolate_nms_matrix``) puts the four known values in a
respondent × grid-price matrix and fills the columns between them with ``seq.int(from, to, length.out)``:
the line is linear in the *position on the grid*, not in the price (the same thing only on an evenly spaced
grid); the cells left empty become 0. That is ``interpolation="grid_position"`` (the default, which needs
each respondent's four prices on the grid: always so on the grid of the answers' own prices);
``interpolation="price"`` draws the line in price instead and works on any grid.

    trial(p)   = mean over respondents of their purchase probability at p   (R calls it "reach" since 1.3.0)
    revenue(p) = p × trial(p)                                               (per respondent)

The best prices are the first grid price with the highest trial and with the highest revenue (R's
``which.max``: ties go to the lower price).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from servicescape.offerings.pricing import PriceAnswer

Floats = npt.NDArray[np.float64]
Interpolation = Literal["grid_position", "price"]

#: pricesensitivitymeter's default calibration of the 1–5 purchase-likelihood scale (pi_scale 5:1)
DEFAULT_CALIBRATION: Mapping[float, float] = MappingProxyType({5.0: 0.7, 4.0: 0.5, 3.0: 0.3, 2.0: 0.1, 1.0: 0.0})


def _default_calibration() -> dict[float, float]:
    return dict(DEFAULT_CALIBRATION)


@dataclass(frozen=True)
class NmsSettings:
    """How likelihood answers become purchase probabilities (see the module docstring)."""

    calibration: Mapping[float, float] = field(default_factory=_default_calibration)
    at_too_cheap: float = 0.0
    at_too_expensive: float = 0.0
    interpolation: Interpolation = "grid_position"


@dataclass(frozen=True)
class NmsResult:
    """Trial (mean purchase probability) and revenue per respondent (price × trial) at each grid price."""

    prices: tuple[float, ...]
    trial: tuple[float, ...]
    revenue: tuple[float, ...]
    best_trial_price: float | None
    best_revenue_price: float | None
    respondents: int
    settings: NmsSettings


def _who(answer: PriceAnswer, index: int) -> str:
    return repr(answer.respondent) if answer.respondent is not None else f"answer #{index}"


def with_likelihood(valid: Sequence[PriceAnswer]) -> list[PriceAnswer]:
    """The valid answers that give both purchase likelihoods: the Newton–Miller–Smith sample (an answer
    that skipped one or both questions still counts for the four price curves)."""
    return [answer for answer in valid if answer.likely_cheap is not None and answer.likely_expensive is not None]


def _check_settings(settings: NmsSettings) -> None:
    probabilities = [*settings.calibration.values(), settings.at_too_cheap, settings.at_too_expensive]
    for probability in probabilities:
        if not (math.isfinite(probability) and 0.0 <= probability <= 1.0):
            raise ValueError(f"purchase likelihood: calibrated probability {probability!r} is not within 0 to 1")


def _calibrated(settings: NmsSettings, answer: PriceAnswer, index: int, value: float | None) -> float:
    if value is None or value not in settings.calibration:
        scale = sorted(settings.calibration)
        raise ValueError(f"purchase likelihood: {_who(answer, index)} answers {value!r}, not on the scale {scale}")
    return float(settings.calibration[value])


def _positions(grid: Floats, anchors: Sequence[float], answer: PriceAnswer, index: int) -> list[float]:
    found = np.searchsorted(grid, anchors)
    positions: list[float] = []
    for price, at in zip(anchors, found, strict=True):
        if at >= grid.size or grid[at] != price:
            raise ValueError(
                f"purchase likelihood: price {price!r} of {_who(answer, index)} is not on the grid; "
                "interpolation='grid_position' needs it there (use interpolation='price')"
            )
        positions.append(float(at))
    return positions


def _first_best(prices: Floats, values: Floats) -> float | None:
    return float(prices[int(np.argmax(values))]) if values.size else None


def analyse_nms(valid: Sequence[PriceAnswer], prices: Sequence[float], settings: NmsSettings) -> NmsResult:
    """Trial and revenue on ``prices`` (ascending) for valid answers that all give purchase likelihoods."""
    _check_settings(settings)
    grid: Floats = np.asarray(prices, dtype=np.float64)
    steps: Floats = np.arange(grid.size, dtype=np.float64)
    rows = np.zeros((len(valid), grid.size))
    for index, answer in enumerate(valid):
        anchors = [answer.too_cheap, answer.cheap, answer.expensive, answer.too_expensive]
        values = [
            settings.at_too_cheap,
            _calibrated(settings, answer, index, answer.likely_cheap),
            _calibrated(settings, answer, index, answer.likely_expensive),
            settings.at_too_expensive,
        ]
        if settings.interpolation == "grid_position":
            where, points = steps, _positions(grid, anchors, answer, index)
        else:
            where, points = grid, anchors
        inside = (where >= points[0]) & (where <= points[-1])
        rows[index] = np.where(inside, np.interp(where, points, values), 0.0)
    trial: Floats = rows.mean(axis=0) if len(valid) else np.zeros(grid.size)
    revenue: Floats = grid * trial
    return NmsResult(
        prices=tuple(float(p) for p in grid),
        trial=tuple(float(t) for t in trial),
        revenue=tuple(float(r) for r in revenue),
        best_trial_price=_first_best(grid, trial),
        best_revenue_price=_first_best(grid, revenue),
        respondents=len(valid),
        settings=settings,
    )


__all__ = [
    "DEFAULT_CALIBRATION",
    "Interpolation",
    "NmsResult",
    "NmsSettings",
    "analyse_nms",
    "with_likelihood",
]
