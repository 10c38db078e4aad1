"""Customer analytics' registry entry: where value is concentrated, who is slipping away, what each
client is worth — on DuckDB in this process, or on Spark."""

from __future__ import annotations

from datetime import timedelta

from servicescape.i18n import N_
from servicescape.platform.registry import (
    MANAGERS,
    Capability,
    ClientSection,
    DemoStep,
    HomePanel,
    Job,
    Nav,
    PermissionSpec,
)

READ = "analytics.read"
MANAGE = "analytics.manage"

CAPABILITY = Capability(
    key="analytics",
    label=N_("Analytics"),
    package="servicescape.analytics",
    nav=Nav(N_("Customer analytics"), "analytics", "/analytics", permission=READ, order=72),
    models=("servicescape.analytics.models",),
    permissions=(
        PermissionSpec(READ, N_("See where revenue is concentrated, clients' value and who is slipping away"),
                       MANAGERS),
        PermissionSpec(MANAGE, N_("Set the cost of winning a client and the terms of lifetime value"), MANAGERS),
    ),
    api=("servicescape.analytics.api",),
    pages=("servicescape.analytics.pages",),
    cli=("servicescape.analytics.cli",),
    jobs=(Job("analytics.refresh", "servicescape.analytics.jobs:refresh",
              N_("Count the analytics again when the data has changed"),
              every=timedelta(minutes=5), lease=timedelta(minutes=30)),),
    client_sections=(ClientSection("value", "analytics/_client_value.html",
                                   "servicescape.analytics.sections:client_value", READ, order=12, side=True),),
    home_panels=(HomePanel("at_risk_key_accounts", "analytics/_home_at_risk.html",
                           "servicescape.analytics.pages:home_at_risk", READ, order=40),),
    demo=(DemoStep("servicescape.analytics.demo:load_settings", ("analytics_settings",), order=95),),
    templates=True,
)
