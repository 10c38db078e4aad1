"""The scorecard's background job: the home page's scorecard kept fresh."""

from __future__ import annotations

from typing import Any

from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext
from servicescape.scorecard import service


def refresh(context: JobContext) -> dict[str, Any]:
    with context.transaction() as session:
        return service.refresh(session, context.runtime.settings, now=utcnow(), by=context.principal)


def health(context: JobContext) -> dict[str, Any]:
    from servicescape.scorecard import health as client_health

    with context.transaction() as session:
        return client_health.refresh(session, context.runtime.settings, now=utcnow(), by=context.principal)
