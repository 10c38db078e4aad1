"""The plan's daily jobs: find where clients name competitors, and open a task ahead of each staff
qualification's renewal. Both are idempotent: a second run in a row changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.db.types import utcnow
from servicescape.plan import mentions, people
from servicescape.platform.jobs.models import JobRun, RunStatus
from servicescape.platform.jobs.runner import JobContext

MENTIONS = "plan.competitor_mentions"
#: texts said this long before the last run are read again (a complaint recorded a few days late)
OVERLAP = timedelta(days=7)
#: and everything is read again this often (texts imported with old dates, edits, deletions)
FULL_EVERY = timedelta(days=7)
HISTORY = 60


def last_scan(session: Session, name: str, now: datetime, *,
              current_run: int | None = None) -> tuple[datetime | None, datetime | None]:
    """(texts said since, competitors changed since) for the next mentions scan — (None, None): read
    everything. The texts since shortly before the last successful run and the competitors changed
    since it started, unless no full scan succeeded within ``FULL_EVERY``."""
    runs = session.execute(select(JobRun.id, JobRun.started_at, JobRun.counts).where(
        JobRun.job == name, JobRun.status == RunStatus.succeeded)
        .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(HISTORY)).all()
    runs = [run for run in runs if run[0] != current_run]
    if not runs:
        return None, None
    last_full = next((started for _id, started, counts in runs if (counts or {}).get("full")), None)
    if last_full is None or now - last_full >= FULL_EVERY:
        return None, None
    return runs[0][1] - OVERLAP, runs[0][1]


def competitor_mentions(context: JobContext) -> dict[str, Any]:
    now = utcnow()
    with context.transaction() as session:
        since, changed_since = last_scan(session, context.job.name, now, current_run=context.run_id)
        found = mentions.scan(session, since=since, changed_since=changed_since, progress=context.heartbeat,
                              by=context.principal)
    return found.as_dict()


def renewals(context: JobContext) -> dict[str, Any]:
    settings = context.runtime.settings
    today = utcnow().astimezone(settings.zone).date()
    with context.transaction() as session:
        made = people.open_renewal_tasks(session, today=today, zone=settings.zone, by=context.principal)
    return {"tasks": made}
