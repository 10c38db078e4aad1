"""The platform's own jobs (declared in capability.py): sending e-mail, pruning the run history and the
public routes' rate windows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from servicescape.db.types import utcnow
from servicescape.platform.jobs.models import JobRun, RunStatus
from servicescape.platform.jobs.runner import JobContext
from servicescape.platform.mail import service as mail
from servicescape.platform.mail.models import MailStatus

#: how long the history of job runs is kept (failures longer, for owners to look into)
KEEP_RUNS = timedelta(days=30)
KEEP_FAILURES = timedelta(days=180)


def send_mail(context: JobContext) -> dict[str, int]:
    """Send what is due. Without SMTP settings nothing is sent and the count of waiting e-mails is
    recorded with the run (the outbox page shows them too); that is a state, not a failure."""
    if not context.runtime.settings.mail_configured:
        with context.transaction() as session:
            counts = mail.status_counts(session, by=context.principal)
        waiting = counts[MailStatus.queued] + counts[MailStatus.retrying]
        return {"waiting_smtp_not_configured": waiting}
    report = mail.send_pending(context.runtime)
    return {key: value for key, value in vars(report).items() if isinstance(value, int)}


def prune_runs(context: JobContext) -> dict[str, int]:
    """Forget successful runs after 30 days and failed ones after 180."""
    now = utcnow()
    with context.transaction() as session:
        ok = session.execute(delete(JobRun).where(JobRun.status == RunStatus.succeeded,
                                                  JobRun.started_at < now - KEEP_RUNS)).rowcount  # type: ignore[attr-defined]
        failed = session.execute(delete(JobRun).where(JobRun.status != RunStatus.succeeded,
                                                      JobRun.status != RunStatus.running,
                                                      JobRun.started_at < now - KEEP_FAILURES)).rowcount  # type: ignore[attr-defined]
    return {"deleted": ok + failed}


def prune_rate_limits(context: JobContext) -> dict[str, int]:
    """Forget the public routes' rate windows that no limit weighs any more."""
    from servicescape.platform import ratelimit

    return {"deleted": ratelimit.prune(context.runtime)}
