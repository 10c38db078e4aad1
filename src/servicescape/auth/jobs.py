"""The jobs of staff and accounts (declared in capability.py)."""

from __future__ import annotations

from servicescape.auth import limits
from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext


def prune_sign_in_limits(context: JobContext) -> dict[str, int]:
    """Counts of wrong passwords whose window has passed mean nothing any more: they go."""
    with context.transaction() as session:
        return {"deleted": limits.prune(session, context.runtime.settings, now=utcnow())}
