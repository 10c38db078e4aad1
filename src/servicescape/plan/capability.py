"""The registry entry of the firm's message, knowledge and plan: the approved message library and
where it is used, case studies and proposal packs (``message_*`` modules); what key accounts
value, competitors and their mentions, the plan with its targets and environment review, staff
qualifications, articles and talks, and who may resolve complaints without asking
(``knowledge_*`` modules)."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import ALL_ROLES, MANAGERS, STAFF_AND_UP, Capability, Nav, PermissionSpec

READ = "plan.read"
WRITE = "plan.write"
MANAGE = "plan.manage"

CAPABILITY = Capability(
    key="plan",
    label=N_("Message, knowledge and plan"),
    package="servicescape.plan",
    nav=Nav(N_("Message and plan"), "plan", "/plan", permission=READ, order=72),
    models=("servicescape.plan.models",),
    permissions=(
        PermissionSpec(READ, N_("See the message library, case studies, proposals, competitors, key accounts' "
                                "needs and the plan"), ALL_ROLES),
        PermissionSpec(WRITE, N_("Draft messages and case studies, make proposals, record what clients value, "
                                 "competitors' strengths and weaknesses, articles and talks"), STAFF_AND_UP),
        PermissionSpec(MANAGE, N_("Approve messages and case studies, set the plan and its targets, competitors, "
                                  "staff qualifications and who may resolve complaints without asking"), MANAGERS),
    ),
    api=("servicescape.plan.message_api", "servicescape.plan.knowledge_api"),
    pages=("servicescape.plan.message_pages", "servicescape.plan.knowledge_pages"),
    cli=("servicescape.plan.message_cli", "servicescape.plan.knowledge_cli"),
    templates=True,
)
