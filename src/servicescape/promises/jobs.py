"""The promise ledger's background job."""

from __future__ import annotations

from typing import Any

from servicescape import i18n
from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext
from servicescape.promises import months
from servicescape.promises.sweep import sweep as run_sweep


def sweep(context: JobContext) -> dict[str, Any]:
    settings = context.runtime.settings
    with i18n.speaking(settings.default_language), context.transaction() as session:
        return run_sweep(session, settings, now=utcnow(), by=context.principal).as_dict()


def keep_figures(context: JobContext) -> dict[str, Any]:
    """Count again the whole months whose promises changed, so that people read kept figures."""
    settings = context.runtime.settings
    with context.transaction() as session:
        return {"months_counted": months.refresh(session, zone=settings.zone, now=utcnow())}
