"""The registry entry of the scorecard: the seven elements of service marketing and the four goals
scored from the firm's own records (every other capability's), with trends, targets and weights."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import MANAGERS, OWNERS, Capability, Nav, PermissionSpec

READ = "scorecard.read"
MANAGE = "scorecard.manage"

CAPABILITY = Capability(
    key="scorecard",
    label=N_("Scorecard"),
    package="servicescape.scorecard",
    nav=Nav(N_("Scorecard"), "scorecard", "/scorecard", permission=READ, order=73),
    models=("servicescape.scorecard.models",),
    permissions=(
        PermissionSpec(READ, N_("See the scorecard: the seven elements, the four goals and their measures"), MANAGERS),
        PermissionSpec(MANAGE, N_("Change how much each measure of the scorecard weighs"), OWNERS),
    ),
    api=("servicescape.scorecard.api",),
    pages=("servicescape.scorecard.pages",),
    cli=("servicescape.scorecard.cli",),
    templates=True,
)
