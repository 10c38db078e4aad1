"""Capacity's background job: a task for each person over-booked in a week where they hold promised
windows (once per person and week)."""

from __future__ import annotations

from typing import Any

from servicescape.capacity import demand
from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext

WEEKS_AHEAD = 6


def warn_overbooked(context: JobContext) -> dict[str, Any]:
    settings = context.runtime.settings
    today = utcnow().astimezone(settings.zone).date()
    with context.transaction() as session:
        made = demand.warn_overbooked(session, today=today, weeks=WEEKS_AHEAD, zone=settings.zone,
                                      reporting_currency=settings.reporting_currency, by=context.principal)
    return {"tasks": made}
