"""The service-level targets a client was sold: the one place the promise ledger (complaint
response and resolution times) and the relationship cadence (contact every so many days) read them.

A client's tier sets the firm's default targets (the promise ledger's and the cadence's own
policies); a package level promises more where it sets a target. A client with active engagements
at several levels gets, for each target, the strictest of them and of its tier's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, case, cast, func, null, select
from sqlalchemy.orm import Session

from servicescape.clients.models import Client, Engagement, EngagementStatus
from servicescape.offerings.models import EngagementLevel, PackageLevel


@dataclass(frozen=True)
class LevelTargets:
    first_response_hours: int | None = None
    resolution_days: int | None = None
    cadence_days: int | None = None

    def stricter(self, field: str, tier_value: int) -> int:
        """The tier's target for ``field``, or the level's where it promises more (less time)."""
        level_value = getattr(self, field)
        return tier_value if level_value is None else min(level_value, tier_value)


def _active_levels(client_id: Any) -> Any:
    return (select(PackageLevel)
            .join(EngagementLevel, EngagementLevel.level_id == PackageLevel.id)
            .join(Engagement, Engagement.id == EngagementLevel.engagement_id)
            .where(Engagement.client_id == client_id, Engagement.status == EngagementStatus.active))


def level_targets(session: Session, client_id: int) -> LevelTargets:
    """The strictest targets of the levels a client has active engagements at (None: none set)."""
    levels = _active_levels(client_id).subquery()
    row = session.execute(select(func.min(levels.c.first_response_hours), func.min(levels.c.resolution_days),
                                 func.min(levels.c.cadence_days))).one()
    return LevelTargets(*row)


def level_targets_between(connection: Connection, first_id: int, last_id: int) -> dict[int, LevelTargets]:
    """:func:`level_targets` of the clients with ids ``first_id``..``last_id`` that have any, in one query."""
    query = (select(Engagement.client_id, func.min(PackageLevel.first_response_hours),
                    func.min(PackageLevel.resolution_days), func.min(PackageLevel.cadence_days))
             .join(EngagementLevel, EngagementLevel.level_id == PackageLevel.id)
             .join(Engagement, Engagement.id == EngagementLevel.engagement_id)
             .where(Engagement.client_id.between(first_id, last_id), Engagement.status == EngagementStatus.active)
             .group_by(Engagement.client_id))
    return {client_id: LevelTargets(*found) for client_id, *found in connection.execute(query)}


def cadence_days_column(session: Session) -> Any:
    """A column expression of each ``Client`` row: its levels' strictest contact cadence in days
    (NULL where no active engagement's level sets one); correlated on ``Client.id``. A constant NULL
    while no level sets a cadence at all (the list of overdue clients then costs nothing more)."""
    if _cadences(session) == []:
        return cast(null(), Integer)
    return (select(func.min(PackageLevel.cadence_days))
            .join(EngagementLevel, EngagementLevel.level_id == PackageLevel.id)
            .join(Engagement, Engagement.id == EngagementLevel.engagement_id)
            .where(Engagement.client_id == Client.id, Engagement.status == EngagementStatus.active)
            .correlate(Client).scalar_subquery())


def _cadences(session: Session) -> list[int]:
    """The contact cadences the levels set, each once."""
    return sorted(session.scalars(select(PackageLevel.cadence_days)  # type: ignore[arg-type]
                                  .where(PackageLevel.cadence_days.is_not(None)).distinct()))


def contact_cutoff(session: Session, tier_cutoff: Any, level_days: Any, now: datetime) -> Any:
    """The moment before which a client's last contact is overdue: its tier's (``tier_cutoff``, an
    expression) or, where a level of theirs promises contact more often (``level_days``, e.g. the
    labelled :func:`cadence_days_column`), the level's."""
    every = _cadences(session)
    if not every:
        return tier_cutoff
    level_cutoff = case({days: now - timedelta(days=days) for days in every}, value=level_days, else_=None)
    return case((level_cutoff > tier_cutoff, level_cutoff), else_=tier_cutoff)
