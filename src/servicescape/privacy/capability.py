"""Data protection's registry entry: a person's data exported and erased across every capability's
tables, and the retention limits of the kinds of record capabilities declare."""

from __future__ import annotations

from datetime import time

from servicescape.i18n import N_
from servicescape.platform.registry import OWNERS, Capability, Job, Nav, PermissionSpec

EXPORT = "privacy.export"
ERASE = "privacy.erase"

CAPABILITY = Capability(
    key="privacy",
    label=N_("Data protection"),
    package="servicescape.privacy",
    models=("servicescape.privacy.models",),
    templates=True,
    permissions=(
        PermissionSpec(EXPORT, N_("Export everything the firm holds about a client or a contact person; see the "
                                  "retention limits"), OWNERS),
        PermissionSpec(ERASE, N_("Erase a client or a contact person everywhere (data-protection request); set "
                                 "the retention limits"), OWNERS),
    ),
    nav=Nav(N_("Data protection"), "audit", "/privacy", permission=EXPORT, order=96),
    pages=("servicescape.privacy.pages",),
    cli=("servicescape.privacy.cli",),
    jobs=(Job("privacy.retention", "servicescape.privacy.jobs:apply_retention",
              N_("Erase what the firm keeps past its retention limits (survey free text, notes, e-mails sent)"),
              daily_at=time(2, 40)),),
)
