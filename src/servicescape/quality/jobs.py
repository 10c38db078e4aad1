"""Service quality's background job: survey reminders (and the first e-mails that had to wait)."""

from __future__ import annotations

from typing import Any

from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext
from servicescape.quality import campaigns

#: e-mails queued per transaction: a large campaign's reminders never hold the database long
BATCH = 1000


def remind(context: JobContext) -> dict[str, Any]:
    """Close the campaigns whose links expired; e-mail those due an invitation or a reminder, a
    batch per transaction."""
    settings = context.runtime.settings
    now = utcnow()
    totals = {"invited": 0, "reminded": 0, "closed": 0}
    while True:
        with context.transaction() as session:
            report = campaigns.remind(session, settings, now=now, limit=BATCH, by=context.principal)
        for key in totals:
            totals[key] += getattr(report, key)
        if not report.more:
            # the last batch went through every open campaign: its counts of those held back are whole
            return {**totals, "waiting": report.waiting, "bad_address": report.bad_address}
        context.heartbeat()
