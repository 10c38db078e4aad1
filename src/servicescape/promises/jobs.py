"""The promise ledger's background job."""

from __future__ import annotations

from typing import Any

from servicescape import i18n
from servicescape.db.types import utcnow
from servicescape.platform.jobs.runner import JobContext
from servicescape.promises.sweep import sweep as run_sweep


def sweep(context: JobContext) -> dict[str, Any]:
    settings = context.runtime.settings
    with i18n.speaking(settings.default_language), context.transaction() as session:
        return run_sweep(session, settings, now=utcnow(), by=context.principal).as_dict()
