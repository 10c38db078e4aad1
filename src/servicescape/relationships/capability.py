"""Relationships' registry entry: contact cadence, continuity, key accounts, the daily agenda and
each person's calendar feed."""

from __future__ import annotations

from datetime import time

from servicescape.i18n import N_
from servicescape.platform.registry import (
    ALL_ROLES,
    MANAGERS,
    Capability,
    DemoStep,
    HomePanel,
    Job,
    Nav,
    PermissionSpec,
)

READ = "relationships.read"
MANAGE = "relationships.manage"

REVIEW = "review"
NEW_FACE = "new_face"

CAPABILITY = Capability(
    key="relationships",
    label=N_("Relationships"),
    package="servicescape.relationships",
    nav=Nav(N_("Relationships"), "relationships", "/relationships/agenda", permission=READ, order=41),
    models=("servicescape.relationships.models",),
    permissions=(
        PermissionSpec(READ, N_("See the agenda, overdue contacts and key accounts"), ALL_ROLES),
        PermissionSpec(MANAGE, N_("Set how often each tier should be contacted; see colleagues' agendas"), MANAGERS),
    ),
    api=("servicescape.relationships.api",),
    pages=("servicescape.relationships.pages", "servicescape.relationships.calendar"),
    cli=("servicescape.relationships.cli",),
    demo=(DemoStep("servicescape.relationships.demo:load_relationships",
                   ("cadence_policy", "exchange_rate", "interaction", "task"), order=75),),
    jobs=(Job("relationships.watch", "servicescape.relationships.jobs:watch",
              N_("Open a review for each key account without one, and flag new faces on key accounts"),
              daily_at=time(6, 30)),),
    home_panels=(HomePanel("agenda", "relationships/_agenda_panel.html",
                           "servicescape.relationships.pages:agenda_panel", READ, order=5),),
    task_kinds=((REVIEW, N_("Account review")), (NEW_FACE, N_("New face on a key account"))),
    templates=True,
)
