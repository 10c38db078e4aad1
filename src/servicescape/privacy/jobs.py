"""Data protection's background job: the retention limits applied every night."""

from __future__ import annotations

from typing import Any

from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext
from servicescape.privacy import retention


def apply_retention(context: JobContext) -> dict[str, Any]:
    with context.transaction() as session:
        return retention.apply(session, now=utcnow(), by=context.principal)
