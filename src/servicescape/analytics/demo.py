"""The demo firm's analytics settings: what winning a new client costs it (its proposals, site
surveys and meetings), so that the retention economics compare something from the first view."""

from __future__ import annotations

from decimal import Decimal

from servicescape.analytics import service
from servicescape.auth.permissions import SYSTEM
from servicescape.demo.steps import DemoRun
from servicescape.offerings import service as offerings

#: the demo firm (a Malaysian facilities-services firm) spends about this to win a client
ACQUISITION_COST_MYR = Decimal(9500)


def load_settings(run: DemoRun) -> None:
    currency = run.runtime.settings.reporting_currency
    with run.runtime.transaction() as session:
        rate = offerings.rates(session, currency).get("MYR")
        cost = round(float(ACQUISITION_COST_MYR) * rate, -2) if rate else None
        service.update_settings(session, {"acquisition_cost": cost}, by=SYSTEM)
    run.counts["analytics_settings"] = 1
