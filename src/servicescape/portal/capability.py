"""The client portal's registry entry: a client's contacts sign in (a one-time link or a password)
to look up their promises, milestones, invoices, complaints, surveys and documents, to confirm or
ask for another window, raise requests and complaints and order from the catalogue."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import ALL_ROLES, MANAGERS, STAFF_AND_UP, Capability, PermissionSpec

READ = "portal.read"
WRITE = "portal.write"
MANAGE = "portal.manage"

CAPABILITY = Capability(
    key="portal",
    label=N_("Client portal"),
    package="servicescape.portal",
    models=("servicescape.portal.models",),
    permissions=(
        PermissionSpec(READ, N_("See who may use the client portal, what clients asked there, milestones and "
                                "shared documents"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Invite contacts to the portal, answer their requests, share documents and "
                                 "keep milestones"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Close portal accounts and delete shared documents"), MANAGERS),
    ),
    templates=True,
)
