"""Capacity and demand's registry entry: who is available when, how full they are, the hours that
perished unsold, and the demand of the weeks ahead against the capacity promised."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import MANAGERS, Capability, Nav, PermissionSpec

READ = "capacity.read"
MANAGE = "capacity.manage"

CAPABILITY = Capability(
    key="capacity",
    label=N_("Capacity and demand"),
    package="servicescape.capacity",
    nav=Nav(N_("Capacity and demand"), "capacity", "/capacity", permission=READ, order=71),
    models=("servicescape.capacity.models",),
    permissions=(
        PermissionSpec(READ, N_("See staff capacity, utilisation, perished hours and the demand outlook"), MANAGERS),
        PermissionSpec(MANAGE, N_("Set staff capacity and book or record their hours"), MANAGERS),
    ),
    templates=True,
)
