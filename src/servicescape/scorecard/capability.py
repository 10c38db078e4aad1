"""The registry entry of the scorecard: the seven elements of service marketing and the four goals
scored from the firm's own records (every other capability's), with trends, targets and weights."""

from __future__ import annotations

from datetime import timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import MANAGERS, OWNERS, Capability, HomePanel, Job, Nav, PermissionSpec

READ = "scorecard.read"
MANAGE = "scorecard.manage"
MANAGE_ACTIONS = "scorecard.act"

CAPABILITY = Capability(
    key="scorecard",
    label=N_("Scorecard"),
    package="servicescape.scorecard",
    nav=Nav(N_("Scorecard"), "scorecard", "/scorecard", permission=READ, order=73),
    models=("servicescape.scorecard.models",),
    permissions=(
        PermissionSpec(READ, N_("See the scorecard: the seven elements, the four goals and their measures"), MANAGERS),
        PermissionSpec(MANAGE, N_("Change how much each measure of the scorecard weighs"), OWNERS),
        PermissionSpec(MANAGE_ACTIONS, N_("Accept the scorecard's recommendations (tasks for the owners) or "
                                          "dismiss them"), MANAGERS),
    ),
    api=("servicescape.scorecard.api",),
    pages=("servicescape.scorecard.pages",),
    cli=("servicescape.scorecard.cli",),
    jobs=(Job("scorecard.refresh", "servicescape.scorecard.jobs:refresh",
              N_("Compute the scorecard of the last 90 days and of this quarter for the home page"),
              every=timedelta(hours=1)),),
    home_panels=(HomePanel("scorecard", "scorecard/_home_panel.html", "servicescape.scorecard.panels:home_panel",
                           READ, order=20),),
    task_kinds=(("scorecard", N_("Act on the scorecard")),),
    templates=True,
)
