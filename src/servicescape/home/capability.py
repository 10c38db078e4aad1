"""The home page and the health check."""

from __future__ import annotations

from servicescape.i18n import N_
from servicescape.platform.registry import ALL_ROLES, Capability, HomePanel, Nav, PermissionSpec

USE = "home.use"

CAPABILITY = Capability(
    key="home",
    label=N_("Home"),
    package="servicescape.home",
    nav=Nav(N_("Today"), "home", "/", permission=USE, order=10),
    permissions=(PermissionSpec(USE, N_("See the home page"), ALL_ROLES),),
    pages=("servicescape.home.pages", "servicescape.web.pages.api_docs"),
    home_panels=(HomePanel("activity", "home/_activity.html", "servicescape.home.panels:recent_activity",
                           USE, order=50),),
    templates=True,
)
