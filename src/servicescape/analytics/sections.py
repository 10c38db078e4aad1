"""The client page's value and risk: what this client is expected to bring and whether it is slipping
away — its own purchases read with the models the last count fitted (never a fit per page view)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.analytics import lifetime, service, value
from servicescape.analytics.capability import READ
from servicescape.analytics.labels import Numbers
from servicescape.auth.permissions import Principal, require
from servicescape.clients.models import Client, Invoice
from servicescape.offerings import service as offerings
from servicescape.web.deps import RequestContext
from servicescape.web.templating import Formatter


def client_value(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    numbers = Numbers(Formatter(context.language, context.runtime.settings.zone).locale)
    firm = service.settings(session, by=context.principal)
    query = service.default_query("clv", service.today(context.runtime.settings), firm)
    kept = service.kept(session, query, by=context.principal)
    if kept is None or "problem" in kept.payload:
        return {"client_value": None, "numbers": numbers}
    return {"client_value": one_client(session, client.id, kept.payload, firm.at_risk_below, firm.rhythm_multiple,
                                       context.runtime.settings.reporting_currency, by=context.principal),
            "numbers": numbers, "counted_at": kept.computed_at}


def one_client(session: Session, client_id: int, fitted: dict[str, Any], at_risk_below: float,
               rhythm_multiple: float, currency: str, *, by: Principal) -> dict[str, Any] | None:
    """One client's figures under the fitted models of a ``clv`` report (its ``parameters``,
    ``until``, ``time_unit``, ``horizon_months`` and ``annual_discount_rate``)."""
    require(by, READ)
    until = date.fromisoformat(fitted["until"])
    rates = offerings.rates(session, currency)
    days: dict[date, float] = {}
    rows = session.execute(select(Invoice.issued_on, Invoice.currency, func.sum(Invoice.amount))
                           .where(Invoice.client_id == client_id, Invoice.issued_on <= until)
                           .group_by(Invoice.issued_on, Invoice.currency))
    for day, code, amount in rows:
        if code in rates and amount is not None:
            days[day] = days.get(day, 0.0) + float(amount) * rates[code]
    bought = sorted(day for day, amount in days.items() if amount >= 0)
    if not bought:
        return None
    unit = value.UNIT_DAYS[fitted["time_unit"]]
    first, last = bought[0], bought[-1]
    x = np.array([len(bought) - 1], dtype=np.float64)
    t_x = np.array([(last - first).days / unit])
    age = np.array([(until - first).days / unit])
    repeat = [days[day] for day in bought[1:]]
    monetary = np.array([sum(repeat) / len(repeat) if repeat else 0.0])
    p = fitted["parameters"]
    bgnbd = lifetime.BgNbd(r=p["r"], alpha=p["alpha"], a=p["a"], b=p["b"], log_likelihood=0.0, clients=1)
    terms = value.LifetimeTerms(horizon_months=int(fitted["horizon_months"]),
                                annual_discount_rate=float(fitted["annual_discount_rate"]), unit=fitted["time_unit"])
    alive = float(lifetime.probability_alive(bgnbd, x, t_x, age)[0])
    expected = float(lifetime.expected_purchases(bgnbd, terms.horizon_months * terms.step, x, t_x, age)[0])
    if p["p"] is not None and p["q"] is not None and p["q"] > 1:
        spend_model = lifetime.GammaGamma(p=p["p"], q=p["q"], gamma=p["gamma"], log_likelihood=0.0, clients=1)
        spend = float(lifetime.expected_spend(spend_model, x, monetary)[0])
    else:
        spend = float(monetary[0]) if x[0] > 0 else days[first]
    clv = float(value.discounted_purchases(bgnbd, x, t_x, age, terms)[0]) * spend
    silent = (until - last).days
    gap = (last - first).days / x[0] if x[0] > 0 else None
    at_risk = alive < at_risk_below or (gap is not None and gap > 0 and silent / gap > rhythm_multiple)
    return {"currency": currency, "until": until, "purchases": len(bought), "probability_alive": alive,
            "expected_purchases": expected, "expected_spend": spend, "clv": clv, "days_silent": silent,
            "usual_gap_days": gap, "at_risk": at_risk, "horizon_months": terms.horizon_months}
