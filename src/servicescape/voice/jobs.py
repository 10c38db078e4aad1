"""Voice of the client's background job: read what the capabilities store that is new or changed."""

from __future__ import annotations

from typing import Any

from servicescape.platform.jobs.runner import JobContext
from servicescape.voice import analysis

#: how long a run reads: the scheduler runs due jobs one after another, so the others wait at most this
#: long; a bulk import's backlog is worked off over the next runs (~3,500 new comments a minute)
BUDGET_SECONDS = 50.0


def analyse(context: JobContext) -> dict[str, Any]:
    """Collect new and changed comments, then read them round after round for up to
    :data:`BUDGET_SECONDS`."""
    return analysis.work_off(context.runtime, budget_seconds=BUDGET_SECONDS, heartbeat=context.heartbeat)
