"""The jobs of import and export (declared in capability.py)."""

from __future__ import annotations

from servicescape.data.service import purge_rejects as purge_rejects_files
from servicescape.data.service import purge_uploads as purge_uploaded_files
from servicescape.platform.jobs.runner import JobContext


def purge_rejects(context: JobContext) -> dict[str, int]:
    """Rejected-rows files are kept a day for download; then they go."""
    return {"deleted": purge_rejects_files(context.runtime)}


def purge_uploads(context: JobContext) -> dict[str, int]:
    """Uploads waiting for their columns to be matched are kept two hours; then they go."""
    return {"deleted": purge_uploaded_files(context.runtime)}
