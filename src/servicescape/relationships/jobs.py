"""Relationships' background job: the daily watch over key accounts."""

from __future__ import annotations

from typing import Any

from servicescape import i18n
from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext
from servicescape.relationships.accounts import open_watch_tasks


def watch(context: JobContext) -> dict[str, Any]:
    settings = context.runtime.settings
    with i18n.speaking(settings.default_language), context.transaction() as session:
        return open_watch_tasks(session, now=utcnow(), reporting_currency=settings.reporting_currency,
                                zone=settings.zone, by=context.principal)
