"""Voice of the client's background job: read what the capabilities store that is new or changed."""

from __future__ import annotations

from typing import Any

from servicescape.platform.jobs.runner import JobContext
from servicescape.voice import analysis


def analyse(context: JobContext) -> dict[str, Any]:
    """Collect new and changed comments, then read them batch after batch for up to four minutes
    (a bulk import's backlog is worked off over the next runs)."""
    return analysis.work_off(context.runtime, budget_seconds=240.0, heartbeat=context.heartbeat)
