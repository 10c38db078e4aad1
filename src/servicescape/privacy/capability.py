"""Data protection's registry entry: a person's data exported from every capability's tables."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import OWNERS, Capability, PermissionSpec

EXPORT = "privacy.export"
ERASE = "privacy.erase"

CAPABILITY = Capability(
    key="privacy",
    label=N_("Data protection"),
    package="servicescape.privacy",
    permissions=(PermissionSpec(EXPORT, N_("Export everything the firm holds about a client or a contact person"),
                                OWNERS),
                 PermissionSpec(ERASE, N_("Erase a client or a contact person everywhere (data-protection request)"),
                                OWNERS)),
    cli=("servicescape.privacy.cli",),
)
