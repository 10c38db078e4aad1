"""Analytics' background job: count the pages' reports again when the data has changed."""

from __future__ import annotations

from typing import Any

from servicescape.analytics import service
from servicescape.platform.jobs.runner import JobContext


def refresh(context: JobContext) -> dict[str, Any]:
    with context.transaction() as session:
        return service.refresh(session, by=context.principal)
