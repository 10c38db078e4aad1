"""The registry entry of the scorecard: the seven elements of service marketing and the four goals
scored from the firm's own records (every other capability's), with trends, targets and weights."""

from __future__ import annotations

from datetime import timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import (
    MANAGERS,
    OWNERS,
    STAFF_AND_UP,
    Capability,
    ClientSection,
    HomePanel,
    Job,
    Nav,
    PermissionSpec,
    PersonalData,
)

READ = "scorecard.read"
MANAGE = "scorecard.manage"
MANAGE_ACTIONS = "scorecard.act"
HEALTH_READ = "scorecard.health"

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
                                          "dismiss them; recompute the clients' health"), MANAGERS),
        PermissionSpec(HEALTH_READ, N_("See the clients' health (its parts, trend and risk level)"), STAFF_AND_UP),
    ),
    api=("servicescape.scorecard.api", "servicescape.scorecard.health_api"),
    pages=("servicescape.scorecard.pages", "servicescape.scorecard.health_pages"),
    cli=("servicescape.scorecard.cli",),
    jobs=(Job("scorecard.refresh", "servicescape.scorecard.jobs:refresh",
              N_("Compute the scorecard of the last 90 days and of this quarter for the home page"),
              every=timedelta(hours=1)),
          Job("scorecard.health", "servicescape.scorecard.jobs:health",
              N_("Compute every client's health and open the playbooks' tasks for clients at risk"),
              every=timedelta(hours=6))),
    home_panels=(HomePanel("scorecard", "scorecard/_home_panel.html", "servicescape.scorecard.panels:home_panel",
                           READ, order=20),),
    client_sections=(ClientSection("health", "scorecard/_client_health.html",
                                   "servicescape.scorecard.health_pages:client_section", HEALTH_READ, order=11,
                                   side=True),),
    task_kinds=(("scorecard", N_("Act on the scorecard")), ("health", N_("Look after a client at risk"))),
    templates=True,
    personal_data=(PersonalData("scorecard_client_health", client="client_id"),),
)
