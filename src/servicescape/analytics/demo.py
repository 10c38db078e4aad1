"""The demo firm's analytics settings: what winning a new client costs it (its proposals, site
surveys and meetings), so that the retention economics compare something from the first view."""

from __future__ import annotations

from decimal import Decimal

from servicescape.demo.steps import DemoRun
from servicescape.offerings import service as offerings

#: the demo firm (a Malaysian facilities-services firm) spends about this to win a client
ACQUISITION_COST_MYR = Decimal(9500)


def load_settings(run: DemoRun) -> None:
    currency = run.runtime.settings.reporting_currency
    with run.runtime.transaction() as session:
        rate = offerings.rates(session, currency).get("MYR")
        cost = Decimal(str(round(float(ACQUISITION_COST_MYR) * rate, -2))) if rate else None
        # the demo load is one audit event (demo_load): rows go in as the other steps' do
        run.insert(session.connection(), "analytics_settings", [{
            "id": 1, "acquisition_cost": cost, "annual_discount_rate": 0.10, "horizon_months": 12,
            "at_risk_below": 0.5, "rhythm_multiple": 2.0}])
