"""Staff and accounts: who works here, their roles, sign-in, sessions and API tokens.

The package is ``servicescape.auth`` (every other capability refers to its ``Staff``); its key in
the registry is ``staff``.
"""

from __future__ import annotations

from datetime import timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import (
    ALL_ROLES,
    MANAGERS,
    OWNERS,
    Capability,
    DemoStep,
    Job,
    Nav,
    PermissionSpec,
)

DIRECTORY = "staff.directory"
VIEW = "staff.view"
MANAGE = "staff.manage"

CAPABILITY = Capability(
    key="staff",
    label=N_("Staff"),
    package="servicescape.auth",
    nav=Nav(N_("Staff"), "staff", "/staff", permission=VIEW, order=90),
    models=("servicescape.auth.models", "servicescape.auth.link_models"),
    permissions=(
        PermissionSpec(DIRECTORY, N_("See colleagues' names (to choose owners and deliverers)"), ALL_ROLES),
        PermissionSpec(VIEW, N_("See the staff page: e-mails, roles and sign-ins"), MANAGERS),
        PermissionSpec(MANAGE, N_("Add staff, change roles, deactivate accounts"), OWNERS),
    ),
    api=("servicescape.auth.api", "servicescape.auth.invitations_api"),
    pages=("servicescape.auth.pages", "servicescape.auth.staff_pages", "servicescape.auth.password_pages",
           "servicescape.auth.account_pages"),
    cli=("servicescape.auth.cli",),
    demo=(DemoStep("servicescape.auth.demo:load_roster", ("staff",), order=10),),
    jobs=(Job("staff.sign_in_limits", "servicescape.auth.jobs:prune_sign_in_limits",
              N_("Forget counted wrong passwords once their window has passed"), every=timedelta(hours=1)),),
    templates=True,
)
