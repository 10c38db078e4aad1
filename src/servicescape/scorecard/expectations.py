"""What the firm's managers believe clients value: owners give each SERVQUAL dimension points out of
100, and gap 1 of the gap model (the knowledge gap) compares them with the importance clients give the
dimensions in their survey answers — "managers' estimate of client expectations against clients' own".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from servicescape.auth.permissions import Principal, require
from servicescape.errors import ValidationFailed
from servicescape.i18n import _
from servicescape.quality.instrument import DIMENSIONS
from servicescape.scorecard.capability import MANAGE, READ
from servicescape.scorecard.models import ExpectationEstimate

TOTAL = 100.0
#: how far from 100 the points may add up (rounding in a form)
SLACK = 0.5


def estimate(session: Session, *, by: Principal) -> dict[str, float] | None:
    """The managers' points per dimension (None until an owner gave them)."""
    require(by, READ)
    return _estimate(session)


def _estimate(session: Session) -> dict[str, float] | None:
    found = {row.dimension: float(row.points) for row in session.scalars(select(ExpectationEstimate))}
    return {d: found[d] for d in DIMENSIONS} if set(found) >= set(DIMENSIONS) else None


def set_estimate(session: Session, points: Mapping[str, Any], *, by: Principal) -> dict[str, float]:
    """Replace the estimate: points (0–100) for each of the five dimensions, adding up to 100. Audited."""
    require(by, MANAGE)
    unknown = sorted(set(points) - set(DIMENSIONS))
    if unknown:
        raise ValidationFailed(_("Unknown dimension %(name)s.", name=unknown[0]), field=unknown[0])
    chosen: dict[str, float] = {}
    for dimension in DIMENSIONS:
        value = points.get(dimension)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not 0 <= value <= TOTAL:
            raise ValidationFailed(_("Give each dimension from 0 to 100 points."), field=dimension)
        chosen[dimension] = float(value)
    if abs(sum(chosen.values()) - TOTAL) > SLACK:
        raise ValidationFailed(_("The points must add up to 100 (they add up to %(sum)s).",
                                 sum=f"{sum(chosen.values()):g}"), field="points")
    kept = {row.dimension: row for row in session.scalars(select(ExpectationEstimate))}
    session.execute(delete(ExpectationEstimate).where(ExpectationEstimate.dimension.not_in(DIMENSIONS)))
    for dimension, value in chosen.items():
        row = kept.get(dimension)
        if row is None:
            session.add(ExpectationEstimate(dimension=dimension, points=value, updated_by_id=getattr(by, "id", None)))
        elif row.points != value:
            row.points, row.updated_by_id = value, getattr(by, "id", None)
    session.flush()
    return chosen


@dataclass(frozen=True)
class Comparison:
    """The managers' points and the clients' own per dimension, and how much of the 100 points they share
    (100: the same split; 0: nothing in common)."""

    managers: dict[str, float]
    clients: dict[str, float]
    overlap: float

    def as_dict(self) -> dict[str, Any]:
        return {"managers": self.managers, "clients": {k: round(v, 2) for k, v in self.clients.items()},
                "overlap": round(self.overlap, 2)}


def compare(managers: Mapping[str, float], clients: Mapping[str, float | None]) -> Comparison | None:
    """The overlap of two splits of 100 points: 100 − half the sum of the differences (None when the
    clients gave no importance points in some dimension)."""
    if any(clients.get(d) is None for d in DIMENSIONS):
        return None
    theirs = {d: float(clients[d] or 0.0) for d in DIMENSIONS}
    scale = sum(theirs.values()) or 1.0
    theirs = {d: TOTAL * v / scale for d, v in theirs.items()}      # the means, made to add up to 100
    overlap = TOTAL - sum(abs(managers[d] - theirs[d]) for d in DIMENSIONS) / 2
    return Comparison(dict(managers), theirs, overlap)
