"""Scoring the measures: each figure scored 0–100 by its thresholds (or by the plan's target), the
elements and goals as weighted means of the scores they have, coverage, and trends with a dead-band.

Pure functions over :class:`Figure` values; the figures come from ``figures.py``, the measures'
definitions from ``catalogue.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: how many points a score must move between two periods before its trend is "up" or "down"
DEAD_BAND = 3.0

IN_USE, NO_DATA, NOT_IN_USE = "ok", "no_data", "not_in_use"
UP, DOWN, FLAT = "up", "down", "flat"


@dataclass(frozen=True)
class Figure:
    """A measure's value for a period, with the sample it stands on. ``status``: ``ok`` (a value),
    ``no_data`` (the capability is in use, but nothing fell in the period) or ``not_in_use`` (the firm
    keeps no such records at all)."""

    value: float | None
    n: int = 0
    status: str = IN_USE

    @classmethod
    def share(cls, part: int, whole: int) -> Figure:
        """A share in percent of ``whole`` items (no data when there are none)."""
        return cls(100.0 * part / whole, whole) if whole else cls(None, 0, NO_DATA)

    @classmethod
    def unused(cls) -> Figure:
        return cls(None, 0, NOT_IN_USE)

    @property
    def known(self) -> bool:
        return self.status == IN_USE and self.value is not None


def score(value: float, poor: float, good: float) -> float:
    """0 at ``poor`` or worse, 100 at ``good`` or better, linear between (``good`` may be below
    ``poor``: lower is better)."""
    if good == poor:
        return 100.0 if value == good else 0.0
    return max(0.0, min(100.0, 100.0 * (value - poor) / (good - poor)))


def scored_against(value: float, poor: float, good: float, target: float | None, at_most: bool = False) -> float:
    """The score of ``value``; with a target of the plan, the target is what scores 100 (a target
    beyond the poor end scores by meeting it or not)."""
    if target is None:
        return score(value, poor, good)
    if (not at_most and target <= poor) or (at_most and target >= poor):
        return 100.0 if (value <= target if at_most else value >= target) else 0.0
    return score(value, poor, target)


def trend(now: float | None, before: float | None, dead_band: float = DEAD_BAND) -> str | None:
    """``up``/``down`` when the score moved more than the dead-band since the previous period, else
    ``flat``; None when either period has no score."""
    if now is None or before is None:
        return None
    if now - before > dead_band:
        return UP
    if before - now > dead_band:
        return DOWN
    return FLAT


@dataclass(frozen=True)
class Combined:
    """A weighted mean of the scores that exist, and how much of the weight they carry."""

    score: float | None
    coverage: float          # 0..1: the weight of the measures with a score over all the weight
    scored: int              # measures with a score
    total: int               # measures of the group


def combine(scores: Mapping[str, float | None], weights: Mapping[str, float], members: Iterable[str]) -> Combined:
    """The weighted mean of ``members``' scores; those without a score are left out and the rest
    renormalised (a measure with no data never counts as zero)."""
    keys = list(members)
    total_weight = sum(weights.get(key, 1.0) for key in keys)
    present = [(scores[key], weights.get(key, 1.0)) for key in keys if scores.get(key) is not None]
    weight = sum(w for _score, w in present)
    if not present or weight <= 0:
        return Combined(None, 0.0, 0, len(keys))
    mean = sum(s * w for s, w in present if s is not None) / weight
    return Combined(mean, weight / total_weight if total_weight else 0.0, len(present), len(keys))
