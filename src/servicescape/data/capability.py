"""Import and export of the kinds capabilities declare (the client book's five today)."""

from __future__ import annotations

from datetime import timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import MANAGERS, Capability, Job, PermissionSpec

BULK_DATA = "data.bulk"

CAPABILITY = Capability(
    key="data",
    label=N_("Import and export"),
    package="servicescape.data",
    permissions=(PermissionSpec(BULK_DATA, N_("Import and export whole tables"), MANAGERS),),
    api=("servicescape.data.api",),
    pages=("servicescape.data.pages",),
    cli=("servicescape.data.cli",),
    jobs=(Job("data.purge_rejects", "servicescape.data.jobs:purge_rejects",
              N_("Delete the rejected-rows files of imports older than a day"), every=timedelta(hours=1)),
          Job("data.purge_uploads", "servicescape.data.jobs:purge_uploads",
              N_("Delete uploaded files left at the column step for more than two hours"),
              every=timedelta(minutes=15))),
    templates=True,
)
