"""The platform's own tables and owner pages: the audit trail, jobs and their runs."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import OWNERS, Capability, Nav, PermissionSpec

OPERATE = "system.operate"

CAPABILITY = Capability(
    key="system",
    label=N_("System"),
    package="servicescape.system",
    models=("servicescape.audit.models", "servicescape.platform.jobs.models"),
    nav=Nav(N_("System"), "settings", "/system/jobs", permission=OPERATE, order=95),
    permissions=(PermissionSpec(OPERATE, N_("See and run background jobs, back up the database"), OWNERS),),
    pages=("servicescape.system.pages",),
    cli=("servicescape.system.cli", "servicescape.system.backup_cli"),
    templates=True,
)
