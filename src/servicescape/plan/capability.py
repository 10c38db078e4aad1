"""The registry entry of the firm's message, knowledge and plan."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import ALL_ROLES, MANAGERS, STAFF_AND_UP, Capability, PermissionSpec

READ = "plan.read"
WRITE = "plan.write"
MANAGE = "plan.manage"

CAPABILITY = Capability(
    key="plan",
    label=N_("Message, knowledge and plan"),
    package="servicescape.plan",
    models=("servicescape.plan.models",),
    permissions=(
        PermissionSpec(READ, N_("See the message library, case studies, proposals, competitors, key accounts' "
                                "needs and the plan"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Draft messages and case studies, make proposals, record what clients value, "
                                 "competitors' strengths and weaknesses, articles and talks"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Approve messages and case studies, set the plan and its targets, competitors, "
                                  "staff qualifications and who may resolve complaints without asking"), MANAGERS),
    ),
    templates=True,
)
