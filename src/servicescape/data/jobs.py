"""The jobs of import and export (declared in capability.py)."""

from __future__ import annotations

from servicescape.data.service import purge_rejects as purge_rejects_files
from servicescape.platform.jobs.runner import JobContext


def purge_rejects(context: JobContext) -> dict[str, int]:
    """Rejected-rows files are kept a day for download; then they go."""
    return {"deleted": purge_rejects_files(context.runtime)}
